import CTorch

// Element-wise arithmetic, comparisons, reductions, shape manipulation and indexing.
// Every operation throws `TorchError` instead of crashing: one `try` covers a whole expression,
// e.g. `let y = try (x.matmul(w) + b).relu()`.

enum BinaryOp: Int32 {
    case add = 0, sub, mul, div, pow, maximum, minimum, eq, ne, lt, le, gt, ge, logicalAnd, logicalOr, remainder, atan2, floorDivide
}

enum UnaryOp: Int32 {
    case neg = 0, abs, exp, log, log10, log2, sqrt, rsqrt, sin, cos, tanh, sigmoid, relu, gelu, geluTanh, silu,
         square, floor, ceil, round, sign, logicalNot, erf, reciprocal, isnan, hardswish, hardsigmoid, relu6,
         log1p, expm1, isfinite
}

enum ReduceOp: Int32 {
    case sum = 0, mean, amax, amin, prod, variance, std, logsumexp, norm2, any, all
}

extension Tensor {
    func binary(_ op: BinaryOp, _ other: Tensor) throws -> Tensor { try check(ts_binary(op.rawValue, handle, other.handle)) }
    func binary(_ op: BinaryOp, _ scalar: Double, reversed: Bool = false) throws -> Tensor {
        try check(ts_binary_scalar(op.rawValue, handle, scalar, reversed ? 1 : 0))
    }
    func unary(_ op: UnaryOp) throws -> Tensor { try check(ts_unary(op.rawValue, handle)) }

    // MARK: Operators (broadcasting, PyTorch type promotion)

    public static func + (a: Tensor, b: Tensor) throws -> Tensor { try a.binary(.add, b) }
    public static func - (a: Tensor, b: Tensor) throws -> Tensor { try a.binary(.sub, b) }
    public static func * (a: Tensor, b: Tensor) throws -> Tensor { try a.binary(.mul, b) }
    public static func / (a: Tensor, b: Tensor) throws -> Tensor { try a.binary(.div, b) }
    public static func + (a: Tensor, b: Double) throws -> Tensor { try a.binary(.add, b) }
    public static func - (a: Tensor, b: Double) throws -> Tensor { try a.binary(.sub, b) }
    public static func * (a: Tensor, b: Double) throws -> Tensor { try a.binary(.mul, b) }
    public static func / (a: Tensor, b: Double) throws -> Tensor { try a.binary(.div, b) }
    public static func + (a: Double, b: Tensor) throws -> Tensor { try b.binary(.add, a, reversed: true) }
    public static func - (a: Double, b: Tensor) throws -> Tensor { try b.binary(.sub, a, reversed: true) }
    public static func * (a: Double, b: Tensor) throws -> Tensor { try b.binary(.mul, a, reversed: true) }
    public static func / (a: Double, b: Tensor) throws -> Tensor { try b.binary(.div, a, reversed: true) }
    public static prefix func - (a: Tensor) throws -> Tensor { try a.unary(.neg) }

    public func pow(_ exponent: Tensor) throws -> Tensor { try binary(.pow, exponent) }
    public func pow(_ exponent: Double) throws -> Tensor { try binary(.pow, exponent) }
    public func maximum(_ other: Tensor) throws -> Tensor { try binary(.maximum, other) }
    public func minimum(_ other: Tensor) throws -> Tensor { try binary(.minimum, other) }
    public func remainder(_ other: Double) throws -> Tensor { try binary(.remainder, other) }
    public func floorDivide(_ other: Double) throws -> Tensor { try binary(.floorDivide, other) }
    public func atan2(_ other: Tensor) throws -> Tensor { try binary(.atan2, other) }

    // Comparisons return bool tensors.
    public func eq(_ o: Tensor) throws -> Tensor { try binary(.eq, o) }
    public func ne(_ o: Tensor) throws -> Tensor { try binary(.ne, o) }
    public func lt(_ o: Tensor) throws -> Tensor { try binary(.lt, o) }
    public func le(_ o: Tensor) throws -> Tensor { try binary(.le, o) }
    public func gt(_ o: Tensor) throws -> Tensor { try binary(.gt, o) }
    public func ge(_ o: Tensor) throws -> Tensor { try binary(.ge, o) }
    public func eq(_ s: Double) throws -> Tensor { try binary(.eq, s) }
    public func ne(_ s: Double) throws -> Tensor { try binary(.ne, s) }
    public func lt(_ s: Double) throws -> Tensor { try binary(.lt, s) }
    public func le(_ s: Double) throws -> Tensor { try binary(.le, s) }
    public func gt(_ s: Double) throws -> Tensor { try binary(.gt, s) }
    public func ge(_ s: Double) throws -> Tensor { try binary(.ge, s) }
    public func logicalAnd(_ o: Tensor) throws -> Tensor { try binary(.logicalAnd, o) }
    public func logicalOr(_ o: Tensor) throws -> Tensor { try binary(.logicalOr, o) }
    public func logicalNot() throws -> Tensor { try unary(.logicalNot) }

