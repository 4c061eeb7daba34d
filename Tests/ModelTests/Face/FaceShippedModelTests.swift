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
        [271, 4, 41, 24, 81, 46],
        [24, 20, 1, 1, 3, 7],
        [49, 0, 238, 23, 75, 111],
        [10, 0, 12, 794, 63, 16],
        [23, 0, 22, 51, 436, 75],
        [53, 1, 65, 35, 153, 346],
    ]
    static let accuracy = 2105.0 / 3174.0  // 0.6632010081915564
    static let macroF1 = 0.6133233127632788
    /// `takesense calibrate face` on validation/ (Models/face-emotion.md, "Calibration").
    static let temperature = 0.9578228532288289
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
        #expect(model.testTimeAugmentation == .flip)
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
        #expect(abs(r.eceBefore - 0.0322) < 5e-5, "\(r)")
        #expect(abs(r.eceAfter - 0.0304) < 5e-5, "\(r)")
        #expect(abs(r.nllBefore - 0.9161) < 5e-5, "\(r)")
        #expect(abs(r.nllAfter - 0.9156) < 5e-5, "\(r)")
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
