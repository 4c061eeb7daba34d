import Foundation
import Testing
@testable import TensorFiles

/// Safetensors parsing: a valid file round-trips; every malformed, truncated or hostile variant is a
/// one-line error naming the file, never a crash or an out-of-range read.
@Suite struct SafeTensorsTests {
    static func sample() throws -> Data {
        let a = SafeTensorsRecord(name: "a.weight", dtype: .f32, shape: [2, 3], bytes: Data((0..<24).map { UInt8($0) }))
        let b = SafeTensorsRecord(name: "b", dtype: .f16, shape: [4], bytes: Data(repeating: 0x3C, count: 8))
        let c = SafeTensorsRecord(name: "count", dtype: .i64, shape: [], bytes: Data([7, 0, 0, 0, 0, 0, 0, 0]))
        let d = SafeTensorsRecord(name: "empty", dtype: .bf16, shape: [0, 5], bytes: Data())
        return try SafeTensorsWriter.encode([a, b, c, d], metadata: ["format": "pt", "note": "quote \" and\nnewline"])
    }

    /// A file with the given header JSON and data bytes.
    /// The same file with its header length one less (the header's last byte becomes the data's first).
    static func shortened(_ file: Data) -> Data {
        var f = file
        f[0] -= 1
        return f
    }

    static func file(header: String, data: Data = Data()) -> Data {
        var out = Data()
        var n = UInt64(header.utf8.count).littleEndian
        withUnsafeBytes(of: &n) { out.append(contentsOf: $0) }
        out.append(contentsOf: Array(header.utf8))
        out.append(data)
        return out
    }

    @Test func roundTrip() throws {
        let data = try Self.sample()
        let f = try SafeTensorsFile(data: data, name: "sample")
        #expect(f.names == ["a.weight", "b", "count", "empty"])
        #expect(f.metadata == ["format": "pt", "note": "quote \" and\nnewline"])
        let a = f.entry("a.weight")!
        #expect(a.shape == [2, 3] && a.dtype == .f32 && a.elementCount == 6)
        #expect(f.bytes(of: a) == Data((0..<24).map { UInt8($0) }))
        #expect(f.bytes(of: f.entry("count")!) == Data([7, 0, 0, 0, 0, 0, 0, 0]))
        #expect(f.entry("empty")!.shape == [0, 5])
        // Header is padded so the data section starts 8-byte aligned.
        let headerLength = data.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        #expect(headerLength % 8 == 0)
    }

