import Foundation
import Torch
import VoiceEmotion

/// Options of the Wav2Vec2/HuBERT classification head.
public struct Wav2Vec2ClassifierOptions: Codable, Sendable, Equatable {
    /// transformers' `classifier_proj_size` (256).
    public var projectionSize = 256
    /// transformers' `use_weighted_layer_sum`.
    public var weightedLayerSum = false
    /// Read the hidden state after this many blocks instead of the last one. Ignored with `weightedLayerSum`.
    public var outputLayer: Int?
    /// Normalise each clip to zero mean and unit variance first (Wav2Vec2FeatureExtractor's
    /// `do_normalize`, on for wav2vec2-base).
    public var normalizeInput = true
    public var pooling: TemporalPooling = .trueLength

    public init(projectionSize: Int = 256, weightedLayerSum: Bool = false, outputLayer: Int? = nil, normalizeInput: Bool = true,
                pooling: TemporalPooling = .trueLength) {
        self.projectionSize = projectionSize
        self.weightedLayerSum = weightedLayerSum
        self.outputLayer = outputLayer
        self.normalizeInput = normalizeInput
        self.pooling = pooling
    }
}

/// The head shared by Wav2Vec2ForSequenceClassification and HubertForSequenceClassification
/// (`layer_weights`, `projector`, `classifier`); the backbone is a subclass's property (`wav2vec2` or
/// `hubert`), so that the state-dict keys are transformers'.
public class Wav2Vec2StyleClassifier: Module, SpeechEmotionClassifier {
    public let layer_weights: Tensor?
    public let projector: Linear
    public let classifier: Linear
    public let labels: [String]
    public var options: Wav2Vec2ClassifierOptions

    init(hiddenSize: Int, layers: Int, labels: [String], options: Wav2Vec2ClassifierOptions) throws {
        guard !labels.isEmpty else { throw TorchError("classifier: no labels") }
        if let k = options.outputLayer, !(0...layers).contains(k) {
            throw TorchError("classifier: output layer \(k) out of range 0...\(layers)")
        }
        let n = layers + 1
        layer_weights = options.weightedLayerSum ? try Tensor.full([n], 1 / Double(n)).requiresGrad(true) : nil
        projector = try Linear(hiddenSize, options.projectionSize)
        classifier = try Linear(options.projectionSize, labels.count)
        self.labels = labels
        self.options = options
        super.init()
    }

    /// The backbone (overridden by the concrete classes).
    public var backbone: Wav2Vec2Model { fatalError("Wav2Vec2StyleClassifier is abstract") }

    /// transformers' architecture name.
    public var architecture: String { fatalError("Wav2Vec2StyleClassifier is abstract") }

    /// Logits (N, labels) for raw waveforms (N, samples); `validSamples` for a zero-padded batch.
    /// The attention mask is applied as transformers does when it is given one.
    public func logits(waveform: Tensor, validSamples: [Int]? = nil, attentionMask: Bool = true) throws -> Tensor {
        let hidden = try backbone.hiddenStates(waveform, validSamples: attentionMask ? validSamples : nil)
        var h: Tensor
        if let layer_weights {
            h = try ClassifierHead.weightedSum(hidden, weights: layer_weights)
        } else {
            h = hidden[options.outputLayer ?? (hidden.count - 1)]
        }
        h = try projector(h)
        let frames = validSamples.map { $0.map { backbone.config.outputFrames(samples: $0) } }
        let pooled = try ClassifierHead.meanPool(h, lengths: options.pooling == .trueLength ? frames : nil)
        return try classifier(pooled)
    }

    /// A zero-padded batch (normalised per clip when `normalizeInput`), with each clip's length.
    public func batch(clips: [[Float]]) throws -> (waveform: Tensor, lengths: [Int]) {
        guard let longest = clips.map(\.count).max() else { throw TorchError("classifier: no clips") }
        var flat: [Float] = []
        flat.reserveCapacity(clips.count * longest)
        for clip in clips {
            flat += options.normalizeInput ? Self.normalize(clip) : clip
            flat += [Float](repeating: 0, count: longest - clip.count)
        }
        return (try Tensor(flat, shape: [clips.count, longest]), clips.map(\.count))
    }

