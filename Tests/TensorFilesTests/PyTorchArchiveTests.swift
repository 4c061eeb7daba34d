import Foundation
import Testing
import TensorFiles
import TakeSenseTestSupport

// Fixtures come from Scripts/make_pth_fixtures.py (torch 1.13.1, torchvision 0.14.1). The test target
// declares no resources, so they are located relative to this source file.
private let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

private func fixture(_ name: String) -> URL { fixtures.appendingPathComponent(name) }

/// The error `body` throws, or nil (recording an issue) when it succeeds or throws something else.
private func tensorFileError(_ body: () throws -> [RawTensor]) -> TensorFileError? {
    do {
        let tensors = try body()
        Issue.record("expected a TensorFileError, read \(tensors.count) tensors")
        return nil
    } catch let error as TensorFileError {
        return error
    } catch {
        Issue.record("expected a TensorFileError, got \(error)")
        return nil
    }
}

private func expectError(_ data: Data, contains fragment: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let error = tensorFileError { try PyTorchArchive.read(data: data, name: "test.pth") }
    #expect(error?.file == "test.pth", sourceLocation: sourceLocation)
    #expect(error?.reason.contains(fragment) == true, "\(error?.description ?? "no error") lacks '\(fragment)'", sourceLocation: sourceLocation)
}

/// Compares names, order, dtypes, shapes and exact bytes with a safetensors file of expected tensors.
private func expectMatches(_ tensors: [RawTensor], _ expectedURL: URL, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let expected = try SafeTensorsFile(contentsOf: expectedURL)
    #expect(tensors.map(\.name) == expected.names, sourceLocation: sourceLocation)
    for (tensor, entry) in zip(tensors, expected.entries) {
        #expect(tensor.dtype == entry.dtype, "\(tensor.name)", sourceLocation: sourceLocation)
        #expect(tensor.shape == entry.shape, "\(tensor.name)", sourceLocation: sourceLocation)
        #expect(tensor.bytes == expected.bytes(of: entry), "\(tensor.name) bytes differ", sourceLocation: sourceLocation)
        #expect(tensor.bytes.startIndex == 0)
    }
}

private func values<T>(_ tensor: RawTensor, as type: T.Type) -> [T] {
    tensor.bytes.withUnsafeBytes { raw in (0..<tensor.elementCount).map { raw.loadUnaligned(fromByteOffset: $0 * MemoryLayout<T>.size, as: T.self) } }
}

// MARK: - Hand-built archives

private func crc32(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for b in bytes {
        crc ^= UInt32(b)
        for _ in 0..<8 { crc = (crc & 1) != 0 ? 0xEDB8_8320 ^ (crc >> 1) : crc >> 1 }
    }
    return ~crc
}

private extension Data {
    mutating func le<T: FixedWidthInteger>(_ value: T) { Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) } }
}

