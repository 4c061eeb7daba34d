import Foundation
import Torch
import VoiceEmotion

/// DeBERTa's layer norm type, named so that modules can have a property called `LayerNorm` (the
/// parameter name transformers uses in SEW-D's DeBERTa-v2 blocks).
public typealias DebertaLayerNorm = LayerNorm

/// Sizes and options of a SEW-D model (transformers' SEWDConfig keys; defaults as SEWDConfig's).
///
/// SEW-D ("Squeezed and Efficient Wav2vec with Disentangled attention") keeps Wav2Vec2's convolutional
/// feature encoder, squeezes time by `squeeze_factor` (average pooling plus a strided weight-normalised
/// positional convolution), runs DeBERTa-v2 blocks with disentangled (content-to-position and
/// position-to-content) relative attention over log-bucketed positions, and upsamples back.
public struct SEWDConfig: Codable, Sendable, Equatable {
    public var hiddenSize = 768
    public var layers = 12
    public var heads = 12
    public var intermediateSize = 3072
    public var squeezeFactor = 2
    public var maxPositionEmbeddings = 512
    /// `max_relative_positions` (≤ 0: `max_position_embeddings`).
    public var maxRelativePositions = -1
    public var positionBuckets = 256
    public var shareAttKey = true
    public var relativeAttention = true
    public var posAttType = ["p2c", "c2p"]
    public var normRelEbd = ["layer_norm"]
    public var hiddenAct = "gelu"
    public var layerNormEps = 1e-7
    public var featureLayerNormEps = 1e-5
    public var featExtractNorm: Wav2Vec2Config.FeatureNorm = .group
    public var featExtractActivation = "gelu"
    public var convDim = [64, 128, 128, 128, 128, 256, 256, 256, 256, 512, 512, 512, 512]
    public var convStride = [5, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]
    public var convKernel = [10, 3, 1, 3, 1, 3, 1, 3, 1, 2, 1, 2, 1]
    public var convBias = false
    public var numConvPosEmbeddings = 128
    public var numConvPosEmbeddingGroups = 16
    public var hasMaskedSpecEmbed = true

    /// SEWDConfig's defaults (asapp/sew-d-base-100k's shape).
    public static let base = SEWDConfig()
    /// asapp/sew-d-tiny-100k: 384 wide, 24 layers, 6 heads, intermediate 1536.
    public static let tiny = SEWDConfig(hiddenSize: 384, layers: 24, heads: 6, intermediateSize: 1536)

    public init(hiddenSize: Int = 768, layers: Int = 12, heads: Int = 12, intermediateSize: Int = 3072) {
        self.hiddenSize = hiddenSize
        self.layers = layers
        self.heads = heads
        self.intermediateSize = intermediateSize
    }

