import Foundation
import TensorFiles
import Torch

/// Options of the Whisper classification head (transformers' WhisperForAudioClassification plus
/// TakeSense's choice of block and pooling).
public struct WhisperClassifierOptions: Codable, Sendable, Equatable {
    /// Width of the projector (transformers' `classifier_proj_size`, 256 by default).
    public var projectionSize = 256
    /// A learned softmax-weighted sum over every hidden state (`use_weighted_layer_sum`).
    public var weightedLayerSum = false
    /// Read the hidden state after this many blocks instead of the last one (emotion peaks in the
    /// middle blocks: 2 of tiny's 4 read as well as the last). Ignored with `weightedLayerSum`.
    public var outputLayer: Int?
    /// Zero-pad every clip to 30 s before the log-mel (the study; ~20x slower). Off: clips keep their length.
    public var padTo30s = false
    public var pooling: TemporalPooling = .trueLength
    /// Which head reads the hidden states.
    public var head: WhisperHead = .projectedMean
    /// Statistics head: read the standard deviation over time as well as the mean (false: mean only).
    public var poolStd = true
    /// Dropout of the statistics head while training (on the standardised statistics and after the projector).
    public var dropout = 0.0

    public init(projectionSize: Int = 256, weightedLayerSum: Bool = false, outputLayer: Int? = nil, padTo30s: Bool = false,
                pooling: TemporalPooling = .trueLength, head: WhisperHead = .projectedMean, dropout: Double = 0) {
        self.projectionSize = projectionSize
        self.weightedLayerSum = weightedLayerSum
        self.outputLayer = outputLayer
        self.padTo30s = padTo30s
        self.pooling = pooling
        self.head = head
        self.dropout = dropout
    }
}

/// The two classification heads of ``WhisperClassifier``.
public enum WhisperHead: String, Codable, Sendable {
    /// transformers' head: projector on every frame, mean over the clip's frames, linear classifier.
    case projectedMean = "projected_mean"
    /// Statistics pooling: mean and standard deviation over the clip's frames of the chosen hidden
    /// state (or, with `weightedLayerSum`, a softmax-weighted sum of every hidden state's
    /// statistics), standardised with the training set's statistics (`normalizer.*`), then an
    /// optional projector (ReLU) and the linear classifier. Trained on a frozen encoder from cached
    /// statistics, so the whole CV of a recipe takes minutes.
    case statistics
}

/// Training-set mean and scale of the pooled statistics (buffers `normalizer.mean`, `normalizer.scale`).
public final class StatisticsNormalizer: Module {
    @Buffer public var mean: Tensor
    @Buffer public var scale: Tensor

    /// `shape`: (2·d_model) for one hidden state, (hidden states, 2·d_model) for a weighted sum
    /// (each state's statistics are standardised before they are summed).
    public init(shape: [Int]) throws {
        mean = try Tensor.zeros(shape)
        scale = try Tensor.ones(shape)
        super.init()
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor { try (x - mean) / scale }
}

/// Whisper encoder + classification head with WhisperForAudioClassification's parameter names
/// (`encoder.*`, `layer_weights`, `projector.{weight,bias}`, `classifier.{weight,bias}`).
///
/// Saved as safetensors with metadata `takesense.architecture`, `takesense.config` (encoder sizes as
/// transformers' keys plus the head options) and `takesense.labels` (JSON array).
public final class WhisperClassifier: Module, SpeechEmotionClassifier {
    public let encoder: WhisperEncoder
    public let layer_weights: Tensor?
    /// Standardisation of the statistics head's input (nil for the projected-mean head).
    public let normalizer: StatisticsNormalizer?
    /// nil for a statistics head without projection (a linear classifier on the statistics).
    public let projector: Linear?
    public let classifier: Linear
    public let labels: [String]
    public var options: WhisperClassifierOptions
    public let frontEnd: LogMelSpectrogram

    public static let architecture = "WhisperForAudioClassification"

    public init(_ config: WhisperConfig = .tiny, labels: [String] = defaultEmotionLabels,
                options: WhisperClassifierOptions = WhisperClassifierOptions()) throws {
        guard !labels.isEmpty else { throw TorchError("Whisper classifier: no labels") }
        if let k = options.outputLayer, !(0...config.layers).contains(k) {
            throw TorchError("Whisper classifier: output layer \(k) out of range 0...\(config.layers)")
        }
        encoder = try WhisperEncoder(config)
        let hiddenCount = config.layers + 1
        layer_weights = options.weightedLayerSum ? try Tensor.full([hiddenCount], 1 / Double(hiddenCount)).requiresGrad(true) : nil
        switch options.head {
        case .projectedMean:
            normalizer = nil
            projector = try Linear(config.dModel, options.projectionSize)
            classifier = try Linear(options.projectionSize, labels.count)
        case .statistics:
            let width = options.poolStd ? 2 * config.dModel : config.dModel
            normalizer = try StatisticsNormalizer(shape: options.weightedLayerSum ? [hiddenCount, width] : [width])
            projector = options.projectionSize > 0 ? try Linear(width, options.projectionSize) : nil
            classifier = try Linear(options.projectionSize > 0 ? options.projectionSize : width, labels.count)
        }
        self.labels = labels
        self.options = options
        frontEnd = LogMelSpectrogram(melBins: config.melBins)
        super.init()
    }