    /// Wav2Vec2FeatureExtractor's zero-mean unit-variance normalisation: (x − mean) / sqrt(var + 1e-7).
    public static func normalize(_ clip: [Float]) -> [Float] {
        guard !clip.isEmpty else { return clip }
        let n = Double(clip.count)
        let mean = clip.reduce(0.0) { $0 + Double($1) } / n
        let variance = clip.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / n
        let scale = 1 / (variance + 1e-7).squareRoot()
        return clip.map { Float((Double($0) - mean) * scale) }
    }

    /// Batches are zero-padded; the attention mask is used only for models with layer-norm feature
    /// encoders, as transformers' feature extractors do (the group-norm base models were trained without one).
    public func logits(clips: [[Float]]) throws -> Tensor {
        let (x, lengths) = try batch(clips: clips)
        return try logits(waveform: x, validSamples: lengths, attentionMask: backbone.config.featExtractNorm == .layer)
    }

    /// Stops training the convolutional feature encoder (usual when fine-tuning).
    public func freezeFeatureEncoder() throws { try backbone.freezeFeatureEncoder() }

    // MARK: Files

    var metadata: [String: String] {
        var config = backbone.config.huggingFaceJSON
        config["classifier_proj_size"] = options.projectionSize
        config["use_weighted_layer_sum"] = options.weightedLayerSum
        config["num_labels"] = labels.count
        if let k = options.outputLayer { config["output_layer"] = k }
        config["normalize_input"] = options.normalizeInput
        config["pooling"] = options.pooling.rawValue
        return ["takesense.architecture": architecture, "takesense.config": ClassifierHead.metadataJSON(config),
                "takesense.labels": ClassifierHead.metadataJSON(labels)]
    }

    public func save(to url: URL, floatType: DType? = nil) throws {
        try save(to: url, metadata: metadata, floatType: floatType)
    }

    static func options(from config: [String: Any]) -> Wav2Vec2ClassifierOptions {
        var o = Wav2Vec2ClassifierOptions()
        o.projectionSize = config["classifier_proj_size"] as? Int ?? 256
        o.weightedLayerSum = config["use_weighted_layer_sum"] as? Bool ?? false
        o.outputLayer = config["output_layer"] as? Int
        o.normalizeInput = config["normalize_input"] as? Bool ?? true
        o.pooling = (config["pooling"] as? String).flatMap(TemporalPooling.init(rawValue:)) ?? .trueLength
        return o
    }
}

/// Wav2Vec2ForSequenceClassification: `wav2vec2.*`, `layer_weights`, `projector`, `classifier`.
public final class Wav2Vec2Classifier: Wav2Vec2StyleClassifier {
    public let wav2vec2: Wav2Vec2Model
    override public var backbone: Wav2Vec2Model { wav2vec2 }
    override public var architecture: String { "Wav2Vec2ForSequenceClassification" }

    public init(_ config: Wav2Vec2Config = .wav2vec2Base, labels: [String] = defaultEmotionLabels,
                options: Wav2Vec2ClassifierOptions = Wav2Vec2ClassifierOptions()) throws {
        guard config.kind == .wav2vec2 else { throw TorchError("Wav2Vec2Classifier needs a wav2vec2 config, got \(config.kind.rawValue)") }
        wav2vec2 = try Wav2Vec2Model(config)
        try super.init(hiddenSize: config.hiddenSize, layers: config.layers, labels: labels, options: options)
    }
}

/// HubertForSequenceClassification: `hubert.*`, `layer_weights`, `projector`, `classifier`.
public final class HubertClassifier: Wav2Vec2StyleClassifier {
    public let hubert: Wav2Vec2Model
    override public var backbone: Wav2Vec2Model { hubert }
    override public var architecture: String { "HubertForSequenceClassification" }