    /// Reads a transformers `config.json` of `model_type` "sew-d".
    public init(huggingFace json: [String: Any]) throws {
        if let type = json["model_type"] as? String, type != "sew-d" {
            throw TorchError("config.json: model_type '\(type)' is not sew-d")
        }
        func int(_ k: String, _ d: Int) throws -> Int {
            guard let v = json[k] else { return d }
            guard let i = v as? Int else { throw TorchError("config.json: '\(k)' is not an integer") }
            return i
        }
        func ints(_ k: String, _ d: [Int]) throws -> [Int] {
            guard let v = json[k] else { return d }
            guard let a = v as? [Int] else { throw TorchError("config.json: '\(k)' is not a list of integers") }
            return a
        }
        var c = SEWDConfig()
        c.hiddenSize = try int("hidden_size", c.hiddenSize)
        c.layers = try int("num_hidden_layers", c.layers)
        c.heads = try int("num_attention_heads", c.heads)
        c.intermediateSize = try int("intermediate_size", c.intermediateSize)
        c.squeezeFactor = try int("squeeze_factor", c.squeezeFactor)
        c.maxPositionEmbeddings = try int("max_position_embeddings", c.maxPositionEmbeddings)
        c.maxRelativePositions = try int("max_relative_positions", -1)
        c.positionBuckets = try int("position_buckets", c.positionBuckets)
        c.shareAttKey = json["share_att_key"] as? Bool ?? true
        c.relativeAttention = json["relative_attention"] as? Bool ?? true
        if let types = json["pos_att_type"] {
            if let list = types as? [String] { c.posAttType = list } else if let text = types as? String {
                c.posAttType = text.lowercased().split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            } else { throw TorchError("config.json: 'pos_att_type' is not a list of names") }
        }
        if let norm = json["norm_rel_ebd"] as? String {
            c.normRelEbd = norm.lowercased().split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
        }
        c.hiddenAct = json["hidden_act"] as? String ?? "gelu_python"
        c.layerNormEps = json["layer_norm_eps"] as? Double ?? 1e-7
        c.featureLayerNormEps = json["feature_layer_norm_eps"] as? Double ?? 1e-5
        let normName = json["feat_extract_norm"] as? String ?? "group"
        guard let norm = Wav2Vec2Config.FeatureNorm(rawValue: normName) else {
            throw TorchError("config.json: feat_extract_norm '\(normName)' is not 'group' or 'layer'")
        }
        c.featExtractNorm = norm
        c.featExtractActivation = json["feat_extract_activation"] as? String ?? "gelu"
        c.convDim = try ints("conv_dim", c.convDim)
        c.convStride = try ints("conv_stride", c.convStride)
        c.convKernel = try ints("conv_kernel", c.convKernel)
        c.convBias = json["conv_bias"] as? Bool ?? false
        c.numConvPosEmbeddings = try int("num_conv_pos_embeddings", c.numConvPosEmbeddings)
        c.numConvPosEmbeddingGroups = try int("num_conv_pos_embedding_groups", c.numConvPosEmbeddingGroups)
        c.hasMaskedSpecEmbed = (json["mask_time_prob"] as? Double ?? 0.05) > 0 || (json["mask_feature_prob"] as? Double ?? 0) > 0
        if (json["conv_kernel_size"] as? Int ?? 0) > 0 {
            throw TorchError("config.json: DeBERTa's convolution branch (conv_kernel_size) is not supported")
        }
        self = c
    }

    public var huggingFaceJSON: [String: Any] {
        ["model_type": "sew-d", "hidden_size": hiddenSize, "num_hidden_layers": layers, "num_attention_heads": heads,
         "intermediate_size": intermediateSize, "squeeze_factor": squeezeFactor, "max_position_embeddings": maxPositionEmbeddings,
         "max_relative_positions": maxRelativePositions, "position_buckets": positionBuckets, "share_att_key": shareAttKey,
         "relative_attention": relativeAttention, "pos_att_type": posAttType, "norm_rel_ebd": normRelEbd.joined(separator: "|"),
         "hidden_act": hiddenAct, "layer_norm_eps": layerNormEps, "feature_layer_norm_eps": featureLayerNormEps,
         "feat_extract_norm": featExtractNorm.rawValue, "feat_extract_activation": featExtractActivation, "conv_dim": convDim,
         "conv_stride": convStride, "conv_kernel": convKernel, "conv_bias": convBias, "num_conv_pos_embeddings": numConvPosEmbeddings,
         "num_conv_pos_embedding_groups": numConvPosEmbeddingGroups, "mask_time_prob": hasMaskedSpecEmbed ? 0.05 : 0.0]
    }

    /// The convolutional feature encoder's settings, shared with Wav2Vec2.
    var featureEncoder: Wav2Vec2Config {
        var c = Wav2Vec2Config(convDim: convDim, convKernel: convKernel, convStride: convStride, convBias: convBias,
                               featExtractNorm: featExtractNorm)
        c.featExtractActivation = featExtractActivation
        return c
    }

    /// Relative-position span (`pos_ebd_size`): the buckets when bucketing, else the maximum relative position.
    var attentionSpan: Int {
        let maxRel = maxRelativePositions < 1 ? maxPositionEmbeddings : maxRelativePositions
        return positionBuckets > 0 ? positionBuckets : maxRel
    }

