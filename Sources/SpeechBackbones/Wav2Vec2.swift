import Foundation
import Torch
import VoiceEmotion

/// Sizes and variants of a Wav2Vec2 or HuBERT model, named after transformers' config keys.
///
/// Both have the same backbone: a convolutional feature encoder over the raw 16 kHz waveform (320x
/// downsampling in the base models: one frame per 20 ms), a feature projection, a grouped positional
/// convolution with weight normalisation and a transformer encoder. HuBERT differs only in its
/// feature projection (the layer norm is optional, `feat_proj_layer_norm`) and in its parameter prefix
/// (`hubert.` instead of `wav2vec2.`).
public struct Wav2Vec2Config: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable { case wav2vec2, hubert }
    /// "group": group norm (one group per channel) after the first convolution only (base models);
    /// "layer": layer norm after every convolution (large / lv60 models).
    public enum FeatureNorm: String, Codable, Sendable { case group, layer }

    public var kind: Kind = .wav2vec2
    public var hiddenSize = 768
    public var layers = 12
    public var heads = 12
    public var intermediateSize = 3072
    public var convDim = [512, 512, 512, 512, 512, 512, 512]
    public var convKernel = [10, 3, 3, 3, 3, 2, 2]
    public var convStride = [5, 2, 2, 2, 2, 2, 2]
    public var convBias = false
    public var featExtractNorm: FeatureNorm = .group
    /// Pre-norm transformer blocks with a final layer norm (large models) instead of post-norm.
    public var doStableLayerNorm = false
    public var numConvPosEmbeddings = 128
    public var numConvPosEmbeddingGroups = 16
    public var layerNormEps = 1e-5
    /// HuBERT only: whether the feature projection starts with a layer norm (Wav2Vec2 always has one).
    public var featProjLayerNorm = true
    /// Whether the model has `masked_spec_embed` (transformers creates it when masking probabilities are > 0).
    public var hasMaskedSpecEmbed = true
    public var hiddenAct = "gelu"
    public var featExtractActivation = "gelu"

    /// facebook/wav2vec2-base's sizes.
    public static let wav2vec2Base = Wav2Vec2Config()
    /// facebook/hubert-base-ls960's sizes.
    public static let hubertBase = Wav2Vec2Config(kind: .hubert)

    public init(kind: Kind = .wav2vec2, hiddenSize: Int = 768, layers: Int = 12, heads: Int = 12, intermediateSize: Int = 3072,
                convDim: [Int] = [512, 512, 512, 512, 512, 512, 512], convKernel: [Int] = [10, 3, 3, 3, 3, 2, 2],
                convStride: [Int] = [5, 2, 2, 2, 2, 2, 2], convBias: Bool = false, featExtractNorm: FeatureNorm = .group,
                doStableLayerNorm: Bool = false, numConvPosEmbeddings: Int = 128, numConvPosEmbeddingGroups: Int = 16,
                layerNormEps: Double = 1e-5, featProjLayerNorm: Bool = true, hasMaskedSpecEmbed: Bool = true) {
        self.kind = kind
        self.hiddenSize = hiddenSize
        self.layers = layers
        self.heads = heads
        self.intermediateSize = intermediateSize
        self.convDim = convDim
        self.convKernel = convKernel
        self.convStride = convStride
        self.convBias = convBias
        self.featExtractNorm = featExtractNorm
        self.doStableLayerNorm = doStableLayerNorm
        self.numConvPosEmbeddings = numConvPosEmbeddings
        self.numConvPosEmbeddingGroups = numConvPosEmbeddingGroups
        self.layerNormEps = layerNormEps
        self.featProjLayerNorm = featProjLayerNorm
        self.hasMaskedSpecEmbed = hasMaskedSpecEmbed
    }

    /// Reads a transformers `config.json` (Wav2Vec2Config or HubertConfig; `model_type` tells which).
    public init(huggingFace json: [String: Any]) throws {
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
        let type = json["model_type"] as? String ?? "wav2vec2"
        guard let kind = Kind(rawValue: type) else {
            throw TorchError("config.json: model_type '\(type)' is not wav2vec2 or hubert")
        }
        let normName = json["feat_extract_norm"] as? String ?? "group"
        guard let norm = FeatureNorm(rawValue: normName) else {
            throw TorchError("config.json: feat_extract_norm '\(normName)' is not 'group' or 'layer'")
        }
        let maskTime = (json["mask_time_prob"] as? Double) ?? 0.05
        let maskFeature = (json["mask_feature_prob"] as? Double) ?? 0
        self.init(kind: kind, hiddenSize: try int("hidden_size", 768), layers: try int("num_hidden_layers", 12),
                  heads: try int("num_attention_heads", 12), intermediateSize: try int("intermediate_size", 3072),
                  convDim: try ints("conv_dim", Self.wav2vec2Base.convDim), convKernel: try ints("conv_kernel", Self.wav2vec2Base.convKernel),
                  convStride: try ints("conv_stride", Self.wav2vec2Base.convStride), convBias: json["conv_bias"] as? Bool ?? false,
                  featExtractNorm: norm, doStableLayerNorm: json["do_stable_layer_norm"] as? Bool ?? false,
                  numConvPosEmbeddings: try int("num_conv_pos_embeddings", 128),
                  numConvPosEmbeddingGroups: try int("num_conv_pos_embedding_groups", 16),
                  layerNormEps: (json["layer_norm_eps"] as? Double) ?? 1e-5,
                  featProjLayerNorm: kind == .wav2vec2 ? true : (json["feat_proj_layer_norm"] as? Bool ?? true),
                  hasMaskedSpecEmbed: maskTime > 0 || maskFeature > 0)
        hiddenAct = json["hidden_act"] as? String ?? "gelu"
        featExtractActivation = json["feat_extract_activation"] as? String ?? "gelu"
        if json["conv_pos_batch_norm"] as? Bool == true || json["add_adapter"] as? Bool == true
            || json["adapter_attn_dim"] is Int {
            throw TorchError("config.json: adapters and conv_pos_batch_norm are not supported")
        }
    }

    /// transformers' config keys for these sizes.
    public var huggingFaceJSON: [String: Any] {
        var j: [String: Any] = [
            "model_type": kind.rawValue, "hidden_size": hiddenSize, "num_hidden_layers": layers, "num_attention_heads": heads,
            "intermediate_size": intermediateSize, "conv_dim": convDim, "conv_kernel": convKernel, "conv_stride": convStride,
            "num_feat_extract_layers": convDim.count, "conv_bias": convBias, "feat_extract_norm": featExtractNorm.rawValue,
            "do_stable_layer_norm": doStableLayerNorm, "num_conv_pos_embeddings": numConvPosEmbeddings,
            "num_conv_pos_embedding_groups": numConvPosEmbeddingGroups, "layer_norm_eps": layerNormEps,
            "mask_time_prob": hasMaskedSpecEmbed ? 0.05 : 0.0, "hidden_act": hiddenAct, "feat_extract_activation": featExtractActivation,
        ]
        if kind == .hubert { j["feat_proj_layer_norm"] = featProjLayerNorm }
        return j
    }

    func validate() throws {
        guard !convDim.isEmpty, convDim.count == convKernel.count, convDim.count == convStride.count else {
            throw TorchError("Wav2Vec2 config: conv_dim, conv_kernel and conv_stride must have the same non-zero length")
        }
        guard hiddenSize > 0, heads > 0, hiddenSize % heads == 0, layers >= 0, intermediateSize > 0,
              numConvPosEmbeddingGroups > 0, hiddenSize % numConvPosEmbeddingGroups == 0, numConvPosEmbeddings > 0 else {
            throw TorchError("Wav2Vec2 config: invalid sizes (hidden \(hiddenSize), heads \(heads), pos-conv groups \(numConvPosEmbeddingGroups))")
        }
        _ = try Activation(hiddenAct)
        _ = try Activation(featExtractActivation)
    }

    /// Frames the feature encoder makes from `samples` samples (0 when the clip is shorter than its receptive field).
    public func outputFrames(samples: Int) -> Int {
        var n = samples
        for (k, s) in zip(convKernel, convStride) {
            guard n >= k else { return 0 }
            n = (n - k) / s + 1
        }
        return n
    }

    /// The shortest clip that gives one frame (400 samples, 25 ms, for the base models).
    public var receptiveField: Int {
        var r = 1
        for (k, s) in zip(convKernel, convStride).reversed() { r = (r - 1) * s + k }
        return r
    }
}

