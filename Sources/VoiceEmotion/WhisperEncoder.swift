import Foundation
import Torch

/// Sizes of a Whisper audio encoder (tiny: 384 wide, 4 layers, 6 heads).
public struct WhisperConfig: Codable, Sendable, Equatable {
    public var melBins = 80
    public var dModel = 384
    public var layers = 4
    public var heads = 6
    public var ffnDim = 1536
    public var maxSourcePositions = 1500

    public static let tiny = WhisperConfig()
    public static let base = WhisperConfig(dModel: 512, layers: 6, heads: 8, ffnDim: 2048)
    public static let small = WhisperConfig(dModel: 768, layers: 12, heads: 12, ffnDim: 3072)

    public init(melBins: Int = 80, dModel: Int = 384, layers: Int = 4, heads: Int = 6, ffnDim: Int = 1536, maxSourcePositions: Int = 1500) {
        self.melBins = melBins
        self.dModel = dModel
        self.layers = layers
        self.heads = heads
        self.ffnDim = ffnDim
        self.maxSourcePositions = maxSourcePositions
    }

    /// Reads the encoder sizes from a Hugging Face `config.json` (WhisperConfig: `num_mel_bins`, `d_model`,
    /// `encoder_layers`, `encoder_attention_heads`, `encoder_ffn_dim`, `max_source_positions`).
    public init(huggingFace json: [String: Any]) throws {
        func int(_ key: String, _ fallback: Int? = nil) throws -> Int {
            if let v = json[key] as? Int { return v }
            if let fallback { return fallback }
            throw TorchError("Whisper config.json: missing integer '\(key)'")
        }
        self.init(melBins: try int("num_mel_bins", 80), dModel: try int("d_model"), layers: try int("encoder_layers"),
                  heads: try int("encoder_attention_heads"), ffnDim: try int("encoder_ffn_dim"),
                  maxSourcePositions: try int("max_source_positions", 1500))
    }

    /// The same sizes as Hugging Face config keys.
    public var huggingFaceJSON: [String: Int] {
        ["num_mel_bins": melBins, "d_model": dModel, "encoder_layers": layers, "encoder_attention_heads": heads,
         "encoder_ffn_dim": ffnDim, "max_source_positions": maxSourcePositions]
    }

    func validate() throws {
        guard melBins > 0, dModel > 0, layers >= 0, heads > 0, dModel % heads == 0, ffnDim > 0, maxSourcePositions > 0 else {
            throw TorchError("Whisper config: invalid sizes (d_model \(dModel) must be divisible by heads \(heads), all sizes positive)")
        }
        // Sizes read from a file (metadata, config.json, --init) size the allocation: bounded before any layer is built.
        if let problem = WhisperModelCheck.bounds(self, projectionSize: 1, outputLayer: nil) { throw TorchError("Whisper config: \(problem)") }
    }
}

/// Whisper's encoder with Hugging Face transformers' parameter names (`conv1.weight`,
/// `layers.0.self_attn.q_proj.weight`, `embed_positions.weight`, ...; under `encoder.` in a full model).
public final class WhisperEncoder: Module {
    public let conv1: Conv1d
    public let conv2: Conv1d
    public let embed_positions: Embedding
    public let layers: [WhisperEncoderLayer]
    public let layer_norm: LayerNorm
    public let config: WhisperConfig

    public init(_ config: WhisperConfig = .tiny) throws {
        try config.validate()
        self.config = config
        conv1 = try Conv1d(config.melBins, config.dModel, kernelSize: 3, padding: 1)
        conv2 = try Conv1d(config.dModel, config.dModel, kernelSize: 3, stride: 2, padding: 1)
        embed_positions = try Embedding(config.maxSourcePositions, config.dModel)
        layers = try (0..<config.layers).map { _ in try WhisperEncoderLayer(config) }
        layer_norm = try LayerNorm(config.dModel)
        super.init()
        try embed_positions.weight.requiresGrad(false)
        try Torch.noGrad { try embed_positions.weight.copy(from: Self.sinusoids(config.maxSourcePositions, config.dModel)) }
    }