    // In-place accumulation (used by optimizers and running statistics).
    public func addInPlace(_ o: Tensor) throws { try check(ts_binary_(BinaryOp.add.rawValue, handle, o.handle)) }
    public func mulInPlace(_ o: Tensor) throws { try check(ts_binary_(BinaryOp.mul.rawValue, handle, o.handle)) }

    // MARK: Element-wise functions

    public func abs() throws -> Tensor { try unary(.abs) }
    public func exp() throws -> Tensor { try unary(.exp) }
    public func log() throws -> Tensor { try unary(.log) }
    public func log10() throws -> Tensor { try unary(.log10) }
    public func log2() throws -> Tensor { try unary(.log2) }
    public func log1p() throws -> Tensor { try unary(.log1p) }
    public func expm1() throws -> Tensor { try unary(.expm1) }
    public func sqrt() throws -> Tensor { try unary(.sqrt) }
    public func rsqrt() throws -> Tensor { try unary(.rsqrt) }
    public func sin() throws -> Tensor { try unary(.sin) }
    public func cos() throws -> Tensor { try unary(.cos) }
    public func tanh() throws -> Tensor { try unary(.tanh) }
    public func sigmoid() throws -> Tensor { try unary(.sigmoid) }
    public func relu() throws -> Tensor { try unary(.relu) }
    public func relu6() throws -> Tensor { try unary(.relu6) }
    /// GELU; `approximate: true` is the tanh approximation (PyTorch's approximate="tanh").
    public func gelu(approximate: Bool = false) throws -> Tensor { try unary(approximate ? .geluTanh : .gelu) }
    public func silu() throws -> Tensor { try unary(.silu) }
    public func hardswish() throws -> Tensor { try unary(.hardswish) }
    public func hardsigmoid() throws -> Tensor { try unary(.hardsigmoid) }
    public func leakyRelu(_ slope: Double = 0.01) throws -> Tensor { try check(ts_leaky_relu(handle, slope)) }
    public func elu(alpha: Double = 1) throws -> Tensor { try check(ts_elu(handle, alpha)) }
    public func square() throws -> Tensor { try unary(.square) }
    public func floor() throws -> Tensor { try unary(.floor) }
    public func ceil() throws -> Tensor { try unary(.ceil) }
    public func round() throws -> Tensor { try unary(.round) }
    public func sign() throws -> Tensor { try unary(.sign) }
    public func erf() throws -> Tensor { try unary(.erf) }
    public func reciprocal() throws -> Tensor { try unary(.reciprocal) }
    public func isnan() throws -> Tensor { try unary(.isnan) }
    public func isfinite() throws -> Tensor { try unary(.isfinite) }
    public func clamp(min: Double? = nil, max: Double? = nil) throws -> Tensor {
        try check(ts_clamp(handle, min == nil ? 0 : 1, min ?? 0, max == nil ? 0 : 1, max ?? 0))
    }
    public func maskedFill(_ mask: Tensor, _ value: Double) throws -> Tensor {
        try check(ts_masked_fill(handle, mask.handle, value))
    }
    public func softmax(dim: Int) throws -> Tensor { try check(ts_softmax(handle, Int64(dim))) }
    public func logSoftmax(dim: Int) throws -> Tensor { try check(ts_log_softmax(handle, Int64(dim))) }

    // MARK: Reductions

