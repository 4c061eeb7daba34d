import Foundation

/// Element types of the safetensors format (Hugging Face), by their header spelling.
public enum SafeTensorsDType: String, Sendable, CaseIterable, Codable {
    case f64 = "F64", f32 = "F32", f16 = "F16", bf16 = "BF16"
    case i64 = "I64", i32 = "I32", i16 = "I16", i8 = "I8", u8 = "U8", bool = "BOOL"

    /// Size of one element in bytes.
    public var byteSize: Int {
        switch self {
        case .f64, .i64: return 8
        case .f32, .i32: return 4
        case .f16, .bf16, .i16: return 2
        case .i8, .u8, .bool: return 1
        }
    }
}

/// One tensor's description in a safetensors header.
public struct SafeTensorsEntry: Sendable, Equatable {
    public let name: String
    public let dtype: SafeTensorsDType
    public let shape: [Int]
    /// Byte range inside the data section (after the header).
    public let dataRange: Range<Int>

    public var elementCount: Int { shape.reduce(1, *) }
}

/// Why a weight file could not be read or written. `description` is one line naming the file.
public struct TensorFileError: Error, CustomStringConvertible, Equatable {
    public let file: String
    public let reason: String
    public init(file: String, reason: String) {
        self.file = file
        self.reason = reason
    }
    public var description: String { "\(file): \(reason)" }
}

/// A parsed safetensors file: header entries plus the raw little-endian data section.
///
/// Every offset and size in the header is validated before any data is touched: a truncated,
/// malformed or hostile file produces a `TensorFileError`, never an out-of-range read.
public struct SafeTensorsFile: Sendable {
    /// Largest header accepted. The reference implementation allows 100 MB; TakeSense's models have a few
    /// hundred tensors (headers of tens of kB), and a 100 MB header of a million entries took 22 s and 4 GB
    /// to parse, so the limit is 16 MB (about 200,000 entries).
    public static let maxHeaderBytes = 16_000_000
    /// Most tensors accepted in one file (Whisper large has about 1,300; TakeSense's models a few hundred).
    public static let maxEntries = 50_000

    /// Entries sorted by their offset in the data section (the order they were written in).
    public let entries: [SafeTensorsEntry]
    /// The optional `__metadata__` string map.
    public let metadata: [String: String]
    private let data: Data
    private let dataStart: Int
    private let index: [String: Int]

    /// Reads and validates `url` (memory-mapped when possible).
    public init(contentsOf url: URL) throws {
        let name = url.path
        let bytes: Data
        do {
            bytes = try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            let exists = FileManager.default.fileExists(atPath: url.path)
            throw TensorFileError(file: name, reason: exists ? "cannot be read" : "no such file")
        }
        try self.init(data: bytes, name: name)
    }

