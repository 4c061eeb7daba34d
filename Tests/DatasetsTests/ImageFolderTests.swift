import Foundation
import Testing
@testable import Datasets

@Suite("Image folders")
struct ImageFolderTests {
    /// FER2013 folder form: train/<class>/Training_<n>.jpg, validation/<class>/PublicTest_<n>.jpg.
    static func makeFER(_ fx: Fixture, trainPerClass: [String: Int], validationPerClass: [String: Int]) {
        var n = 0
        for (cls, count) in trainPerClass.sorted(by: { $0.key < $1.key }) {
            for _ in 0..<count { n += 1; fx.file("train/\(cls)/Training_\(n).jpg") }
        }
        for (cls, count) in validationPerClass.sorted(by: { $0.key < $1.key }) {
            for _ in 0..<count { n += 1; fx.file("validation/\(cls)/PublicTest_\(n).jpg") }
        }
    }

    static let trainCounts = ["angry": 10, "disgust": 3, "fear": 9, "happy": 20, "neutral": 12, "sad": 11, "surprise": 7]

    @Test func fer2013FolderForm() throws {
        let fx = Fixture()
        defer { fx.remove() }
        Self.makeFER(fx, trainPerClass: Self.trainCounts, validationPerClass: ["angry": 2, "happy": 3, "surprise": 1])
        fx.file("README.txt", "notes")
        fx.file("train/angry/notes.txt")
        fx.file("train/.DS_Store")

        let loaded = try FER2013Folders.load(root: fx.root)
        #expect(loaded.samples.count == 65 + 5)
        #expect(loaded.skipped == ["surprise": 8])
        #expect(loaded.report.unrecognised == 2)
        #expect(Set(loaded.report.unrecognisedExamples) == ["README.txt", "train/angry/notes.txt"])
        #expect(loaded.samples.filter { $0.usage == .training }.count == 65)
        #expect(loaded.samples.filter { $0.usage == .publicTest }.count == 5)
        #expect(loaded.samples.allSatisfy { $0.corpus == .fer2013 })
        #expect(labelCounts(loaded.samples.filter { $0.usage == .training })
            == ["angry": 10, "disgust": 3, "fear": 9, "happy": 20, "neutral": 12, "sad": 11])
        // Sorted, deterministic order.
        let paths = loaded.samples.map(\.path)
        #expect(paths == paths.sorted())
        #expect(paths.first == fx.path("train/angry/Training_1.jpg"))
        #expect(FileManager.default.fileExists(atPath: paths[0]))
    }

    @Test func fer2013FolderPointedAtTrainUsesFilePrefixes() throws {
        let fx = Fixture()
        defer { fx.remove() }
        Self.makeFER(fx, trainPerClass: ["happy": 4, "sad": 2], validationPerClass: [:])
        let loaded = try FER2013Folders.load(root: fx.path("train"))
        #expect(loaded.samples.count == 6)
        #expect(loaded.samples.allSatisfy { $0.usage == .training })
        // msambare-style "test/" folder: usage from the prefixes.
        fx.file("test/happy/PrivateTest_1.jpg")
        fx.file("test/happy/PublicTest_2.jpg")
        fx.file("test/happy/3.jpg")
        let withTest = try FER2013Folders.load(root: fx.root)
        #expect(withTest.samples.filter { $0.path.contains("/test/") }.map(\.usage) == [nil, .privateTest, .publicTest])
    }

    @Test func ckPlusFoldersMapAliasesAndSkipContempt() throws {
        let fx = Fixture()
        defer { fx.remove() }
        let counts = ["anger": 45, "contempt": 18, "disgust": 59, "fear": 25, "happy": 69, "sadness": 28, "surprise": 83]
        for (cls, n) in counts { for i in 0..<n { fx.file("\(cls)/S\(String(format: "%03d", i))_001_0000001\(i % 3).png") } }
        let loaded = try CKPlus.load(root: fx.root)
        #expect(labelCounts(loaded.samples) == ["angry": 45, "disgust": 59, "fear": 25, "happy": 69, "sad": 28])
        #expect(loaded.skipped == ["contempt": 18, "surprise": 83])
        #expect(loaded.samples.allSatisfy { $0.corpus == .ckplus && $0.usage == nil })

        let withContempt = try CKPlus.load(root: fx.root, options: LoadOptions(labels: try LabelSet(names: ["contempt", "surprise"])))
        #expect(labelCounts(withContempt.samples) == ["contempt": 18, "surprise": 83])
        #expect(withContempt.skipped == ["angry": 45, "disgust": 59, "fear": 25, "happy": 69, "sad": 28])
    }

    @Test func genericImageFolderExtensionsNestingAndStrict() throws {
        let fx = Fixture()
        defer { fx.remove() }
        fx.file("Happy/b.PNG")
        fx.file("Happy/a.jpeg")
        fx.file("Happy/session2/c.bmp")
        fx.file("neutral/x.jpg")
        fx.file("neutral/x.gif")
        fx.file("loose.jpg")
        let loaded = try ImageFolder.load(root: fx.root)
        #expect(loaded.samples.map { $0.path.replacingOccurrences(of: fx.root + "/", with: "") }
            == ["Happy/a.jpeg", "Happy/b.PNG", "Happy/session2/c.bmp", "neutral/x.jpg"])
        #expect(loaded.samples.map(\.label) == [.happy, .happy, .happy, .neutral])
        #expect(loaded.report.unrecognised == 2)

        let strict = datasetError { _ = try ImageFolder.load(root: fx.root, options: LoadOptions(strict: true)) }
        #expect(strict == .malformedFileName(path: fx.path("loose.jpg"), reason: "file outside any class folder"))
    }

    @Test func missingAndEmptyDirectories() {
        let fx = Fixture()
        defer { fx.remove() }
        let missing = fx.path("nope")
        #expect(datasetError { _ = try ImageFolder.load(root: missing) } == .missingDirectory(path: missing))
        #expect(datasetError { _ = try FER2013Folders.load(root: missing) }?.description == "\(missing): no such directory")
        let file = fx.file("file.jpg")
        #expect(datasetError { _ = try CKPlus.load(root: file) } == .notADirectory(path: file))
        fx.directory("empty/happy")
        #expect(datasetError { _ = try ImageFolder.load(root: fx.path("empty")) }
            == .noRecognisedFiles(path: fx.path("empty"), expected: "<class>/*.jpg|png image folders"))
    }

    @Test func fer2013SelectedFromFolders() throws {
        let fx = Fixture()
        defer { fx.remove() }
        Self.makeFER(fx, trainPerClass: Self.trainCounts, validationPerClass: ["angry": 4, "surprise": 2])
        let split = try SplitPresets.fer2013Selected(root: fx.root, seed: 2024)
        // 65 six-class training images → 13 validation (20 %), 52 training.
        #expect(split.training.count == 52)
        #expect(split.validation.count == 13)
        #expect(split.test.isEmpty)
        #expect(split.skipped == ["surprise": 7])
        #expect(Set(split.training.map(\.path)).isDisjoint(with: split.validation.map(\.path)))
        #expect((split.training + split.validation).allSatisfy { $0.usage == .training })

        let again = try SplitPresets.fer2013Selected(root: fx.root, seed: 2024)
        #expect(again == split)
        let other = try SplitPresets.fer2013Selected(root: fx.root, seed: 2025)
        #expect(other.validation != split.validation)
        #expect(Set(other.validation + other.training) == Set(split.validation + split.training))

        // Stratified: each class split 80/20 on its own.
        let stratified = try SplitPresets.fer2013Selected(root: fx.root, seed: 2024, stratified: true)
        #expect(labelCounts(stratified.validation) == ["angry": 2, "disgust": 1, "fear": 2, "happy": 4, "neutral": 2, "sad": 2])
        #expect(stratified.training.count == 65 - 13)
    }
}