    func reduce(_ op: ReduceOp, _ dims: [Int], keepDim: Bool, correction: Int = 1) throws -> Tensor {
        try check(withInt64(dims) { ts_reduce(op.rawValue, handle, $0, $1, keepDim ? 1 : 0, Int32(correction)) })
    }
    /// Sum over `dims` (all dimensions when empty).
    public func sum(dims: [Int] = [], keepDim: Bool = false) throws -> Tensor { try reduce(.sum, dims, keepDim: keepDim) }
    public func sum(dim: Int, keepDim: Bool = false) throws -> Tensor { try reduce(.sum, [dim], keepDim: keepDim) }
    public func mean(dims: [Int] = [], keepDim: Bool = false) throws -> Tensor { try reduce(.mean, dims, keepDim: keepDim) }
    public func mean(dim: Int, keepDim: Bool = false) throws -> Tensor { try reduce(.mean, [dim], keepDim: keepDim) }
    public func amax(dims: [Int] = [], keepDim: Bool = false) throws -> Tensor { try reduce(.amax, dims, keepDim: keepDim) }
    public func amin(dims: [Int] = [], keepDim: Bool = false) throws -> Tensor { try reduce(.amin, dims, keepDim: keepDim) }
    public func prod(dims: [Int] = [], keepDim: Bool = false) throws -> Tensor { try reduce(.prod, dims, keepDim: keepDim) }
    /// Variance with Bessel's correction by default (`correction: 1`), as PyTorch.
    public func variance(dims: [Int] = [], keepDim: Bool = false, correction: Int = 1) throws -> Tensor {
        try reduce(.variance, dims, keepDim: keepDim, correction: correction)
    }
    public func std(dims: [Int] = [], keepDim: Bool = false, correction: Int = 1) throws -> Tensor {
        try reduce(.std, dims, keepDim: keepDim, correction: correction)
    }
    public func logsumexp(dims: [Int], keepDim: Bool = false) throws -> Tensor { try reduce(.logsumexp, dims, keepDim: keepDim) }
    public func norm(dims: [Int] = [], keepDim: Bool = false) throws -> Tensor { try reduce(.norm2, dims, keepDim: keepDim) }
    public func any(dims: [Int] = [], keepDim: Bool = false) throws -> Tensor { try reduce(.any, dims, keepDim: keepDim) }
    public func all(dims: [Int] = [], keepDim: Bool = false) throws -> Tensor { try reduce(.all, dims, keepDim: keepDim) }
    public func argmax(dim: Int, keepDim: Bool = false) throws -> Tensor { try check(ts_argmax(handle, Int64(dim), keepDim ? 1 : 0)) }
    public func argmin(dim: Int, keepDim: Bool = false) throws -> Tensor { try check(ts_argmin(handle, Int64(dim), keepDim ? 1 : 0)) }
    public func cumsum(dim: Int) throws -> Tensor { try check(ts_cumsum(handle, Int64(dim))) }

    private func pair(_ call: (UnsafeMutablePointer<OpaquePointer?>, UnsafeMutablePointer<OpaquePointer?>) -> Int32) throws -> (Tensor, Tensor) {
        var a: OpaquePointer?
        var b: OpaquePointer?
        try check(call(&a, &b))
        return (Tensor(handle: a!), Tensor(handle: b!))
    }
    /// Maximum values and their indices along `dim`.
    public func max(dim: Int, keepDim: Bool = false) throws -> (values: Tensor, indices: Tensor) {
        try pair { ts_max_dim(handle, Int64(dim), keepDim ? 1 : 0, $0, $1) }
    }
    public func topk(_ k: Int, dim: Int = -1, largest: Bool = true) throws -> (values: Tensor, indices: Tensor) {
        try pair { ts_topk(handle, Int64(k), Int64(dim), largest ? 1 : 0, $0, $1) }
    }
    public func sort(dim: Int = -1, descending: Bool = false) throws -> (values: Tensor, indices: Tensor) {
        try pair { ts_sort(handle, Int64(dim), descending ? 1 : 0, $0, $1) }
    }

    // MARK: Linear algebra

    public func matmul(_ other: Tensor) throws -> Tensor { try check(ts_matmul(handle, other.handle)) }

    // MARK: Shapes

