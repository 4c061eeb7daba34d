import Foundation

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
            throw TensorFileError(file: url.path, reason: "no such file or directory")
        }
        let fileURL = isDirectory.boolValue ? url.appendingPathComponent("model.bin") : url
        guard FileManager.default.fileExists(atPath: fileURL.path) else {
            throw TensorFileError(file: url.path, reason: "not a CTranslate2 model directory (no model.bin)")
        }
        let data: Data
        do { data = try Data(contentsOf: fileURL, options: .mappedIfSafe) } catch {
            throw TensorFileError(file: fileURL.path, reason: "cannot read (\(error.localizedDescription))")
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
            throw TensorFileError(file: name, reason: "not a CTranslate2 model (binary version field is \(version))")
        }
        guard Self.supportedBinaryVersions.contains(version) else {
            throw TensorFileError(file: name, reason: "unsupported CTranslate2 binary version \(version) (this reader knows 1-6)")
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
            throw TensorFileError(file: name, reason: "truncated: \(count) variables announced in \(r.remaining) bytes")
        }
        var variables: [Variable] = []
        var index: [String: Int] = [:]
        variables.reserveCapacity(count)
        for i in 0..<count {
            let vname = try r.string("name of variable \(i)")
            let rank = Int(try r.u8("rank of '\(vname)'"))
            guard rank <= 8 else { throw TensorFileError(file: name, reason: "variable '\(vname)' has rank \(rank)") }
            var shape: [Int] = []
            var elements = 1
            for _ in 0..<rank {
                let d = Int(try r.u32("shape of '\(vname)'"))
                let (m, overflow) = elements.multipliedReportingOverflow(by: d)
                guard !overflow, m <= Int(Int32.max) * 64 else {
                    throw TensorFileError(file: name, reason: "variable '\(vname)' has an impossible shape")
                }
                elements = m
                shape.append(d)
            }
            let dtype: CTranslate2DType
            let byteCount: Int
            if version >= 4 {
                let code = try r.u8("dtype of '\(vname)'")
                guard let t = CTranslate2DType(rawValue: code) else {
                    throw TensorFileError(file: name, reason: "variable '\(vname)' has unknown dtype code \(code)")
                }
                dtype = t
                byteCount = Int(try r.u32("byte count of '\(vname)'"))
            } else {
                let itemSize = try r.u8("item size of '\(vname)'")
                switch itemSize {
                case 4: dtype = .float32
                case 2: dtype = .int16
                case 1: dtype = .int8
                default: throw TensorFileError(file: name, reason: "variable '\(vname)' has item size \(itemSize)")
                }
                byteCount = Int(try r.u32("element count of '\(vname)'")) * Int(itemSize)
            }
            guard byteCount == elements * dtype.byteSize else {
                throw TensorFileError(file: name, reason: "variable '\(vname)' has \(byteCount) bytes for \(dtype) shape \(shape)")
            }
            let range = try r.skip(byteCount, "data of '\(vname)'")
            guard index[vname] == nil else { throw TensorFileError(file: name, reason: "variable '\(vname)' appears twice") }
            index[vname] = variables.count
            variables.append(Variable(name: vname, shape: shape, dtype: dtype, range: range))
        }
        var aliases: [String: String] = [:]
        if version >= 3 {
            let n = Int(try r.u32("alias count"))
            guard n <= r.remaining / 4 else {
                throw TensorFileError(file: name, reason: "truncated: \(n) aliases announced in \(r.remaining) bytes")
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

    /// An integer scalar variable (e.g. `encoder/num_heads`).
    public func integer(_ name: String) throws -> Int? {
        guard let v = variable(name) else { return nil }
        guard v.count == 1 else { throw TensorFileError(file: file, reason: "'\(name)' is not a scalar") }
        let d = bytes(of: v)
        // A float scalar must hold an integer: NaN, infinity or a huge value trapped in Int(_:) (found by
        // FuzzCTranslate2, issue 18; regression test CTranslate2Tests.nonIntegerScalars).
        func exact(_ x: Double) throws -> Int {
            guard x.isFinite, x.rounded() == x, abs(x) < 2_147_483_648 else {
                throw TensorFileError(file: file, reason: "'\(name)' is \(x), not an integer")
            }
            return Int(x)
        }
        switch v.dtype {
        case .int8: return Int(Int8(bitPattern: d[d.startIndex]))
        case .int16: return Int(d.withUnsafeBytes { Int16(littleEndian: $0.loadUnaligned(as: Int16.self)) })
        case .int32: return Int(d.withUnsafeBytes { Int32(littleEndian: $0.loadUnaligned(as: Int32.self)) })
        case .float32: return try exact(Double(d.withUnsafeBytes { Float(bitPattern: UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self))) }))
        case .float16: return try exact(Double(Self.halfToFloat(d.withUnsafeBytes { UInt16(littleEndian: $0.loadUnaligned(as: UInt16.self)) })))
        case .bfloat16: return try exact(Double(Float(bitPattern: UInt32(d.withUnsafeBytes { UInt16(littleEndian: $0.loadUnaligned(as: UInt16.self)) }) << 16)))
        }
    }

    /// IEEE 754 half-precision bits as a Float (subnormals, infinities and NaN included), in pure Swift
    /// so that this reader needs no tensor engine.
    static func halfToFloat(_ h: UInt16) -> Float {
        let sign: Float = h & 0x8000 != 0 ? -1 : 1
        let exponent = Int((h >> 10) & 0x1F), fraction = Float(h & 0x3FF)
        switch exponent {
        case 0: return sign * fraction * 0x1p-24
        case 31: return fraction == 0 ? sign * .infinity : .nan
        default: return sign * (1 + fraction / 1024) * Float(sign: .plus, exponent: exponent - 15, significand: 1)
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
                throw TensorFileError(
                    file: file, reason: "truncated: \(what) needs \(n) bytes at offset \(offset - data.startIndex), \(Swift.max(0, remaining)) left")
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
                throw TensorFileError(file: file, reason: "\(what) is not UTF-8 text")
            }
            return s
        }
    }
}
