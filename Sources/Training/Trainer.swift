import Foundation
import Stats
import Torch

/// Hyper-parameters of a training run (saved with every checkpoint).
public struct TrainingConfig: Codable, Sendable, Equatable {
    /// The MSc study's optimisation, shared by its face and voice recipes: Adam at lr 1e-5 for up to 200 epochs,
    /// early stopping after 20 epochs without a lower validation loss.
    public static func study(batchSize: Int, seed: UInt64) -> TrainingConfig {
        var config = TrainingConfig()
        config.seed = seed
        config.epochs = 200
        config.batchSize = batchSize
        config.optimizer = .adam
        config.learningRate = 1e-5
        config.earlyStoppingPatience = 20
        config.monitor = .valLoss
        return config
    }

    public enum OptimizerKind: String, Codable, Sendable { case adam, adamw, sgd }
    public enum ScheduleKind: String, Codable, Sendable { case none, cosine, step, plateau }
    public enum Monitor: String, Codable, Sendable { case valLoss = "val_loss", valAccuracy = "val_accuracy", valMacroF1 = "val_macro_f1" }

    public var epochs = 30
    public var batchSize = 128
    public var optimizer = OptimizerKind.adam
    public var learningRate = 1e-3
    public var weightDecay = 0.0
    public var momentum = 0.9
    public var schedule = ScheduleKind.none
    public var warmupEpochs = 0
    public var minLearningRate = 0.0
    public var labelSmoothing = 0.0
    /// Per-class loss weights (inverse frequency, for example); nil = unweighted.
    public var classWeights: [Double]? = nil
    /// Stop when validation loss has not improved for this many epochs (nil = never).
    public var earlyStoppingPatience: Int? = nil
    /// Which validation figure picks the best checkpoint.
    public var monitor = Monitor.valLoss
    public var seed: UInt64 = 0

    public init() {}
}

/// What a run produced.
public struct TrainingResult: Sendable {
    public var history: [EpochRecord]
    public var bestEpoch: Int
    public var bestModel: URL
    public var stoppedEarly: Bool
}

/// Persistent state of a run: written last and atomically, so it always names complete files.
struct RunState: Codable {
    var config: TrainingConfig
    var epoch: Int               // epochs completed
    var history: [EpochRecord]
    var bestEpoch: Int
    var bestScore: Double
    var bestValidationLoss: Double
    var epochsWithoutImprovement: Int
    var modelFile: String
    var optimizerFile: String
    var scheduleState: [Double]  // learning rate per group at the end of `epoch`
    var plateauState: [Double]?  // (best, bad epochs, cooldown) for ReduceLROnPlateau
}

/// The training loop shared by the face and voice classifiers: mini-batch cross-entropy, validation
/// every epoch, learning-rate schedule, early stopping, best-model selection, atomic checkpoints
/// with `resume`, learning curves (CSV, SVG) and a progress line with ETA.
public final class Trainer {
    public let model: Module
    public let config: TrainingConfig
    public let directory: URL
    public let labels: [String]
    /// Logits for a training batch (augmentation is the batch source's job).
    public var trainForward: (Batch) throws -> Tensor
    /// Logits for evaluation (e.g. with test-time augmentation).
    public var evalForward: (Batch) throws -> Tensor
    /// Metadata stored in saved models (architecture, labels, preprocessing).
    public var modelMetadata: [String: String] = [:]
    /// Parameters to optimise (default: every trainable parameter).
    public var parameters: [Tensor]?
    public var progress: ProgressLine = ProgressLine()
    public var log: (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }

    public init(model: Module, config: TrainingConfig, directory: URL, labels: [String], forward: @escaping (Batch) throws -> Tensor) {
        self.model = model
        self.config = config
        self.directory = directory
        self.labels = labels
        trainForward = forward
        evalForward = forward
    }

    var stateURL: URL { directory.appendingPathComponent("state.json") }
    public var bestModelURL: URL { directory.appendingPathComponent("best.safetensors") }