    /// Parses an in-memory safetensors image; `name` is used in error messages.
    public init(data: Data, name: String = "<memory>") throws {
        func fail(_ reason: String) -> TensorFileError { TensorFileError(file: name, reason: reason) }
        let bytes = data.count
        guard bytes >= 8 else {
            throw fail(bytes == 0 ? "empty file, not a safetensors file" : "truncated: \(bytes) bytes, shorter than the 8-byte header length")
        }
        var headerLength: UInt64 = 0
        for i in 0..<8 { headerLength |= UInt64(data[data.startIndex + i]) << (8 * UInt64(i)) }
        guard headerLength <= UInt64(Self.maxHeaderBytes) else {
            throw fail("header length \(headerLength) exceeds the \(Self.maxHeaderBytes)-byte limit (not a safetensors file?)")
        }
        guard headerLength <= UInt64(bytes - 8) else {
            throw fail("truncated: header claims \(headerLength) bytes but only \(bytes - 8) follow")
        }
        let hl = Int(headerLength)
        let headerData = data.subdata(in: (data.startIndex + 8)..<(data.startIndex + 8 + hl))
        guard headerData.first == UInt8(ascii: "{") else { throw fail("header is not a JSON object") }
        // Every entry is a JSON object: more braces than entries allowed means too many entries, found
        // without parsing them (a 100,001-entry header took 9.5 s and 580 MB to parse before being refused).
        let braces = headerData.reduce(0) { $0 + ($1 == UInt8(ascii: "{") ? 1 : 0) }
        guard braces <= Self.maxEntries + 2 else {
            throw fail("header lists more than the \(Self.maxEntries) entries accepted (\(braces) JSON objects)")
        }
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: headerData, options: [])
        } catch {
            throw fail("header is not valid JSON")
        }
        guard let object = json as? [String: Any] else { throw fail("header is not a JSON object") }
        let tensorCount = object.count - (object["__metadata__"] == nil ? 0 : 1)
        guard tensorCount <= Self.maxEntries else {
            throw fail("header lists \(tensorCount) entries, more than the \(Self.maxEntries) entries accepted")
        }

        let dataSize = bytes - 8 - hl
        var metadata: [String: String] = [:]
        var entries: [SafeTensorsEntry] = []
        for (key, value) in object {
            if key == "__metadata__" {
                guard let map = value as? [String: Any] else { throw fail("__metadata__ is not an object") }
                for (k, v) in map {
                    guard let s = v as? String else { throw fail("__metadata__ value for '\(k)' is not a string") }
                    metadata[k] = s
                }
                continue
            }
            guard let info = value as? [String: Any] else { throw fail("entry '\(key)' is not an object") }
            guard let dtypeName = info["dtype"] as? String else { throw fail("entry '\(key)' has no dtype") }
            guard let dtype = SafeTensorsDType(rawValue: dtypeName) else {
                throw fail("entry '\(key)' has unsupported dtype '\(dtypeName)'")
            }
            guard let shapeAny = info["shape"] as? [Any] else { throw fail("entry '\(key)' has no shape") }
            var shape: [Int] = []
            var count = 1
            for dim in shapeAny {
                guard let n = Self.integer(dim), n >= 0 else { throw fail("entry '\(key)' has an invalid dimension in its shape") }
                let (product, overflow) = count.multipliedReportingOverflow(by: n)
                guard !overflow else { throw fail("entry '\(key)' has a shape too large to address") }
                count = product
                shape.append(n)
            }
            guard let offsets = info["data_offsets"] as? [Any], offsets.count == 2,
                  let begin = Self.integer(offsets[0]), let end = Self.integer(offsets[1])
            else { throw fail("entry '\(key)' has no valid data_offsets") }
            guard begin >= 0, end >= begin else { throw fail("entry '\(key)' has data_offsets [\(begin), \(end)] out of order") }
            guard end <= dataSize else {
                throw fail("truncated: entry '\(key)' ends at byte \(end) of a \(dataSize)-byte data section")
            }
            let (expected, overflow) = count.multipliedReportingOverflow(by: dtype.byteSize)
            guard !overflow, expected == end - begin else {
                throw fail("entry '\(key)' holds \(end - begin) bytes but its shape \(shape) of \(dtypeName) needs \(count &* dtype.byteSize)")
            }
            entries.append(SafeTensorsEntry(name: key, dtype: dtype, shape: shape, dataRange: begin..<end))
        }
        entries.sort { ($0.dataRange.lowerBound, $0.dataRange.upperBound, $0.name) < ($1.dataRange.lowerBound, $1.dataRange.upperBound, $1.name) }
        // The format stores tensors back to back from the start of the data section to its end (the reference
        // implementation checks the same): an overlap, a hole or bytes left over mean a corrupt or hostile
        // file, e.g. a header length one byte short, which would shift every weight by a byte.
        var cursor = 0
        for entry in entries where !entry.dataRange.isEmpty {
            guard entry.dataRange.lowerBound >= cursor else { throw fail("entry '\(entry.name)' overlaps the previous tensor's data") }
            guard entry.dataRange.lowerBound == cursor else {
                throw fail("entry '\(entry.name)' starts at byte \(entry.dataRange.lowerBound) of the data section, leaving a gap after byte \(cursor)")
            }
            cursor = entry.dataRange.upperBound
        }
        guard cursor == dataSize else {
            throw fail("the data section holds \(dataSize) bytes but the tensors cover \(cursor) (wrong header length or trailing bytes)")
        }
        self.entries = entries
        self.metadata = metadata
        self.data = data
        self.dataStart = data.startIndex + 8 + hl
        self.index = Dictionary(uniqueKeysWithValues: entries.enumerated().map { ($1.name, $0) })
    }

    /// Tensor names in data order.
    public var names: [String] { entries.map(\.name) }

    public func entry(_ name: String) -> SafeTensorsEntry? { index[name].map { entries[$0] } }

    /// The raw little-endian bytes of one tensor.
    public func bytes(of entry: SafeTensorsEntry) -> Data {
        data.subdata(in: (dataStart + entry.dataRange.lowerBound)..<(dataStart + entry.dataRange.upperBound))
    }

    /// Calls `body` with the tensor's bytes without copying them.
    public func withBytes<R>(of entry: SafeTensorsEntry, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try data.withUnsafeBytes { raw in
            let base = dataStart - data.startIndex
            return try body(UnsafeRawBufferPointer(rebasing: raw[(base + entry.dataRange.lowerBound)..<(base + entry.dataRange.upperBound)]))
        }
    }

    private static func integer(_ any: Any) -> Int? {
        if let n = any as? NSNumber {
            // Reject booleans (objCType "c") and non-integral numbers.
            if String(cString: n.objCType) == "c" { return nil }
            let d = n.doubleValue
            guard d.rounded() == d, abs(d) < 9.0e15 else { return nil }
            return n.intValue
        }
        return nil
    }
}