    /// Whisper's fixed sinusoidal position table (log timescale increment over half the channels).
    public static func sinusoids(_ length: Int, _ channels: Int, maxTimescale: Double = 10000) throws -> Tensor {
        let half = channels / 2
        let increment = Foundation.log(maxTimescale) / Double(half - 1)
        let inv = try (Tensor.arange(0, Double(half), dtype: .float32) * -increment).exp()
        let scaled = try Tensor.arange(0, Double(length), dtype: .float32).unsqueeze(1) * inv.unsqueeze(0)
        return try Torch.cat([scaled.sin(), scaled.cos()], dim: 1)
    }

    /// Encoder positions produced from `melFrames` log-mel frames (conv2 has stride 2).
    public static func outputFrames(melFrames: Int) -> Int { (melFrames + 1) / 2 }

    /// The convolutional stem plus positions: (N, frames, d_model), Hugging Face's `hidden_states[0]`.
    public func embed(_ mel: Tensor) throws -> Tensor {
        guard mel.rank == 3, mel.size(1) == config.melBins else {
            throw TorchError("Whisper encoder: expected log-mel features (batch, \(config.melBins), frames), got shape \(mel.shape)")
        }
        var x = try conv1(mel).gelu()
        x = try conv2(x).gelu().permute([0, 2, 1])
        let frames = x.size(1)
        guard frames <= config.maxSourcePositions else {
            throw TorchError("Whisper encoder: \(frames) frames exceed the \(config.maxSourcePositions)-frame (30 s) window")
        }
        return try x + embed_positions.weight.slice(dim: 0, start: 0, end: frames)
    }

    /// Hidden states for a log-mel batch (N, mel, frames). Inputs shorter than 30 s are not padded:
    /// the position table is sliced to the sequence length. `outputLayer` stops after that many blocks
    /// (nil = all, with the final layer norm; 0 = the embeddings) — the same tensor as Hugging Face's
    /// `hidden_states[outputLayer]`.
    public func callAsFunction(_ mel: Tensor, outputLayer: Int? = nil) throws -> Tensor {
        let stop = outputLayer ?? layers.count
        guard (0...layers.count).contains(stop) else {
            throw TorchError("Whisper encoder: output layer \(stop) out of range 0...\(layers.count)")
        }
        var x = try embed(mel)
        for layer in layers.prefix(stop) { x = try layer(x) }
        return stop == layers.count ? try layer_norm(x) : x
    }

    /// Continues from `hidden_states[fromLayer]` (N, T, d_model) up to `hidden_states[outputLayer]`
    /// (nil = all blocks and the final layer norm). `validFrames` gives each item's true length in a
    /// zero-padded batch: padding frames are masked out of attention. Used to train the upper blocks
    /// on cached outputs of frozen lower ones.
    public func resume(_ hidden: Tensor, fromLayer: Int, outputLayer: Int? = nil, validFrames: [Int]? = nil) throws -> Tensor {
        let stop = outputLayer ?? layers.count
        guard (0...stop).contains(fromLayer), stop <= layers.count else {
            throw TorchError("Whisper encoder: cannot run from hidden state \(fromLayer) to \(stop) (0...\(layers.count))")
        }
        guard hidden.rank == 3, hidden.size(2) == config.dModel else {
            throw TorchError("Whisper encoder: expected hidden states (batch, frames, \(config.dModel)), got shape \(hidden.shape)")
        }
        let mask = try Self.paddingMask(validFrames, batch: hidden.size(0), frames: hidden.size(1))
        var x = hidden
        for layer in layers[fromLayer..<stop] { x = try layer(x, keyPaddingMask: mask) }
        return stop == layers.count ? try layer_norm(x) : x
    }

    /// (N, T) bool, true at frames at or beyond each item's valid length; nil when nothing is padding.
    static func paddingMask(_ validFrames: [Int]?, batch: Int, frames: Int) throws -> Tensor? {
        guard let validFrames, validFrames.contains(where: { $0 < frames }) else { return nil }
        guard validFrames.count == batch else { throw TorchError("Whisper encoder: \(validFrames.count) lengths for a batch of \(batch)") }
        let clipped = validFrames.map { Int64(Swift.max(1, Swift.min(frames, $0))) }
        return try Tensor.arange(frames).unsqueeze(0).ge(Tensor(clipped).unsqueeze(1))
    }

