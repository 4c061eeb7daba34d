import CTorch

extension Torch {
    /// Whether CPU autocast is on for operations run on this thread.
    public static var isAutocastEnabled: Bool { ts_autocast_is_cpu_enabled() == 1 }

    /// Runs `body` under CPU autocast (PyTorch's `torch.autocast("cpu", dtype=torch.bfloat16)`):
    /// convolutions, linear layers and matrix products run in `dtype` while parameters stay float32
    /// (fp32 master weights: the optimiser updates the float32 tensors; gradients flow back through
    /// the casts in float32). Ops autocast keeps in float32 (losses, softmax, batch norm statistics)
    /// stay there.
    ///
    /// libtorch keeps autocast state per thread, so this only affects work done on the calling thread:
    /// run the forward pass inside the scope, on the same thread. The backward pass may run outside it
    /// (as in PyTorch) — autograd replays the casts recorded in the forward pass.
    /// The cast weights are cached within the scope and the cache is dropped when the outermost scope
    /// ends, so the next step sees the optimiser's updated weights. Nesting restores the previous state.
    public static func withAutocast<R>(_ dtype: DType = .bfloat16, _ body: () throws -> R) throws -> R {
        var wasEnabled: Int32 = 0, wasDType: Int32 = 0
        try check(ts_autocast_set_cpu(1, dtype.rawValue, &wasEnabled, &wasDType))
        _ = ts_autocast_increment_nesting()
        defer {
            if ts_autocast_decrement_nesting() == 0 { ts_autocast_clear_cache() }
            _ = ts_autocast_set_cpu(wasEnabled, wasEnabled == 1 ? wasDType : DType.bfloat16.rawValue, nil, nil)
        }
        return try body()
    }

    /// Runs `body` with autocast when `dtype` is given, plainly when it is nil (a training option).
    public static func withOptionalAutocast<R>(_ dtype: DType?, _ body: () throws -> R) throws -> R {
        guard let dtype else { return try body() }
        return try withAutocast(dtype, body)
    }
}

extension Tensor {
    /// This tensor with channels-last (NHWC) strides when `channelsLast` (4-D only), row-major otherwise.
    /// oneDNN's bfloat16 convolutions run on their fast kernels with channels-last activations and weights.
    public func contiguous(channelsLast: Bool) throws -> Tensor { try check(ts_contiguous_format(handle, channelsLast ? 1 : 0)) }

    /// Whether the strides are channels-last (`true`) or row-major (`false`) contiguous.
    public func isContiguous(channelsLast: Bool) throws -> Bool {
        let r = ts_is_contiguous_format(handle, channelsLast ? 1 : 0)
        if r < 0 { throw TorchError.last() }
        return r == 1
    }
}

extension Module {
    /// Re-lays out every 4-D parameter and buffer (convolution weights) in channels-last memory, in place
    /// (PyTorch's `model.to(memory_format=torch.channels_last)`). Values, names and saved files are
    /// unchanged; create the optimiser after calling this or before — its state follows the parameters.
    public func convertToChannelsLast() throws {
        for (_, t) in stateDict() where t.shape.count == 4 {
            try t.setData(t.contiguous(channelsLast: true))
        }
    }
}