    public init(_ config: Wav2Vec2Config = .hubertBase, labels: [String] = defaultEmotionLabels,
                options: Wav2Vec2ClassifierOptions = Wav2Vec2ClassifierOptions()) throws {
        guard config.kind == .hubert else { throw TorchError("HubertClassifier needs a hubert config, got \(config.kind.rawValue)") }
        hubert = try Wav2Vec2Model(config)
        try super.init(hiddenSize: config.hiddenSize, layers: config.layers, labels: labels, options: options)
    }
}

/// Speech classifiers from files, whatever the backbone.
public enum SpeechClassifiers {
    /// Loads a classifier saved by TakeSense (metadata `takesense.architecture`) or a transformers
    /// safetensors checkpoint of Wav2Vec2/HuBERT/SEW-D-ForSequenceClassification or WhisperForAudioClassification
    /// with its `config.json` beside it.
    public static func load(_ url: URL) throws -> any SpeechEmotionClassifier {
        let meta = try Checkpoint.safetensorsMetadata(url)
        var config: [String: Any]
        var labels: [String]
        var architecture: String
        if let arch = meta["takesense.architecture"] {
            architecture = arch
            if arch == WhisperClassifier.architecture { return try WhisperClassifier(contentsOf: url) }
            guard let c = try ClassifierHead.parseJSON(meta["takesense.config"], file: url, key: "takesense.config") as? [String: Any],
                  let l = try ClassifierHead.parseJSON(meta["takesense.labels"], file: url, key: "takesense.labels") as? [String] else {
                throw TorchError("\(url.path): metadata 'takesense.config' or 'takesense.labels' missing or malformed")
            }
            config = c
            labels = l
        } else if let c = try ClassifierHead.siblingConfig(of: url) {
            config = c
            labels = ClassifierHead.labels(fromId2Label: c["id2label"]) ?? defaultEmotionLabels
            architecture = (c["architectures"] as? [String])?.first ?? ""
            if architecture.isEmpty {
                // A config without `architectures`: the head follows from the model type.
                let byType = ["whisper": WhisperClassifier.architecture, "wav2vec2": "Wav2Vec2ForSequenceClassification",
                              "hubert": "HubertForSequenceClassification", "sew-d": SEWDClassifier.architecture]
                architecture = byType[c["model_type"] as? String ?? ""] ?? ""
            }
            if architecture == WhisperClassifier.architecture { return try WhisperClassifier(contentsOf: url) }
        } else {
            throw TorchError("\(url.path): no TakeSense metadata and no config.json beside it: cannot tell what model this is")
        }
        if architecture == SEWDClassifier.architecture {
            let sizes: SEWDConfig
            do { sizes = try SEWDConfig(huggingFace: config) } catch let e as TorchError { throw TorchError("\(url.path): \(e.message)") }
            let model = try SEWDClassifier(sizes, labels: labels, options: Wav2Vec2StyleClassifier.options(from: config))
            var dict: [String: Tensor] = [:]
            for (k, v) in try Checkpoint.load(url) { dict[Wav2Vec2Model.modernWeightNormKey(k)] = v }
            do { try model.load(stateDict: dict, strict: true) } catch let e as TorchError { throw TorchError("\(url.path): \(e.message)") }
            return model
        }
        let sizes: Wav2Vec2Config
        do { sizes = try Wav2Vec2Config(huggingFace: config) } catch let e as TorchError { throw TorchError("\(url.path): \(e.message)") }
        let options = Wav2Vec2StyleClassifier.options(from: config)
        let model: Wav2Vec2StyleClassifier
        switch architecture {
        case "Wav2Vec2ForSequenceClassification": model = try Wav2Vec2Classifier(sizes, labels: labels, options: options)
        case "HubertForSequenceClassification": model = try HubertClassifier(sizes, labels: labels, options: options)
        default: throw TorchError("\(url.path): architecture '\(architecture)' is not a speech classifier TakeSense knows")
        }
        var dict: [String: Tensor] = [:]
        for (k, v) in try Checkpoint.load(url) { dict[Wav2Vec2Model.modernWeightNormKey(k)] = v }
        do { try model.load(stateDict: dict, strict: true) } catch let e as TorchError { throw TorchError("\(url.path): \(e.message)") }
        return model
    }
}
