import Foundation
import Testing
import Torch
import Training

/// A small synthetic 3-class problem: Gaussian blobs in 8 dimensions.
struct Blobs: BatchSource, @unchecked Sendable {
    let x: Tensor
    let y: Tensor
    let targets: [Int]
    let shuffle: Bool

    init(count: Int, seed: UInt64, shuffle: Bool) throws {
        try Torch.manualSeed(seed)
        let labels = try Tensor.randint(0, 3, [count])
        let centres = try Tensor([2, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0] as [Float], shape: [3, 8])
        x = try centres.indexSelect(dim: 0, index: labels) + Tensor.randn([count, 8])
        y = labels
        targets = try labels.toArray(Int64.self).map(Int.init)
        self.shuffle = shuffle
    }

    var count: Int { targets.count }

    func batches(epoch: Int, batchSize: Int) throws -> AnyIterator<Result<Batch, Error>> {
        var order = Array(0..<count)
        if shuffle {
            // A fixed permutation per epoch, independent of libtorch's generator.
            order.sort { ($0 &* 2_654_435_761 &+ epoch &* 40_503) % 1009 < ($1 &* 2_654_435_761 &+ epoch &* 40_503) % 1009 }
        }
        var start = 0
        return AnyIterator {
            guard start < order.count else { return nil }
            let idx = order[start..<min(start + batchSize, order.count)].map(Int64.init)
            start += batchSize
            return Result {
                let i = try Tensor(idx)
                return Batch(inputs: try x.indexSelect(dim: 0, index: i), targets: try y.indexSelect(dim: 0, index: i))
            }
        }
    }
}

final class MLP: Module {
    let fc1: Linear, drop: Dropout, fc2: Linear
    init(seed: UInt64) throws {
        try Torch.manualSeed(seed)
        fc1 = try Linear(8, 16)
        drop = try Dropout(0.2)
        fc2 = try Linear(16, 3)
        super.init()
    }
    func callAsFunction(_ x: Tensor) throws -> Tensor { try fc2(drop(fc1(x).relu())) }
}

@Suite(.serialized) struct TrainerTests {
    func tempDir() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("trainer-\(UUID().uuidString)")
    }

    func config(epochs: Int) -> TrainingConfig {
        var c = TrainingConfig()
        c.epochs = epochs
        c.batchSize = 32
        c.optimizer = .adamw
        c.learningRate = 0.01
        c.schedule = .cosine
        c.warmupEpochs = 1
        c.labelSmoothing = 0.05
        c.seed = 7
        c.monitor = .valAccuracy
        return c
    }

    func train(epochs: Int, dir: URL, resume: Bool = false, stopAfter: Int? = nil, modelSeed: UInt64 = 1) throws -> (MLP, TrainingResult) {
        let m = try MLP(seed: modelSeed)
        let trainer = Trainer(model: m, config: config(epochs: epochs), directory: dir, labels: ["a", "b", "c"]) { try m($0.inputs) }
        trainer.log = { _ in }
        let result = try trainer.run(train: try Blobs(count: 256, seed: 3, shuffle: true),
                                     validation: try Blobs(count: 96, seed: 4, shuffle: false), resume: resume, stopAfter: stopAfter)
        return (m, result)
    }

    @Test func learnsAndWritesCheckpointsAndCurves() throws {
        let dir = tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (_, result) = try train(epochs: 6, dir: dir)
        #expect(result.history.count == 6)
        #expect(result.history.last!.validationAccuracy > 0.8, "\(result.history.map(\.validationAccuracy))")
        #expect(result.history.last!.trainLoss < result.history.first!.trainLoss)
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        #expect(files == ["best.safetensors", "curves.csv", "curves.svg", "model-e0006.safetensors", "optimizer-e0006.pt", "state.json"])
        let csv = try String(contentsOf: dir.appendingPathComponent("curves.csv"), encoding: .utf8)
        #expect(csv.split(separator: "\n").count == 7)
        #expect(try String(contentsOf: dir.appendingPathComponent("curves.svg"), encoding: .utf8).contains("<polyline"))
        #expect(try Checkpoint.safetensorsMetadata(dir.appendingPathComponent("best.safetensors"))["epoch"] == String(result.bestEpoch))
    }

    /// Four epochs in one go, and two epochs, a pause, then a resumed run (starting from a model with
    /// different initial weights, which the checkpoint must overwrite) end with identical weights and
    /// identical curves: order, augmentation, dropout, optimizer moments and schedule all resume.
    @Test func resumeReproducesAnUninterruptedRun() throws {
        let straight = tempDir(), paused = tempDir()
        defer {
            try? FileManager.default.removeItem(at: straight)
            try? FileManager.default.removeItem(at: paused)
        }
        let (a, ra) = try train(epochs: 4, dir: straight)
        let (_, first) = try train(epochs: 4, dir: paused, stopAfter: 2)
        #expect(first.history.count == 2)
        let (b, rb) = try train(epochs: 4, dir: paused, resume: true, modelSeed: 99)
        #expect(rb.history.count == 4)
        for ((k, x), (_, y)) in zip(a.stateDict(), b.stateDict()) {
            let diff = try (x.to(.float64) - y.to(.float64)).abs().amax().item()
            #expect(diff == 0, "\(k) differs by \(diff) after resuming")
        }
        #expect(ra.history.map(\.validationLoss) == rb.history.map(\.validationLoss))
        #expect(ra.history.map(\.learningRate) == rb.history.map(\.learningRate))
    }

    @Test func resumeRefusesDifferentSettings() throws {
        let dir = tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try train(epochs: 1, dir: dir)
        let m = try MLP(seed: 1)
        var other = config(epochs: 1)
        other.learningRate = 0.5
        let trainer = Trainer(model: m, config: other, directory: dir, labels: ["a", "b", "c"]) { try m($0.inputs) }
        trainer.log = { _ in }
        #expect(throws: TorchError.self) {
            _ = try trainer.run(train: try Blobs(count: 64, seed: 3, shuffle: true), validation: try Blobs(count: 32, seed: 4, shuffle: false), resume: true)
        }
    }
}
