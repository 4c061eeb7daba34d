import Datasets
import FaceEmotion
import FaceTraining
import Foundation
import Testing
import Torch
import TakeSenseTestSupport

/// The shipped face model (`Models/face-emotion.safetensors`) against its model card
/// (`Models/face-emotion.md`): `takesense evaluate face --data ../shared/data/fer2013/validation`
/// must give the card's figures exactly.
enum ShippedFaceModel {
    static let repository = Repository.root
    static let file = repository.appendingPathComponent("Models/face-emotion.safetensors")
    static var present: Bool { FileManager.default.fileExists(atPath: file.path) }

    /// FER2013's validation folders in `shared/data` beside the repository, or under `TAKESENSE_SHARED_DATA`.
    static let validation: String? = SharedData.folder("fer2013/validation")


    // The card's figures (Models/face-emotion.md, "Results on FER2013 validation/").
    static let labels = ["angry", "disgust", "fear", "happy", "neutral", "sad"]
    static let confusion: [[Int]] = [
        [285, 6, 48, 24, 64, 40],
        [21, 23, 3, 2, 2, 5],
        [57, 0, 265, 18, 68, 88],
        [11, 0, 21, 793, 57, 13],
        [35, 0, 27, 55, 416, 74],
        [61, 0, 80, 32, 135, 345],
    ]
    static let accuracy = 2127.0 / 3174.0  // 0.6701323251417769
    static let macroF1 = 0.6280823254367959
    /// `takesense calibrate face` on validation/ (Models/face-emotion.md, "Calibration").
    static let temperature = 0.894982078540924
}

@Suite("Face: the shipped model", .serialized)
struct FaceShippedModelTests {
    @Test(.enabled(if: ShippedFaceModel.present, "Models/face-emotion.safetensors not found; skipping the shipped face model checks"))
    func shippedFileDescribesItself() throws {
        let size = try FileManager.default.attributesOfItem(atPath: ShippedFaceModel.file.path)[.size] as! Int
        #expect(size <= 25_000_000)
        let model = try FaceClassifier(contentsOf: ShippedFaceModel.file)
        #expect(model.labels == ShippedFaceModel.labels)
        // Version 4: two networks averaged in one file, each on its own view of the 48 px face and its mirror.
        #expect(model.architecture.description == "ensemble:fernet-20/-/flip/0.5+fernet-24/40/flip/0.5")
        #expect(model.preprocessing == FacePreprocessing(inputSize: 48, channels: 1, mean: 0.5, std: 0.25))
        #expect(model.testTimeAugmentation == .none)
        // Calibration (the card's "Calibration" section): the temperature fitted on validation/ and the
        // validation confusion matrix, in the model's label order.
        #expect(abs(model.temperature - ShippedFaceModel.temperature) < 1e-12)
        #expect(model.confusion == ShippedFaceModel.confusion)
        #expect(model.calibrationFitOn?.contains("3174 faces") == true)
    }

    @Test(.enabled(if: ShippedFaceModel.present && ShippedFaceModel.validation != nil,
            """
            shared/data/fer2013 or Models/face-emotion.safetensors not found \
            (set TAKESENSE_SHARED_DATA to the shared/data folder); skipping the calibration reproduction
            """
        ))
    func calibrationReproducesTheModelCard() throws {
        let model = try FaceClassifier(contentsOf: ShippedFaceModel.file)
        let data = try FaceTensors.load(try #require(ShippedFaceModel.validation), labels: try LabelSet(names: model.labels))
        let r = FaceCalibration.fit(logits: try FaceCalibration.logits(model, data), targets: data.targets, seed: 42)
        #expect(abs(r.temperature - ShippedFaceModel.temperature) < 1e-6)
        #expect(r.confusion == ShippedFaceModel.confusion)
        // The card's figures, to the 4 decimals it prints.
        #expect(abs(r.eceBefore - 0.0248) < 5e-5, "\(r)")
        #expect(abs(r.eceAfter - 0.0236) < 5e-5, "\(r)")
        #expect(abs(r.nllBefore - 0.8817) < 5e-5, "\(r)")
        #expect(abs(r.nllAfter - 0.8771) < 5e-5, "\(r)")
        #expect(r.eceAfter <= 0.05, "the issue's ECE target")
        // Probabilities from the library are the temperature-scaled ones.
        let gray = try data.images.slice(dim: 0, end: 8).to(.float32) / 255.0
        let p = try model.probabilities(gray: gray)
        let expected = try (model.logits(gray: gray) / ShippedFaceModel.temperature).softmax(dim: 1)
        #expect(try (p - expected).abs().amax().item() < 1e-6)
    }

    @Test(.enabled(if: ShippedFaceModel.present && ShippedFaceModel.validation != nil,
            """
            shared/data/fer2013 or Models/face-emotion.safetensors not found \
            (set TAKESENSE_SHARED_DATA to the shared/data folder); skipping the model-card reproduction
            """
        ))
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