/// A tensor to be written: name, element type, shape and little-endian bytes.
public struct SafeTensorsRecord: Sendable {
    public let name: String
    public let dtype: SafeTensorsDType
    public let shape: [Int]
    public let bytes: Data
    public init(name: String, dtype: SafeTensorsDType, shape: [Int], bytes: Data) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
        self.bytes = bytes
    }
}

public enum SafeTensorsWriter {
    /// Serialises records (in the given order) and optional metadata to the safetensors format.
    public static func encode(_ records: [SafeTensorsRecord], metadata: [String: String] = [:]) throws -> Data {
        var header = "{"
        var parts: [String] = []
        if !metadata.isEmpty {
            let meta = metadata.sorted { $0.key < $1.key }.map { "\(jsonString($0.key)):\(jsonString($0.value))" }
            parts.append("\"__metadata__\":{\(meta.joined(separator: ","))}")
        }
        var offset = 0
        var seen = Set<String>()
        for r in records {
            guard !r.name.isEmpty, r.name != "__metadata__", seen.insert(r.name).inserted else {
                throw TensorFileError(file: "<writer>", reason: "invalid or duplicate tensor name '\(r.name)'")
            }
            let count = r.shape.reduce(1, *)
            guard r.shape.allSatisfy({ $0 >= 0 }), count * r.dtype.byteSize == r.bytes.count else {
                throw TensorFileError(
                    file: "<writer>", reason: "tensor '\(r.name)': \(r.bytes.count) bytes do not match shape \(r.shape) of \(r.dtype.rawValue)")
            }
            let shape = r.shape.map(String.init).joined(separator: ",")
            parts.append(
                "\(jsonString(r.name)):{\"dtype\":\"\(r.dtype.rawValue)\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(offset + r.bytes.count)]}")
            offset += r.bytes.count
        }
        header += parts.joined(separator: ",") + "}"
        // Pad the header with spaces to a multiple of 8 bytes so the data section is aligned.
        var headerBytes = Array(header.utf8)
        while (headerBytes.count % 8) != 0 { headerBytes.append(UInt8(ascii: " ")) }
        var out = Data(capacity: 8 + headerBytes.count + offset)
        var n = UInt64(headerBytes.count).littleEndian
        withUnsafeBytes(of: &n) { out.append(contentsOf: $0) }
        out.append(contentsOf: headerBytes)
        for r in records { out.append(r.bytes) }
        return out
    }

    /// Writes atomically: a crash mid-write leaves any previous file at `url` intact.
    public static func write(_ records: [SafeTensorsRecord], metadata: [String: String] = [:], to url: URL) throws {
        let data = try encode(records, metadata: metadata)
        do {
            try data.write(to: url, options: .atomic)
        } catch {
            throw TensorFileError(file: url.path, reason: "cannot be written (\(error.localizedDescription))")
        }
    }

    static func jsonString(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
