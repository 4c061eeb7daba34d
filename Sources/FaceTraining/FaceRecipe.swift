import FaceEmotion
import Foundation
import Torch
import Training

/// Everything a face-training run decides before its first epoch, as one Codable value: the presets
/// `takesense train face --recipe cpu|crop|study` start from, overridden option by option, and recorded
/// as JSON in the trained model's metadata (`takesense.recipe`) so a model file says how it was made.
public struct FaceRecipe: Codable, Sendable, Equatable {
    /// The presets and their settings in words (the `takesense train face` help).
    public static let about = """
    Recipes: 'cpu' (default) trains a VGG-style network on 48x48 grayscale faces with strong augmentation, \
    AdamW, a cosine schedule and label smoothing, sized to finish within about 90 minutes on two CPU cores. \
    'study' reproduces the MSc study: ResNet34 at 224 px (grayscale replicated to 3 channels, normalised with \
    mean 0.485, std 0.229), Adam lr 1e-5, batch 128, cross-entropy, random horizontal and vertical flips, \
    early stopping on validation loss with patience 20, the first N layers frozen (--freeze-first, default 57), \
    from an ImageNet checkpoint given with --init.
    'crop' (after Khaireddin & Chen 2021) trains on random 40-44 px windows of the 48 px face resampled to 40 px \
    (with flips, rotation ±10°, brightness/contrast, random erasing), SGD with Nesterov momentum 0.9, lr 0.01, \
    weight decay 5e-4, a long cosine schedule with warm-up, label smoothing 0.1, and saves models that average \
    ten crops (centre, four corners, each mirrored) at inference; training evaluation uses centre + mirror. \
    --precision bf16 runs the forward pass under bfloat16 autocast (fp32 master weights), --channels-last lays \
    activations and weights out NHWC (oneDNN's fast bf16 convolutions).
    Without --validation, the data is split 80/20 at random with --seed (the study's FER2013-selected protocol).
    """

    /// The preset this recipe started from.
    public var name: String
    /// Architecture name (`resnet34`, `vgg13_bn`, `fernet-32`, ...), as `FaceArchitecture(name:)` reads it.
    public var architecture: String
    public var labels: [String]
    public var preprocessing: FacePreprocessing
    /// Optimiser, schedule, epochs, batch size, early stopping, seed (class weights are filled in from
    /// the training data when `classWeights` is set).
    public var training: TrainingConfig
    /// Weight the loss by inverse class frequency.
    public var classWeights = false
    /// `strong`, `light` or `study` (see `FaceAugmentation`).
    public var augmentation: String
    /// Train on random 40-44 px windows resampled to the network's size (the `crop` preset).
    public var randomCrops = false
    /// Freeze the first N layers (modules with parameters, in order); nil = train everything.
    public var freezeFirst: Int?
    /// Test-time augmentation of the saved model.
    public var testTimeAugmentation: FaceTestTimeAugmentation
    /// Test-time augmentation of the per-epoch validation that selects the best epoch (nil: the model's own).
    public var selectionTestTimeAugmentation: FaceTestTimeAugmentation?
    /// `fp32`, or `bf16` (bfloat16 autocast for the training forward pass, fp32 master weights).
    public var precision = "fp32"
    /// Channels-last (NHWC) activations and weights.
    public var channelsLast = false
    /// Initial weights (safetensors or .pth) whose matching tensors are loaded before training.
    public var initialWeights: String?
    /// Only this many training faces (a seeded random subset).
    public var limit: Int?
    /// Probability of degrading a training face as video does (`FaceAugmentation.degrade`); nil = 0.
    public var degrade: Double?

    public static let presetNames = ["cpu", "crop", "study"]

    /// `cpu`: a VGG-style FERNet at 48 px with strong augmentation, AdamW, cosine schedule, label smoothing.
    /// `crop`: FERNet-32 on random crops (Khaireddin & Chen 2021), SGD with Nesterov momentum, ten-crop inference.
    /// `study`: the MSc study's ResNet34 at 224 px, Adam lr 1e-5, early stopping, the first 57 layers frozen.
    public static func preset(_ name: String, labels: [String] = ["angry", "disgust", "fear", "happy", "neutral", "sad"],
                              seed: UInt64 = 42) throws -> FaceRecipe {
        var config = TrainingConfig()
        config.seed = seed
        switch name {
        case "study":
            config = .study(batchSize: 128, seed: seed)
            return FaceRecipe(name: name, architecture: "resnet34", labels: labels, preprocessing: .study, training: config,
                              augmentation: "study", freezeFirst: 57, testTimeAugmentation: .none)
        case "crop":
            config.epochs = 120
            config.batchSize = 64
            config.optimizer = .sgd
            config.momentum = 0.9
            config.learningRate = 0.01
            config.weightDecay = 5e-4
            config.schedule = .cosine
            config.warmupEpochs = 3
            config.minLearningRate = 1e-5
            config.labelSmoothing = 0.1
            config.monitor = .valAccuracy
            // Per-epoch selection uses the cheaper centre + mirror views; the saved model averages ten crops.
            return FaceRecipe(name: name, architecture: "fernet-32", labels: labels,
                              preprocessing: FacePreprocessing(inputSize: 48, channels: 1, cropSize: 40), training: config,
                              augmentation: "strong", randomCrops: true, testTimeAugmentation: .tenCrop, selectionTestTimeAugmentation: .flip)
        case "cpu":
            config.epochs = 60
            config.batchSize = 64
            config.optimizer = .adamw
            config.learningRate = 2e-3
            config.weightDecay = 5e-4
            config.schedule = .cosine
            config.warmupEpochs = 2
            config.minLearningRate = 1e-5
            config.labelSmoothing = 0.1
            config.monitor = .valAccuracy
            return FaceRecipe(name: name, architecture: "fernet", labels: labels, preprocessing: FacePreprocessing(inputSize: 48, channels: 1),
                              training: config, augmentation: "strong", testTimeAugmentation: .flip)
        default:
            throw RecipeError("unknown recipe '\(name)' (cpu, crop or study)")
        }
    }

    /// The bfloat16 autocast type of `precision` (nil for fp32).
    public func autocastType() throws -> DType? {
        switch precision {
        case "fp32": return nil
        case "bf16": return .bfloat16
        default: throw RecipeError("--precision: unknown precision '\(precision)' (fp32 or bf16)")
        }
    }

    /// The batch augmentation this recipe trains with.
    public func faceAugmentation() throws -> FaceAugmentation {
        var result: FaceAugmentation
        switch augmentation {
        case "strong": result = randomCrops ? .crops(output: preprocessing.networkSize) : FaceAugmentation()
        case "light": result = .light
        case "study": result = .study
        case let other: throw RecipeError("--augment: unknown augmentation '\(other)' (strong, light or study)")
        }
        if let degrade {
            guard degrade.isFinite, (0...1).contains(degrade) else { throw RecipeError("--degrade: \(degrade) is not a probability (0 to 1)") }
            result.degrade = degrade
        }
        if randomCrops, result.cropOutput == nil {
            let side = preprocessing.networkSize
            result.cropOutput = side
            result.cropMinSide = side
            result.cropMaxSide = side + 4
        }
        return result
    }

    /// The recipe as the compact JSON stored under `takesense.recipe`.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
