import Datasets
import FaceEmotion
import FaceTraining
import Foundation
import Testing
import Torch
import Training
import TakeSenseTestSupport

/// The parity check for bfloat16 training: the same short run (same seed, data, order and
/// augmentation) with the forward pass under bf16 autocast reaches the same validation accuracy as in
/// fp32, within sampling noise, and both learn.
@Suite("Face: bfloat16 training parity", .serialized)
struct Bfloat16TrainingTests {
    static var train: String? { SharedData.folder("fer2013/train") }

    /// Disjoint seeded subsets of FER2013 `train/` (never `validation/`): `n` faces from `offset`.
    static func subset(_ data: FaceTensors, order: [Int], offset: Int, n: Int) throws -> FaceTensors {
        let idx = Array(order[offset..<(offset + n)]).sorted()
        return FaceTensors(images: try data.images.indexSelect(dim: 0, index: Tensor(idx.map(Int64.init))),
                           targets: idx.map { data.targets[$0] }, labels: data.labels)
    }

    func run(_ autocast: DType?, channelsLast: Bool, train: FaceTensors, valid: FaceTensors) throws -> [Double] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bf16-parity-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        var config = TrainingConfig()
        config.epochs = 4
        config.batchSize = 64
        config.optimizer = .sgd
        config.momentum = 0.9
        config.learningRate = 0.02
        config.weightDecay = 5e-4
        config.schedule = .cosine
        config.labelSmoothing = 0.1
        config.monitor = .valAccuracy
        config.seed = 7
        try Torch.manualSeed(7)
        let prep = FacePreprocessing(inputSize: 48, channels: 1, cropSize: 40)
        let classifier = try FaceClassifier(architecture: .ferNet(width: 12), labels: train.labels, preprocessing: prep, testTimeAugmentation: .flip)
        let net = classifier.network
        if channelsLast { try net.convertToChannelsLast() }
        let trainer = Trainer(model: net, config: config, directory: dir, labels: train.labels) { batch in
            let x = channelsLast ? try batch.inputs.contiguous(channelsLast: true) : batch.inputs
            return try Torch.withOptionalAutocast(autocast) { try net(x) }.to(.float32)
        }
        trainer.evalForward = { try classifier.logits($0.inputs) }
        trainer.log = { _ in }
        trainer.progress.enabled = false
        let result = try trainer.run(train: try FaceBatches(train, preprocessing: prep, augmentation: .crops(), shuffle: true, seed: 7),
                                     validation: try FaceBatches(valid, preprocessing: prep))
        return result.history.map(\.validationAccuracy)
    }

    @Test(.enabled(if: Self.train != nil, "shared/data/fer2013/train not found (set TAKESENSE_SHARED_DATA); skipping the bf16 parity run"))
    func bfloat16TrainingMatchesFloat32() throws {
        let all = try FaceTensors.load(try #require(Self.train), labels: .six)
        var order = Array(0..<all.count)
        var rng = SplitMix64(seed: 11)
        for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, rng.nextInt(below: i + 1)) }
        let train = try Self.subset(all, order: order, offset: 0, n: 4000)
        let valid = try Self.subset(all, order: order, offset: 4000, n: 1500)
        let fp32 = try run(nil, channelsLast: false, train: train, valid: valid)
        let bf16 = try run(.bfloat16, channelsLast: true, train: train, valid: valid)
        let a = fp32.last!, b = bf16.last!
        print("bf16 parity (validation accuracy per epoch): fp32 \(fp32), bf16 channels-last \(bf16)")
        // Sampling noise of an accuracy difference on 1500 faces: 3 standard errors of the difference
        // of two proportions (about 0.054 at p = 0.4).
        let bound = 3 * (2 * a * (1 - a) / Double(valid.count)).squareRoot()
        #expect(abs(a - b) <= bound, "fp32 \(fp32) vs bf16 \(bf16): |difference| above \(bound)")
        // Both learned: well above always answering the commonest class (happy, about 0.28).
        let majority = Double(Dictionary(grouping: valid.targets, by: { $0 }).values.map(\.count).max()!) / Double(valid.count)
        #expect(a > majority + 0.05, "fp32 accuracy \(fp32) vs majority \(majority)")
        #expect(b > majority + 0.05, "bf16 accuracy \(bf16) vs majority \(majority)")
    }
}
