import Datasets
import FaceEmotion
import Foundation
import TensorFiles
import Testing
import Torch
import Training
import TakeSenseTestSupport

/// The two FER2013 layouts users have (image folders and Kaggle's CSV) load to the same tensors,
/// and a saved face classifier round-trips with its label set and transform.
@Suite(.serialized) struct FaceDataTests {
    static var sharedData: URL? {
        SharedData.folder("fer2013/validation") == nil ? nil : SharedData.root.map { URL(fileURLWithPath: $0) }
    }

    func temp() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("faces-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Kaggle's CSV: emotion codes 0-6 = angry, disgust, fear, happy, sad, surprise, neutral.
    static let kaggleCodes = ["angry": 0, "disgust": 1, "fear": 2, "happy": 3, "sad": 4, "surprise": 5, "neutral": 6]

    @Test func csvAndImageFoldersLoadTheSameRealFaces() throws {
        guard let shared = Self.sharedData else {
            print("skipping: ../shared/data/fer2013 is absent (set TAKESENSE_SHARED_DATA)")
            return
        }
        let dir = try temp()
        defer { try? FileManager.default.removeItem(at: dir) }
        var csv = "emotion,pixels,Usage\n"
        let source = shared.appendingPathComponent("fer2013/validation")
        for label in ["angry", "disgust", "fear", "happy", "neutral", "sad", "surprise"] {
            let files = try FileManager.default.contentsOfDirectory(atPath: source.appendingPathComponent(label).path).sorted().prefix(4)
            try FileManager.default.createDirectory(at: dir.appendingPathComponent("tree/\(label)"), withIntermediateDirectories: true)
            for f in files {
                let from = source.appendingPathComponent("\(label)/\(f)")
                try FileManager.default.copyItem(at: from, to: dir.appendingPathComponent("tree/\(label)/\(f)"))
            }
        }
        let tree = try FaceTensors.load(dir.appendingPathComponent("tree").path, labels: .six)
        #expect(tree.count == 24)
        #expect(tree.skipped == ["surprise": 4])
        // Write the CSV in the same order as the tree loads (labels sorted, files sorted).
        let pixels = try tree.images.reshape([tree.count, 48 * 48]).toArray(UInt8.self)
        for i in 0..<tree.count {
            let code = Self.kaggleCodes[tree.labels[tree.targets[i]]]!
            let row = pixels[(i * 2304)..<((i + 1) * 2304)].map(String.init).joined(separator: " ")
            csv += "\(code),\(row),PublicTest\n"
        }
        csv += "5,\(Array(repeating: "0", count: 2304).joined(separator: " ")),PublicTest\n"  // a surprise row
        let csvURL = dir.appendingPathComponent("fer2013.csv")
        try csv.write(to: csvURL, atomically: true, encoding: .utf8)
        let fromCSV = try FaceTensors.load(csvURL.path, labels: .six)
        #expect(fromCSV.targets == tree.targets)
        #expect(fromCSV.skipped == ["surprise": 1])
        #expect(try fromCSV.images.eq(tree.images).all().item() == 1)
        // Only one usage: no Training rows here.
        #expect(throws: (any Error).self) { try FaceTensors.load(csvURL.path, labels: .six, usage: .training) }
    }

    @Test func malformedCSVNamesFileAndLine() throws {
        let dir = try temp()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("bad.csv")
        try "emotion,pixels,Usage\n3,\(Array(repeating: "1", count: 2303).joined(separator: " ")),Training\n".write(to: url, atomically: true, encoding: .utf8)
        do {
            _ = try FaceTensors.load(url.path, labels: .six)
            Issue.record("a 2303-pixel row was accepted")
        } catch {
            #expect("\(error)".contains("bad.csv:2"), "\(error)")
        }
        #expect(throws: (any Error).self) { try FaceTensors.load(dir.appendingPathComponent("missing").path, labels: .six) }
    }

    @Test func classifierRoundTripsWithMetadataAndHalfPrecision() throws {
        let dir = try temp()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Torch.manualSeed(3)
        let prep = FacePreprocessing(inputSize: 40, channels: 1, mean: 0.5, std: 0.25)
        let a = try FaceClassifier(architecture: try FaceArchitecture(name: "fernet-8"), labels: ["angry", "happy", "sad"], preprocessing: prep)
        a.network.eval()
        let url = dir.appendingPathComponent("m.safetensors")
        try a.save(to: url, floatType: .float16)
        let b = try FaceClassifier(contentsOf: url)
        #expect(b.labels == ["angry", "happy", "sad"])
        #expect(b.preprocessing == prep)
        #expect(b.architecture == a.architecture)
        let faces = try Tensor.rand([4, 1, 48, 48])
        let pa = try a.probabilities(gray: faces), pb = try b.probabilities(gray: faces)
        #expect(pa.shape == [4, 3])
        #expect(try (pa - pb).abs().amax().item() < 2e-2)
        #expect(try abs(pa.sum(dim: 1).mean().item() - 1) < 1e-5)
        // Not a face model: a plain safetensors file without TakeSense metadata.
        let plain = dir.appendingPathComponent("plain.safetensors")
        try Linear(2, 2).save(to: plain)
        #expect(throws: ModelError.self) { try FaceClassifier(contentsOf: plain) }
    }

    @Test func augmentationIsSeededAndKeepsRange() throws {
        let x = try Tensor.rand([8, 1, 48, 48])
        var r1 = SplitMix64(seed: 5), r2 = SplitMix64(seed: 5), r3 = SplitMix64(seed: 6)
        let aug = FaceAugmentation()
        let a = try aug.apply(x, rng: &r1), b = try aug.apply(x, rng: &r2), c = try aug.apply(x, rng: &r3)
        #expect(try (a - b).abs().amax().item() == 0)
        #expect(try (a - c).abs().amax().item() > 0.1)
        #expect(try a.amin().item() >= 0 && a.amax().item() <= 1)
        // The study's augmentation only flips: every output is x, or x flipped horizontally, vertically, or both.
        var r = SplitMix64(seed: 1)
        let flipped = try FaceAugmentation.study.apply(x, rng: &r)
        for i in 0..<8 {
            let o = try flipped[i], s = try x[i]
            let candidates = [s, try s.flip([2]), try s.flip([1]), try s.flip([1, 2])]
            #expect(try candidates.contains { try ($0 - o).abs().amax().item() < 1e-5 }, "sample \(i) is not a flip")
        }
    }

    /// `degrade` replaces about that share of faces by one of the video-like degradations of
    /// `FaceDegradation` (the robustness table's own, checked against references in FaceTTATests), in the
    /// strengths it lists; the faces not drawn stay untouched.
    @Test func degradationAugmentationDegradesAboutTheRequestedShare() throws {
        let n = 64
        let x = try (Tensor.rand([n, 1, 48, 48]) * 255).round() / 255
        var aug = FaceAugmentation.study
        aug.verticalFlip = 0
        aug.horizontalFlip = 0
        aug.degrade = 0.5
        var rng = SplitMix64(seed: 3)
        let y = try aug.apply(x, rng: &rng)
        let candidates = try FaceAugmentation.degradationChoices.flatMap { $0 }.map { ($0, try $0.apply(x)) }
        var degraded = 0
        var kinds = Set<String>()
        for i in 0..<n {
            let a = try x[i], b = try y[i]
            if try (a - b).abs().amax().item() == 0 { continue }
            degraded += 1
            let match = try candidates.first { try ($0.1[i] - b).abs().amax().item() < 1e-6 }
            #expect(match != nil, "face \(i) is not one of the listed degradations of its input")
            if let match { kinds.insert(String(match.0.description.prefix(6))) }
        }
        // Binomial(64, 0.5): 32 ± 4; 16...48 is beyond 4 standard deviations.
        #expect((16...48).contains(degraded), "\(degraded) of \(n) faces degraded")
        #expect(kinds.count >= 2, "only \(kinds) drawn")
        aug.degrade = 0
        var again = SplitMix64(seed: 3)
        #expect(try (aug.apply(x, rng: &again) - x).abs().amax().item() == 0)
    }
}