/// A tiny ZIP writer (stored entries), optionally with ZIP64 extra fields and end records like torch's.
private func makeZip(_ entries: [(String, [UInt8])], zip64: Bool = false, wrongCRC: Set<String> = []) -> Data {
    var out = Data()
    var central = Data()
    for (name, bytes) in entries {
        let offset = out.count
        let crc = crc32(bytes) ^ (wrongCRC.contains(name) ? 1 : 0)
        let nameBytes = Array(name.utf8)
        var localExtra = Data()
        var centralExtra = Data()
        if zip64 {
            localExtra.le(UInt16(1)); localExtra.le(UInt16(16)); localExtra.le(UInt64(bytes.count)); localExtra.le(UInt64(bytes.count))
            centralExtra.le(UInt16(1)); centralExtra.le(UInt16(24))
            centralExtra.le(UInt64(bytes.count)); centralExtra.le(UInt64(bytes.count)); centralExtra.le(UInt64(offset))
        }
        let size32 = zip64 ? UInt32.max : UInt32(bytes.count)
        out.le(UInt32(0x0403_4b50)); out.le(UInt16(45)); out.le(UInt16(0)); out.le(UInt16(0)); out.le(UInt32(0))
        out.le(crc); out.le(size32); out.le(size32); out.le(UInt16(nameBytes.count)); out.le(UInt16(localExtra.count))
        out.append(contentsOf: nameBytes); out.append(localExtra); out.append(contentsOf: bytes)
        central.le(UInt32(0x0201_4b50)); central.le(UInt16(45)); central.le(UInt16(45)); central.le(UInt16(0)); central.le(UInt16(0))
        central.le(UInt32(0)); central.le(crc); central.le(size32); central.le(size32)
        central.le(UInt16(nameBytes.count)); central.le(UInt16(centralExtra.count)); central.le(UInt16(0))
        central.le(UInt16(0)); central.le(UInt16(0)); central.le(UInt32(0)); central.le(zip64 ? UInt32.max : UInt32(offset))
        central.append(contentsOf: nameBytes); central.append(centralExtra)
    }
    let centralOffset = out.count
    out.append(central)
    if zip64 {
        let record = out.count
        out.le(UInt32(0x0606_4b50)); out.le(UInt64(44)); out.le(UInt16(45)); out.le(UInt16(45)); out.le(UInt32(0)); out.le(UInt32(0))
        out.le(UInt64(entries.count)); out.le(UInt64(entries.count)); out.le(UInt64(central.count)); out.le(UInt64(centralOffset))
        out.le(UInt32(0x0706_4b50)); out.le(UInt32(0)); out.le(UInt64(record)); out.le(UInt32(1))
    }
    out.le(UInt32(0x0605_4b50)); out.le(UInt16(0)); out.le(UInt16(0))
    out.le(zip64 ? UInt16.max : UInt16(entries.count)); out.le(zip64 ? UInt16.max : UInt16(entries.count))
    out.le(zip64 ? UInt32.max : UInt32(central.count)); out.le(zip64 ? UInt32.max : UInt32(centralOffset)); out.le(UInt16(0))
    return out
}

/// Writes protocol-2 pickles the way torch.save does.
private struct PickleWriter {
    var bytes: [UInt8] = [0x80, 0x02]
    mutating func op(_ code: UInt8) { bytes.append(code) }
    mutating func global(_ module: String, _ name: String) { bytes.append(0x63); bytes += Array("\(module)\n\(name)\n".utf8) }
    mutating func string(_ s: String) {
        let u = Array(s.utf8); bytes.append(0x58); bytes += withUnsafeBytes(of: UInt32(u.count).littleEndian, Array.init); bytes += u
    }
    mutating func int(_ n: Int) {
        if let small = Int32(exactly: n) {
            bytes.append(0x4A); bytes += withUnsafeBytes(of: small.littleEndian, Array.init)  // BININT
        } else {
            bytes += [0x8A, 8]; bytes += withUnsafeBytes(of: Int64(n).littleEndian, Array.init)  // LONG1
        }
    }
    mutating func ints(_ ns: [Int]) { op(0x28); for n in ns { int(n) }; op(0x74) }
    mutating func emptyOrderedDict() { global("collections", "OrderedDict"); op(0x29); op(0x52) }

    struct Spec {
        var name: String
        var storageType = "FloatStorage"
        var key = "0"
        var numel: Int
        var offset = 0
        var shape: [Int]
        var stride: [Int]
    }

    /// `OrderedDict(name -> _rebuild_tensor_v2(...))`.
    static func stateDict(_ specs: [Spec]) -> [UInt8] {
        var w = PickleWriter()
        w.emptyOrderedDict()
        w.op(0x28)
        for s in specs {
            w.string(s.name)
            w.global("torch._utils", "_rebuild_tensor_v2")
            w.op(0x28)
            w.op(0x28); w.string("storage"); w.global("torch", s.storageType); w.string(s.key); w.string("cpu"); w.int(s.numel); w.op(0x74)
            w.op(0x51)  // BINPERSID
            w.int(s.offset); w.ints(s.shape); w.ints(s.stride); w.op(0x89); w.emptyOrderedDict()
            w.op(0x74)
            w.op(0x52)
        }
        w.op(0x75)  // SETITEMS
        w.op(0x2E)
        return w.bytes
    }
}

private func floats(_ values: [Float]) -> [UInt8] { values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) } }

// MARK: - Reading torch.save fixtures

@Suite("PyTorch archives")
struct PyTorchArchiveTests {
    @Test(arguments: ["small_model", "dtypes", "views", "checkpoint", "model_key", "bigendian"])
    func matchesExpectedTensors(_ name: String) throws {
        let tensors = try PyTorchArchive.read(contentsOf: fixture("\(name).pth"))
        #expect(!tensors.isEmpty)
        try expectMatches(tensors, fixture("\(name).expected.safetensors"))
    }

