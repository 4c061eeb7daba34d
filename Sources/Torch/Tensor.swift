import CTorch
import Foundation

/// Element types. The raw values are CTorch's stable codes.
public enum DType: Int32, Sendable, CaseIterable, CustomStringConvertible {
    case float32 = 0, float16 = 1, bfloat16 = 2, int64 = 3, bool = 4, uint8 = 5, int32 = 6, float64 = 7

    public var isFloatingPoint: Bool { [.float32, .float16, .bfloat16, .float64].contains(self) }
    public var byteSize: Int {
        switch self {
        case .float64, .int64: return 8
        case .float32, .int32: return 4
        case .float16, .bfloat16: return 2
        case .bool, .uint8: return 1
        }
    }
    public var description: String {
        switch self {
        case .float32: return "float32"
        case .float16: return "float16"
        case .bfloat16: return "bfloat16"
        case .int64: return "int64"
        case .bool: return "bool"
        case .uint8: return "uint8"
        case .int32: return "int32"
        case .float64: return "float64"
        }
    }
}

/// Where a tensor lives. Only `.cpu` exists in Debian's libtorch build; the API is ready for CUDA.
public enum Device: Sendable, Equatable, CustomStringConvertible {
    case cpu
    case cuda(Int)

    var code: (Int32, Int32) {
        switch self {
        case .cpu: return (Int32(TS_CPU), 0)
        case .cuda(let i): return (Int32(TS_CUDA), Int32(i))
        }
    }
    public var description: String {
        switch self {
        case .cpu: return "cpu"
        case .cuda(let i): return "cuda:\(i)"
        }
    }
}

/// An error reported by libtorch (shape mismatch, bad argument, ...), carrying libtorch's message.
public struct TorchError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }

    /// The calling thread's last CTorch error.
    static func last() -> TorchError {
        let msg = String(cString: ts_last_error())
        return TorchError(msg.isEmpty ? "libtorch call failed" : msg)
    }
}

@inline(__always) func check(_ handle: OpaquePointer?) throws -> Tensor {
    guard let handle else { throw TorchError.last() }
    return Tensor(handle: handle)
}

@inline(__always) func check(_ status: Int32) throws {
    if status != 0 { throw TorchError.last() }
}

/// Calls `body` with a C array of Int64 built from `values`.
@inline(__always) func withInt64<R>(_ values: [Int], _ body: (UnsafePointer<Int64>, Int32) throws -> R) rethrows -> R {
    let converted = values.map(Int64.init)
    return try converted.withUnsafeBufferPointer { buf in
        // A valid pointer even for empty arrays (libtorch reads nothing then).
        var dummy: Int64 = 0
        if buf.isEmpty { return try withUnsafePointer(to: &dummy) { try body($0, 0) } }
        return try body(buf.baseAddress!, Int32(buf.count))
    }
}

/// Swift element types that map to a tensor dtype.
public protocol TensorScalar: Sendable {
    static var dtype: DType { get }
}
extension Float: TensorScalar { public static var dtype: DType { .float32 } }
extension Double: TensorScalar { public static var dtype: DType { .float64 } }
extension Int64: TensorScalar { public static var dtype: DType { .int64 } }
extension Int32: TensorScalar { public static var dtype: DType { .int32 } }
extension UInt8: TensorScalar { public static var dtype: DType { .uint8 } }
extension Bool: TensorScalar { public static var dtype: DType { .bool } }
#if !((os(macOS) || targetEnvironment(macCatalyst)) && arch(x86_64))
extension Float16: TensorScalar { public static var dtype: DType { .float16 } }
#endif

/// An n-dimensional array backed by an `at::Tensor`.
///
/// A `Tensor` owns one reference to libtorch's tensor and releases it in `deinit`, so memory is
/// returned as soon as the last Swift reference goes away. Operations never crash on bad input:
/// they throw `TorchError` with libtorch's message.
public final class Tensor: @unchecked Sendable, CustomStringConvertible {
    public let handle: OpaquePointer

    init(handle: OpaquePointer) { self.handle = handle }
    deinit { ts_free(handle) }

    // MARK: Creation

    /// A tensor holding a copy of `values` in row-major order with the given shape.
    public convenience init<T: TensorScalar>(_ values: [T], shape: [Int]) throws {
        let count = shape.reduce(1, *)
        guard shape.allSatisfy({ $0 >= 0 }), count == values.count else {
            throw TorchError("cannot make a tensor of shape \(shape) from \(values.count) values")
        }
        let h = values.withUnsafeBytes { raw in
            withInt64(shape) { ts_from_data(raw.baseAddress, $0, $1, T.dtype.rawValue) }
        }
        guard let h else { throw TorchError.last() }
        self.init(handle: h)
    }

