import Foundation
import Torch

/// A problem with a CTranslate2 model file: one line naming the file and what is wrong.
public struct CTranslate2Error: Error, CustomStringConvertible, Equatable {
    public let file: String
    public let reason: String
    public init(file: String, reason: String) {
        self.file = file
        self.reason = reason
    }
    public var description: String { "\(file): \(reason)" }
}

/// Element types of CTranslate2 variables (the order of `DataType` in CTranslate2's types.h).
public enum CTranslate2DType: UInt8, Sendable, CustomStringConvertible {
    case float32 = 0, int8 = 1, int16 = 2, int32 = 3, float16 = 4, bfloat16 = 5

    public var byteSize: Int {
        switch self {
        case .float32, .int32: return 4
        case .int16, .float16, .bfloat16: return 2
        case .int8: return 1
        }
    }
    public var description: String {
        switch self {
        case .float32: return "float32"
        case .int8: return "int8"
        case .int16: return "int16"
        case .int32: return "int32"
        case .float16: return "float16"
        case .bfloat16: return "bfloat16"
        }
    }
}

/// A CTranslate2 `model.bin`, read without CTranslate2 and bounds-checked throughout.
///
/// Layout (CTranslate2 `src/models/model.cc`, written by `specs/model_spec.py`), little-endian:
/// `u32 binary_version`; from version 2 `string spec_name` and `u32 spec_revision`; `u32 count` and
/// per variable `string name`, `u8 rank`, `rank × u32 dims`, then from version 4 `u8 dtype` and
/// `u32 byte_count`, before it `u8 item_size` and `u32 element_count`, then the raw bytes; from
/// version 3 `u32 alias_count` and pairs of strings (alias, target). A string is `u16 length`
/// (counting a trailing NUL) and its bytes.
public struct CTranslate2Model: Sendable {
    /// Binary versions this reader understands (CTranslate2 4.x writes 6).
    public static let supportedBinaryVersions = 1...6

    public struct Variable: Sendable, Equatable {
        public let name: String
        public let shape: [Int]
        public let dtype: CTranslate2DType
        /// Byte range of the data in the file.
        public let range: Range<Int>
        public var count: Int { shape.reduce(1, *) }
    }

    public let file: String
    public let binaryVersion: Int
    /// The model specification's name ("WhisperSpec", "TransformerSpec", ...); empty before version 2.
    public let spec: String
    public let revision: Int
    /// Variables in file order.
    public let variables: [Variable]
    /// Alias → variable name (e.g. a tied projection).
    public let aliases: [String: String]
    private let data: Data
    private let index: [String: Int]