    /// Logits (N, labels) for log-mel features (N, mel, frames). `validFrames` gives each item's
    /// number of encoder frames for true-length pooling (nil: every frame). With true-length pooling
    /// and clips not padded to 30 s, the padding of a batch is also masked out of attention, so each
    /// clip gets the logits it gets alone.
    public func logits(mel: Tensor, validFrames: [Int]? = nil) throws -> Tensor {
        if options.head == .statistics {
            return try logits(statistics: statistics(mel: mel, validFrames: validFrames))
        }
        var hidden: Tensor
        if let layer_weights {
            hidden = try ClassifierHead.weightedSum(encoder.hiddenStates(mel), weights: layer_weights)
        } else {
            hidden = try encoder.resume(encoder.embed(mel), fromLayer: 0, outputLayer: options.outputLayer,
                                        validFrames: attentionLengths(validFrames))
        }
        return try head(hidden, validFrames: validFrames)
    }

    /// Logits from cached `hidden_states[fromLayer]` (N, T, d_model) of a zero-padded batch: the
    /// remaining blocks, then the head. What training on frozen lower blocks runs every step.
    public func logits(hidden: Tensor, fromLayer: Int, validFrames: [Int]?) throws -> Tensor {
        guard options.head == .projectedMean else {
            throw TorchError("Whisper classifier: the statistics head trains on cached statistics, not on cached block outputs")
        }
        guard layer_weights == nil else {
            throw TorchError("Whisper classifier: a weighted layer sum needs every hidden state; it cannot start from cached block outputs")
        }
        let x = try encoder.resume(hidden, fromLayer: fromLayer, outputLayer: options.outputLayer, validFrames: attentionLengths(validFrames))
        return try head(x, validFrames: validFrames)
    }

    /// `hidden_states[layer]` of one clip, (frames, d_model), computed as `logits(clips:)` does
    /// (log-mel at true length or padded to 30 s), with the clip's number of valid encoder frames.
    public func hiddenState(clip: [Float], layer: Int) throws -> (hidden: Tensor, validFrames: Int) {
        let (mel, frames) = try features(clips: [clip])
        let h = try encoder(mel, outputLayer: layer)
        return (try h[0], frames[0])
    }

    /// Lengths used to mask attention: only for true-length clips (padding to 30 s is attended to,
    /// as Whisper and the study do).
    func attentionLengths(_ validFrames: [Int]?) -> [Int]? {
        options.padTo30s || options.pooling != .trueLength ? nil : validFrames
    }

    // MARK: Statistics head

    /// The hidden state the statistics head reads when it does not sum them all.
    var statisticsLayer: Int { options.outputLayer ?? encoder.config.layers }

    /// Pooled statistics (N, H, 2·d_model) of hidden states 0..<H of a log-mel batch: per item, the
    /// mean and standard deviation over its valid frames (padding of the batch masked out of
    /// attention and of the statistics). H covers every hidden state with `all` or a weighted sum,
    /// otherwise just up to the one read. The same function fills the training cache, so cached and
    /// live statistics agree.
    public func statistics(mel: Tensor, validFrames: [Int]?, all: Bool = false) throws -> Tensor {
        let top = all || options.weightedLayerSum ? encoder.config.layers : statisticsLayer
        let lengths = validFrames
        var x = try encoder.embed(mel)
        var pooled = [try Self.meanAndStd(x, lengths: lengths)]
        for i in 0..<top {
            x = try encoder.resume(x, fromLayer: i, outputLayer: i + 1, validFrames: attentionLengths(validFrames))
            pooled.append(try Self.meanAndStd(x, lengths: lengths))
        }
        return try Torch.stack(pooled, dim: 1)
    }

    /// [mean, std] over the first lengths[i] frames of each item of (N, T, D): (N, 2D). The variance is
    /// taken around the mean (not E[x²] − E[x]², which loses digits on Whisper's large activations).
    static func meanAndStd(_ x: Tensor, lengths: [Int]?) throws -> Tensor {
        let mean = try ClassifierHead.meanPool(x, lengths: lengths)
        let centred = try x - mean.unsqueeze(1)
        let variance = try ClassifierHead.meanPool(centred * centred, lengths: lengths)
        return try Torch.cat([mean, variance.clamp(min: 1e-10).sqrt()], dim: 1)
    }

