import Foundation
import TensorFiles
import Testing

@Suite("ModelMetadata: the takesense.* contract and the legacy keys")
struct ModelMetadataTests {
    static let legacyFace: [String: String] = [
        "kind": "takesense.face-emotion", "architecture": "fernet-20", "labels": "angry,happy,sad",
        "preprocessing": #"{"inputSize":48,"mean":0.5,"channels":1,"std":0.25}"#, "flip_averaging": "1",
        "test_time_augmentation": "flip", "recipe": "cpu", "trained_on": "fer2013/train", "epoch": "43",
        "takesense.calibration.temperature": "0.95",
    ]

    @Test("Legacy keys are read under their takesense.* names; kind and labels converted")
    func readsLegacy() {
        let m = ModelMetadata(Self.legacyFace)
        #expect(m.kind == .faceEmotion && m.architecture == "fernet-20" && m.labels == ["angry", "happy", "sad"])
        #expect(m[ModelMetadata.Key.preprocessing] == Self.legacyFace["preprocessing"])
        #expect(m[ModelMetadata.Key.dataset] == "fer2013/train" && m["takesense.recipe_preset"] == "cpu" && m.recipe == nil)
        #expect(m[ModelMetadata.Key.epoch] == "43" && m.temperature == 0.95)
        #expect(m.hasLegacyKeys && m.sourceKey(ModelMetadata.Key.labels) == "labels"
                && m.sourceKey(ModelMetadata.Key.temperature) == ModelMetadata.Key.temperature)
        #expect(m.migrated().keys.allSatisfy { $0.hasPrefix("takesense.") })
        #expect(m.migrated().count == Self.legacyFace.count)
        // A trailing comma stays an empty label, for the reader to refuse.
        #expect(ModelMetadata(["labels": "a,b,"]).labels == ["a", "b", ""])
    }

    @Test("A file already under the contract reads as itself; a legacy key beside its twin wins (the later writer)")
    func newKeysAndPrecedence() {
        let new = ModelMetadata(ModelMetadata(Self.legacyFace).migrated())
        #expect(!new.hasLegacyKeys && new == ModelMetadata(new.entries))
        var raw = new.entries
        raw["architecture"] = "fernet-8"
        #expect(ModelMetadata(raw).architecture == "fernet-8" && ModelMetadata(raw).sourceKey(ModelMetadata.Key.architecture) == "architecture")
    }

    @Test("Kinds are inferred for files that never recorded one", arguments: [
        (["architecture": "mtcnn"], ModelMetadata.Kind.faceDetector),
        (["takesense.architecture": "WhisperForAudioClassification"], .voiceEmotion),
        (["takesense.architecture": "Wav2Vec2ForSequenceClassification"], .voiceEmotion),
        (["takesense.architecture": "WhisperEncoder"], .speechEncoder),
        (["preprocessing": "{}"], .faceEmotion),
    ])
    func inferredKinds(_ raw: [String: String], _ kind: ModelMetadata.Kind) {
        #expect(ModelMetadata(raw).inferredKind == kind)
        #expect(ModelMetadata(raw).migrated()[ModelMetadata.Key.kind] == kind.rawValue)
    }

    @Test("migrate rewrites only the header: every tensor's bytes, dtype and shape are unchanged")
    func migrateKeepsTensors() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("model-metadata-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var rng = SystemRandomNumberGenerator()
        let records = (0..<5).map { i in
            SafeTensorsRecord(name: "layer\(i).weight", dtype: i % 2 == 0 ? .f32 : .f16, shape: [3, i + 1],
                              bytes: Data((0..<(3 * (i + 1) * (i % 2 == 0 ? 4 : 2))).map { _ in UInt8.random(in: 0...255, using: &rng) }))
        }
        let url = dir.appendingPathComponent("legacy.safetensors")
        try SafeTensorsWriter.write(records, metadata: Self.legacyFace, to: url)
        let before = try SafeTensorsFile(contentsOf: url)
        let copy = dir.appendingPathComponent("migrated.safetensors")
        try ModelMetadata.migrate(url, to: copy)
        try ModelMetadata.migrate(url)  // in place
        for target in [copy, url] {
            let after = try SafeTensorsFile(contentsOf: target)
            #expect(after.metadata == ModelMetadata(Self.legacyFace).migrated())
            #expect(after.names.sorted() == before.names.sorted())
            for entry in before.entries {
                let moved = try #require(after.entry(entry.name))
                #expect(moved.dtype == entry.dtype && moved.shape == entry.shape)
                #expect(after.bytes(of: moved) == before.bytes(of: entry))
            }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["legacy.safetensors", "migrated.safetensors"])
    }

    @Test("A file that is not safetensors is refused, and nothing is written")
    func migrateRefusesGarbage() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("model-metadata-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("garbage.safetensors")
        try Data("not a model at all".utf8).write(to: url)
        #expect(throws: (any Error).self) { try ModelMetadata.migrate(url, to: dir.appendingPathComponent("out.safetensors")) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["garbage.safetensors"])
    }
}
