import Foundation
import Faces
import TakeSenseKit
import TensorFiles
import Testing

@Suite("SHA-256")
struct SHA256Tests {
    @Test("FIPS 180-4 test vectors, and pieces of any size give the same digest")
    func vectors() {
        #expect(ContentHash.hex(Data("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(ContentHash.hex(Data()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(ContentHash.hex(Data("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        let million = Data(repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(ContentHash.hex(million) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test("A file's digest is sha256sum's", .enabled(if: Repo.haveModels))
    func fileMatchesSha256sum() throws {
        let url = Repo.model("mtcnn.safetensors")
        let reference = try Repo.run("/usr/bin/sha256sum", [url.path]).split(separator: " ").first.map(String.init)
        #expect(try ContentHash.file(url) == reference)
    }
}

@Suite("TakeSenseConfiguration")
struct ConfigurationTests {
    @Test("Decoding fills missing keys with the defaults; null face_fps means every frame; encoding round-trips")
    func codable() throws {
        let empty = try JSONDecoder().decode(TakeSenseConfiguration.self, from: Data("{}".utf8))
        #expect(empty == TakeSenseConfiguration())
        #expect(empty.faceFPS == 5 && empty.detector == .mtcnn && empty.decode == .needed && empty.voiceRule == .segments)
        let every = try JSONDecoder().decode(TakeSenseConfiguration.self, from: Data(#"{"faceFPS": null, "detector": "haar", "retakeBelow": 0.4}"#.utf8))
        #expect(every.faceFPS == nil && every.detector == .haar && every.retakeBelow == 0.4)
        var c = TakeSenseConfiguration()
        c.modelFolder = "/models"
        c.intended = "happy"
        c.vad.maximumSegment = 30
        #expect(try JSONDecoder().decode(TakeSenseConfiguration.self, from: JSONEncoder().encode(c)) == c)
    }

    @Test("Model files: explicit file, else the folder's, else the bundled ones; a missing bundled file names itself")
    func modelFiles() throws {
        var c = TakeSenseConfiguration()
        c.modelFolder = "/elsewhere"
        c.faceModel = "/explicit/face.safetensors"
        let files = try c.modelFiles()
        #expect(files.face.path == "/explicit/face.safetensors")
        #expect(files.voice.path == "/elsewhere/voice-emotion.safetensors" && files.detector.path == "/elsewhere/mtcnn.safetensors")
        c.detector = .haar
        #expect(try c.modelFiles().detector == HaarCascadeDetector.defaultCascade)
    }

    @Test("The policy file is read, then the overrides apply")
    func policy() throws {
        let dir = try Repo.temporaryDirectory()
        let file = dir.appendingPathComponent("policy.json")
        try Data(#"{"min_speech_seconds": 2, "retake_below": 0.3, "keep_above": 0.7}"#.utf8).write(to: file)
        var c = TakeSenseConfiguration()
        c.policyFile = file.path
        var p = try c.resolvedPolicy()
        #expect(p.minSpeechSeconds == 2 && p.retakeBelow == 0.3 && p.keepAbove == 0.7)
        c.retakeBelow = 0.5
        p = try c.resolvedPolicy()
        #expect(p.retakeBelow == 0.5 && p.keepAbove == 0.5 && p.spanBelow == 0.5 && p.minSpeechSeconds == 2)
    }
}

@Suite("TakeSense", .serialized, .enabled(if: Repo.haveModels, "the shipped models are needed"))
struct TakeSenseTests {
    @Test("The fingerprint is stable for equal settings and models, and changes with a setting or a model's content")
    func fingerprint() throws {
        let a = try TakeSense(), b = try TakeSense()
        #expect(a.fingerprint.count == 64 && a.fingerprint.allSatisfy(\.isHexDigit))
        #expect(a.fingerprint == b.fingerprint)
        #expect(a.modelFiles.face.lastPathComponent == "face-emotion.safetensors")
        var fps = TakeSenseConfiguration()
        fps.faceFPS = 2
        #expect(try TakeSense(configuration: fps).fingerprint != a.fingerprint)
        // The same bytes under another name: the same fingerprint (content, not paths).
        let dir = try Repo.temporaryDirectory()
        let copy = dir.appendingPathComponent("renamed.safetensors")
        try FileManager.default.copyItem(at: Repo.model("face-emotion.safetensors"), to: copy)
        var renamed = TakeSenseConfiguration()
        renamed.faceModel = copy.path
        #expect(try TakeSense(configuration: renamed).fingerprint == a.fingerprint)
    }

    @Test("A bad model file is a one-line ModelError naming it")
    func badModel() throws {
        let dir = try Repo.temporaryDirectory()
        let bad = dir.appendingPathComponent("bad.safetensors")
        try Data("not a model".utf8).write(to: bad)
        var c = TakeSenseConfiguration()
        c.voiceModel = bad.path
        let error = #expect(throws: ModelError.self) { try TakeSense(configuration: c) }
        #expect(error?.description.hasPrefix(bad.path + ": ") == true && error?.description.contains("\n") == false, "\(String(describing: error))")
    }
}