    public func reshape(_ shape: [Int]) throws -> Tensor { try check(withInt64(shape) { ts_reshape(handle, $0, $1) }) }
    public func permute(_ dims: [Int]) throws -> Tensor { try check(withInt64(dims) { ts_permute(handle, $0, $1) }) }
    public func transpose(_ d0: Int, _ d1: Int) throws -> Tensor { try check(ts_transpose(handle, Int64(d0), Int64(d1))) }
    public func squeeze(dim: Int) throws -> Tensor { try check(ts_squeeze(handle, Int64(dim))) }
    public func squeeze() throws -> Tensor { try check(ts_squeeze_all(handle)) }
    public func unsqueeze(_ dim: Int) throws -> Tensor { try check(ts_unsqueeze(handle, Int64(dim))) }
    public func flatten(start: Int = 0, end: Int = -1) throws -> Tensor { try check(ts_flatten(handle, Int64(start), Int64(end))) }
    public func expand(_ shape: [Int]) throws -> Tensor { try check(withInt64(shape) { ts_expand(handle, $0, $1) }) }
    public func repeated(_ repeats: [Int]) throws -> Tensor { try check(withInt64(repeats) { ts_repeat(handle, $0, $1) }) }
    public func flip(_ dims: [Int]) throws -> Tensor { try check(withInt64(dims) { ts_flip(handle, $0, $1) }) }
    public func roll(_ shift: Int, dim: Int) throws -> Tensor { try check(ts_roll(handle, Int64(shift), Int64(dim))) }
    public func tril(_ diagonal: Int = 0) throws -> Tensor { try check(ts_tril(handle, Int64(diagonal))) }

    /// `self[start:end:step]` along `dim`, Python slice semantics (`end: nil` = to the end).
    public func slice(dim: Int, start: Int = 0, end: Int? = nil, step: Int = 1) throws -> Tensor {
        try check(ts_slice(handle, Int64(dim), Int64(start), end.map(Int64.init) ?? Int64.max, Int64(step)))
    }
    /// The sub-tensor at `index` along `dim` (the dimension is removed).
    public func select(dim: Int, index: Int) throws -> Tensor { try check(ts_select(handle, Int64(dim), Int64(index))) }
    public func indexSelect(dim: Int, index: Tensor) throws -> Tensor { try check(ts_index_select(handle, Int64(dim), index.handle)) }
    public func maskedSelect(_ mask: Tensor) throws -> Tensor { try check(ts_masked_select(handle, mask.handle)) }
    public func gather(dim: Int, index: Tensor) throws -> Tensor { try check(ts_gather(handle, Int64(dim), index.handle)) }
    /// `self[i]` along the first dimension.
    public subscript(_ i: Int) -> Tensor {
        get throws { try select(dim: 0, index: i) }
    }
    /// Chunks of `size` along `dim` (the last may be smaller).
    public func split(size: Int, dim: Int = 0) throws -> [Tensor] {
        let n = Swift.max(1, (Swift.max(0, self.size(dim)) + size - 1) / Swift.max(size, 1))
        var out = [OpaquePointer?](repeating: nil, count: n)
        let got = ts_split(handle, Int64(size), Int64(dim), &out, Int32(n))
        guard got >= 0 else { throw TorchError.last() }
        return out.prefix(Int(got)).map { Tensor(handle: $0!) }
    }
    /// Pads trailing dimensions: `pad` lists (before, after) pairs from the last dimension backwards.
    public func pad(_ pad: [Int], mode: PadMode = .constant, value: Double = 0) throws -> Tensor {
        try check(withInt64(pad) { ts_pad(handle, $0, $1, mode.rawValue, value) })
    }
    public func oneHot(_ classes: Int) throws -> Tensor { try check(ts_one_hot(handle, Int64(classes))) }
}

public enum PadMode: Int32, Sendable { case constant = 0, reflect = 1, replicate = 2 }

/// Free functions over several tensors.
public enum Torch {
    public static func cat(_ tensors: [Tensor], dim: Int = 0) throws -> Tensor {
        let handles: [OpaquePointer?] = tensors.map { $0.handle }
        return try check(handles.withUnsafeBufferPointer { ts_cat($0.baseAddress, Int32($0.count), Int64(dim)) })
    }
    public static func stack(_ tensors: [Tensor], dim: Int = 0) throws -> Tensor {
        let handles: [OpaquePointer?] = tensors.map { $0.handle }
        return try check(handles.withUnsafeBufferPointer { ts_stack($0.baseAddress, Int32($0.count), Int64(dim)) })
    }
    public static func `where`(_ condition: Tensor, _ a: Tensor, _ b: Tensor) throws -> Tensor {
        try check(ts_where(condition.handle, a.handle, b.handle))
    }
}
