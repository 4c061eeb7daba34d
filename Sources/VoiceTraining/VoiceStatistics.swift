import Datasets
import Foundation
import Torch
import Training
import VoiceEmotion

/// Pooled statistics (mean and standard deviation over time) of every hidden state of a frozen
/// Whisper encoder, for every clip and for `copies` augmented copies of it: what the statistics head
/// trains on. Computing them is the only expensive step (one encoder pass per clip version); every
/// head, fold and recipe of the cross-validation then trains in seconds on this table.
///
/// `statistics` is (clips, versions, hidden states, 2·d_model), float32; version 0 is the clean clip.
public struct VoiceStatisticsTable: @unchecked Sendable {
    public var samples: [SpeechSample]
    public var targets: [Int]
    public var labels: [String]
    public var statistics: Tensor
    /// Augmented copies per clip (versions − 1).
    public var copies: Int { statistics.size(1) - 1 }
    public var count: Int { samples.count }

    public init(samples: [SpeechSample], targets: [Int], labels: [String], statistics: Tensor) {
        self.samples = samples
        self.targets = targets
        self.labels = labels
        self.statistics = statistics
    }

    /// Runs the frozen encoder of `classifier` (a statistics-head Whisper classifier; its head is not
    /// used) on every clip and on `copies` augmented copies (copy k of clip i drawn from a generator
    /// derived from `seed` and the clip's path, so a clip gets the same copies whatever else is in the table).
    public static func compute(classifier: WhisperClassifier, clips: VoiceClips, augmentation: AudioAugmentation?,
                               copies: Int, seed: UInt64, progress: ((Int, Int) -> Void)? = nil) throws -> VoiceStatisticsTable {
        let versions = 1 + (augmentation == nil ? 0 : max(0, copies))
        let hidden = classifier.encoder.config.layers + 1, width = 2 * classifier.encoder.config.dModel
        var values: [Float] = []
        values.reserveCapacity(clips.count * versions * hidden * width)
        try Torch.noGrad {
            for (i, clip) in clips.audio.enumerated() {
                for k in 0..<versions {
                    var audio = clip
                    if k > 0, let augmentation {
                        var rng = SplitMix64.derived(seed: seed, name: "voice-statistics/\(clips.samples[i].path)/\(k)")
                        audio = augmentation.apply(clip, using: &rng)
                    }
                    let (mel, frames) = try classifier.features(clips: [WhisperFeatureCache.minimumLength(audio)])
                    values += try classifier.statistics(mel: mel, validFrames: frames, all: true).floats()
                }
                progress?(i + 1, clips.count)
            }
        }
        let tensor = try Tensor(values, shape: [clips.count, versions, hidden, width])
        return VoiceStatisticsTable(samples: clips.samples, targets: clips.targets, labels: clips.labels, statistics: tensor)
    }

    /// Rows `indices`, all versions.
    public func subset(_ indices: [Int]) throws -> VoiceStatisticsTable {
        let index = try Tensor(indices.map(Int64.init))
        return VoiceStatisticsTable(samples: indices.map { samples[$0] }, targets: indices.map { targets[$0] }, labels: labels,
                                    statistics: try statistics.indexSelect(dim: 0, index: index))
    }

    // MARK: Cache file

    struct FileInfo: Codable, Equatable {
        var paths: [String]
        var labels: [String]
        var targets: [Int]
        var copies: Int
        var seed: UInt64
        var augmentation: AudioAugmentation?
        var encoder: String
    }