    /// Reads `model.bin` in `url` (a CTranslate2 model directory) or `url` itself if it is a file.
    public init(contentsOf url: URL) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw CTranslate2Error(file: url.path, reason: "no such file or directory")
        }
        let fileURL = isDirectory.boolValue ? url.appendingPathComponent("model.bin") : url
        guard FileManager.default.fileExists(atPath: fileURL.path) else {
            throw CTranslate2Error(file: url.path, reason: "not a CTranslate2 model directory (no model.bin)")
        }
        let data: Data
        do { data = try Data(contentsOf: fileURL, options: .mappedIfSafe) } catch {
            throw CTranslate2Error(file: fileURL.path, reason: "cannot read (\(error.localizedDescription))")
        }
        try self.init(data: data, name: fileURL.path)
    }

    public init(data: Data, name: String = "<memory>") throws {
        // Offsets below are from 0: rebase a slice.
        let data = data.startIndex == 0 ? data : Data(data)
        file = name
        self.data = data
        var r = Reader(data: data, file: name)
        let version = Int(try r.u32("binary version"))
        guard version > 0, version < 1_000_000 else {
            throw CTranslate2Error(file: name, reason: "not a CTranslate2 model (binary version field is \(version))")
        }
        guard Self.supportedBinaryVersions.contains(version) else {
            throw CTranslate2Error(file: name, reason: "unsupported CTranslate2 binary version \(version) (this reader knows 1-6)")
        }
        binaryVersion = version
        if version >= 2 {
            spec = try r.string("spec name")
            revision = Int(try r.u32("spec revision"))
        } else {
            spec = ""
            revision = 1
        }
        let count = Int(try r.u32("variable count"))
        // Each variable takes at least 2 (name) + 1 (rank) + 1 + 4 bytes: reject absurd counts early.
        guard count <= r.remaining / 8 else {
            throw CTranslate2Error(file: name, reason: "truncated: \(count) variables announced in \(r.remaining) bytes")
        }
        var variables: [Variable] = []
        var index: [String: Int] = [:]
        variables.reserveCapacity(count)
        for i in 0..<count {
            let vname = try r.string("name of variable \(i)")
            let rank = Int(try r.u8("rank of '\(vname)'"))
            guard rank <= 8 else { throw CTranslate2Error(file: name, reason: "variable '\(vname)' has rank \(rank)") }
            var shape: [Int] = []
            var elements = 1
            for _ in 0..<rank {
                let d = Int(try r.u32("shape of '\(vname)'"))
                let (m, overflow) = elements.multipliedReportingOverflow(by: d)
                guard !overflow, m <= Int(Int32.max) * 64 else {
                    throw CTranslate2Error(file: name, reason: "variable '\(vname)' has an impossible shape")
                }
                elements = m
                shape.append(d)
            }
            let dtype: CTranslate2DType
            let byteCount: Int
            if version >= 4 {
                let code = try r.u8("dtype of '\(vname)'")
                guard let t = CTranslate2DType(rawValue: code) else {
                    throw CTranslate2Error(file: name, reason: "variable '\(vname)' has unknown dtype code \(code)")
                }
                dtype = t
                byteCount = Int(try r.u32("byte count of '\(vname)'"))
            } else {
                let itemSize = try r.u8("item size of '\(vname)'")
                switch itemSize {
                case 4: dtype = .float32
                case 2: dtype = .int16
                case 1: dtype = .int8
                default: throw CTranslate2Error(file: name, reason: "variable '\(vname)' has item size \(itemSize)")
                }
                byteCount = Int(try r.u32("element count of '\(vname)'")) * Int(itemSize)
            }
            guard byteCount == elements * dtype.byteSize else {
                throw CTranslate2Error(file: name, reason: "variable '\(vname)' has \(byteCount) bytes for \(dtype) shape \(shape)")
            }
            let range = try r.skip(byteCount, "data of '\(vname)'")
            guard index[vname] == nil else { throw CTranslate2Error(file: name, reason: "variable '\(vname)' appears twice") }
            index[vname] = variables.count
            variables.append(Variable(name: vname, shape: shape, dtype: dtype, range: range))
        }
        var aliases: [String: String] = [:]
        if version >= 3 {
            let n = Int(try r.u32("alias count"))
            guard n <= r.remaining / 4 else {
                throw CTranslate2Error(file: name, reason: "truncated: \(n) aliases announced in \(r.remaining) bytes")
            }
            for _ in 0..<n {
                let alias = try r.string("alias")
                aliases[alias] = try r.string("alias target of '\(alias)'")
            }
        }
        self.variables = variables
        self.index = index
        self.aliases = aliases
    }

    public var names: [String] { variables.map(\.name) }

    /// The variable called `name` (following an alias).
    public func variable(_ name: String) -> Variable? {
        if let i = index[name] { return variables[i] }
        if let target = aliases[name], let i = index[target] { return variables[i] }
        return nil
    }

    /// Raw bytes of a variable.
    public func bytes(of v: Variable) -> Data { data.subdata(in: v.range) }

    /// A variable as a float32 tensor: float16/bfloat16 converted, int8/int16 dequantised with the
    /// `<name>_scale` variable (per row for int8, one scale for int16), int32 converted.
    public func tensor(_ name: String) throws -> Tensor {
        guard let v = variable(name) else { throw CTranslate2Error(file: file, reason: "no variable '\(name)'") }
        let raw = try data.withUnsafeBytes { buf -> Tensor in
            let slice = UnsafeRawBufferPointer(rebasing: buf[v.range])
            switch v.dtype {
            case .float32: return try Tensor(bytes: slice, shape: v.shape, dtype: .float32)
            case .float16: return try Tensor(bytes: slice, shape: v.shape, dtype: .float16)
            case .bfloat16: return try Tensor(bytes: slice, shape: v.shape, dtype: .bfloat16)
            case .int32: return try Tensor(bytes: slice, shape: v.shape, dtype: .int32)
            case .int8:
                // libtorch has no int8 dtype in TakeSense's engine: widen through Swift.
                let values = slice.bindMemory(to: Int8.self).map { Float($0) }
                return try Tensor(values, shape: v.shape)
            case .int16:
                var values = [Float](repeating: 0, count: v.count)
                for i in 0..<v.count { values[i] = Float(Int16(littleEndian: slice.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self))) }
                return try Tensor(values, shape: v.shape)
            }
        }
        var t = try raw.to(.float32)
        if v.dtype == .int8 || v.dtype == .int16 {
            if self.variable(name + "_zero") != nil {
                throw CTranslate2Error(file: file, reason: "variable '\(name)' uses AWQ quantisation, which TakeSense does not read")
            }
            guard let scaleVar = variable(name + "_scale") else {
                throw CTranslate2Error(file: file, reason: "quantised variable '\(name)' has no '\(name)_scale'")
            }
            let scale = try tensor(scaleVar.name)
            if scale.count == 1 {
                t = try t / scale.reshape([])
            } else {
                let rows = v.shape.first ?? 1
                guard scale.count == rows else {
                    throw CTranslate2Error(file: file, reason: "'\(name)_scale' has \(scale.count) values for \(rows) rows")
                }
                t = try (t.reshape([rows, -1]) / scale.reshape([rows, 1])).reshape(v.shape)
            }
        }
        return t
    }

    /// An integer scalar variable (e.g. `encoder/num_heads`).
    public func integer(_ name: String) throws -> Int? {
        guard let v = variable(name) else { return nil }
        guard v.count == 1 else { throw CTranslate2Error(file: file, reason: "'\(name)' is not a scalar") }
        let d = bytes(of: v)
        // A float scalar must hold an integer: NaN, infinity or a huge value trapped in Int(_:) (found by
        // FuzzCTranslate2, issue 18; regression test CTranslate2Tests.nonIntegerScalars).
        func exact(_ x: Double) throws -> Int {
            guard x.isFinite, x.rounded() == x, abs(x) < 2_147_483_648 else {
                throw CTranslate2Error(file: file, reason: "'\(name)' is \(x), not an integer")
            }
            return Int(x)
        }
        switch v.dtype {
        case .int8: return Int(Int8(bitPattern: d[d.startIndex]))
        case .int16: return Int(d.withUnsafeBytes { Int16(littleEndian: $0.loadUnaligned(as: Int16.self)) })
        case .int32: return Int(d.withUnsafeBytes { Int32(littleEndian: $0.loadUnaligned(as: Int32.self)) })
        case .float32: return try exact(Double(d.withUnsafeBytes { Float(bitPattern: UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self))) }))
        case .float16, .bfloat16: return try exact(try tensor(name).item())
        }
    }

    private struct Reader {
        let data: Data
        let file: String
        var offset: Int
        init(data: Data, file: String) {
            self.data = data
            self.file = file
            offset = data.startIndex
        }
        var remaining: Int { data.endIndex - offset }

        mutating func skip(_ n: Int, _ what: String) throws -> Range<Int> {
            guard n >= 0, n <= remaining else {
                throw CTranslate2Error(file: file, reason: "truncated: \(what) needs \(n) bytes at offset \(offset - data.startIndex), \(Swift.max(0, remaining)) left")
            }
            defer { offset += n }
            return offset..<(offset + n)
        }
        mutating func u8(_ what: String) throws -> UInt8 {
            let r = try skip(1, what)
            return data[r.lowerBound]
        }
        mutating func u16(_ what: String) throws -> UInt16 {
            let r = try skip(2, what)
            return UInt16(data[r.lowerBound]) | UInt16(data[r.lowerBound + 1]) << 8
        }
        mutating func u32(_ what: String) throws -> UInt32 {
            let r = try skip(4, what)
            var v: UInt32 = 0
            for i in 0..<4 { v |= UInt32(data[r.lowerBound + i]) << (8 * UInt32(i)) }
            return v
        }
        mutating func string(_ what: String) throws -> String {
            let n = Int(try u16(what))
            let r = try skip(n, what)
            var bytes = data[r]
            if let nul = bytes.firstIndex(of: 0) { bytes = bytes[bytes.startIndex..<nul] }
            guard let s = String(data: bytes, encoding: .utf8) else {
                throw CTranslate2Error(file: file, reason: "\(what) is not UTF-8 text")
            }
            return s
        }
    }
}