    /// Logits from pooled statistics (N, H, 2·d_model) as `statistics(mel:)` gives them (or the cache).
    public func logits(statistics: Tensor) throws -> Tensor {
        guard let normalizer else { throw TorchError("Whisper classifier: not a statistics head") }
        // Mean only: the first d_model features of each state's [mean, std].
        let statistics = options.poolStd ? statistics : try statistics.slice(dim: 2, start: 0, end: encoder.config.dModel)
        var z: Tensor
        if let layer_weights {
            guard statistics.size(1) == layer_weights.count else {
                throw TorchError("Whisper classifier: \(statistics.size(1)) hidden states' statistics for \(layer_weights.count) layer weights")
            }
            let w = try layer_weights.softmax(dim: -1).reshape([1, layer_weights.count, 1])
            z = try (normalizer(statistics) * w).sum(dim: 1)
        } else {
            guard statistics.size(1) > statisticsLayer else {
                throw TorchError("Whisper classifier: statistics of \(statistics.size(1)) hidden states do not include state \(statisticsLayer)")
            }
            z = try normalizer(statistics.select(dim: 1, index: statisticsLayer))
        }
        z = try Functional.dropout(z, p: options.dropout, training: training)
        if let projector {
            z = try Functional.dropout(projector(z).relu(), p: options.dropout, training: training)
        }
        return try classifier(z)
    }

    func head(_ hidden: Tensor, validFrames: [Int]?) throws -> Tensor {
        guard let projector else { throw TorchError("Whisper classifier: no projector") }
        let projected = try projector(hidden)
        let pooled = try ClassifierHead.meanPool(projected, lengths: options.pooling == .trueLength ? validFrames : nil)
        return try classifier(pooled)
    }

    /// Log-mel features of a batch of clips, zero-padded to the longest clip (or to 30 s with
    /// `padTo30s`), with each clip's number of encoder frames.
    public func features(clips: [[Float]]) throws -> (mel: Tensor, validFrames: [Int]) {
        guard !clips.isEmpty else { throw TorchError("Whisper classifier: no clips") }
        let maxSamples = encoder.config.maxSourcePositions * 2 * LogMelSpectrogram.hopLength
        let target = options.padTo30s ? LogMelSpectrogram.chunkSamples : Swift.min(maxSamples, clips.map(\.count).max()!)
        var mels: [Tensor] = []
        var frames: [Int] = []
        for clip in clips {
            let audio = LogMelSpectrogram.padOrTrim(clip, length: target)
            mels.append(try frontEnd(Tensor(audio)))
            let melFrames = Swift.max(1, Swift.min(clip.count, target) / LogMelSpectrogram.hopLength)
            frames.append(WhisperEncoder.outputFrames(melFrames: melFrames))
        }
        return (try Torch.stack(mels, dim: 0), frames)
    }

    public func logits(clips: [[Float]]) throws -> Tensor {
        let (mel, frames) = try features(clips: clips)
        return try logits(mel: mel, validFrames: frames)
    }

    // MARK: Files

    /// The safetensors metadata that lets `init(contentsOf:)` rebuild the model.
    public var metadata: [String: String] {
        var config: [String: Any] = encoder.config.huggingFaceJSON
        config["classifier_proj_size"] = options.projectionSize
        config["use_weighted_layer_sum"] = options.weightedLayerSum
        config["num_labels"] = labels.count
        if let k = options.outputLayer { config["output_layer"] = k }
        config["pad_30s"] = options.padTo30s
        config["pooling"] = options.pooling.rawValue
        if options.head != .projectedMean {
            config["head"] = options.head.rawValue
            config["pool_std"] = options.poolStd
        }
        return [ModelMetadata.Key.kind: ModelMetadata.Kind.voiceEmotion.rawValue, "takesense.architecture": Self.architecture,
                "takesense.config": ClassifierHead.metadataJSON(config), "takesense.labels": ClassifierHead.metadataJSON(labels)]
    }

    /// Saves the weights and the metadata needed to rebuild the model.
    public func save(to url: URL, floatType: DType? = nil) throws {
        try save(to: url, metadata: metadata, floatType: floatType)
    }