    /// Loads the table from `url` when it was computed for exactly these clips, copies, seed,
    /// augmentation and encoder file; otherwise computes it and writes it there (whole or not at all).
    public static func cached(at url: URL?, encoderCheckpoint: URL, classifier: WhisperClassifier, clips: VoiceClips,
                              augmentation: AudioAugmentation?, copies: Int, seed: UInt64,
                              progress: ((Int, Int) -> Void)? = nil) throws -> (table: VoiceStatisticsTable, loaded: Bool) {
        let info = FileInfo(paths: clips.samples.map(\.path), labels: clips.labels, targets: clips.targets,
                            copies: augmentation == nil ? 0 : copies, seed: seed, augmentation: augmentation,
                            encoder: encoderCheckpoint.standardizedFileURL.path)
        let infoJSON = String(decoding: try JSONEncoder().encode(info), as: UTF8.self)
        if let url, FileManager.default.fileExists(atPath: url.path) {
            let meta = try Checkpoint.safetensorsMetadata(url)
            // The same clips, or a subset of the cached ones (e.g. RAVDESS alone from a RAVDESS + TESS cache).
            if let text = meta["takesense.statistics"], let stored = try? JSONDecoder().decode(FileInfo.self, from: Data(text.utf8)),
               stored.copies == info.copies, stored.seed == info.seed, stored.augmentation == info.augmentation,
               stored.encoder == info.encoder, stored.labels == info.labels {
                let row = Dictionary(stored.paths.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
                let rows = info.paths.compactMap { row[$0] }
                if rows.count == info.paths.count, zip(rows, info.targets).allSatisfy({ stored.targets[$0] == $1 }),
                   let t = try Checkpoint.loadSafetensors(url)["statistics"] {
                    let selected = rows == Array(0..<stored.paths.count) ? t : try t.indexSelect(dim: 0, index: Tensor(rows.map(Int64.init)))
                    return (VoiceStatisticsTable(samples: clips.samples, targets: clips.targets, labels: clips.labels, statistics: selected), true)
                }
            }
            throw TorchError("\(url.path): a statistics cache for other clips, copies, seed or encoder; delete it or choose another --cache")
        }
        let table = try compute(classifier: classifier, clips: clips, augmentation: augmentation, copies: copies, seed: seed, progress: progress)
        if let url {
            let partial = url.appendingPathExtension("partial")
            try Checkpoint.saveSafetensors([("statistics", table.statistics)], to: partial, metadata: ["takesense.statistics": infoJSON])
            _ = try? FileManager.default.removeItem(at: url)
            try FileManager.default.moveItem(at: partial, to: url)
        }
        return (table, false)
    }
}

/// A statistics-head recipe: which hidden state(s), the head's shape and its training. The CV
/// compares recipes; `train voice --recipe statistics` trains the chosen one for shipping.
public struct StatisticsHeadRecipe: Codable, Sendable, Equatable {
    /// The hidden state read (0 = embeddings, 4 = tiny's last, after the final layer norm); ignored with `weightedLayerSum`.
    public var layer = 2
    /// A learned softmax-weighted sum of every hidden state's standardised statistics.
    public var weightedLayerSum = false
    /// Mean and standard deviation over time (false: mean only).
    public var poolStd = true
    /// Width of the ReLU projector; 0 = a linear classifier on the statistics (logistic regression).
    public var projectionSize = 256
    public var dropout = 0.3
    public var epochs = 40
    public var batchSize = 64
    public var learningRate = 1e-3
    public var weightDecay = 0.05
    public var labelSmoothing = 0.1
    /// Draw one of each clip's augmented versions per epoch (false: only the clean clip).
    public var augmented = true
    /// Use at most this many augmented copies of the table's (nil: all).
    public var maxCopies: Int?
    /// Weight the loss so every corpus counts as much as every other, whatever its number of clips.
    public var corpusBalanced = true
    public var seed: UInt64 = 42
    /// Train this many heads (seeds `seed`, `seed + 1`, ...) and average their logits (nil or 1: one head).
    /// The average of N projector heads is itself one head N times as wide, so the ensemble is saved and run
    /// as a single head at no extra inference cost worth counting.
    public var seeds: Int?

    public init() {}