    /// Trains, resuming from `directory` when `resume` is set and a checkpoint exists there.
    /// `stopAfter` ends the session once that many epochs are complete (checkpoint written), so a long
    /// run can be split across sessions and continued with `resume`.
    public func run(train: BatchSource, validation: BatchSource, resume: Bool = false, stopAfter: Int? = nil) throws -> TrainingResult {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let params = parameters ?? model.trainableParameters
        guard !params.isEmpty else { throw TorchError("nothing to train: every parameter is frozen") }
        let optimizer: Optimizer
        switch config.optimizer {
        case .adam: optimizer = try .adam(params, lr: config.learningRate, weightDecay: config.weightDecay)
        case .adamw: optimizer = try .adamW(params, lr: config.learningRate, weightDecay: config.weightDecay)
        case .sgd:
            optimizer = try .sgd(params, lr: config.learningRate, momentum: config.momentum, weightDecay: config.weightDecay, nesterov: config.momentum > 0)
        }
        let cosine = config.schedule == .cosine
            ? try CosineAnnealingLR(optimizer, tMax: config.epochs, etaMin: config.minLearningRate, warmup: config.warmupEpochs) : nil
        let step = config.schedule == .step ? StepLR(optimizer, stepSize: max(1, config.epochs / 3), gamma: 0.1) : nil
        let plateau = config.schedule == .plateau ? ReduceLROnPlateau(optimizer, factor: 0.5, patience: 3, minLR: config.minLearningRate) : nil
        let weight = try config.classWeights.map { try Tensor($0.map(Float.init)) }

        var state = RunState(config: config, epoch: 0, history: [], bestEpoch: 0, bestScore: -.infinity,
                             bestValidationLoss: .infinity, epochsWithoutImprovement: 0, modelFile: "", optimizerFile: "",
                             scheduleState: [], plateauState: nil)
        if resume, let data = try? Data(contentsOf: stateURL) {
            do {
                state = try JSONDecoder().decode(RunState.self, from: data)
            } catch {
                throw TorchError("\(stateURL.path): unreadable checkpoint state (\(error.localizedDescription))")
            }
            guard state.config == config else {
                throw TorchError("\(stateURL.path): the checkpoint was made with different settings; resume with the same ones or start a new directory")
            }
            try model.load(contentsOf: directory.appendingPathComponent(state.modelFile))
            try optimizer.load(from: directory.appendingPathComponent(state.optimizerFile))
            for (g, lr) in state.scheduleState.enumerated() { try optimizer.setLearningRate(lr, group: g) }
            // Schedules are pure functions of the epoch (cosine, step) or carry a little state (plateau).
            for _ in 0..<state.epoch { try cosine?.step(metric: nil); try step?.step(metric: nil) }
            if let p = plateau, let s = state.plateauState { p.restore(best: s[0], badEpochs: Int(s[1]), cooldown: Int(s[2])) }
            log("resuming after epoch \(state.epoch) of \(config.epochs) from \(directory.path)")
        } else if resume {
            log("no checkpoint in \(directory.path): starting a new run")
        }

        var stoppedEarly = false
        let runStart = Date()
        let startEpoch = state.epoch
        for epoch in state.epoch..<config.epochs {
            let epochStart = Date()
            try Torch.manualSeed(config.seed &+ UInt64(epoch) &* 7919)
            model.train()
            var lossSum = 0.0, correct = 0, seen = 0
            let totalBatches = (train.count + config.batchSize - 1) / config.batchSize
            let batches = Prefetcher(try train.batches(epoch: epoch, batchSize: config.batchSize))
            defer { batches.cancel() }
            var index = 0
            while let item = batches.next() {
                let batch = try item.get()
                try optimizer.zeroGrad()
                let logits = try trainForward(batch)
                let loss = try Functional.crossEntropy(logits, target: batch.targets, weight: weight, labelSmoothing: config.labelSmoothing)
                try loss.backward()
                try optimizer.step()
                let n = batch.count
                lossSum += try loss.item() * Double(n)
                correct += try logits.detach().argmax(dim: 1).eq(batch.targets).sum().itemInt()
                seen += n
                index += 1
                let doneEpochs = Double(epoch - startEpoch) + Double(index) / Double(max(totalBatches, 1))
                let eta = Date().timeIntervalSince(runStart) / max(doneEpochs, 1e-9) * (Double(config.epochs - startEpoch) - doneEpochs)
                progress.update("epoch \(epoch + 1)/\(config.epochs)", fraction: Double(index) / Double(max(totalBatches, 1)),
                                detail: String(format: "loss %.4f acc %.3f", lossSum / Double(seen), Double(correct) / Double(seen)), eta: eta)
            }
            progress.finish()
            let (valLoss, report) = try evaluate(validation)
            let record = EpochRecord(epoch: epoch + 1, trainLoss: lossSum / Double(max(seen, 1)), trainAccuracy: Double(correct) / Double(max(seen, 1)),
                                     validationLoss: valLoss, validationAccuracy: report.accuracy, validationMacroF1: report.macro_f1,
                                     learningRate: optimizer.learningRate(), seconds: Date().timeIntervalSince(epochStart))
            state.history.append(record)
            log(String(format: "epoch %d/%d: train loss %.4f acc %.4f | val loss %.4f acc %.4f macro-F1 %.4f | lr %.2e | %.0f s",
                       epoch + 1, config.epochs, record.trainLoss, record.trainAccuracy, valLoss, report.accuracy, report.macro_f1,
                       record.learningRate, record.seconds))

            let score: Double
            switch config.monitor {
            case .valLoss: score = -valLoss
            case .valAccuracy: score = report.accuracy
            case .valMacroF1: score = report.macro_f1
            }
            if score > state.bestScore {
                state.bestScore = score
                state.bestEpoch = epoch + 1
                try model.save(to: bestModelURL, metadata: modelMetadata.merging(["epoch": String(epoch + 1)]) { $1 })
            }
            if valLoss < state.bestValidationLoss {
                state.bestValidationLoss = valLoss
                state.epochsWithoutImprovement = 0
            } else {
                state.epochsWithoutImprovement += 1
            }
            try cosine?.step(metric: nil)
            try step?.step(metric: nil)
            try plateau?.step(metric: valLoss)
            state.epoch = epoch + 1
            try checkpoint(&state, optimizer: optimizer, plateau: plateau)
            try Curves.csv(state.history).write(to: directory.appendingPathComponent("curves.csv"), atomically: true, encoding: .utf8)
            try Curves.svg(state.history, title: "Training curves").write(to: directory.appendingPathComponent("curves.svg"), atomically: true, encoding: .utf8)
            if let patience = config.earlyStoppingPatience, state.epochsWithoutImprovement >= patience {
                log("early stopping: validation loss has not improved for \(patience) epochs (best epoch \(state.bestEpoch))")
                stoppedEarly = true
                break
            }
            if let stopAfter, state.epoch >= stopAfter, state.epoch < config.epochs {
                log("paused after epoch \(state.epoch) of \(config.epochs): continue with --resume")
                break
            }
        }
        return TrainingResult(history: state.history, bestEpoch: state.bestEpoch, bestModel: bestModelURL, stoppedEarly: stoppedEarly)
    }