/// transformers' ACT2FN names used by these models.
enum Activation {
    case gelu, geluTanh, relu, silu

    init(_ name: String) throws {
        switch name {
        case "gelu": self = .gelu
        case "gelu_new", "gelu_pytorch_tanh": self = .geluTanh
        case "relu": self = .relu
        case "silu", "swish": self = .silu
        default: throw TorchError("activation '\(name)' is not supported (gelu, gelu_new, relu, silu)")
        }
    }

    func callAsFunction(_ x: Tensor) throws -> Tensor {
        switch self {
        case .gelu: return try x.gelu()
        case .geluTanh: return try x.gelu(approximate: true)
        case .relu: return try x.relu()
        case .silu: return try x.silu()
        }
    }
}

/// One convolution of the feature encoder: `conv` and, depending on the mode, `layer_norm` (a GroupNorm
/// with one group per channel, or a LayerNorm over channels).
public final class Wav2Vec2ConvLayer: Module {
    public let conv: Conv1d
    public let layer_norm: Module?
    let activation: Activation

    init(_ c: Wav2Vec2Config, index i: Int) throws {
        let inDim = i == 0 ? 1 : c.convDim[i - 1], outDim = c.convDim[i]
        conv = try Conv1d(inDim, outDim, kernelSize: c.convKernel[i], stride: c.convStride[i], bias: c.convBias)
        switch c.featExtractNorm {
        case .group: layer_norm = i == 0 ? try GroupNorm(groups: outDim, channels: outDim) : nil
        case .layer: layer_norm = try LayerNorm(outDim)
        }
        activation = try Activation(c.featExtractActivation)
        super.init()
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        var h = try conv(x)
        if let norm = layer_norm as? GroupNorm {
            h = try norm(h)
        } else if let norm = layer_norm as? LayerNorm {
            h = try norm(h.transpose(-2, -1)).transpose(-2, -1)
        }
        return try activation(h)
    }
}

