import Foundation

/// Multi-head attention with nn.MultiheadAttention's parameters, initialisation and semantics
/// (packed `in_proj_weight`, `out_proj`; inputs (L, N, E), or (N, L, E) with `batchFirst`).
public final class MultiheadAttention: Module {
    public let in_proj_weight: Tensor
    public let in_proj_bias: Tensor?
    public let out_proj: Linear
    public let embedDim: Int, heads: Int, dropout: Double, batchFirst: Bool

    public init(embedDim: Int, heads: Int, dropout: Double = 0, bias: Bool = true, batchFirst: Bool = false) throws {
        guard heads > 0, embedDim % heads == 0 else {
            throw TorchError("MultiheadAttention: embed_dim \(embedDim) must be divisible by num_heads \(heads)")
        }
        self.embedDim = embedDim
        self.heads = heads
        self.dropout = dropout
        self.batchFirst = batchFirst
        in_proj_weight = try Init.parameter([3 * embedDim, embedDim])
        in_proj_bias = bias ? try Init.parameter([3 * embedDim]) : nil
        // PyTorch builds out_proj (drawing its default init) before _reset_parameters.
        out_proj = try Linear(embedDim, embedDim, bias: bias)
        super.init()
        try Init.xavierUniform(in_proj_weight, fanIn: embedDim, fanOut: 3 * embedDim)
        try in_proj_bias?.fill(0)
        try out_proj.bias?.fill(0)
    }

    /// Attention of `query` over `key`/`value`.
    /// - Parameters:
    ///   - keyPaddingMask: (N, S) bool, true where a key position is padding and must be ignored.
    ///   - attnMask: (L, S) or (N·heads, L, S); bool (true = not allowed) or float (added to the scores).
    ///   - needWeights: also return attention weights (averaged over heads when `averageWeights`).
    public func callAsFunction(_ query: Tensor, _ key: Tensor, _ value: Tensor, keyPaddingMask: Tensor? = nil,
                               needWeights: Bool = true, attnMask: Tensor? = nil,
                               averageWeights: Bool = true) throws -> (output: Tensor, weights: Tensor?) {
        var q = query, k = key, v = value
        if batchFirst { (q, k, v) = (try q.transpose(0, 1), try k.transpose(0, 1), try v.transpose(0, 1)) }
        guard q.rank == 3, k.rank == 3, v.rank == 3 else {
            throw TorchError("MultiheadAttention: expected 3-D query, key and value, got \(q.rank)-D, \(k.rank)-D, \(v.rank)-D")
        }
        let (tgtLen, batch, embed) = (q.size(0), q.size(1), q.size(2))
        guard embed == embedDim else {
            throw TorchError("MultiheadAttention: was expecting embedding dimension of \(embedDim), but got \(embed)")
        }
        let srcLen = k.size(0)
        let headDim = embedDim / heads

        let w = try in_proj_weight.split(size: embedDim, dim: 0)
        let b = try in_proj_bias?.split(size: embedDim, dim: 0)
        var qp = try Functional.linear(q, weight: w[0], bias: b?[0])
        var kp = try Functional.linear(k, weight: w[1], bias: b?[1])
        var vp = try Functional.linear(v, weight: w[2], bias: b?[2])

        // (L, N, E) -> (N*H, L, hd)
        qp = try qp.reshape([tgtLen, batch * heads, headDim]).transpose(0, 1)
        kp = try kp.reshape([srcLen, batch * heads, headDim]).transpose(0, 1)
        vp = try vp.reshape([srcLen, batch * heads, headDim]).transpose(0, 1)

        var mask: Tensor? = nil
        if let attnMask {
            var m = attnMask
            if m.rank == 2 { m = try m.unsqueeze(0) }
            guard m.rank == 3 else { throw TorchError("MultiheadAttention: attn_mask must be 2-D or 3-D, got \(m.rank)-D") }
            mask = m.dtype == .bool ? try Tensor.zeros(m.shape, dtype: qp.dtype).maskedFill(m, -.infinity) : m
        }
        if let keyPaddingMask {
            guard keyPaddingMask.shape == [batch, srcLen] else {
                throw TorchError("MultiheadAttention: expecting key_padding_mask shape of [\(batch), \(srcLen)], but got \(keyPaddingMask.shape)")
            }
            var kpm = try keyPaddingMask.reshape([batch, 1, 1, srcLen]).expand([batch, heads, 1, srcLen]).reshape([batch * heads, 1, srcLen])
            if kpm.dtype == .bool { kpm = try Tensor.zeros(kpm.shape, dtype: qp.dtype).maskedFill(kpm, -.infinity) }
            mask = try mask.map { try $0 + kpm } ?? kpm
        }

        qp = try qp / Double(headDim).squareRoot()
        var scores = try qp.matmul(kp.transpose(-2, -1))
        if let mask { scores = try scores + mask }
        var attn = try scores.softmax(dim: -1)
        if dropout > 0 { attn = try Functional.dropout(attn, p: dropout, training: training) }
        var out = try attn.matmul(vp)  // (N*H, L, hd)
        out = try out.transpose(0, 1).contiguous().reshape([tgtLen * batch, embedDim])
        out = try out_proj(out).reshape([tgtLen, batch, embedDim])
        if batchFirst { out = try out.transpose(0, 1) }

        guard needWeights else { return (out, nil) }
        var weights = try attn.reshape([batch, heads, tgtLen, srcLen])
        if averageWeights { weights = try weights.mean(dim: 1) }
        return (out, weights)
    }
}
