import Foundation
import TensorFiles

extension DType {
    init?(safetensors: SafeTensorsDType) {
        switch safetensors {
        case .f32: self = .float32
        case .f16: self = .float16
        case .bf16: self = .bfloat16
        case .f64: self = .float64
        case .i64: self = .int64
        case .i32: self = .int32
        case .u8: self = .uint8
        case .bool: self = .bool
        case .i16, .i8: return nil
        }
    }

    var safetensors: SafeTensorsDType {
        switch self {
        case .float32: return .f32
        case .float16: return .f16
        case .bfloat16: return .bf16
        case .float64: return .f64
        case .int64: return .i64
        case .int32: return .i32
        case .uint8: return .u8
        case .bool: return .bool
        }
    }
}

/// Reading and writing named tensors.
public enum Checkpoint {
    /// All tensors of a safetensors file, by name. Errors name the file and the problem.
    public static func loadSafetensors(_ url: URL) throws -> [String: Tensor] {
        let file = try SafeTensorsFile(contentsOf: url)
        var out: [String: Tensor] = [:]
        for entry in file.entries {
            guard let dtype = DType(safetensors: entry.dtype) else {
                throw TensorFileError(file: url.path, reason: "tensor '\(entry.name)' has dtype \(entry.dtype.rawValue), which TakeSense does not support")
            }
            out[entry.name] = try file.withBytes(of: entry) { try Tensor(bytes: $0, shape: entry.shape, dtype: dtype) }
        }
        return out
    }

    /// The `__metadata__` map of a safetensors file.
    public static func safetensorsMetadata(_ url: URL) throws -> [String: String] {
        try SafeTensorsFile(contentsOf: url).metadata
    }

    /// Writes tensors (in the given order) atomically; floating-point tensors are converted to
    /// `floatType` when given (e.g. `.float16` to halve a shipped model).
    public static func saveSafetensors(_ tensors: [(String, Tensor)], to url: URL, metadata: [String: String] = [:],
                                       floatType: DType? = nil) throws {
        let records = try tensors.map { name, t -> SafeTensorsRecord in
            var x = try t.detach()
            if let floatType, x.dtype.isFloatingPoint, x.dtype != floatType { x = try x.to(floatType) }
            return SafeTensorsRecord(name: name, dtype: x.dtype.safetensors, shape: x.shape, bytes: try x.rawBytes())
        }
        try SafeTensorsWriter.write(records, metadata: metadata, to: url)
    }

    /// A state dict saved by `torch.save(model.state_dict(), path)` (zip format), e.g. torchvision's
    /// `resnet34-b627a593.pth`, read in Swift (libtorch 1.13's unpickler cannot read Python's OrderedDict).
    public static func loadPyTorch(_ url: URL) throws -> [String: Tensor] {
        var out: [String: Tensor] = [:]
        for raw in try PyTorchArchive.read(contentsOf: url) {
            guard let dtype = DType(safetensors: raw.dtype) else {
                throw TensorFileError(file: url.path, reason: "tensor '\(raw.name)' has dtype \(raw.dtype.rawValue), which TakeSense does not support")
            }
            out[raw.name] = try raw.bytes.withUnsafeBytes { try Tensor(bytes: $0, shape: raw.shape, dtype: dtype) }
        }
        return out
    }

    /// Loads by file extension: `.safetensors`, or `.pth`/`.pt`/`.bin` through libtorch.
    public static func load(_ url: URL) throws -> [String: Tensor] {
        switch url.pathExtension.lowercased() {
        case "safetensors": return try loadSafetensors(url)
        case "pth", "pt", "bin", "ckpt": return try loadPyTorch(url)
        default: throw TorchError("\(url.path): unknown checkpoint format (expected .safetensors or .pth)")
        }
    }
}

extension Module {
    /// Loads parameters and buffers from a checkpoint file (safetensors or PyTorch).
    @discardableResult
    public func load(contentsOf url: URL, strict: Bool = true) throws -> LoadReport {
        let dict = try Checkpoint.load(url)
        do {
            return try load(stateDict: dict, strict: strict)
        } catch let error as TorchError {
            throw TorchError("\(url.path): \(error.message)")
        }
    }

    /// Saves the state dict as safetensors, atomically.
    public func save(to url: URL, metadata: [String: String] = [:], floatType: DType? = nil) throws {
        try Checkpoint.saveSafetensors(stateDict().map { ($0.key, $0.tensor) }, to: url, metadata: metadata, floatType: floatType)
    }
}

extension Module {
    /// The name of the first floating-point parameter or buffer holding NaN or ±infinity (nil: all finite).
    /// A trained model never holds one; a file that does would turn every prediction into NaN, which
    /// downstream reads as "no face" or "no speech" instead of an error.
    public func firstNonFiniteTensor() throws -> String? {
        for (name, t) in stateDict() where t.dtype.isFloatingPoint {
            if try t.isfinite().all().item() == 0 { return name }
        }
        return nil
    }
}
