import CTorch

/// Loss reductions, as PyTorch's `reduction=` argument.
public enum Reduction: Int32, Sendable { case none = 0, mean = 1, sum = 2 }

/// Neural-network functions with PyTorch's semantics (`torch.nn.functional`).
public enum Functional {
    public static func linear(_ x: Tensor, weight: Tensor, bias: Tensor?) throws -> Tensor {
        try check(ts_linear(x.handle, weight.handle, bias?.handle))
    }

    public static func conv1d(_ x: Tensor, weight: Tensor, bias: Tensor?, stride: Int = 1, padding: Int = 0,
                              dilation: Int = 1, groups: Int = 1) throws -> Tensor {
        try check(ts_conv1d(x.handle, weight.handle, bias?.handle, Int64(stride), Int64(padding), Int64(dilation), Int64(groups)))
    }

    public static func conv2d(_ x: Tensor, weight: Tensor, bias: Tensor?, stride: (Int, Int) = (1, 1),
                              padding: (Int, Int) = (0, 0), dilation: (Int, Int) = (1, 1), groups: Int = 1) throws -> Tensor {
        let s = [Int64(stride.0), Int64(stride.1)], p = [Int64(padding.0), Int64(padding.1)]
        let d = [Int64(dilation.0), Int64(dilation.1)]
        return try check(ts_conv2d(x.handle, weight.handle, bias?.handle, s, p, d, Int64(groups)))
    }

    /// Batch normalisation; in training mode the running statistics (if given) are updated in place.
    public static func batchNorm(_ x: Tensor, runningMean: Tensor?, runningVar: Tensor?, weight: Tensor?, bias: Tensor?,
                                 training: Bool, momentum: Double = 0.1, eps: Double = 1e-5) throws -> Tensor {
        try check(ts_batch_norm(x.handle, weight?.handle, bias?.handle, runningMean?.handle, runningVar?.handle,
                                training ? 1 : 0, momentum, eps))
    }

    public static func layerNorm(_ x: Tensor, normalizedShape: [Int], weight: Tensor?, bias: Tensor?, eps: Double = 1e-5) throws -> Tensor {
        try check(withInt64(normalizedShape) { ts_layer_norm(x.handle, $0, $1, weight?.handle, bias?.handle, eps) })
    }

    public static func groupNorm(_ x: Tensor, groups: Int, weight: Tensor?, bias: Tensor?, eps: Double = 1e-5) throws -> Tensor {
        try check(ts_group_norm(x.handle, Int64(groups), weight?.handle, bias?.handle, eps))
    }