/// The convolutional feature encoder over the raw waveform: `conv_layers.N`.
public final class Wav2Vec2FeatureEncoder: Module {
    public let conv_layers: [Wav2Vec2ConvLayer]

    init(_ c: Wav2Vec2Config) throws {
        conv_layers = try (0..<c.convDim.count).map { try Wav2Vec2ConvLayer(c, index: $0) }
        super.init()
    }

    /// (N, samples) → (N, conv_dim[-1], frames).
    public func callAsFunction(_ waveform: Tensor) throws -> Tensor {
        var h = try waveform.unsqueeze(1)
        for layer in conv_layers { h = try layer(h) }
        return h
    }
}

/// `layer_norm` (optional in HuBERT) then `projection` to the hidden size.
public final class Wav2Vec2FeatureProjection: Module {
    public let layer_norm: LayerNorm?
    public let projection: Linear

    init(_ c: Wav2Vec2Config) throws {
        let d = c.convDim.last!
        layer_norm = c.featProjLayerNorm || c.kind == .wav2vec2 ? try LayerNorm(d, eps: c.layerNormEps) : nil
        projection = try Linear(d, c.hiddenSize)
        super.init()
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        try projection(layer_norm.map { try $0(x) } ?? x)
    }
}

/// A 1-D convolution under weight normalisation over dimension 2 (torch.nn.utils.weight_norm(conv,
/// dim=2)): weight = weight_v · weight_g / ‖weight_v‖, the norm taken over dimensions 0 and 1 for each
/// kernel position. Parameters `weight_g` (1, 1, K), `weight_v` (out, in/groups, K) and `bias`.
public final class WeightNormConv1d: Module {
    public let bias: Tensor
    public let weight_g: Tensor
    public let weight_v: Tensor
    public let stride: Int, padding: Int, groups: Int

    public init(_ channels: Int, kernelSize: Int, stride: Int = 1, padding: Int, groups: Int) throws {
        let conv = try Conv1d(channels, channels, kernelSize: kernelSize, stride: stride, padding: padding, groups: groups)
        weight_v = try conv.weight.detach().clone().requiresGrad(true)
        weight_g = try Self.norm(weight_v).detach().requiresGrad(true)
        bias = try conv.bias!.detach().clone().requiresGrad(true)
        self.stride = stride
        self.padding = padding
        self.groups = groups
        super.init()
    }

    static func norm(_ v: Tensor) throws -> Tensor {
        try v.square().sum(dims: [0, 1], keepDim: true).sqrt()
    }

    /// The effective convolution weight.
    public func weight() throws -> Tensor { try weight_v * (weight_g / Self.norm(weight_v)) }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        try Functional.conv1d(x, weight: weight(), bias: bias, stride: stride, padding: padding, groups: groups)
    }
}

/// `conv` (weight-normalised, grouped, "same" padding with the extra frame removed for even kernels), then GELU.
public final class Wav2Vec2PositionalConvEmbedding: Module {
    public let conv: WeightNormConv1d
    let removeLast: Bool
    let activation: Activation

    init(_ c: Wav2Vec2Config) throws {
        conv = try WeightNormConv1d(c.hiddenSize, kernelSize: c.numConvPosEmbeddings, padding: c.numConvPosEmbeddings / 2,
                                    groups: c.numConvPosEmbeddingGroups)
        removeLast = c.numConvPosEmbeddings % 2 == 0
        activation = try Activation(c.featExtractActivation)
        super.init()
    }