// MARK: Whisper

extension CTranslate2Model {
    /// The Whisper encoder of a CTranslate2 `WhisperSpec` model as a transformers-named state dict
    /// (`encoder.conv1.weight`, `encoder.layers.0.self_attn.q_proj.weight`, ...), float32, with its sizes.
    ///
    /// CTranslate2 fuses each block's query/key/value projections (`self_attention/linear_0`,
    /// 3·d × d): they are split in that order; the key bias, zero in Whisper (transformers has none), is
    /// dropped. Layer norms' `gamma`/`beta` become `weight`/`bias`; the position table
    /// `position_encodings/encodings` becomes `embed_positions.weight`.
    public func whisperEncoder() throws -> (config: WhisperConfig, stateDict: [(String, Tensor)]) {
        guard spec == "WhisperSpec" else {
            let what = spec.isEmpty ? "a CTranslate2 model without a spec name" : "a '\(spec)' model"
            throw CTranslate2Error(file: file, reason: "not a Whisper model (\(what))")
        }
        func need(_ name: String) throws -> Tensor {
            guard variable(name) != nil else { throw CTranslate2Error(file: file, reason: "Whisper encoder variable '\(name)' is missing") }
            return try tensor(name)
        }
        let conv1 = try need("encoder/conv1/weight")
        guard conv1.rank == 3 else { throw CTranslate2Error(file: file, reason: "encoder/conv1/weight has shape \(conv1.shape)") }
        let (dModel, melBins) = (conv1.size(0), conv1.size(1))
        let positions = try need("encoder/position_encodings/encodings")
        var layerCount = 0
        while variable("encoder/layer_\(layerCount)/self_attention/linear_0/weight") != nil { layerCount += 1 }
        guard layerCount > 0 else { throw CTranslate2Error(file: file, reason: "no encoder layers (encoder/layer_0/...)") }
        let ffn = try need("encoder/layer_0/ffn/linear_0/weight")
        let heads = try integer("encoder/num_heads") ?? Swift.max(1, dModel / 64)
        let config = WhisperConfig(melBins: melBins, dModel: dModel, layers: layerCount, heads: heads, ffnDim: ffn.size(0),
                                   maxSourcePositions: positions.size(0))
        guard positions.shape == [config.maxSourcePositions, dModel], heads > 0, dModel % heads == 0 else {
            throw CTranslate2Error(file: file, reason: "inconsistent Whisper encoder sizes (d_model \(dModel), heads \(heads), positions \(positions.shape))")
        }

        var out: [(String, Tensor)] = []
        func add(_ key: String, _ t: Tensor, _ expected: [Int], from source: String) throws {
            guard t.shape == expected else {
                throw CTranslate2Error(file: file, reason: "'\(source)' has shape \(t.shape), expected \(expected)")
            }
            out.append((key, t))
        }
        func linear(_ src: String, _ dst: String, _ outF: Int, _ inF: Int) throws {
            try add("\(dst).weight", need("\(src)/weight"), [outF, inF], from: "\(src)/weight")
            try add("\(dst).bias", need("\(src)/bias"), [outF], from: "\(src)/bias")
        }
        func norm(_ src: String, _ dst: String) throws {
            try add("\(dst).weight", need("\(src)/gamma"), [dModel], from: "\(src)/gamma")
            try add("\(dst).bias", need("\(src)/beta"), [dModel], from: "\(src)/beta")
        }
        try add("encoder.conv1.weight", conv1, [dModel, melBins, 3], from: "encoder/conv1/weight")
        try add("encoder.conv1.bias", need("encoder/conv1/bias"), [dModel], from: "encoder/conv1/bias")
        try add("encoder.conv2.weight", need("encoder/conv2/weight"), [dModel, dModel, 3], from: "encoder/conv2/weight")
        try add("encoder.conv2.bias", need("encoder/conv2/bias"), [dModel], from: "encoder/conv2/bias")
        out.append(("encoder.embed_positions.weight", positions))
        for i in 0..<layerCount {
            let src = "encoder/layer_\(i)", dst = "encoder.layers.\(i)"
            let qkvW = try need("\(src)/self_attention/linear_0/weight")
            let qkvB = try need("\(src)/self_attention/linear_0/bias")
            guard qkvW.shape == [3 * dModel, dModel], qkvB.shape == [3 * dModel] else {
                throw CTranslate2Error(file: file, reason: "'\(src)/self_attention/linear_0' has shape \(qkvW.shape), expected a fused [\(3 * dModel), \(dModel)] query/key/value projection")
            }
            let w = try qkvW.split(size: dModel, dim: 0), b = try qkvB.split(size: dModel, dim: 0)
            out.append(("\(dst).self_attn.k_proj.weight", try w[1].contiguous()))
            out.append(("\(dst).self_attn.v_proj.weight", try w[2].contiguous()))
            out.append(("\(dst).self_attn.v_proj.bias", try b[2].contiguous()))
            out.append(("\(dst).self_attn.q_proj.weight", try w[0].contiguous()))
            out.append(("\(dst).self_attn.q_proj.bias", try b[0].contiguous()))
            try linear("\(src)/self_attention/linear_1", "\(dst).self_attn.out_proj", dModel, dModel)
            try norm("\(src)/self_attention/layer_norm", "\(dst).self_attn_layer_norm")
            try linear("\(src)/ffn/linear_0", "\(dst).fc1", config.ffnDim, dModel)
            try linear("\(src)/ffn/linear_1", "\(dst).fc2", dModel, config.ffnDim)
            try norm("\(src)/ffn/layer_norm", "\(dst).final_layer_norm")
        }
        try norm("encoder/layer_norm", "encoder.layer_norm")
        return (config, out)
    }