    @Test func smallModelHasStateDictLayout() throws {
        let tensors = try PyTorchArchive.read(contentsOf: fixture("small_model.pth"))
        #expect(tensors.count == 20)
        #expect(tensors.first?.name == "conv1.weight")
        #expect(tensors.first?.shape == [8, 3, 3, 3])
        #expect(tensors.first?.dtype == .f32)
        #expect(tensors.last?.name == "fc.bias")
        #expect(tensors.last?.shape == [5])
        let counter = try #require(tensors.first { $0.name == "layer1.0.bn2.num_batches_tracked" })
        #expect(counter.dtype == .i64)
        #expect(counter.shape == [])
        #expect(values(counter, as: Int64.self) == [7])
    }

    @Test func stridedViewsAreMaterialisedContiguously() throws {
        let tensors = try PyTorchArchive.read(contentsOf: fixture("views.pth"))
        func t(_ name: String) throws -> RawTensor { try #require(tensors.first { $0.name == name }) }
        // base = arange(24).reshape(4, 6)
        let transposed = try t("transposed")
        #expect(transposed.shape == [6, 4])
        #expect(values(transposed, as: Float.self) == (0..<6).flatMap { i in (0..<4).map { j in Float(j * 6 + i) } })
        #expect(values(try t("slice"), as: Float.self) == [8, 9, 10, 14, 15, 16])
        #expect(values(try t("row"), as: Float.self) == [12, 13, 14, 15, 16, 17])
        #expect(values(try t("column"), as: Float.self) == [3, 9, 15, 21])
        #expect(values(try t("every_other"), as: Float.self) == [0, 3, 12, 15])
        #expect(values(try t("shared_a"), as: Int64.self) == [100, 101, 102, 103, 104, 105])
        #expect(values(try t("shared_b"), as: Int64.self) == Array(104...111))
        #expect(values(try t("expanded"), as: Float.self) == [1, 2, 3, 1, 2, 3])
        let channelsLast = try t("channels_last")
        #expect(channelsLast.shape == [2, 3, 4, 5])
        #expect(values(channelsLast, as: Float.self) == (0..<120).map(Float.init))
        let permuted = try t("permuted")  // cube.permute(3, 1, 0, 2): [5, 3, 2, 4]
        #expect(permuted.shape == [5, 3, 2, 4])
        var expected: [Float] = []
        for a in 0..<5 { for b in 0..<3 { for c in 0..<2 { for d in 0..<4 { expected.append(Float(c * 60 + b * 20 + d * 5 + a)) } } } }
        #expect(values(permuted, as: Float.self) == expected)
        #expect(try t("param").shape == [2, 2])
        #expect(try t("half_t").dtype == .f16)
    }

    @Test func dtypesScalarsAndEmptyTensors() throws {
        let tensors = try PyTorchArchive.read(contentsOf: fixture("dtypes.pth"))
        #expect(tensors.map(\.dtype) == [.f16, .bf16, .f64, .bool, .u8, .i8, .i16, .i32, .i64, .f32, .f32])
        let byName = Dictionary(uniqueKeysWithValues: tensors.map { ($0.name, $0) })
        #expect(values(try #require(byName["bool"]), as: UInt8.self) == [1, 0, 1, 0, 0, 1])
        #expect(values(try #require(byName["u8"]), as: UInt8.self) == [250, 251, 252, 253, 254, 255])
        #expect(values(try #require(byName["i64"]), as: Int64.self) == [.min, 3, .max])
        #expect(byName["scalar"]?.shape == [])
        #expect(values(try #require(byName["scalar"]), as: Float.self) == [2.5])
        #expect(byName["empty"]?.shape == [0, 3])
        #expect(byName["empty"]?.bytes.isEmpty == true)
    }

    @Test func checkpointUsesItsStateDict() throws {
        let checkpoint = try PyTorchArchive.read(contentsOf: fixture("checkpoint.pth"))
        let model = try PyTorchArchive.read(contentsOf: fixture("small_model.pth"))
        #expect(checkpoint.map(\.name) == model.map(\.name))
        #expect(checkpoint.map(\.shape) == model.map(\.shape))
    }

    // MARK: Clear errors for things that are not state dicts

    @Test func wholePickledModuleIsAClearError() throws {
        let url = fixture("module.pth")
        let error = tensorFileError { try PyTorchArchive.read(contentsOf: url) }
        #expect(error?.file == url.path)
        #expect(error?.reason == "contains a pickled object of class torchvision.models.resnet.BasicBlock; save model.state_dict() instead")
        let nested = tensorFileError { try PyTorchArchive.read(contentsOf: fixture("model_object.pth")) }
        #expect(
            nested?.reason.contains("pickled object of class torchvision.models.resnet.BasicBlock (entry 'model'); save model.state_dict() instead") == true)
    }