    /// (N, T, D) → (N, T, D).
    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        var h = try conv(x.transpose(1, 2))
        if removeLast { h = try h.slice(dim: 2, start: 0, end: h.size(2) - 1) }
        return try activation(h).transpose(1, 2)
    }
}

/// Multi-head self-attention with `q_proj`, `k_proj`, `v_proj`, `out_proj` (all with biases).
public final class Wav2Vec2Attention: Module {
    public let k_proj: Linear, v_proj: Linear, q_proj: Linear, out_proj: Linear
    let heads: Int

    init(_ d: Int, heads: Int) throws {
        self.heads = heads
        k_proj = try Linear(d, d)
        v_proj = try Linear(d, d)
        q_proj = try Linear(d, d)
        out_proj = try Linear(d, d)
        super.init()
    }

    /// `mask`: additive (N, 1, 1, T), 0 for valid keys and float32's lowest value for padding.
    public func callAsFunction(_ x: Tensor, mask: Tensor? = nil) throws -> Tensor {
        let (n, t, d) = (x.size(0), x.size(1), x.size(2))
        let hd = d / heads
        func split(_ y: Tensor) throws -> Tensor { try y.reshape([n, t, heads, hd]).transpose(1, 2) }
        let q = try split(q_proj(x) * (1 / Double(hd).squareRoot()))
        let k = try split(k_proj(x)), v = try split(v_proj(x))
        var scores = try q.matmul(k.transpose(-2, -1))
        if let mask { scores = try scores + mask }
        let out = try scores.softmax(dim: -1).matmul(v).transpose(1, 2).reshape([n, t, d])
        return try out_proj(out)
    }
}

public final class Wav2Vec2FeedForward: Module {
    public let intermediate_dense: Linear
    public let output_dense: Linear
    let activation: Activation

    init(_ c: Wav2Vec2Config) throws {
        intermediate_dense = try Linear(c.hiddenSize, c.intermediateSize)
        output_dense = try Linear(c.intermediateSize, c.hiddenSize)
        activation = try Activation(c.hiddenAct)
        super.init()
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor { try output_dense(activation(intermediate_dense(x))) }
}

/// A transformer block: post-norm (base) or pre-norm ("stable layer norm", large models).
public final class Wav2Vec2EncoderLayer: Module {
    public let attention: Wav2Vec2Attention
    public let layer_norm: LayerNorm
    public let feed_forward: Wav2Vec2FeedForward
    public let final_layer_norm: LayerNorm
    let preNorm: Bool

    init(_ c: Wav2Vec2Config) throws {
        attention = try Wav2Vec2Attention(c.hiddenSize, heads: c.heads)
        layer_norm = try LayerNorm(c.hiddenSize, eps: c.layerNormEps)
        feed_forward = try Wav2Vec2FeedForward(c)
        final_layer_norm = try LayerNorm(c.hiddenSize, eps: c.layerNormEps)
        preNorm = c.doStableLayerNorm
        super.init()
    }

    public func callAsFunction(_ x: Tensor, mask: Tensor? = nil) throws -> Tensor {
        if preNorm {
            let h = try x + attention(layer_norm(x), mask: mask)
            return try h + feed_forward(final_layer_norm(h))
        }
        let h = try layer_norm(x + attention(x, mask: mask))
        return try final_layer_norm(h + feed_forward(h))
    }
}

public final class Wav2Vec2Encoder: Module {
    public let pos_conv_embed: Wav2Vec2PositionalConvEmbedding
    public let layer_norm: LayerNorm
    public let layers: [Wav2Vec2EncoderLayer]
    let preNorm: Bool

    init(_ c: Wav2Vec2Config) throws {
        pos_conv_embed = try Wav2Vec2PositionalConvEmbedding(c)
        layer_norm = try LayerNorm(c.hiddenSize, eps: c.layerNormEps)
        layers = try (0..<c.layers).map { _ in try Wav2Vec2EncoderLayer(c) }
        preNorm = c.doStableLayerNorm
        super.init()
    }