    /// Loads a classifier saved by TakeSense, or a Hugging Face WhisperForAudioClassification
    /// safetensors checkpoint with its `config.json` beside it (sizes, `id2label`, head options).
    public convenience init(contentsOf url: URL) throws {
        let meta = try Checkpoint.safetensorsMetadata(url)
        if let kind = ModelMetadata(meta).kind, kind != .voiceEmotion {
            throw ModelError(file: url.path, reason: "metadata 'takesense.kind' says \(kind.rawValue), not a voice-emotion model")
        }
        var config: [String: Any]
        var labels: [String]
        if let text = meta["takesense.config"] {
            guard let c = try ClassifierHead.parseJSON(text, file: url, key: "takesense.config") as? [String: Any] else {
                throw TorchError("\(url.path): metadata 'takesense.config' is not a JSON object")
            }
            config = c
            guard let l = try ClassifierHead.parseJSON(meta["takesense.labels"], file: url, key: "takesense.labels") as? [String] else {
                throw TorchError("\(url.path): metadata 'takesense.labels' missing or not a list of names")
            }
            labels = l
        } else if let c = try ClassifierHead.siblingConfig(of: url) {
            config = c
            labels = ClassifierHead.labels(fromId2Label: c["id2label"]) ?? defaultEmotionLabels
        } else {
            throw TorchError("\(url.path): no TakeSense metadata and no config.json beside it: cannot tell the model's sizes")
        }
        let sizes: WhisperConfig
        do { sizes = try WhisperConfig(huggingFace: config) } catch let e as TorchError { throw TorchError("\(url.path): \(e.message)") }
        var options = WhisperClassifierOptions()
        options.projectionSize = config["classifier_proj_size"] as? Int ?? 256
        options.weightedLayerSum = config["use_weighted_layer_sum"] as? Bool ?? false
        options.outputLayer = config["output_layer"] as? Int
        options.padTo30s = config["pad_30s"] as? Bool ?? false
        options.pooling = (config["pooling"] as? String).flatMap(TemporalPooling.init(rawValue:)) ?? .trueLength
        if let head = config["head"] as? String {
            guard let h = WhisperHead(rawValue: head) else { throw TorchError("\(url.path): unknown head '\(head)' in takesense.config") }
            options.head = h
        }
        options.poolStd = config["pool_std"] as? Bool ?? true
        // Every size is checked against bounds and the stored tensors before the network is built.
        if let problem = WhisperModelCheck.bounds(sizes, projectionSize: options.projectionSize, outputLayer: options.outputLayer) {
            throw TorchError("\(url.path): metadata \(problem)")
        }
        if case .failure(let p) = ModelLabels.validate(labels, max: WhisperModelCheck.labels) {
            throw TorchError("\(url.path): metadata 'takesense.labels' \(p)")
        }
        if url.pathExtension == "safetensors" {
            try WhisperModelCheck.check(sizes, projectionSize: options.projectionSize, weightedLayerSum: options.weightedLayerSum,
                                        labelCount: labels.count, head: options.head, poolStd: options.poolStd,
                                        shapes: try SafeTensorsFile(contentsOf: url).shapes, file: url.path)
        }
        try self.init(sizes, labels: labels, options: options)
        try load(contentsOf: url, strict: true)
        if let bad = try firstNonFiniteTensor() { throw TorchError("\(url.path): tensor '\(bad)' holds NaN or infinite values") }
    }

    /// A fresh head on a pretrained encoder: any Whisper safetensors checkpoint (TakeSense's
    /// `models import-whisper` output, or a transformers checkpoint with `encoder.*`/`model.encoder.*`
    /// keys). Sizes come from the file's `takesense.config` metadata or a `config.json` beside it.
    public convenience init(encoderCheckpoint url: URL, labels: [String] = defaultEmotionLabels,
                            options: WhisperClassifierOptions = WhisperClassifierOptions()) throws {
        let sizes = try Self.encoderConfig(of: url)
        try self.init(sizes, labels: labels, options: options)
        do { try encoder.load(huggingFace: Checkpoint.load(url)) } catch let e as TorchError {
            throw TorchError(e.message.hasPrefix(url.path) ? e.message : "\(url.path): \(e.message)")
        }
    }

    /// The encoder sizes recorded with a checkpoint (its metadata or a config.json beside it).
    public static func encoderConfig(of url: URL) throws -> WhisperConfig {
        let meta = url.pathExtension == "safetensors" ? try Checkpoint.safetensorsMetadata(url) : [:]
        if let c = try ClassifierHead.parseJSON(meta["takesense.config"], file: url, key: "takesense.config") as? [String: Any] {
            return try WhisperConfig(huggingFace: c)
        }
        if let c = try ClassifierHead.siblingConfig(of: url) { return try WhisperConfig(huggingFace: c) }
        throw TorchError("\(url.path): no TakeSense metadata and no config.json beside it: cannot tell the encoder's sizes")
    }
}