    /// The dtype most of the encoder's weights are stored in (for reports).
    public var encoderWeightType: CTranslate2DType? {
        variable("encoder/layer_0/ffn/linear_0/weight")?.dtype
    }
}

/// `takesense models import-whisper`: a CTranslate2 Whisper model directory → an encoder safetensors
/// file with transformers' names and TakeSense metadata (`takesense.config`, `takesense.source`).
public enum WhisperImport {
    public struct Summary: Sendable {
        public let config: WhisperConfig
        public let parameters: Int
        public let sourceType: String
        public let output: URL
    }

    @discardableResult
    public static func importCTranslate2(from source: URL, to output: URL, floatType: DType = .float32) throws -> Summary {
        let model = try CTranslate2Model(contentsOf: source)
        let (config, tensors) = try model.whisperEncoder()
        // The state dict must load into TakeSense's encoder exactly.
        let encoder = try WhisperEncoder(config)
        do {
            try encoder.load(huggingFace: Dictionary(uniqueKeysWithValues: tensors))
        } catch let e as TorchError {
            throw CTranslate2Error(file: model.file, reason: "converted encoder does not match: \(e.message)")
        }
        let sourceType = model.encoderWeightType?.description ?? "unknown"
        let meta = [
            "takesense.architecture": "WhisperEncoder",
            "takesense.config": ClassifierHead.metadataJSON(config.huggingFaceJSON),
            "takesense.source": "CTranslate2 \(model.spec) revision \(model.revision), binary version \(model.binaryVersion), \(sourceType) weights",
        ]
        try Checkpoint.saveSafetensors(tensors, to: output, metadata: meta, floatType: floatType)
        return Summary(config: config, parameters: tensors.reduce(0) { $0 + $1.1.count }, sourceType: sourceType, output: output)
    }
}