    @Test func malformedInputsAreErrorsNamingTheFile() throws {
        let valid = try Self.sample()
        let cases: [(String, Data, String)] = [
            ("empty", Data(), "empty file"),
            ("short", Data([1, 2, 3]), "truncated"),
            ("huge header length", Data([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F]) + Data(count: 16), "exceeds"),
            ("header past end", Self.file(header: "{}").prefix(9), "truncated"),
            ("not json", Self.file(header: "{not json}"), "not valid JSON"),
            ("json array", Self.file(header: "[1,2]"), "not a JSON object"),
            ("truncated data", valid.prefix(valid.count - 4), "truncated"),
            ("unknown dtype", Self.file(header: #"{"x":{"dtype":"Q7","shape":[1],"data_offsets":[0,4]}}"#, data: Data(count: 4)), "unsupported dtype"),
            ("size mismatch", Self.file(header: #"{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}"#, data: Data(count: 4)), "needs 8"),
            ("reversed offsets", Self.file(header: #"{"x":{"dtype":"U8","shape":[0],"data_offsets":[4,0]}}"#, data: Data(count: 4)), "out of order"),
            ("offset past end", Self.file(header: #"{"x":{"dtype":"U8","shape":[8],"data_offsets":[0,8]}}"#, data: Data(count: 4)), "truncated"),
            ("negative dim", Self.file(header: #"{"x":{"dtype":"U8","shape":[-4],"data_offsets":[0,4]}}"#, data: Data(count: 4)), "invalid dimension"),
            (
                "overflowing shape", Self.file(header: #"{"x":{"dtype":"F64","shape":[4294967296,4294967296],"data_offsets":[0,8]}}"#, data: Data(count: 8)),
                "too large"
            ),
            ("boolean offsets", Self.file(header: #"{"x":{"dtype":"U8","shape":[1],"data_offsets":[false,true]}}"#, data: Data(count: 1)), "data_offsets"),
            (
                "overlap",
                Self.file(
                    header: #"{"x":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},"y":{"dtype":"U8","shape":[2],"data_offsets":[2,4]}}"#,
                    data: Data(count: 4)),
                "overlaps"
            ),
            ("metadata not strings", Self.file(header: #"{"__metadata__":{"a":1}}"#), "not a string"),
            ("missing shape", Self.file(header: #"{"x":{"dtype":"U8","data_offsets":[0,1]}}"#, data: Data(count: 1)), "no shape"),
            // Issue 18: the data section must be covered exactly, back to back (a header length one byte short
            // shifted every weight by a byte), and the number of entries is bounded before parsing.
            ("gap", Self.file(header: #"{"x":{"dtype":"U8","shape":[2],"data_offsets":[2,4]}}"#, data: Data(count: 4)), "gap"),
            ("trailing bytes", Self.file(header: #"{"x":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}}"#, data: Data(count: 3)), "trailing bytes"),
            (
                "header one byte short", Self.shortened(Self.file(header: #"{"x":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}} "#, data: Data(count: 2))),
                "trailing bytes"
            ),
            (
                "too many entries",
                Self.file(
                    header: "{" + (0...SafeTensorsFile.maxEntries).map { #""t\#($0)":{"dtype":"U8","shape":[0],"data_offsets":[0,0]}"# }.joined(separator: ",")
                        + "}"),
             "entries accepted"),
        ]
        for (label, bytes, reason) in cases {
            do {
                _ = try SafeTensorsFile(data: bytes, name: "/takes/model.safetensors")
                Issue.record("\(label): accepted")
            } catch let e as TensorFileError {
                #expect(e.description.hasPrefix("/takes/model.safetensors: "), "\(label): \(e)")
                #expect(e.reason.contains(reason), "\(label): '\(e.reason)' should mention '\(reason)'")
                #expect(!e.description.contains("\n"), "\(label): one line")
            }
        }
    }

    /// Random byte flips and truncations of a valid file never crash: they parse or throw.
    @Test func randomCorruptionNeverCrashes() throws {
        let valid = try Self.sample()
        var rng = SystemRandomNumberGenerator()
        var threw = 0
        for _ in 0..<2_000 {
            var bytes = valid
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let i = Int.random(in: 0..<bytes.count, using: &rng)
                bytes[i] = UInt8.random(in: 0...255, using: &rng)
            }
            if Bool.random(using: &rng) { bytes = bytes.prefix(Int.random(in: 0...bytes.count, using: &rng)) }
            do {
                let f = try SafeTensorsFile(data: bytes, name: "fuzz")
                for e in f.entries { _ = f.bytes(of: e) }  // every range readable
            } catch is TensorFileError {
                threw += 1
            }
        }
        #expect(threw > 100)
    }

    @Test func writerRejectsInconsistentRecords() {
        #expect(throws: TensorFileError.self) {
            try SafeTensorsWriter.encode([SafeTensorsRecord(name: "x", dtype: .f32, shape: [3], bytes: Data(count: 8))])
        }
        #expect(throws: TensorFileError.self) {
            let r = SafeTensorsRecord(name: "x", dtype: .u8, shape: [1], bytes: Data(count: 1))
            try SafeTensorsWriter.encode([r, r])
        }
    }

    @Test func missingFileIsNamed() {
        #expect(throws: TensorFileError(file: "/nonexistent/m.safetensors", reason: "no such file")) {
            _ = try SafeTensorsFile(contentsOf: URL(fileURLWithPath: "/nonexistent/m.safetensors"))
        }
    }
}
