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

    public init(melBins: Int = 80, dModel: Int = 384, layers: Int = 4, heads: Int = 6, ffnDim: Int = 1536, maxSourcePositions: Int = 1500) {
        self.melBins = melBins
        self.dModel = dModel
        self.layers = layers
        self.heads = heads
        self.ffnDim = ffnDim
        self.maxSourcePositions = maxSourcePositions
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

    /// Hidden states for a log-mel batch (N, mel, frames). Inputs shorter than 30 s are not padded:
    /// the position table is sliced to the sequence length. `outputLayer` stops after that many blocks
    /// (nil = all, with the final layer norm).
    public func callAsFunction(_ mel: Tensor, outputLayer: Int? = nil) throws -> Tensor {
        var x = try conv1(mel).gelu()
        x = try conv2(x).gelu().permute([0, 2, 1])
        let frames = x.size(1)
        guard frames <= config.maxSourcePositions else {
            throw TorchError("Whisper encoder: \(frames) frames exceed the \(config.maxSourcePositions)-frame (30 s) window")
        }
        x = try x + embed_positions.weight.slice(dim: 0, start: 0, end: frames)
        let stop = outputLayer ?? layers.count
        for layer in layers.prefix(stop) { x = try layer(x) }
        return stop == layers.count ? try layer_norm(x) : x
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

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        let (n, t, d) = (x.size(0), x.size(1), x.size(2))
        let hd = d / heads
        func split(_ y: Tensor) throws -> Tensor { try y.reshape([n, t, heads, hd]).transpose(1, 2) }
        let q = try split(q_proj(x) * (1 / Double(hd).squareRoot()))
        let k = try split(k_proj(x)), v = try split(v_proj(x))
        let attn = try q.matmul(k.transpose(-2, -1)).softmax(dim: -1)
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

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        var h = try x + self_attn(self_attn_layer_norm(x))
        h = try h + fc2(fc1(final_layer_norm(h)).gelu())
        return h
    }
}
