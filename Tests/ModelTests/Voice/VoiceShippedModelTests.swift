import Datasets
import Foundation
import Testing
import Torch
@testable import VoiceEmotion

/// The shipped voice model (`Models/voice-emotion.safetensors`) against its model card
/// (`Models/voice-emotion.md`): the evaluation on RAVDESS actors 19 and 20 — never used for training
/// or model selection — must give the card's figures exactly.
enum ShippedVoiceModel {
    /// Tests/ModelTests/Voice/this file → the repository root.
    static let repository: URL = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let file = repository.appendingPathComponent("Models/voice-emotion.safetensors")
    static var present: Bool { FileManager.default.fileExists(atPath: file.path) }

    /// RAVDESS in `shared/data` beside the repository, or under `TAKESENSE_SHARED_DATA`.
    static let ravdess: String? = {
        let root: String
        if let env = ProcessInfo.processInfo.environment["TAKESENSE_SHARED_DATA"], !env.isEmpty {
            root = env
        } else {
            root = repository.deletingLastPathComponent().appendingPathComponent("shared/data").path
        }
        let dir = root + "/ravdess"
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: dir, isDirectory: &isDirectory) && isDirectory.boolValue ? dir : nil
    }()

    // The card's figures (Models/voice-emotion.md, "Held-out actors 19 and 20").
    static let labels = ["angry", "disgust", "fear", "happy", "neutral", "sad"]
    static let confusion: [[Int]] = [
        [11, 0, 2, 1, 1, 1],
        [1, 15, 0, 0, 0, 0],
        [0, 0, 11, 0, 0, 5],
        [2, 0, 0, 11, 0, 3],
        [0, 0, 0, 0, 6, 2],
        [0, 0, 0, 0, 1, 15],
    ]
    static let accuracy = 69.0 / 88.0  // 0.7840909090909091
    static let macroF1 = 0.7849493264120628
}

@Suite("Voice: the shipped model", .serialized)
struct VoiceShippedModelTests {
    @Test(.enabled(if: ShippedVoiceModel.present, "Models/voice-emotion.safetensors not found; skipping the shipped voice model checks"))
    func shippedFileIsTheWholeModelInFloat16() throws {
        let url = ShippedVoiceModel.file
        let size = try FileManager.default.attributesOfItem(atPath: url.path)[.size] as! Int
        #expect(size <= 25_000_000)
        let tensors = try Checkpoint.loadSafetensors(url)
        #expect(tensors.values.allSatisfy { $0.dtype == .float16 })
        let model = try VoiceEmotionModel(contentsOf: url)
        #expect(model.labels == ShippedVoiceModel.labels)
        #expect(model.classifier.encoder.config == .tiny)
        #expect(!model.padTo30s)
        let meta = try Checkpoint.safetensorsMetadata(url)
        #expect(meta["takesense.architecture"] == WhisperClassifier.architecture)
    }

    @Test(.enabled(if: ShippedVoiceModel.present && ShippedVoiceModel.ravdess != nil,
                   "shared/data/ravdess or Models/voice-emotion.safetensors not found (set TAKESENSE_SHARED_DATA to the shared/data folder); skipping the model-card reproduction"))
    func heldOutActorsReproduceTheModelCard() throws {
        let model = try VoiceEmotionModel(contentsOf: ShippedVoiceModel.file)
        let clips = try VoiceEvaluation.clips([DatasetSpec(kind: .ravdess, path: try #require(ShippedVoiceModel.ravdess))],
                                              labels: model.labels, speakers: "19,20")
        #expect(clips.count == 88)
        #expect(Set(clips.samples.map(\.speaker)) == ["19", "20"])
        let (report, _) = try VoiceEvaluation.evaluate(model, clips)
        #expect(report.skipped == ["calm": 16, "surprise": 16])
        #expect(report.labels == ShippedVoiceModel.labels)
        #expect(report.confusion == ShippedVoiceModel.confusion)
        #expect(abs(report.accuracy - ShippedVoiceModel.accuracy) < 1e-9)
        #expect(abs(report.macro_f1 - ShippedVoiceModel.macroF1) < 1e-9)
    }
}