    /// Writes model and optimizer under epoch-numbered names, then the state file that names them
    /// (atomically), then removes the previous epoch's files: a kill at any moment leaves a complete
    /// checkpoint behind.
    func checkpoint(_ state: inout RunState, optimizer: Optimizer, plateau: ReduceLROnPlateau?) throws {
        let previous = (state.modelFile, state.optimizerFile)
        state.modelFile = String(format: "model-e%04d.safetensors", state.epoch)
        state.optimizerFile = String(format: "optimizer-e%04d.pt", state.epoch)
        try model.save(to: directory.appendingPathComponent(state.modelFile), metadata: modelMetadata)
        let optURL = directory.appendingPathComponent(state.optimizerFile)
        let tmp = directory.appendingPathComponent(state.optimizerFile + ".tmp")
        try optimizer.save(to: tmp)
        _ = try? FileManager.default.removeItem(at: optURL)
        try FileManager.default.moveItem(at: tmp, to: optURL)
        state.scheduleState = (0..<optimizer.groupCount).map { optimizer.learningRate(group: $0) }
        state.plateauState = plateau.map { [$0.best, Double($0.badEpochs), Double($0.cooldownRemaining)] }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(state).write(to: stateURL, options: .atomic)
        for old in [previous.0, previous.1] where !old.isEmpty && old != state.modelFile && old != state.optimizerFile {
            try? FileManager.default.removeItem(at: directory.appendingPathComponent(old))
        }
    }

    /// Mean cross-entropy and the classification report over a source, in eval mode without gradients.
    public func evaluate(_ source: BatchSource) throws -> (loss: Double, report: EvaluationReport) {
        model.eval()
        defer { model.train() }
        return try Torch.noGrad {
            var lossSum = 0.0
            var predicted: [Int] = []
            var truth: [Int] = []
            let it = Prefetcher(try source.batches(epoch: 0, batchSize: config.batchSize))
            defer { it.cancel() }
            while let item = it.next() {
                let batch = try item.get()
                let logits = try evalForward(batch)
                lossSum += try Functional.crossEntropy(logits, target: batch.targets, reduction: .sum).item()
                predicted += try logits.argmax(dim: 1).toArray(Int64.self).map(Int.init)
                truth += try batch.targets.toArray(Int64.self).map(Int.init)
            }
            return (lossSum / Double(max(truth.count, 1)), try EvaluationReport(truth: truth, predicted: predicted, labels: labels))
        }
    }
}