    /// A 1-D tensor holding a copy of `values`.
    public convenience init<T: TensorScalar>(_ values: [T]) throws {
        try self.init(values, shape: [values.count])
    }

    /// A 0-D tensor.
    public convenience init<T: TensorScalar>(scalar: T) throws {
        try self.init([scalar], shape: [])
    }

    /// A tensor built from raw little-endian bytes of `dtype`.
    public convenience init(bytes: UnsafeRawBufferPointer, shape: [Int], dtype: DType) throws {
        let count = shape.reduce(1, *)
        guard shape.allSatisfy({ $0 >= 0 }), count * dtype.byteSize == bytes.count else {
            throw TorchError("\(bytes.count) bytes do not hold a \(dtype) tensor of shape \(shape)")
        }
        let h = withInt64(shape) { ts_from_data(bytes.baseAddress, $0, $1, dtype.rawValue) }
        guard let h else { throw TorchError.last() }
        self.init(handle: h)
    }

    public static func zeros(_ shape: [Int], dtype: DType = .float32, device: Device = .cpu) throws -> Tensor {
        let (d, i) = device.code
        return try check(withInt64(shape) { ts_zeros($0, $1, dtype.rawValue, d, i) })
    }
    public static func ones(_ shape: [Int], dtype: DType = .float32, device: Device = .cpu) throws -> Tensor {
        let (d, i) = device.code
        return try check(withInt64(shape) { ts_ones($0, $1, dtype.rawValue, d, i) })
    }
    public static func empty(_ shape: [Int], dtype: DType = .float32, device: Device = .cpu) throws -> Tensor {
        let (d, i) = device.code
        return try check(withInt64(shape) { ts_empty($0, $1, dtype.rawValue, d, i) })
    }
    public static func full(_ shape: [Int], _ value: Double, dtype: DType = .float32, device: Device = .cpu) throws -> Tensor {
        let (d, i) = device.code
        return try check(withInt64(shape) { ts_full($0, $1, value, dtype.rawValue, d, i) })
    }
    /// Uniform samples in [0, 1) from libtorch's generator (see `Torch.manualSeed`).
    public static func rand(_ shape: [Int], dtype: DType = .float32, device: Device = .cpu) throws -> Tensor {
        let (d, i) = device.code
        return try check(withInt64(shape) { ts_rand($0, $1, dtype.rawValue, d, i) })
    }
    /// Standard normal samples from libtorch's generator.
    public static func randn(_ shape: [Int], dtype: DType = .float32, device: Device = .cpu) throws -> Tensor {
        let (d, i) = device.code
        return try check(withInt64(shape) { ts_randn($0, $1, dtype.rawValue, d, i) })
    }
    /// Integers uniformly drawn from `low..<high`.
    public static func randint(_ low: Int, _ high: Int, _ shape: [Int], dtype: DType = .int64, device: Device = .cpu) throws -> Tensor {
        let (d, i) = device.code
        return try check(withInt64(shape) { ts_randint(Int64(low), Int64(high), $0, $1, dtype.rawValue, d, i) })
    }
    public static func randperm(_ n: Int) throws -> Tensor { try check(ts_randperm(Int64(n), DType.int64.rawValue)) }
    public static func arange(_ start: Double, _ end: Double, step: Double = 1, dtype: DType = .float32) throws -> Tensor {
        try check(ts_arange(start, end, step, dtype.rawValue))
    }
    public static func arange(_ end: Int, dtype: DType = .int64) throws -> Tensor {
        try check(ts_arange(0, Double(end), 1, dtype.rawValue))
    }
    public static func linspace(_ start: Double, _ end: Double, steps: Int, dtype: DType = .float32) throws -> Tensor {
        try check(ts_linspace(start, end, Int64(steps), dtype.rawValue))
    }
    public static func hannWindow(_ length: Int, periodic: Bool = true, dtype: DType = .float32) throws -> Tensor {
        try check(ts_hann_window(Int64(length), periodic ? 1 : 0, dtype.rawValue))
    }

    // MARK: Inspection

