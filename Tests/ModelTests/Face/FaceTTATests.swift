import Datasets
import FaceEmotion
import Foundation
import TensorFiles
import Testing
import Torch

/// Ten-crop test-time augmentation against torchvision's `ten_crop`, the crop-training augmentation's
/// geometry, calibration in the classifier, and the video degradations against Pillow's JPEG codec and
/// numpy/torch references (Scripts/make_face_tta_fixtures.py).
@Suite("Face: test-time augmentation, calibration and degradations", .serialized)
struct FaceTTATests {
    static let fixtures = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/face")

    func load() throws -> (FaceClassifier, [String: Tensor]) {
        let model = try FaceClassifier(contentsOf: Self.fixtures.appendingPathComponent("tta_model.safetensors"))
        return (model, try Checkpoint.loadSafetensors(Self.fixtures.appendingPathComponent("tta_degradations.safetensors")))
    }

    func maxDiff(_ a: Tensor, _ b: Tensor) throws -> Double { try (a - b).abs().amax().item() }

    @Test func tenCropMatchesTorchvision() throws {
        let (model, f) = try load()
        #expect(model.preprocessing.cropSize == 40)
        #expect(model.testTimeAugmentation == .tenCrop)
        let faces = f["faces"]!
        for mode in FaceTestTimeAugmentation.allCases {
            model.testTimeAugmentation = mode
            let logits = try model.logits(gray: faces)
            #expect(try maxDiff(logits, f["logits/\(mode.rawValue)"]!) < 1e-4, "\(mode)")
        }
        // Larger batches split the ten views over several passes (here 40 faces: 1 view per pass).
        model.testTimeAugmentation = .tenCrop
        let many = try faces.repeated([10, 1, 1, 1])
        let expected = try f["logits/ten-crop"]!.repeated([10, 1])
        #expect(try maxDiff(model.logits(gray: many), expected) < 1e-4)
    }

    @Test func temperatureScalesTheProbabilitiesOnly() throws {
        let (model, f) = try load()
        let faces = f["faces"]!
        let plain = try model.probabilities(gray: faces)
        model.temperature = 2
        let scaled = try model.probabilities(gray: faces)
        let expected = try (f["logits/ten-crop"]! / 2).softmax(dim: 1)
        #expect(try maxDiff(scaled, expected) < 1e-5)
        #expect(try scaled.argmax(dim: 1).toArray(Int64.self) == plain.argmax(dim: 1).toArray(Int64.self))
        // Saved and reloaded with the calibration metadata.
        model.confusion = [[Int]](repeating: [1, 2, 3, 4, 5, 6], count: 6)
        model.calibrationFitOn = "test"
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tta-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try model.save(to: url, floatType: .float16)
        let back = try FaceClassifier(contentsOf: url)
        #expect(back.temperature == 2)
        #expect(back.confusion == model.confusion)
        #expect(back.calibrationFitOn == "test")
        #expect(back.testTimeAugmentation == .tenCrop)
        let meta = try Checkpoint.safetensorsMetadata(url)
        #expect(meta[FaceClassifier.temperatureKey] == "2.0")
        #expect(meta[FaceClassifier.confusionKey] == "[[1,2,3,4,5,6],[1,2,3,4,5,6],[1,2,3,4,5,6],[1,2,3,4,5,6],[1,2,3,4,5,6],[1,2,3,4,5,6]]")
    }

    @Test func badCalibrationMetadataIsRejected() throws {
        let (model, _) = try load()
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tta-bad-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try model.save(to: url, extra: [FaceClassifier.temperatureKey: "-1"])
        #expect(throws: ModelError.self) { try FaceClassifier(contentsOf: url) }
        try model.save(to: url, extra: [FaceClassifier.confusionKey: "[[1,2],[3,4]]"])
        #expect(throws: ModelError.self) { try FaceClassifier(contentsOf: url) }
    }

    @Test func degradationsMatchReferences() throws {
        let (_, f) = try load()
        let faces = f["faces"]!
        let level = 1.0 / 255
        // Exact up to one 8-bit level (float rounding of values that land on .5).
        let exact: [(FaceDegradation, String)] = [
            (.gaussianBlur(sigma: 1), "gaussian/1"), (.gaussianBlur(sigma: 2), "gaussian/2"), (.motionBlur(length: 5), "motion/5"),
            (.downUp(side: 24), "downup/24"), (.downUp(side: 16), "downup/16"), (.gamma(0.5), "gamma/0.5"), (.gamma(2.0), "gamma/2.0"),
        ]
        for (d, key) in exact {
            #expect(try maxDiff(d.apply(faces), f[key]!) <= level + 1e-6, "\(d)")
        }
        // JPEG: the same quantisation as libjpeg (its integer DCTs differ from our float ones by rounding),
        // so the mean error is well under a level; the difference to the original is many times larger.
        for q in [50, 20, 10] {
            let ours = try FaceDegradation.jpeg(quality: q).apply(faces), pillow = f["jpeg/\(q)"]!
            let mean = try (ours - pillow).abs().mean().item() * 255
            let loss = try (pillow - faces).abs().mean().item() * 255
            #expect(mean < 0.6, "JPEG quality \(q): mean |ours - libjpeg| \(mean) levels")
            #expect(loss > 4 * mean, "JPEG quality \(q): libjpeg changed the faces by \(loss) levels on average")
        }
    }

    @Test func cropAugmentationSamplesWindowsInsideTheFace() throws {
        // A face whose pixel value encodes its column: every output of a flip-free, rotation-free crop
        // augmentation must come from a 40-44 px window inside the 48 px face.
        var aug = FaceAugmentation.crops()
        aug.horizontalFlip = 0
        aug.rotationDegrees = 0
        aug.brightness = 0
        aug.contrast = 0
        aug.erase = 0
        let columns = try Tensor((0..<48).map { Float($0) / 47 }, shape: [1, 1, 1, 48]).expand([16, 1, 48, 48]).contiguous()
        var rng = SplitMix64(seed: 1)
        let out = try aug.apply(columns, rng: &rng)
        #expect(out.shape == [16, 1, 40, 40])
        for i in 0..<16 {
            let row = try out[i][0][20].toArray(Float.self).map { Double($0) * 47 }
            let span = row.last! - row.first!
            // 40 output pixels spanning a window of side s cover (s - s/40) input pixels.
            #expect(span > 38.9 && span < 43.0, "window \(i) spans \(span) input pixels")
            #expect(row.first! >= -0.01 && row.last! <= 47.01, "window \(i) inside the face: \(row.first!)...\(row.last!)")
        }
    }
}
