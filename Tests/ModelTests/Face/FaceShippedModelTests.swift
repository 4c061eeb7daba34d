import Datasets
import FaceEmotion
import Foundation
import Testing
import Torch

/// The shipped face model (`Models/face-emotion.safetensors`) against its model card
/// (`Models/face-emotion.md`): `takesense evaluate face --data ../shared/data/fer2013/validation`
/// must give the card's figures exactly.
enum ShippedFaceModel {
    static let repository: URL = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let file = repository.appendingPathComponent("Models/face-emotion.safetensors")
    static var present: Bool { FileManager.default.fileExists(atPath: file.path) }

    /// FER2013's validation folders in `shared/data` beside the repository, or under `TAKESENSE_SHARED_DATA`.
    static let validation: String? = {
        let env = ProcessInfo.processInfo.environment["TAKESENSE_SHARED_DATA"].flatMap { $0.isEmpty ? nil : $0 }
        let root = env ?? repository.deletingLastPathComponent().appendingPathComponent("shared/data").path
        let dir = root + "/fer2013/validation"
        return FileManager.default.fileExists(atPath: dir) ? dir : nil
    }()

    // The card's figures (Models/face-emotion.md, "Results on FER2013 validation/").
    static let labels = ["angry", "disgust", "fear", "happy", "neutral", "sad"]
    static let confusion: [[Int]] = [
        [292, 8, 43, 18, 62, 44],
        [23, 24, 0, 0, 3, 6],
        [55, 2, 250, 14, 77, 98],
        [18, 1, 22, 769, 69, 16],
        [28, 0, 30, 43, 426, 80],
        [60, 2, 84, 24, 141, 342],
    ]
    static let accuracy = 2103.0 / 3174.0  // 0.6625708884688091
    static let macroF1 = 0.6192611459733312
}

@Suite("Face: the shipped model", .serialized)
struct FaceShippedModelTests {
    @Test(.enabled(if: ShippedFaceModel.present, "Models/face-emotion.safetensors not found; skipping the shipped face model checks"))
    func shippedFileDescribesItself() throws {
        let size = try FileManager.default.attributesOfItem(atPath: ShippedFaceModel.file.path)[.size] as! Int
        #expect(size <= 25_000_000)
        let model = try FaceClassifier(contentsOf: ShippedFaceModel.file)
        #expect(model.labels == ShippedFaceModel.labels)
        #expect(model.architecture.description == "fernet-20")
        #expect(model.preprocessing == FacePreprocessing(inputSize: 48, channels: 1, mean: 0.5, std: 0.25))
        #expect(model.flipAveraging)
    }

    @Test(.enabled(if: ShippedFaceModel.present && ShippedFaceModel.validation != nil,
                   "shared/data/fer2013 or Models/face-emotion.safetensors not found (set TAKESENSE_SHARED_DATA to the shared/data folder); skipping the model-card reproduction"))
    func validationReproducesTheModelCard() throws {
        let model = try FaceClassifier(contentsOf: ShippedFaceModel.file)
        let data = try FaceTensors.load(try #require(ShippedFaceModel.validation), labels: try LabelSet(names: model.labels))
        #expect(data.count == 3174)
        let report = try FaceEvaluation.evaluate(model, data)
        #expect(report.skipped == ["surprise": 415])
        #expect(report.labels == ShippedFaceModel.labels)
        #expect(report.confusion == ShippedFaceModel.confusion)
        #expect(abs(report.accuracy - ShippedFaceModel.accuracy) < 1e-9)
        #expect(abs(report.macro_f1 - ShippedFaceModel.macroF1) < 1e-9)
    }
}
