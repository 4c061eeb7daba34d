import FaceEmotion
import Faces
import Foundation
import Media
import TakeSenseKit
import TensorFiles
import Testing
import VoiceEmotion

/// The shipped model files carry the metadata contract, and their weights are the ones they had before it:
/// the data sections hash to what `Scripts/tensor_digests.py` recorded on the files before their migration.
@Suite("Shipped models", .enabled(if: Repo.haveModels, "the shipped models are needed"))
struct ShippedModelTests {
    struct Digest: Decodable {
        var data_sha256: String
        var data_bytes: Int
        var tensors: Int
    }

    static let digests: [String: Digest] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/shipped-tensor-digests.json")
        return (try? JSONDecoder().decode([String: Digest].self, from: Data(contentsOf: url))) ?? [:]
    }()

    @Test("Every shipped file: takesense.* keys only, a kind and an architecture, tensors bit-identical to before the migration",
          arguments: ["face-emotion.safetensors", "voice-emotion.safetensors", "mtcnn.safetensors"])
    func contract(_ name: String) throws {
        let url = Repo.model(name)
        let file = try SafeTensorsFile(contentsOf: url)
        #expect(!file.metadata.isEmpty && file.metadata.keys.allSatisfy { $0.hasPrefix(ModelMetadata.prefix) }, "\(file.metadata.keys.sorted())")
        let meta = ModelMetadata(file.metadata)
        #expect(meta.kind != nil && meta.architecture != nil && !meta.hasLegacyKeys)
        let expected = try #require(Self.digests[name])
        let data = try Data(contentsOf: url)
        let headerLength = data.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        let section = data.subdata(in: (8 + headerLength)..<data.count)
        #expect(section.count == expected.data_bytes && file.entries.count == expected.tensors)
        #expect(ContentHash.hex(section) == expected.data_sha256)
    }

    @Test("The classifiers load from the migrated files with their labels, transform and calibration")
    func classifiersLoad() throws {
        let face = try FaceClassifier(contentsOf: Repo.model("face-emotion.safetensors"))
        #expect(face.labels == ["angry", "disgust", "fear", "happy", "neutral", "sad"])
        #expect(face.preprocessing.inputSize == 48 && face.temperature != 1 && face.confusion != nil)
        // Flip averaging: by the model itself, or by each member of an ensemble file (version 4).
        if case .ensemble(let members) = face.architecture {
            #expect(face.testTimeAugmentation == .none && members.allSatisfy { $0.testTimeAugmentation == .flip })
        } else {
            #expect(face.testTimeAugmentation == .flip)
        }
        let voice = try VoiceEmotionModel(contentsOf: Repo.model("voice-emotion.safetensors"))
        #expect(voice.labels == face.labels && voice.temperature != 1)
    }
}

@Suite("Model kinds", .enabled(if: Repo.haveModels, "the shipped models are needed"))
struct ModelKindTests {
    @Test("A model of another kind is refused by name: the face model as MTCNN weights or as a voice model, MTCNN as a face model")
    func wrongKind() throws {
        let face = Repo.model("face-emotion.safetensors"), mtcnn = Repo.model("mtcnn.safetensors")
        let asDetector = #expect(throws: MediaError.self) { try MTCNNDetector(weights: face) }
        #expect(asDetector?.description.contains(face.path) == true && asDetector?.description.contains("face-emotion") == true)
        let asVoice = #expect(throws: ModelError.self) { try VoiceEmotionModel(contentsOf: face) }
        #expect(asVoice?.description.hasPrefix(face.path) == true && asVoice?.description.contains("voice-emotion") == true)
        let asFace = #expect(throws: ModelError.self) { try FaceClassifier(contentsOf: mtcnn) }
        #expect(asFace?.description.contains("not a TakeSense face-emotion model") == true)
    }
}