    /// Every hidden state as Hugging Face's `output_hidden_states=True`: the embeddings, the output of
    /// each block, the last one after the final layer norm (layers + 1 tensors).
    public func hiddenStates(_ mel: Tensor) throws -> [Tensor] {
        var x = try embed(mel)
        var out = [x]
        for (i, layer) in layers.enumerated() {
            x = try layer(x)
            out.append(i == layers.count - 1 ? try layer_norm(x) : x)
        }
        if layers.isEmpty { out[0] = try layer_norm(x) }
        return out
    }

    /// Loads a Hugging Face Whisper state dict: keys `encoder.*` (WhisperForAudioClassification,
    /// TakeSense's import), `model.encoder.*` (WhisperForConditionalGeneration) or bare. Other keys
    /// (decoder, heads) are ignored; every encoder key must be present with the right shape.
    @discardableResult
    public func load(huggingFace dict: [String: Tensor]) throws -> LoadReport {
        for prefix in ["model.encoder.", "encoder.", ""] {
            let own = dict.filter { $0.key.hasPrefix(prefix) }
            guard !own.isEmpty, own.keys.contains(prefix + "conv1.weight") else { continue }
            var sub: [String: Tensor] = [:]
            for (k, v) in own { sub[String(k.dropFirst(prefix.count))] = v }
            let mine = Set(stateDict().map(\.key))
            return try load(stateDict: sub.filter { mine.contains($0.key) }, strict: true)
        }
        throw TorchError("not a Whisper encoder checkpoint: no 'encoder.conv1.weight', 'model.encoder.conv1.weight' or 'conv1.weight'")
    }
}

public final class WhisperAttention: Module {
    public let k_proj: Linear, v_proj: Linear, q_proj: Linear, out_proj: Linear
    let heads: Int

    init(_ d: Int, heads: Int) throws {
        self.heads = heads
        k_proj = try Linear(d, d, bias: false)
        v_proj = try Linear(d, d)
        q_proj = try Linear(d, d)
        out_proj = try Linear(d, d)
        super.init()
    }

    /// Self-attention over (N, T, D). `keyPaddingMask` (N, T) bool, true at padding frames: those keys
    /// are ignored, so a clip padded in a batch gets the same outputs on its own frames as alone.
    public func callAsFunction(_ x: Tensor, keyPaddingMask: Tensor? = nil) throws -> Tensor {
        let (n, t, d) = (x.size(0), x.size(1), x.size(2))
        let hd = d / heads
        func split(_ y: Tensor) throws -> Tensor { try y.reshape([n, t, heads, hd]).transpose(1, 2) }
        let q = try split(q_proj(x) * (1 / Double(hd).squareRoot()))
        let k = try split(k_proj(x)), v = try split(v_proj(x))
        var scores = try q.matmul(k.transpose(-2, -1))
        if let keyPaddingMask { scores = try scores.maskedFill(keyPaddingMask.reshape([n, 1, 1, t]), -.infinity) }
        let attn = try scores.softmax(dim: -1)
        let out = try attn.matmul(v).transpose(1, 2).reshape([n, t, d])
        return try out_proj(out)
    }
}

public final class WhisperEncoderLayer: Module, UnaryLayer {
    public let self_attn: WhisperAttention
    public let self_attn_layer_norm: LayerNorm
    public let fc1: Linear, fc2: Linear
    public let final_layer_norm: LayerNorm

    init(_ c: WhisperConfig) throws {
        self_attn = try WhisperAttention(c.dModel, heads: c.heads)
        self_attn_layer_norm = try LayerNorm(c.dModel)
        fc1 = try Linear(c.dModel, c.ffnDim)
        fc2 = try Linear(c.ffnDim, c.dModel)
        final_layer_norm = try LayerNorm(c.dModel)
        super.init()
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor { try self(x, keyPaddingMask: nil) }

    /// One block; `keyPaddingMask` (N, T) bool marks padding frames that attention must ignore.
    public func callAsFunction(_ x: Tensor, keyPaddingMask: Tensor?) throws -> Tensor {
        var h = try x + self_attn(self_attn_layer_norm(x), keyPaddingMask: keyPaddingMask)
        h = try h + fc2(fc1(final_layer_norm(h)).gelu())
        return h
    }
}