    func validate() throws {
        try featureEncoder.validate()
        guard hiddenSize > 0, heads > 0, hiddenSize % heads == 0, squeezeFactor >= 1, layers >= 0,
              hiddenSize % numConvPosEmbeddingGroups == 0 else {
            throw TorchError("SEW-D config: invalid sizes (hidden \(hiddenSize), heads \(heads), squeeze \(squeezeFactor))")
        }
        guard Set(posAttType).isSubset(of: ["c2p", "p2c"]) else {
            throw TorchError("SEW-D config: pos_att_type \(posAttType) (only c2p and p2c exist)")
        }
        _ = try Activation(hiddenAct == "gelu_python" ? "gelu" : hiddenAct)
    }

    public func outputFrames(samples: Int) -> Int { featureEncoder.outputFrames(samples: samples) }
    public var receptiveField: Int { featureEncoder.receptiveField }
}

/// DeBERTa-v2's relative positions between query i and key j (i − j), log-bucketed beyond
/// `bucketSize / 2` when bucketing (`build_relative_position`, `make_log_bucket_position`): (T, T) int64.
public func debertaRelativePositions(_ length: Int, bucketSize: Int, maxPosition: Int) throws -> Tensor {
    let ids = try Tensor.arange(length)
    let rel = try ids.unsqueeze(1) - ids.unsqueeze(0)
    guard bucketSize > 0, maxPosition > 0 else { return rel }
    // The same float32 tensor arithmetic as transformers, so that ceil() lands on the same buckets.
    let mid = bucketSize / 2
    let sign = try rel.sign()
    let inside = try rel.lt(Double(mid)).logicalAnd(rel.gt(Double(-mid)))
    let absPos = try Torch.where(inside, Tensor.full([], Double(mid - 1), dtype: .int64), rel.abs())
    let denominator = try Tensor(scalar: Float(Double(maxPosition - 1) / Double(mid))).log()
    let logPos = try ((absPos.to(.float32) / Double(mid)).log() / denominator * Double(mid - 1)).ceil() + Double(mid)
    let bucket = try Torch.where(absPos.le(Double(mid)), rel.to(.float32), logPos * sign.to(.float32))
    return try bucket.to(.int64)
}

/// DeBERTa-v2 disentangled self-attention: `query_proj`, `key_proj`, `value_proj` and, without shared
/// keys, `pos_key_proj` (c2p) / `pos_query_proj` (p2c).
public final class DisentangledSelfAttention: Module {
    public let query_proj: Linear, key_proj: Linear, value_proj: Linear
    public let pos_key_proj: Linear?, pos_query_proj: Linear?
    let heads: Int, span: Int, c2p: Bool, p2c: Bool, shareKeys: Bool, relative: Bool

    init(_ c: SEWDConfig) throws {
        heads = c.heads
        query_proj = try Linear(c.hiddenSize, c.hiddenSize)
        key_proj = try Linear(c.hiddenSize, c.hiddenSize)
        value_proj = try Linear(c.hiddenSize, c.hiddenSize)
        c2p = c.posAttType.contains("c2p")
        p2c = c.posAttType.contains("p2c")
        shareKeys = c.shareAttKey
        relative = c.relativeAttention
        pos_key_proj = relative && !shareKeys && c2p ? try Linear(c.hiddenSize, c.hiddenSize) : nil
        pos_query_proj = relative && !shareKeys && p2c ? try Linear(c.hiddenSize, c.hiddenSize) : nil
        span = c.attentionSpan
        super.init()
    }