    /// All hidden states as transformers' `hidden_states` (layers + 1 tensors). `validFrames`, when
    /// given, zeroes padding frames and masks them out of attention (transformers' attention_mask).
    public func hiddenStates(_ x: Tensor, validFrames: [Int]? = nil) throws -> [Tensor] {
        var h = x
        var mask: Tensor? = nil
        if let validFrames {
            let (n, t) = (x.size(0), x.size(1))
            let keep = try Tensor.arange(t).unsqueeze(0).lt(Tensor(validFrames.map(Int64.init)).unsqueeze(1))  // (N, T)
            h = try h * keep.to(h.dtype).unsqueeze(2)
            mask = try (1.0 - keep.to(.float32)).reshape([n, 1, 1, t]) * Double(-Float.greatestFiniteMagnitude)
        }
        h = try h + pos_conv_embed(h)
        if !preNorm { h = try layer_norm(h) }
        var out: [Tensor] = []
        for layer in layers {
            out.append(h)
            h = try layer(h, mask: mask)
        }
        if preNorm { h = try layer_norm(h) }
        out.append(h)
        return out
    }
}

/// Wav2Vec2Model / HubertModel with transformers' parameter names (`feature_extractor.conv_layers.0.conv.weight`,
/// `feature_projection.projection.weight`, `encoder.pos_conv_embed.conv.weight_g`,
/// `encoder.layers.0.attention.q_proj.weight`, `masked_spec_embed`, ...).
public final class Wav2Vec2Model: Module {
    public let masked_spec_embed: Tensor?
    public let feature_extractor: Wav2Vec2FeatureEncoder
    public let feature_projection: Wav2Vec2FeatureProjection
    public let encoder: Wav2Vec2Encoder
    public let config: Wav2Vec2Config

    public init(_ config: Wav2Vec2Config = .wav2vec2Base) throws {
        try config.validate()
        self.config = config
        masked_spec_embed = config.hasMaskedSpecEmbed ? try Tensor.rand([config.hiddenSize]).requiresGrad(true) : nil
        feature_extractor = try Wav2Vec2FeatureEncoder(config)
        feature_projection = try Wav2Vec2FeatureProjection(config)
        encoder = try Wav2Vec2Encoder(config)
        super.init()
    }

    /// Hidden states for raw 16 kHz waveforms (N, samples), as transformers' `hidden_states`
    /// (layers + 1, each (N, frames, hidden); the last is `last_hidden_state`). `validSamples` gives
    /// each clip's length in a zero-padded batch (transformers' attention_mask); nil: no mask.
    public func hiddenStates(_ waveform: Tensor, validSamples: [Int]? = nil) throws -> [Tensor] {
        guard waveform.rank == 2 else {
            throw TorchError("\(config.kind.rawValue): expected waveforms (batch, samples), got shape \(waveform.shape)")
        }
        guard waveform.size(1) >= config.receptiveField else {
            throw TorchError("\(config.kind.rawValue): clip too short (\(waveform.size(1)) samples; at least \(config.receptiveField) needed)")
        }
        let features = try feature_extractor(waveform).transpose(1, 2)
        let hidden = try feature_projection(features)
        return try encoder.hiddenStates(hidden, validFrames: validSamples.map { $0.map { config.outputFrames(samples: $0) } })
    }

    public func callAsFunction(_ waveform: Tensor, validSamples: [Int]? = nil) throws -> Tensor {
        try hiddenStates(waveform, validSamples: validSamples).last!
    }

    /// Stops training the convolutional feature encoder (transformers' `freeze_feature_encoder`).
    public func freezeFeatureEncoder() throws { try feature_extractor.freeze() }

    /// Loads a transformers state dict whose keys are bare (Wav2Vec2Model, HubertModel) or under
    /// `wav2vec2.` / `hubert.` (…ForCTC, …ForPreTraining, …ForSequenceClassification). Other keys are
    /// ignored; every key of this model must be present. Newer weight-norm names
    /// (`parametrizations.weight.original0/1`) are read as `weight_g`/`weight_v`.
    @discardableResult
    public func load(huggingFace dict: [String: Tensor]) throws -> LoadReport {
        let mine = Set(stateDict().map(\.key))
        for prefix in ["\(config.kind.rawValue).", ""] {
            guard dict.keys.contains(where: { $0.hasPrefix(prefix + "feature_projection.") }) else { continue }
            var sub: [String: Tensor] = [:]
            for (k, v) in dict where k.hasPrefix(prefix) {
                let key = Self.modernWeightNormKey(String(k.dropFirst(prefix.count)))
                if mine.contains(key) { sub[key] = v }
            }
            return try load(stateDict: sub, strict: true)
        }
        throw TorchError("not a \(config.kind.rawValue) checkpoint: no '\(config.kind.rawValue).feature_projection.*' or 'feature_projection.*' keys")
    }

    static func modernWeightNormKey(_ key: String) -> String {
        key.replacingOccurrences(of: "conv.parametrizations.weight.original0", with: "conv.weight_g")
            .replacingOccurrences(of: "conv.parametrizations.weight.original1", with: "conv.weight_v")
    }
}