    /// One line for tables and logs.
    public var summary: String {
        let state = weightedLayerSum ? "weighted sum of all states" : "state \(layer)"
        let head = (poolStd ? "mean+std, " : "mean, ") + (projectionSize > 0 ? "MLP \(projectionSize)" : "linear")
        let aug = augmented ? "aug \(maxCopies.map(String.init) ?? "all") copies" : "no aug"
        return "\(state), \(head), dropout \(dropout), \(epochs) ep, lr \(learningRate), wd \(weightDecay), \(aug)\(corpusBalanced ? ", corpus-balanced" : "")"
    }
}

extension StatisticsHeadRecipe {
    /// The statistics-head classifier this recipe builds, with a projector `projectionSize` wide (a seed
    /// ensemble's merged head is wider than each member's).
    func classifierOptions(projectionSize: Int) -> WhisperClassifierOptions {
        var options = WhisperClassifierOptions(projectionSize: projectionSize, weightedLayerSum: weightedLayerSum,
                                               outputLayer: layer, head: .statistics, dropout: dropout)
        options.poolStd = poolStd
        return options
    }
}

/// Trains statistics heads on a frozen encoder from a ``VoiceStatisticsTable``.
public enum StatisticsHeadTraining {
    /// A statistics-head classifier on the encoder of `encoderCheckpoint`, trained on the table's rows
    /// `rows` (all rows when nil). The encoder is frozen; only the normaliser (set from the clean
    /// training statistics), layer weights, projector and classifier are fitted.
    public static func train(encoderCheckpoint: URL, table: VoiceStatisticsTable, rows: [Int]? = nil,
                             recipe: StatisticsHeadRecipe) throws -> WhisperClassifier {
        let members = recipe.seeds ?? 1
        guard (1...8).contains(members) else { throw TorchError("statistics head: seeds \(members) is outside 1...8") }
        guard members > 1 else { return try trainOne(encoderCheckpoint: encoderCheckpoint, table: table, rows: rows, recipe: recipe) }
        let heads = try (0..<members).map { i in
            var one = recipe
            one.seeds = nil
            one.seed = recipe.seed &+ UInt64(i)
            return try trainOne(encoderCheckpoint: encoderCheckpoint, table: table, rows: rows, recipe: one)
        }
        return try merge(heads, encoderCheckpoint: encoderCheckpoint, labels: table.labels, recipe: recipe)
    }

    /// One head whose logits are the mean of `heads`' logits (heads trained on the same rows, so they share the
    /// normaliser): projectors stacked (N·P wide), classifier weights side by side divided by N, biases averaged;
    /// linear heads (no projector) average their classifiers.
    static func merge(_ heads: [WhisperClassifier], encoderCheckpoint: URL, labels: [String],
                      recipe: StatisticsHeadRecipe) throws -> WhisperClassifier {
        guard !recipe.weightedLayerSum else { throw TorchError("statistics head: seed ensembles need one hidden state, not a weighted sum") }
        let n = Double(heads.count)
        let options = recipe.classifierOptions(projectionSize: recipe.projectionSize * heads.count)
        let model = try WhisperClassifier(encoderCheckpoint: encoderCheckpoint, labels: labels, options: options)
        try model.freeze(prefix: "encoder")
        try Torch.noGrad {
            let normalizer = model.normalizer!, first = heads[0].normalizer!
            normalizer.mean = try first.mean.clone()
            normalizer.scale = try first.scale.clone()
            if let projector = model.projector {
                try projector.weight.copy(from: Torch.cat(heads.map { $0.projector!.weight }, dim: 0))
                try projector.bias!.copy(from: Torch.cat(heads.map { $0.projector!.bias! }, dim: 0))
                try model.classifier.weight.copy(from: Torch.cat(heads.map { $0.classifier.weight }, dim: 1) / n)
            } else {
                try model.classifier.weight.copy(from: Torch.stack(heads.map { $0.classifier.weight }).mean(dim: 0))
            }
            try model.classifier.bias!.copy(from: Torch.stack(heads.map { $0.classifier.bias! }).mean(dim: 0))
        }
        _ = model.eval()
        return model
    }