    /// - Parameters:
    ///   - x: (N, T, D).
    ///   - mask: (N, 1, T, T) bool, true where query and key are both valid (nil: all valid).
    ///   - relativePositions: (T, T) int64; `relEmbeddings`: (2·span, D), already normalised.
    public func callAsFunction(_ x: Tensor, mask: Tensor?, relativePositions: Tensor?, relEmbeddings: Tensor?) throws -> Tensor {
        let (n, t, d) = (x.size(0), x.size(1), x.size(2))
        let hd = d / heads
        func split(_ y: Tensor) throws -> Tensor { try y.reshape([y.size(0), y.size(1), heads, hd]).transpose(1, 2) }  // (N, H, T, hd)
        let q = try split(query_proj(x)), k = try split(key_proj(x)), v = try split(value_proj(x))
        var factor = 1
        if c2p { factor += 1 }
        if p2c { factor += 1 }
        let scale = Double(Float(Double(hd * factor)).squareRoot())
        var scores = try q.matmul(k.transpose(-2, -1) / scale)
        if relative, let relativePositions, let relEmbeddings {
            let rel = try relEmbeddings.slice(dim: 0, start: 0, end: 2 * span).unsqueeze(0)  // (1, 2span, D)
            let index = { (pos: Tensor) throws -> Tensor in
                try pos.clamp(min: 0, max: Double(2 * self.span - 1)).to(.int64).reshape([1, 1, t, t]).expand([n, self.heads, t, t])
            }
            if c2p {
                let posKey = try split(shareKeys ? key_proj(rel) : pos_key_proj!(rel))  // (1, H, 2span, hd)
                let att = try q.matmul(posKey.transpose(-2, -1)).gather(dim: -1, index: index(relativePositions + Double(span)))
                scores = try scores + att / scale
            }
            if p2c {
                let posQuery = try split(shareKeys ? query_proj(rel) : pos_query_proj!(rel))
                let att = try k.matmul(posQuery.transpose(-2, -1)).gather(dim: -1, index: index(Double(span) - relativePositions))
                scores = try scores + att.transpose(-2, -1) / scale
            }
        }
        var probs: Tensor
        if let mask {
            let blocked = try mask.logicalNot()
            probs = try scores.maskedFill(blocked, Double(-Float.greatestFiniteMagnitude)).softmax(dim: -1).maskedFill(blocked, 0)
        } else {
            probs = try scores.softmax(dim: -1)
        }
        return try probs.matmul(v).transpose(1, 2).reshape([n, t, d])
    }
}

/// `dense` then `LayerNorm` over the residual sum (SEWDSelfOutput and SEWDOutput).
public final class SEWDDenseOutput: Module {
    public let dense: Linear
    public let LayerNorm: DebertaLayerNorm

    init(_ inFeatures: Int, _ c: SEWDConfig) throws {
        dense = try Linear(inFeatures, c.hiddenSize)
        LayerNorm = try DebertaLayerNorm(c.hiddenSize, eps: c.layerNormEps)
        super.init()
    }

    public func callAsFunction(_ x: Tensor, residual: Tensor) throws -> Tensor { try LayerNorm(dense(x) + residual) }
}

/// `self` (disentangled attention) and `output`.
public final class SEWDAttention: Module {
    /// transformers' `attention.self` (a leading underscore is dropped from state-dict keys).
    public let _self: DisentangledSelfAttention
    public let output: SEWDDenseOutput

    init(_ c: SEWDConfig) throws {
        _self = try DisentangledSelfAttention(c)
        output = try SEWDDenseOutput(c.hiddenSize, c)
        super.init()
    }
}

public final class SEWDIntermediate: Module {
    public let dense: Linear
    init(_ c: SEWDConfig) throws {
        dense = try Linear(c.hiddenSize, c.intermediateSize)
        super.init()
    }
}

/// A DeBERTa-v2 block: `attention.{self,output}`, `intermediate.dense`, `output.{dense,LayerNorm}`.
public final class SEWDLayer: Module {
    public let attention: SEWDAttention
    public let intermediate: SEWDIntermediate
    public let output: SEWDDenseOutput
    let activation: Activation

    init(_ c: SEWDConfig) throws {
        attention = try SEWDAttention(c)
        intermediate = try SEWDIntermediate(c)
        output = try SEWDDenseOutput(c.intermediateSize, c)
        activation = try Activation(c.hiddenAct == "gelu_python" ? "gelu" : c.hiddenAct)
        super.init()
    }

    public func callAsFunction(_ x: Tensor, mask: Tensor?, relativePositions: Tensor?, relEmbeddings: Tensor?) throws -> Tensor {
        let a = try attention._self(x, mask: mask, relativePositions: relativePositions, relEmbeddings: relEmbeddings)
        let attended = try attention.output(a, residual: x)
        return try output(activation(intermediate.dense(attended)), residual: attended)
    }
}

