import Datasets
import FaceEmotion
import Foundation
import Torch
import Training

/// One face-training run: a ``FaceRecipe`` applied to labelled faces, checkpointed in `output`
/// (resumable), ending with the best epoch's model evaluated on the validation faces.
public struct FaceTrainingRun {
    public var recipe: FaceRecipe
    /// Training faces: an image-folder tree (ROOT/<class>/*.jpg) or a FER2013 CSV.
    public var data: String
    /// Validation faces: a folder, a CSV, or a FER2013 usage of the `data` CSV; nil = 20 % of `data` (seeded).
    public var validation: String?
    public var output: URL
    public var resume = false
    /// Pause once this many epochs are complete (checkpoint kept).
    public var stopAfter: Int?
    public var log: (String) -> Void = RunFiles.logToStandardError

    public init(recipe: FaceRecipe, data: String, validation: String?, output: URL) {
        self.recipe = recipe
        self.data = data
        self.validation = validation
        self.output = output
    }

    public struct Outcome {
        public var report: EvaluationReport
        public var bestEpoch: Int
        public var seconds: Double
    }

    /// Trains, then writes evaluation.json and confusion.svg for the best model into `output`.
    public func run() throws -> Outcome {
        let labelSet = try LabelSet(names: recipe.labels)
        let autocast = try recipe.autocastType()
        let architecture = try FaceArchitecture(name: recipe.architecture)
        // An ensemble is assembled from trained members (`takesense models face-ensemble`), not trained as one network.
        if architecture.isEnsemble { throw RecipeError("--arch: an ensemble is built from trained models with `takesense models face-ensemble`") }
        let prep = recipe.preprocessing
        var config = recipe.training
        let seed = config.seed
        let start = Date()
        let (trainSet, validSet) = try loadFaces(labels: labelSet, seed: seed)
        log(String(format: "loaded %d training and %d validation faces in %.1f s (skipped: %@)", trainSet.count, validSet.count,
                   Date().timeIntervalSince(start),
                   trainSet.skipped.isEmpty ? "none" : trainSet.skipped.map { "\($0.key) \($0.value)" }.sorted().joined(separator: ", ")))
        if recipe.classWeights {
            var counts = [Int](repeating: 0, count: labelSet.count)
            for t in trainSet.targets { counts[t] += 1 }
            let total = Double(trainSet.count)
            config.classWeights = counts.map { $0 == 0 ? 0 : total / (Double(labelSet.count) * Double($0)) }
        }

        try Torch.manualSeed(seed)
        let classifier = try FaceClassifier(architecture: architecture, labels: labelSet.names, preprocessing: prep,
                                            testTimeAugmentation: recipe.testTimeAugmentation)
        let network = classifier.network
        let channelsLast = recipe.channelsLast
        if channelsLast { try network.convertToChannelsLast() }
        if let initial = recipe.initialWeights {
            let report = try network.load(contentsOf: URL(fileURLWithPath: initial), strict: false)
            // Weights that match nothing would silently train from scratch.
            guard !report.loaded.isEmpty else {
                throw RecipeError("\(initial): --init: none of its \(report.unexpected.count) tensors matches a parameter of \(architecture)")
            }
            log("initial weights from \(initial): \(report)")
        }
        if let freeze = recipe.freezeFirst { try network.freeze(firstLayers: freeze) }
        let augmentation = try recipe.faceAugmentation()
        let trainer = Trainer(model: network, config: config, directory: output, labels: labelSet.names) { batch in
            // Autocast state is per thread: the scope wraps the forward pass on the thread that runs it
            // (the training loop's); the loss is taken in float32 outside it, as PyTorch's recipe does.
            let x = channelsLast ? try batch.inputs.contiguous(channelsLast: true) : batch.inputs
            return try Torch.withOptionalAutocast(autocast) { try network(x) }.to(.float32)
        }
        trainer.log = log
        let selection = recipe.selectionTestTimeAugmentation
        trainer.evalForward = { try classifier.logits($0.inputs, tta: selection) }
        trainer.modelMetadata = classifier.metadata.merging([
            "recipe": recipe.name, "augment": recipe.augmentation, "trained_on": data, "precision": recipe.precision,
            RunFiles.recipeKey: try recipe.json(),
        ]) { $1 }
        log("training \(architecture) (\(network.parameterCount(trainableOnly: true)) trainable of \(network.parameterCount()) parameters), "
            + "\(prep.networkSize)x\(prep.networkSize)x\(prep.channels)\(prep.cropSize != nil ? " crops of \(prep.inputSize) px" : ""), "
            + "\(config.epochs) epochs, batch \(config.batchSize), \(Torch.threads) threads")
        let result = try trainer.run(
            train: try FaceBatches(trainSet, preprocessing: prep, augmentation: augmentation, shuffle: true, seed: seed),
            validation: try FaceBatches(validSet, preprocessing: prep),
            resume: resume, stopAfter: stopAfter)

        let best = try FaceClassifier(contentsOf: result.bestModel)
        let report = try FaceEvaluation.evaluate(best, validSet)
        try RunFiles.writeJSON(report, to: output.appendingPathComponent("evaluation.json"))
        try report.confusionSVG.write(to: output.appendingPathComponent("confusion.svg"), atomically: true, encoding: .utf8)
        return Outcome(report: report, bestEpoch: result.bestEpoch, seconds: Date().timeIntervalSince(start))
    }

    /// Faces are held at FER2013's 48x48; the model's transform resizes them to its input size. From
    /// Kaggle's single CSV, training uses the Training rows; `validation` may name another usage.
    func loadFaces(labels: LabelSet, seed: UInt64) throws -> (train: FaceTensors, validation: FaceTensors) {
        var isDirectory: ObjCBool = false
        let dataIsCSV = FileManager.default.fileExists(atPath: data, isDirectory: &isDirectory) && !isDirectory.boolValue
        var trainSet = try FaceTensors.load(data, labels: labels, usage: dataIsCSV ? .training : nil)
        var validSet: FaceTensors
        if let validation, dataIsCSV, let usage = FER2013Usage(name: validation), !FileManager.default.fileExists(atPath: validation) {
            validSet = try FaceTensors.load(data, labels: labels, usage: usage)
        } else if let validation {
            validSet = try FaceTensors.load(validation, labels: labels)
        } else {
            let (train, valid) = try trainSet.split(validationFraction: 0.2, seed: seed)
            trainSet = train
            validSet = valid
        }
        if let limit = recipe.limit, limit < trainSet.count {
            // A seeded random subset, so a quick run sees every class in proportion.
            var order = Array(0..<trainSet.count)
            var rng = SplitMix64.derived(seed: seed, name: "train-limit")
            rng.shuffle(&order)
            let keep = Array(order.prefix(limit)).sorted()
            trainSet = FaceTensors(images: try trainSet.images.indexSelect(dim: 0, index: Tensor(keep.map(Int64.init))),
                                   targets: keep.map { trainSet.targets[$0] }, labels: trainSet.labels, skipped: trainSet.skipped)
        }
        return (trainSet, validSet)
    }
}