    public var rank: Int { Int(ts_ndim(handle)) }
    public var shape: [Int] {
        let n = rank
        guard n > 0 else { return [] }
        var out = [Int64](repeating: 0, count: n)
        _ = ts_shape(handle, &out)
        return out.map(Int.init)
    }
    /// Size of one dimension (negative indices count from the end).
    public func size(_ dim: Int) -> Int {
        let s = shape
        return s[dim < 0 ? dim + s.count : dim]
    }
    public var dtype: DType { DType(rawValue: ts_dtype(handle)) ?? .float32 }
    public var device: Device {
        var index: Int32 = 0
        return ts_device(handle, &index) == Int32(TS_CUDA) ? .cuda(Int(index)) : .cpu
    }
    public var count: Int { Int(ts_numel(handle)) }

    /// Copies the elements to a Swift array; `T` must match the tensor's dtype.
    public func toArray<T: TensorScalar>(_ type: T.Type = T.self) throws -> [T] {
        guard T.dtype == dtype else {
            throw TorchError("tensor has dtype \(dtype), asked for \(T.dtype) elements (convert with .to(.\(T.dtype)) first)")
        }
        let n = count
        var out = [T](unsafeUninitializedCapacity: n) { buf, initialized in
            initialized = 0
            let status = ts_copy_to_host(handle, UnsafeMutableRawPointer(buf.baseAddress), n * MemoryLayout<T>.stride)
            if status == 0 { initialized = n }
        }
        if out.count != n {
            out.removeAll()
            throw TorchError.last()
        }
        return out
    }

    /// Float elements, converting the dtype if needed.
    public func floats() throws -> [Float] {
        try (dtype == .float32 ? self : to(.float32)).toArray(Float.self)
    }

    /// The raw bytes of the (contiguous) data, for serialisation.
    public func rawBytes() throws -> Data {
        let n = count * dtype.byteSize
        var data = Data(count: n)
        let status = data.withUnsafeMutableBytes { ts_copy_to_host(handle, $0.baseAddress, n) }
        try check(status)
        return data
    }

    /// The value of a one-element tensor.
    public func item() throws -> Double {
        var v = 0.0
        try check(ts_item_double(handle, &v))
        return v
    }
    public func itemInt() throws -> Int {
        var v: Int64 = 0
        try check(ts_item_int64(handle, &v))
        return Int(v)
    }

    public var description: String {
        guard let s = ts_description(handle) else { return "Tensor(\(shape), \(dtype))" }
        defer { ts_free_string(s) }
        return String(cString: s)
    }

    // MARK: Autograd

    public var requiresGrad: Bool { ts_requires_grad(handle) == 1 }

    /// Marks the tensor as a leaf that records gradients. Returns self for chaining.
    @discardableResult
    public func requiresGrad(_ on: Bool) throws -> Tensor {
        try check(ts_set_requires_grad(handle, on ? 1 : 0))
        return self
    }

    /// The accumulated gradient, if any.
    public var grad: Tensor? {
        guard let h = ts_grad(handle) else { return nil }
        return Tensor(handle: h)
    }

    /// Clears the accumulated gradient.
    public func zeroGrad() throws { try check(ts_zero_grad(handle)) }

    /// Backpropagates from this tensor (a scalar unless `gradient` is given).
    public func backward(_ gradient: Tensor? = nil, retainGraph: Bool = false) throws {
        try check(ts_backward(handle, gradient?.handle, retainGraph ? 1 : 0))
    }

    public func detach() throws -> Tensor { try check(ts_detach(handle)) }
    public var isLeaf: Bool { ts_is_leaf(handle) == 1 }

    // MARK: Conversion, in-place updates

    public func clone() throws -> Tensor { try check(ts_clone(handle)) }
    public func contiguous() throws -> Tensor { try check(ts_contiguous(handle)) }
    public func to(_ dtype: DType) throws -> Tensor { try check(ts_to_dtype(handle, dtype.rawValue)) }
    public func to(_ device: Device) throws -> Tensor {
        let (d, i) = device.code
        return try check(ts_to_device(handle, d, i))
    }

    /// Copies `source` into this tensor in place without recording gradients; shapes must match.
    public func copy(from source: Tensor) throws { try check(ts_copy_(handle, source.handle)) }
    public func fill(_ value: Double) throws { try check(ts_fill_(handle, value)) }
    /// Fills in place with uniform samples in [from, to) (no gradient recorded).
    public func uniform(_ from: Double, _ to: Double) throws { try check(ts_uniform_(handle, from, to)) }
    /// Fills in place with normal samples (no gradient recorded).
    public func normal(mean: Double = 0, std: Double = 1) throws { try check(ts_normal_(handle, mean, std)) }
    /// Replaces this tensor's data with `source`'s (like `param.data = source`).
    public func setData(_ source: Tensor) throws { try check(ts_set_data(handle, source.handle)) }
}