/// The DeBERTa-v2 stack: `layer.N`, `rel_embeddings`, and `LayerNorm` on the relative embeddings.
public final class SEWDTransformerEncoder: Module {
    public let layer: [SEWDLayer]
    public let rel_embeddings: Embedding?
    public let LayerNorm: DebertaLayerNorm?
    let config: SEWDConfig

    init(_ c: SEWDConfig) throws {
        config = c
        layer = try (0..<c.layers).map { _ in try SEWDLayer(c) }
        rel_embeddings = c.relativeAttention ? try Embedding(2 * c.attentionSpan, c.hiddenSize) : nil
        LayerNorm = c.normRelEbd.contains("layer_norm") ? try DebertaLayerNorm(c.hiddenSize, eps: c.layerNormEps) : nil
        super.init()
    }

    /// Hidden states (input, then each block's output). `validFrames` masks padding (queries and keys).
    public func hiddenStates(_ x: Tensor, validFrames: [Int]?) throws -> [Tensor] {
        let (n, t) = (x.size(0), x.size(1))
        var mask: Tensor? = nil
        if let validFrames {
            let valid = try Tensor.arange(t).unsqueeze(0).lt(Tensor(validFrames.map(Int64.init)).unsqueeze(1))  // (N, T)
            mask = try valid.reshape([n, 1, 1, t]).logicalAnd(valid.reshape([n, 1, t, 1]))
        }
        var relPos: Tensor? = nil, relEmb: Tensor? = nil
        if let rel_embeddings {
            let maxRel = config.maxRelativePositions < 1 ? config.maxPositionEmbeddings : config.maxRelativePositions
            relPos = try debertaRelativePositions(t, bucketSize: config.positionBuckets, maxPosition: maxRel)
            relEmb = try LayerNorm.map { try $0(rel_embeddings.weight) } ?? rel_embeddings.weight
        }
        var h = x
        var out: [Tensor] = []
        for block in layer {
            out.append(h)
            h = try block(h, mask: mask, relativePositions: relPos, relEmbeddings: relEmb)
        }
        out.append(h)
        return out
    }
}

/// `projection` to squeeze_factor × hidden, activation, then channels unfolded back into time.
public final class SEWDUpsampling: Module {
    public let projection: Linear
    let factor: Int
    let activation: Activation

    init(_ c: SEWDConfig) throws {
        projection = try Linear(c.hiddenSize, c.hiddenSize * c.squeezeFactor)
        factor = c.squeezeFactor
        activation = try Activation(c.featExtractActivation)
        super.init()
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        let h = try activation(projection(x))
        guard factor > 1 else { return h }
        let (n, t, d) = (h.size(0), h.size(1), h.size(2))
        return try h.reshape([n, t * factor, d / factor])
    }
}

/// `pos_conv_embed` (strided weight-normalised convolution), average pooling, `encoder` (DeBERTa-v2), `upsample`.
public final class SEWDEncoder: Module {
    public let pos_conv_embed: SEWDPositionalConvEmbedding
    public let encoder: SEWDTransformerEncoder
    public let upsample: SEWDUpsampling
    let squeeze: Int

    init(_ c: SEWDConfig) throws {
        pos_conv_embed = try SEWDPositionalConvEmbedding(c)
        encoder = try SEWDTransformerEncoder(c)
        upsample = try SEWDUpsampling(c)
        squeeze = c.squeezeFactor
        super.init()
    }

    /// (squeezed hidden states, upsampled last hidden state at the input length).
    public func forward(_ x: Tensor, validFrames: [Int]?) throws -> (hidden: [Tensor], last: Tensor) {
        let t = x.size(1)
        var h = x
        var squeezedValid: [Int]? = nil
        if let validFrames {
            let keep = try Tensor.arange(t).unsqueeze(0).lt(Tensor(validFrames.map(Int64.init)).unsqueeze(1))
            h = try h * keep.to(h.dtype).unsqueeze(2)
            squeezedValid = validFrames.map { $0 / squeeze }
        }
        let channels = try h.transpose(1, 2)
        let positions = try pos_conv_embed(channels)
        let pooled = try Functional.avgPool1d(channels, kernel: squeeze, stride: squeeze)
        let length = Swift.min(positions.size(-1), pooled.size(-1))
        let squeezed = try (pooled.slice(dim: 2, start: 0, end: length) + positions.slice(dim: 2, start: 0, end: length)).transpose(1, 2)
        let hidden = try encoder.hiddenStates(squeezed, validFrames: squeezedValid)
        var last = try upsample(hidden.last!)
        if last.size(1) < t { last = try last.pad([0, 0, 0, t - last.size(1)]) }
        return (hidden, last)
    }
}