    static func trainOne(encoderCheckpoint: URL, table: VoiceStatisticsTable, rows: [Int]?,
                         recipe: StatisticsHeadRecipe) throws -> WhisperClassifier {
        let rows = rows ?? Array(0..<table.count)
        guard !rows.isEmpty else { throw TorchError("statistics head: no training clips") }
        try Torch.manualSeed(recipe.seed)
        let options = recipe.classifierOptions(projectionSize: recipe.projectionSize)
        let model = try WhisperClassifier(encoderCheckpoint: encoderCheckpoint, labels: table.labels, options: options)
        try model.freeze(prefix: "encoder")
        let hidden = table.statistics.size(2)
        if !recipe.weightedLayerSum, recipe.layer >= hidden {
            throw TorchError("statistics head: hidden state \(recipe.layer) out of range 0..<\(hidden)")
        }
        let rowIndex = try Tensor(rows.map(Int64.init))
        // Standardisation from the clean versions of the training clips.
        try Torch.noGrad {
            var clean = try table.statistics.indexSelect(dim: 0, index: rowIndex).select(dim: 1, index: 0)  // (n, H, 2d)
            if !recipe.poolStd { clean = try clean.slice(dim: 2, start: 0, end: clean.size(2) / 2) }
            let chosen = recipe.weightedLayerSum ? clean : try clean.select(dim: 1, index: recipe.layer)
            let normalizer = model.normalizer!
            normalizer.mean = try chosen.mean(dim: 0)
            normalizer.scale = try chosen.std(dims: [0], correction: 0).clamp(min: 1e-6)
        }
        let versions = table.statistics.size(1)
        let usable = recipe.augmented ? min(versions, 1 + (recipe.maxCopies ?? versions)) : 1
        let flat = try table.statistics.reshape([table.count * versions, hidden, table.statistics.size(3)])

        // Loss weights: each corpus as much as every other.
        var weights = [Float](repeating: 1, count: table.count)
        if recipe.corpusBalanced {
            var perCorpus: [Corpus: Int] = [:]
            for r in rows { perCorpus[table.samples[r].corpus, default: 0] += 1 }
            if perCorpus.count > 1 {
                for r in rows {
                    weights[r] = Float(Double(rows.count) / Double(perCorpus.count * perCorpus[table.samples[r].corpus]!))
                }
            }
        }

        let parameters = model.trainableParameters
        let optimizer = try Optimizer.adamW(parameters, lr: recipe.learningRate, weightDecay: recipe.weightDecay)
        let batch = max(1, recipe.batchSize)
        let stepsPerEpoch = (rows.count + batch - 1) / batch
        let totalSteps = max(1, recipe.epochs * stepsPerEpoch)
        var step = 0
        _ = model.train()
        for epoch in 0..<recipe.epochs {
            var rng = SplitMix64.derived(seed: recipe.seed &+ UInt64(epoch), name: "statistics-head")
            var order = rows
            rng.shuffle(&order)
            let picks = order.map { r in r * versions + (usable > 1 ? rng.nextInt(below: usable) : 0) }
            var start = 0
            while start < order.count {
                let end = min(order.count, start + batch)
                // Cosine decay per step, from the full rate to 1 % of it.
                let progress = Double(step) / Double(totalSteps)
                try optimizer.setLearningRate(recipe.learningRate * (0.01 + 0.99 * 0.5 * (1 + cos(Double.pi * progress))))
                let x = try flat.indexSelect(dim: 0, index: Tensor(picks[start..<end].map(Int64.init)))
                let y = try Tensor(order[start..<end].map { Int64(table.targets[$0]) })
                let w = try Tensor(order[start..<end].map { weights[$0] })
                let losses = try Functional.crossEntropy(model.logits(statistics: x), target: y, reduction: .none,
                                                         labelSmoothing: recipe.labelSmoothing)
                let loss = try (losses * w).mean()
                try optimizer.zeroGrad()
                try loss.backward()
                try optimizer.step()
                step += 1
                start = end
            }
        }
        _ = model.eval()
        return model
    }

    /// Logits (rows, labels) of `model` on the clean statistics of `rows`.
    public static func logits(_ model: WhisperClassifier, table: VoiceStatisticsTable, rows: [Int]) throws -> [[Double]] {
        guard !rows.isEmpty else { return [] }
        return try Torch.noGrad {
            let clean = try table.statistics.indexSelect(dim: 0, index: Tensor(rows.map(Int64.init))).select(dim: 1, index: 0)
            let out = try model.logits(statistics: clean)
            let values = try out.floats()
            let c = out.size(1)
            return (0..<rows.count).map { i in (0..<c).map { Double(values[i * c + $0]) } }
        }
    }
}

extension WhisperClassifier {
    /// Saves the model with its metadata plus `extra`; the encoder's tensors in `encoderFloatType`
    /// (float16 halves the shipped file), the head (normaliser, weights, projector, classifier) kept
    /// in float32: the normaliser's means are large next to its scales, and rounding them to float16
    /// would move the standardised statistics.
    public func saveShippable(to url: URL, metadata extra: [String: String], encoderFloatType: DType?) throws {
        let tensors = try stateDict().map { entry -> (String, Tensor) in
            guard let type = encoderFloatType, entry.key.hasPrefix("encoder."), entry.tensor.dtype.isFloatingPoint else {
                return (entry.key, entry.tensor)
            }
            return (entry.key, try entry.tensor.to(type))
        }
        let partial = url.appendingPathExtension("partial")
        try Checkpoint.saveSafetensors(tensors, to: partial, metadata: metadata.merging(extra) { $1 })
        _ = try? FileManager.default.removeItem(at: url)
        try FileManager.default.moveItem(at: partial, to: url)
    }
}