    @Test func otherFormatsAreNamed() throws {
        #expect(tensorFileError { try PyTorchArchive.read(contentsOf: fixture("scripted.pt")) }?.reason.contains("TorchScript") == true)
        #expect(
            tensorFileError { try PyTorchArchive.read(contentsOf: fixture("legacy.pth")) }?.reason.contains("legacy (pre-1.6, non-zip) torch.save format")
                == true)
        #expect(
            tensorFileError { try PyTorchArchive.read(contentsOf: fixture("deflated.pth")) }?.reason.contains(
                "compressed entry 'archive/data.pkl' not supported") == true)
        #expect(
            tensorFileError { try PyTorchArchive.read(contentsOf: fixture("small_model.expected.safetensors")) }?.reason.contains("not a PyTorch checkpoint")
                == true)
        let missing = fixture("no-such-file.pth")
        #expect(tensorFileError { try PyTorchArchive.read(contentsOf: missing) } == TensorFileError(file: missing.path, reason: "no such file"))
    }

    // MARK: Malformed input

    @Test func emptyAndTextFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pth-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let empty = dir.appendingPathComponent("empty.pth")
        try Data().write(to: empty)
        #expect(
            tensorFileError { try PyTorchArchive.read(contentsOf: empty) } == TensorFileError(file: empty.path, reason: "empty file, not a PyTorch checkpoint"))
        let text = dir.appendingPathComponent("notes.pth")
        try Data("These are not the weights you are looking for.\n".utf8).write(to: text)
        let error = tensorFileError { try PyTorchArchive.read(contentsOf: text) }
        #expect(error?.file == text.path)
        #expect(error?.reason == "not a PyTorch checkpoint (no ZIP end-of-central-directory record)")
        expectError(Data("PK".utf8), contains: "too short")
    }

    @Test func truncatedArchives() throws {
        let data = try Data(contentsOf: fixture("small_model.pth"))
        for cut in [data.count - 1, data.count - 22, data.count - 60, data.count / 2, 200, 30] {
            expectError(data.prefix(cut), contains: "truncated")
        }
        // Every prefix: an error, never a crash or an out-of-range read.
        let views = try Data(contentsOf: fixture("views.pth"))
        for cut in 0..<views.count {
            #expect(throws: TensorFileError.self) { try PyTorchArchive.read(data: views.prefix(cut)) }
        }
    }

    @Test func zipWithoutDataPickle() {
        expectError(makeZip([("archive/version", Array("3\n".utf8)), ("archive/data/0", [0, 0, 0, 0])]),
                    contains: "ZIP archive without <archive>/data.pkl")
        expectError(makeZip([]), contains: "without <archive>/data.pkl")
        expectError(makeZip([("data.pkl", [0x80, 0x02, 0x7D, 0x2E])]), contains: "without <archive>/data.pkl")
    }

    @Test func corruptedPickles() throws {
        func archive(_ pickle: [UInt8]) -> Data { makeZip([("archive/data.pkl", pickle)]) }
        expectError(archive([0x80, 0x02, 0xFF, 0x2E]), contains: "unknown opcode")
        expectError(archive(Array("garbage".utf8)), contains: "corrupt")
        expectError(archive([0x80, 0x02, 0x7D]), contains: "no STOP opcode")
        expectError(archive([0x80, 0x02, 0x73, 0x2E]), contains: "stack underflow")
        expectError(archive([0x80, 0x02, 0x58, 0xFF, 0xFF, 0xFF, 0x7F, 0x61]), contains: "truncated")
        expectError(archive([0x80, 0x02, 0x68, 0x05, 0x2E]), contains: "memo entry 5 is missing")
        expectError(archive([0x80, 0x09, 0x7D, 0x2E]), contains: "unsupported pickle protocol 9")
        expectError(archive([0x80, 0x02, 0x5D, 0x2E]), contains: "contains a list, not a state dict")
        expectError(archive([0x80, 0x02, 0x31, 0x2E]), contains: "no MARK")
        // A pickle that is fine but whose bytes were corrupted after writing: the CRC catches it.
        let good = PickleWriter.stateDict([.init(name: "w", numel: 2, shape: [2], stride: [1])])
        expectError(makeZip([("archive/data.pkl", good), ("archive/data/0", floats([1, 2]))], wrongCRC: ["archive/data.pkl"]),
                    contains: "corrupt ZIP entry 'archive/data.pkl' (CRC-32 mismatch)")
        expectError(makeZip([("archive/data.pkl", good), ("archive/data/0", floats([1, 2]))], wrongCRC: ["archive/data/0"]),
                    contains: "CRC-32 mismatch")
    }

    @Test func handBuiltArchivesAndZip64() throws {
        let pickle = PickleWriter.stateDict([
            .init(name: "a", numel: 6, shape: [2, 3], stride: [3, 1]),
            .init(name: "b", numel: 6, offset: 1, shape: [2, 2], stride: [1, 3]),
            .init(name: "c", storageType: "DoubleStorage", key: "1", numel: 1, shape: [], stride: []),
        ])
        let entries: [(String, [UInt8])] = [
            ("any-name/data.pkl", pickle), ("any-name/data/0", floats([0, 1, 2, 3, 4, 5])),
            ("any-name/data/1", withUnsafeBytes(of: (-0.5).bitPattern.littleEndian, Array.init)), ("any-name/version", [0x33]),
        ]
        for zip64 in [false, true] {
            let tensors = try PyTorchArchive.read(data: makeZip(entries, zip64: zip64))
            #expect(tensors.map(\.name) == ["a", "b", "c"])
            #expect(values(tensors[0], as: Float.self) == [0, 1, 2, 3, 4, 5])
            #expect(values(tensors[1], as: Float.self) == [1, 4, 2, 5])
            #expect(tensors[2].dtype == .f64)
            #expect(values(tensors[2], as: Double.self) == [-0.5])
        }
    }

    @Test func hostileViewsAndStorages() {
        func archive(_ specs: [PickleWriter.Spec], storage: [UInt8]? = floats([0, 1, 2, 3])) -> Data {
            var entries = [("a/data.pkl", PickleWriter.stateDict(specs))]
            if let storage { entries.append(("a/data/0", storage)) }
            return makeZip(entries)
        }
        expectError(archive([.init(name: "w", numel: 4, offset: 2, shape: [3], stride: [1])]), contains: "reaches element 4 of a 4-element storage")
        expectError(archive([.init(name: "w", numel: 4, shape: [2, 2], stride: [3, 1])]), contains: "reaches element 4")
        expectError(archive([.init(name: "w", numel: 4, shape: [1 << 40, 1 << 40], stride: [1, 1])]), contains: "too large")
        expectError(archive([.init(name: "w", numel: 4, shape: [2], stride: [Int(Int32.max)])]), contains: "reaches element")
        expectError(archive([.init(name: "w", numel: 8, shape: [8], stride: [1])]), contains: "truncated storage a/data/0")
        expectError(archive([.init(name: "w", numel: 4, shape: [4], stride: [1])], storage: nil), contains: "missing storage a/data/0")
        expectError(archive([.init(name: "w", numel: 4, shape: [4], stride: [1, 1])]), contains: "differ in rank")
        expectError(archive([.init(name: "w", storageType: "ComplexFloatStorage", numel: 2, shape: [2], stride: [1])]),
                    contains: "unsupported element type torch.ComplexFloatStorage")
        expectError(archive([.init(name: "w", numel: 4, shape: [-1], stride: [1])]), contains: "invalid value")
        expectError(archive([.init(name: "w", key: "../0", numel: 4, shape: [4], stride: [1])]), contains: "invalid storage key")
        // Views repeating elements may not demand more output than the budget (8x the file, at least 1 GiB).
        expectError(archive([.init(name: "w", numel: 4, shape: [1 << 40], stride: [0])]), contains: "refusing")
        expectError(archive([.init(name: "w", numel: 4, shape: [3, 1 << 28], stride: [1, 0])]), contains: "refusing")
        // Empty tensors need no storage bytes.
        #expect((try? PyTorchArchive.read(data: archive([.init(name: "e", numel: 0, shape: [0, 5], stride: [5, 1])], storage: [])))?.first?.shape == [0, 5])
    }

    /// Random corruption of a real archive and of a real pickle (re-zipped with a valid CRC): every
    /// outcome must be a result or a TensorFileError, never a crash.
    @Test func randomCorruptionNeverCrashes() throws {
        let original = try Data(contentsOf: fixture("views.pth"))
        // torch's first entry is data.pkl, followed by a data descriptor ("PK\x07\x08").
        let nameLength = Int(original[26]) | Int(original[27]) << 8
        let extraLength = Int(original[28]) | Int(original[29]) << 8
        let start = 30 + nameLength + extraLength
        let end = try #require(original[start...].firstRange(of: Data([0x2E, 0x50, 0x4B, 0x07, 0x08]))).lowerBound + 1
        let realPickle = [UInt8](original[start..<end])
        // Sanity: the extracted pickle alone runs and then misses its storages.
        expectError(makeZip([("views/data.pkl", realPickle)]), contains: "missing storage views/data/0")
        // A hand-built pickle whose storage is present, so mutations also reach materialisation.
        let handPickle = PickleWriter.stateDict([
            .init(name: "a", numel: 12, shape: [3, 4], stride: [4, 1]),
            .init(name: "b", numel: 12, offset: 1, shape: [4, 2], stride: [1, 5]),
            .init(name: "c", numel: 12, offset: 11, shape: [], stride: []),
        ])
        let handStorage = ("views/data/0", floats((0..<12).map(Float.init)))
        #expect(try PyTorchArchive.read(data: makeZip([("views/data.pkl", handPickle), handStorage])).count == 3)

        var rng = SeededRandom(seed: 42)
        for round in 0..<1500 {
            var bytes = [UInt8](original)
            for _ in 0...(round % 3) { bytes[Int(rng.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: rng.next()) }
            _ = try? PyTorchArchive.read(data: Data(bytes))

            var mutated = round % 2 == 0 ? realPickle : handPickle
            for _ in 0...(round % 4) {
                let i = Int(rng.next() % UInt64(mutated.count))
                switch rng.next() % 3 {
                case 0: mutated[i] = UInt8(truncatingIfNeeded: rng.next())
                case 1: mutated.remove(at: i)
                default: mutated.insert(UInt8(truncatingIfNeeded: rng.next()), at: i)
                }
            }
            do {
                _ = try PyTorchArchive.read(data: makeZip([("views/data.pkl", mutated), handStorage]))
            } catch is TensorFileError {
            } catch {
                Issue.record("unexpected error \(error)")
            }
        }
    }

    @Test func deeplyNestedPickleDoesNotOverflowTheStack() {
        var pickle: [UInt8] = [0x80, 0x02, 0x4E]
        pickle += [UInt8](repeating: 0x85, count: 200_000)  // TUPLE1 x 200000: a 200000-deep tuple
        pickle += [0x2E]
        expectError(makeZip([("a/data.pkl", pickle)]), contains: "contains a tuple, not a state dict")
    }

    // MARK: A real torchvision checkpoint (not committed)

    /// `/usr/bin/python3 Scripts/make_pth_fixtures.py --resnet18 /tmp` writes the files this test reads.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/tmp/r18.pth")
        && FileManager.default.fileExists(atPath: "/tmp/r18.expected.safetensors")))
    func torchvisionResNet18() throws {
        let tensors = try PyTorchArchive.read(contentsOf: URL(fileURLWithPath: "/tmp/r18.pth"))
        #expect(tensors.count == 122)
        #expect(tensors.first?.name == "conv1.weight")
        #expect(tensors.first?.shape == [64, 3, 7, 7])
        #expect(tensors.last?.name == "fc.bias")
        #expect(tensors.last?.shape == [1000])
        #expect(tensors.first { $0.name == "fc.weight" }?.shape == [1000, 512])
        let counter = tensors.first { $0.name == "layer4.1.bn2.num_batches_tracked" }
        #expect(counter?.dtype == .i64)
        #expect(counter?.shape == [])
        try expectMatches(tensors, URL(fileURLWithPath: "/tmp/r18.expected.safetensors"))
    }
}