/// `conv` (weight-normalised, stride = squeeze factor), "same" padding trimmed for even kernels, activation.
public final class SEWDPositionalConvEmbedding: Module {
    public let conv: WeightNormConv1d
    let removeLast: Bool
    let activation: Activation

    init(_ c: SEWDConfig) throws {
        conv = try WeightNormConv1d(c.hiddenSize, kernelSize: c.numConvPosEmbeddings, stride: c.squeezeFactor,
                                    padding: c.numConvPosEmbeddings / 2, groups: c.numConvPosEmbeddingGroups)
        removeLast = c.numConvPosEmbeddings % 2 == 0
        activation = try Activation(c.featExtractActivation)
        super.init()
    }

    /// (N, D, T) → (N, D, T').
    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        var h = try conv(x)
        if removeLast { h = try h.slice(dim: 2, start: 0, end: h.size(2) - 1) }
        return try activation(h)
    }
}

/// SEWDModel with transformers' parameter names (`feature_extractor.*`, `layer_norm`,
/// `feature_projection`, `masked_spec_embed`, `encoder.pos_conv_embed.conv.weight_g`,
/// `encoder.encoder.layer.0.attention.self.query_proj.weight`, `encoder.encoder.rel_embeddings.weight`,
/// `encoder.upsample.projection.weight`, ...).
public final class SEWDModel: Module {
    public let masked_spec_embed: Tensor?
    public let feature_extractor: Wav2Vec2FeatureEncoder
    public let layer_norm: LayerNorm
    public let feature_projection: Linear?
    public let encoder: SEWDEncoder
    public let config: SEWDConfig

    public init(_ config: SEWDConfig = .base) throws {
        try config.validate()
        self.config = config
        masked_spec_embed = config.hasMaskedSpecEmbed ? try Tensor.rand([config.hiddenSize]).requiresGrad(true) : nil
        feature_extractor = try Wav2Vec2FeatureEncoder(config.featureEncoder)
        let convOut = config.convDim.last!
        layer_norm = try LayerNorm(convOut, eps: config.featureLayerNormEps)
        feature_projection = convOut != config.hiddenSize ? try Linear(convOut, config.hiddenSize) : nil
        encoder = try SEWDEncoder(config)
        super.init()
    }

    /// Squeezed hidden states as transformers' `hidden_states` (layers + 1) and the upsampled
    /// `last_hidden_state` (N, frames, hidden). `validSamples`: clip lengths in a zero-padded batch.
    public func forward(_ waveform: Tensor, validSamples: [Int]? = nil) throws -> (hidden: [Tensor], last: Tensor) {
        guard waveform.rank == 2 else { throw TorchError("sew-d: expected waveforms (batch, samples), got shape \(waveform.shape)") }
        guard waveform.size(1) >= config.receptiveField * config.squeezeFactor else {
            throw TorchError("sew-d: clip too short (\(waveform.size(1)) samples; at least \(config.receptiveField * config.squeezeFactor) needed)")
        }
        var h = try layer_norm(feature_extractor(waveform).transpose(1, 2))
        if let feature_projection { h = try feature_projection(h) }
        return try encoder.forward(h, validFrames: validSamples.map { $0.map { config.outputFrames(samples: $0) } })
    }

    public func freezeFeatureEncoder() throws { try feature_extractor.freeze() }

    /// Loads a transformers state dict with bare keys (SEWDModel) or under `sew_d.`; other keys ignored.
    @discardableResult
    public func load(huggingFace dict: [String: Tensor]) throws -> LoadReport {
        let mine = Set(stateDict().map(\.key))
        for prefix in ["sew_d.", ""] {
            guard dict.keys.contains(prefix + "layer_norm.weight") else { continue }
            var sub: [String: Tensor] = [:]
            for (k, v) in dict where k.hasPrefix(prefix) {
                let key = Wav2Vec2Model.modernWeightNormKey(String(k.dropFirst(prefix.count)))
                if mine.contains(key) { sub[key] = v }
            }
            return try load(stateDict: sub, strict: true)
        }
        throw TorchError("not a SEW-D checkpoint: no 'sew_d.layer_norm.weight' or 'layer_norm.weight'")
    }
}

