import Foundation
import Training
import VoiceEmotion

/// Everything a voice-training run decides before its first epoch, as one Codable value: the presets
/// `takesense train voice --recipe efficient|study|statistics` start from, overridden option by option,
/// and recorded as JSON in the trained model's metadata (`takesense.recipe`).
public struct VoiceRecipe: Codable, Sendable, Equatable {
    /// The presets and their settings in words (the `takesense train voice` help).
    public static let about = """
    The encoder starts from --init (e.g. Whisper tiny.en imported with `takesense models import-whisper`). \
    Blocks below the trainable ones are frozen: their outputs are computed once per clip (and per augmented \
    copy) and cached in memory, so each epoch runs only the trainable blocks and the head.
    Recipes: 'efficient' (default) trains the last --trainable-blocks (2) blocks, the final layer norm and the \
    head on true-length clips with --augment-copies (6) augmented copies of every training clip (noise, gain, \
    shift, speed, pitch, reverb), AdamW lr 2e-4 with warm-up and cosine decay, label smoothing 0.1, and keeps the \
    epoch with the lowest validation loss. 'study' reproduces the MSc study: everything frozen but the last block \
    and the head, Adam lr 1e-5, early stopping on validation loss with patience 20, no augmentation \
    (add --pad-30s for its zero-padding of every clip to 30 s).
    Split: --test-speakers are never trained on nor used for selection; validation is --val-speakers, or \
    10% of the remaining speakers per corpus. Without either, the study's split (10% of speakers for test, 20% of \
    the rest at random for validation).
    """

    /// The preset this recipe started from.
    public var name: String
    /// `whisper-tiny`, `whisper-base` or `whisper-small` (checked against the initial encoder's sizes).
    public var backbone = "whisper-tiny"
    public var labels: [String]
    /// Held-out test speakers (never trained on nor used for selection), e.g. `19,20` or `ravdess:19`.
    public var testSpeakers: String?
    /// Validation (model-selection) speakers; nil = 10 % of the remaining speakers per corpus.
    public var validationSpeakers: String?
    /// Fine-tuning: the last N encoder blocks train; the ones below are frozen and their outputs cached.
    public var trainableBlocks: Int
    /// Read the hidden state after this many blocks (nil: the last, after the final layer norm).
    public var outputLayer: Int?
    /// Augmented copies cached per training clip (noise, gain, shift, speed, pitch, reverb).
    public var augmentCopies: Int
    /// Zero-pad every clip to 30 s and pool over all frames (the study); false: true length.
    public var pad30s = false
    /// Width of the head's ReLU projector.
    public var projectionSize = 256
    /// Optimiser, schedule, epochs, batch size, early stopping, seed (fine-tuning presets).
    public var training: TrainingConfig
    /// The `statistics` preset: a statistics head on the frozen encoder (nil for fine-tuning).
    public var statistics: StatisticsHeadRecipe?
    /// The `statistics` preset: augmented copies per clip in the statistics cache and their seed.
    public var statisticsCopies = 4
    public var statisticsAugmentSeed: UInt64 = 42

    public static let presetNames = ["efficient", "study", "statistics"]

    /// `efficient`: the last 2 blocks, the final layer norm and the head on true-length clips with 6
    /// augmented copies, AdamW lr 2e-4 with warm-up and cosine decay, label smoothing 0.1.
    /// `study`: the MSc study: the last block and the head, Adam lr 1e-5, early stopping (patience 20), no augmentation.
    /// `statistics`: a statistics head on the frozen encoder (``StatisticsHeadRecipe``).
    public static func preset(_ name: String, labels: [String] = defaultEmotionLabels, seed: UInt64 = 42) throws -> VoiceRecipe {
        var config = TrainingConfig()
        config.seed = seed
        switch name {
        case "study":
            config = .study(batchSize: 16, seed: seed)
            return VoiceRecipe(name: name, labels: labels, trainableBlocks: 1, augmentCopies: 0, training: config)
        case "efficient", "statistics":
            config.epochs = 24
            config.batchSize = 16
            config.optimizer = .adamw
            config.learningRate = 2e-4
            config.weightDecay = 0.01
            config.schedule = .cosine
            config.warmupEpochs = 1
            config.minLearningRate = 1e-6
            config.labelSmoothing = 0.1
            config.monitor = .valLoss
            return VoiceRecipe(name: name, labels: labels, trainableBlocks: 2, augmentCopies: 6, training: config,
                               statistics: name == "statistics" ? StatisticsHeadRecipe() : nil)
        default:
            throw RecipeError("unknown recipe '\(name)' (efficient, study or statistics)")
        }
    }

    /// The recipe as the compact JSON stored under `takesense.recipe`.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}

extension StatisticsHeadRecipe {
    /// Every setting at once (what `--layer`, `--weighted-sum`, `--head-epochs` ... give on the command line).
    public init(layer: Int, weightedLayerSum: Bool, poolStd: Bool, projectionSize: Int, dropout: Double, epochs: Int, learningRate: Double,
                weightDecay: Double, labelSmoothing: Double, maxCopies: Int?, corpusBalanced: Bool, seed: UInt64) {
        self.init()
        self.layer = layer
        self.weightedLayerSum = weightedLayerSum
        self.poolStd = poolStd
        self.projectionSize = projectionSize
        self.dropout = dropout
        self.epochs = epochs
        self.learningRate = learningRate
        self.weightDecay = weightDecay
        self.labelSmoothing = labelSmoothing
        // No augmented copies means the clean clips only.
        augmented = (maxCopies ?? 1) > 0
        self.maxCopies = maxCopies
        self.corpusBalanced = corpusBalanced
        self.seed = seed
    }
}
