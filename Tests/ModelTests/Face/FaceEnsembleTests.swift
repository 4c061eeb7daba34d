import FaceEmotion
import Foundation
import TensorFiles
import Testing
import Torch

/// One-file face ensembles (`takesense models face-ensemble`): the file's probabilities are the weighted mean of its
/// members' probabilities, each member seeing its own windows (one member's ten-crop logits are torchvision's, from
/// the `FaceTTATests` fixture); the file round-trips; hostile ensemble names and mismatched members are refused.
@Suite("Face: one-file ensembles")
struct FaceEnsembleTests {
    static let fixtures = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/face")

    func members() throws -> (crop: FaceClassifier, whole: FaceClassifier, faces: Tensor, cropLogits: Tensor) {
        let crop = try FaceClassifier(contentsOf: Self.fixtures.appendingPathComponent("tta_model.safetensors"))
        let f = try Checkpoint.loadSafetensors(Self.fixtures.appendingPathComponent("tta_degradations.safetensors"))
        try Torch.manualSeed(7)
        let whole = try FaceClassifier(architecture: .ferNet(width: 8), labels: crop.labels,
                                       preprocessing: FacePreprocessing(inputSize: crop.preprocessing.inputSize), testTimeAugmentation: .flip)
        whole.network.eval()
        return (crop, whole, f["faces"]!, f["logits/ten-crop"]!)
    }

    func maxDiff(_ a: Tensor, _ b: Tensor) throws -> Double { try (a - b).abs().amax().item() }

    @Test func probabilitiesAreTheWeightedMeanOfTheMembers() throws {
        let (crop, whole, faces, cropLogits) = try members()
        #expect(crop.testTimeAugmentation == .tenCrop && crop.preprocessing.cropSize == 40)
        let ensemble = try FaceClassifier.ensemble(of: [(crop, 3), (whole, 1)])
        #expect(ensemble.testTimeAugmentation == .none && ensemble.preprocessing.cropSize == nil)
        // Reference: torchvision's ten-crop logits for the crop member, the flip-averaged logits of the other.
        let expected = try cropLogits.softmax(dim: 1) * 0.75 + whole.probabilities(gray: faces) * 0.25
        #expect(try maxDiff(ensemble.probabilities(gray: faces), expected) < 1e-5)
        // Its logits are log-probabilities: a temperature of 1 leaves them as they are.
        #expect(try maxDiff(ensemble.logits(gray: faces).exp(), expected) < 1e-5)

        // Saved and reloaded (float16 as shipped files are): same architecture, same answers within float16's precision.
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ensemble-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        ensemble.temperature = 1.5
        try ensemble.save(to: url, floatType: .float16)
        let back = try FaceClassifier(contentsOf: url)
        #expect(back.architecture == ensemble.architecture)
        #expect(back.architecture.description == "ensemble:fernet-8/40/ten-crop/3.0+fernet-8/-/flip/1.0")
        #expect(back.temperature == 1.5)
        #expect(try maxDiff(back.probabilities(gray: faces), ensemble.probabilities(gray: faces)) < 2e-3)
        #expect(try back.network.stateDict().map(\.key).allSatisfy { $0.hasPrefix("members.0.") || $0.hasPrefix("members.1.") })
    }

    @Test(arguments: [
        "ensemble:fernet-8/-/flip/1",                                   // one member
        "ensemble:fernet-8/-/flip/nan+fernet-8/-/flip/1",               // non-finite weight
        "ensemble:fernet-8/-/flip/0+fernet-8/-/flip/1",                 // zero weight
        "ensemble:fernet-8/-/flip/1+fernet-8/0/flip/1",                 // crop of 0 px
        "ensemble:fernet-8/-/sideways/1+fernet-8/-/flip/1",             // unknown test-time augmentation
        "ensemble:fernet-8/-/flip+fernet-8/-/flip/1",                   // missing field
        "ensemble:fernet-9999999999/-/flip/1+fernet-8/-/flip/1",        // member architecture out of bounds
        "ensemble:ensemble:fernet-8/-/flip/1+fernet-8/-/flip/1",        // nested
        "ensemble:" + Array(repeating: "fernet-8/-/flip/1", count: 9).joined(separator: "+"),
    ])
    func hostileNamesAreRefused(name: String) {
        #expect(throws: (any Error).self) { try FaceArchitecture(name: name) }
    }

    @Test func membersMustShareLabelsAndNormalisation() throws {
        let (crop, whole, _, _) = try members()
        let other = try FaceClassifier(architecture: .ferNet(width: 8), labels: ["a", "b", "c", "d", "e", "f"],
                                       preprocessing: FacePreprocessing(inputSize: 48), testTimeAugmentation: .flip)
        #expect(throws: (any Error).self) { try FaceClassifier.ensemble(of: [(crop, 1), (other, 1)]) }
        let brighter = try FaceClassifier(architecture: .ferNet(width: 8), labels: crop.labels,
                                          preprocessing: FacePreprocessing(inputSize: 48, mean: 0.4), testTimeAugmentation: .flip)
        #expect(throws: (any Error).self) { try FaceClassifier.ensemble(of: [(crop, 1), (brighter, 1)]) }
        #expect(throws: (any Error).self) { try FaceClassifier.ensemble(of: [(crop, 1)]) }
        #expect(throws: (any Error).self) { try FaceClassifier.ensemble(of: [(crop, 1), (whole, .infinity)]) }
    }

    @Test func aMemberWindowLargerThanTheFaceIsAMetadataError() throws {
        let (crop, whole, _, _) = try members()
        let ensemble = try FaceClassifier.ensemble(of: [(crop, 1), (whole, 1)])
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ensemble-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try ensemble.save(to: url, extra: [ModelMetadata.Key.architecture: "ensemble:fernet-8/64/ten-crop/1.0+fernet-8/-/flip/1.0"])
        #expect {
            try FaceClassifier(contentsOf: url)
        } throws: { error in
            "\(error)".contains(url.path) && "\(error)".contains("crops 64 px from a 48 px face")
        }
    }
}