/// SEWDForSequenceClassification: `sew_d.*`, `layer_weights`, `projector`, `classifier`. The weighted
/// layer sum (and `outputLayer` below the last block) reads the squeezed hidden states, as transformers does.
public final class SEWDClassifier: Module, SpeechEmotionClassifier {
    public let sew_d: SEWDModel
    public let layer_weights: Tensor?
    public let projector: Linear
    public let classifier: Linear
    public let labels: [String]
    public var options: Wav2Vec2ClassifierOptions
    public static let architecture = "SEWDForSequenceClassification"

    public init(_ config: SEWDConfig = .base, labels: [String] = defaultEmotionLabels,
                options: Wav2Vec2ClassifierOptions = Wav2Vec2ClassifierOptions()) throws {
        guard !labels.isEmpty else { throw TorchError("classifier: no labels") }
        if let k = options.outputLayer, !(0...config.layers).contains(k) {
            throw TorchError("classifier: output layer \(k) out of range 0...\(config.layers)")
        }
        sew_d = try SEWDModel(config)
        let n = config.layers + 1
        layer_weights = options.weightedLayerSum ? try Tensor.full([n], 1 / Double(n)).requiresGrad(true) : nil
        projector = try Linear(config.hiddenSize, options.projectionSize)
        classifier = try Linear(options.projectionSize, labels.count)
        self.labels = labels
        self.options = options
        super.init()
    }

    public func logits(waveform: Tensor, validSamples: [Int]? = nil, attentionMask: Bool = true) throws -> Tensor {
        let (hidden, last) = try sew_d.forward(waveform, validSamples: attentionMask ? validSamples : nil)
        var h: Tensor
        var frames = validSamples.map { $0.map { sew_d.config.outputFrames(samples: $0) } }
        if let layer_weights {
            h = try ClassifierHead.weightedSum(hidden, weights: layer_weights)
            frames = frames.map { $0.map { $0 / sew_d.config.squeezeFactor } }
        } else if let k = options.outputLayer, k < hidden.count - 1 {
            h = hidden[k]
            frames = frames.map { $0.map { $0 / sew_d.config.squeezeFactor } }
        } else {
            h = last
        }
        h = try projector(h)
        let pooled = try ClassifierHead.meanPool(h, lengths: options.pooling == .trueLength ? frames : nil)
        return try classifier(pooled)
    }

    public func logits(clips: [[Float]]) throws -> Tensor {
        guard let longest = clips.map(\.count).max() else { throw TorchError("classifier: no clips") }
        var flat: [Float] = []
        for clip in clips {
            flat += options.normalizeInput ? Wav2Vec2StyleClassifier.normalize(clip) : clip
            flat += [Float](repeating: 0, count: longest - clip.count)
        }
        let x = try Tensor(flat, shape: [clips.count, longest])
        return try logits(waveform: x, validSamples: clips.map(\.count), attentionMask: sew_d.config.featExtractNorm == .layer)
    }

    public func freezeFeatureEncoder() throws { try sew_d.freezeFeatureEncoder() }

    public func save(to url: URL, floatType: DType? = nil) throws {
        var config = sew_d.config.huggingFaceJSON
        config["classifier_proj_size"] = options.projectionSize
        config["use_weighted_layer_sum"] = options.weightedLayerSum
        config["num_labels"] = labels.count
        if let k = options.outputLayer { config["output_layer"] = k }
        config["normalize_input"] = options.normalizeInput
        config["pooling"] = options.pooling.rawValue
        try save(to: url, metadata: ["takesense.architecture": Self.architecture, "takesense.config": ClassifierHead.metadataJSON(config),
                                     "takesense.labels": ClassifierHead.metadataJSON(labels)], floatType: floatType)
    }
}