    public static func maxPool2d(_ x: Tensor, kernel: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0),
                                 dilation: (Int, Int) = (1, 1), ceilMode: Bool = false) throws -> Tensor {
        let s = stride ?? kernel
        return try check(ts_max_pool2d(x.handle, [Int64(kernel.0), Int64(kernel.1)], [Int64(s.0), Int64(s.1)],
                                       [Int64(padding.0), Int64(padding.1)], [Int64(dilation.0), Int64(dilation.1)], ceilMode ? 1 : 0))
    }

    public static func avgPool2d(_ x: Tensor, kernel: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0),
                                 ceilMode: Bool = false, countIncludePad: Bool = true) throws -> Tensor {
        let s = stride ?? kernel
        return try check(ts_avg_pool2d(x.handle, [Int64(kernel.0), Int64(kernel.1)], [Int64(s.0), Int64(s.1)],
                                       [Int64(padding.0), Int64(padding.1)], ceilMode ? 1 : 0, countIncludePad ? 1 : 0))
    }

    public static func maxPool1d(_ x: Tensor, kernel: Int, stride: Int? = nil, padding: Int = 0, ceilMode: Bool = false) throws -> Tensor {
        try check(ts_max_pool1d(x.handle, Int64(kernel), Int64(stride ?? kernel), Int64(padding), ceilMode ? 1 : 0))
    }

    public static func avgPool1d(_ x: Tensor, kernel: Int, stride: Int? = nil, padding: Int = 0, ceilMode: Bool = false,
                                 countIncludePad: Bool = true) throws -> Tensor {
        try check(ts_avg_pool1d(x.handle, Int64(kernel), Int64(stride ?? kernel), Int64(padding), ceilMode ? 1 : 0, countIncludePad ? 1 : 0))
    }

    public static func adaptiveAvgPool2d(_ x: Tensor, outputSize: (Int, Int)) throws -> Tensor {
        try check(ts_adaptive_avg_pool2d(x.handle, [Int64(outputSize.0), Int64(outputSize.1)]))
    }

    public static func adaptiveAvgPool1d(_ x: Tensor, outputSize: Int) throws -> Tensor {
        try check(ts_adaptive_avg_pool1d(x.handle, Int64(outputSize)))
    }

    /// Dropout: identity unless `training`.
    public static func dropout(_ x: Tensor, p: Double, training: Bool) throws -> Tensor {
        guard (0...1).contains(p) else { throw TorchError("dropout probability has to be between 0 and 1, but got \(p)") }
        return try check(ts_dropout(x.handle, p, training ? 1 : 0))
    }

    /// Bilinear resize of an NCHW tensor (F.interpolate(mode="bilinear")).
    public static func interpolateBilinear(_ x: Tensor, size: (Int, Int), alignCorners: Bool = false, antialias: Bool = false) throws -> Tensor {
        try check(ts_interpolate_bilinear(x.handle, Int64(size.0), Int64(size.1), alignCorners ? 1 : 0, antialias ? 1 : 0))
    }

    public static func interpolateNearest(_ x: Tensor, size: (Int, Int)) throws -> Tensor {
        try check(ts_interpolate_nearest(x.handle, Int64(size.0), Int64(size.1)))
    }

    /// Cross-entropy between logits (N, C, ...) and class indices (int64) or class probabilities.
    public static func crossEntropy(_ logits: Tensor, target: Tensor, weight: Tensor? = nil, reduction: Reduction = .mean,
                                    ignoreIndex: Int = -100, labelSmoothing: Double = 0) throws -> Tensor {
        try check(ts_cross_entropy(logits.handle, target.handle, weight?.handle, reduction.rawValue, Int64(ignoreIndex), labelSmoothing))
    }

    public static func mseLoss(_ a: Tensor, _ b: Tensor, reduction: Reduction = .mean) throws -> Tensor {
        try check(ts_mse_loss(a.handle, b.handle, reduction.rawValue))
    }

    public static func binaryCrossEntropyWithLogits(_ logits: Tensor, target: Tensor, reduction: Reduction = .mean) throws -> Tensor {
        try check(ts_binary_cross_entropy_with_logits(logits.handle, target.handle, reduction.rawValue))
    }

    public static func embedding(_ indices: Tensor, weight: Tensor) throws -> Tensor {
        try check(ts_embedding(weight.handle, indices.handle))
    }

    /// A sampling grid from affine matrices `theta` (N, 2, 3) for an output of `size` (N, C, H, W).
    public static func affineGrid(_ theta: Tensor, size: [Int], alignCorners: Bool = false) throws -> Tensor {
        guard size.count == 4 else { throw TorchError("affine_grid: size must be (N, C, H, W), got \(size)") }
        return try check(withInt64(size) { p, _ in ts_affine_grid(theta.handle, p, alignCorners ? 1 : 0) })
    }

    public enum GridSampleMode: Int32, Sendable { case bilinear = 0, nearest = 1 }
    public enum GridPadding: Int32, Sendable { case zeros = 0, border = 1, reflection = 2 }

    /// Samples `x` (N, C, H, W) at `grid` (N, H', W', 2) locations in [-1, 1].
    public static func gridSample(_ x: Tensor, grid: Tensor, mode: GridSampleMode = .bilinear, padding: GridPadding = .zeros,
                                  alignCorners: Bool = false) throws -> Tensor {
        try check(ts_grid_sample(x.handle, grid.handle, mode.rawValue, padding.rawValue, alignCorners ? 1 : 0))
    }

    /// |STFT|² with torch.stft's defaults (centred, reflect padding, one-sided): (batch?, nFFT/2+1, frames).
    public static func stftPower(_ signal: Tensor, nFFT: Int, hop: Int, window: Tensor) throws -> Tensor {
        try check(ts_stft_power(signal.handle, Int64(nFFT), Int64(hop), window.handle))
    }
}
