import Foundation
import Testing
@testable import Datasets
import TakeSenseTestSupport

/// The project's real data (`TakeSenseTestSupport.SharedData`: `TAKESENSE_SHARED_DATA`, else
/// `../shared/data` beside the repository). Absent on users' machines: the tests then skip.
enum RealData {
    static var fer2013: String? { SharedData.folder("fer2013") }
    static var ravdess: String? { SharedData.folder("ravdess") }
    static var tess: String? { SharedData.folder("tess") }
}

@Suite("Real data (shared/data)")
struct RealDataTests {
    /// TESS as shipped in shared/data: 2,798 files (OAF_back_angry and YAF_beg_sad missing), one named
    /// `OA_bite_neutral.flac`, which must count as OAF's.
    @Test(.enabled(if: RealData.tess != nil, "shared/data/tess not found (set TAKESENSE_SHARED_DATA to the shared/data folder); skipping real TESS checks"))
    func tessLayout() throws {
        let root = try #require(RealData.tess)
        let seven = try TESS.load(root: root, options: LoadOptions(labels: .seven))
        #expect(seven.samples.count == 2_798)
        #expect(seven.report.unrecognised == 0)
        #expect(seven.report.duplicates == 0)
        var perSpeaker: [String: [String: Int]] = [:]
        for s in seven.samples { perSpeaker[s.speaker, default: [:]][s.label.rawValue, default: 0] += 1 }
        #expect(perSpeaker == [
            "OAF": ["angry": 199, "disgust": 200, "fear": 200, "happy": 200, "neutral": 200, "surprise": 200, "sad": 200],
            "YAF": ["angry": 200, "disgust": 200, "fear": 200, "happy": 200, "neutral": 200, "surprise": 200, "sad": 199],
        ])
        let bite = try #require(seven.samples.first { $0.path.hasSuffix("OA_bite_neutral.flac") })
        #expect(bite.speaker == "OAF" && bite.label == .neutral && bite.sentence == "bite" && bite.gender == .female)
        // Each speaker says each word once per emotion: no (speaker, word, emotion) twice.
        #expect(Set(seven.samples.map { "\($0.speaker)/\($0.sentence ?? "")/\($0.label)" }).count == 2_798)

        let six = try TESS.load(root: root)
        #expect(six.samples.count == 2_398)
        #expect(six.skipped == ["surprise": 400])
        #expect(Set(six.samples.map(\.speaker)) == ["OAF", "YAF"])
    }

    @Test(
        .enabled(
            if: RealData.fer2013 != nil, "shared/data/fer2013 not found (set TAKESENSE_SHARED_DATA to the shared/data folder); skipping real FER2013 checks"))
    func fer2013Folders() throws {
        let root = try #require(RealData.fer2013)
        let loaded = try FER2013Folders.load(root: root, options: LoadOptions(labels: .seven))
        let training = loaded.samples.filter { $0.usage == .training }
        let publicTest = loaded.samples.filter { $0.usage == .publicTest }
        #expect(training.count == 28_709)
        #expect(publicTest.count == 3_589)
        #expect(loaded.report.unrecognised == 0)
        #expect(labelCounts(training) == [
            "angry": 3995, "disgust": 436, "fear": 4097, "happy": 7215, "neutral": 4965, "sad": 4830, "surprise": 3171,
        ])
        // Training images come from train/, PublicTest ones from validation/.
        #expect(training.allSatisfy { $0.path.contains("/train/") })
        #expect(publicTest.allSatisfy { $0.path.contains("/validation/") })

        let six = try FER2013Folders.load(root: root)
        #expect(six.samples.count == 28_709 + 3_589 - 3_171 - 415)
        #expect(six.skipped == ["surprise": 3_171 + 415])
    }

    @Test(
        .enabled(
            if: RealData.fer2013 != nil, "shared/data/fer2013 not found (set TAKESENSE_SHARED_DATA to the shared/data folder); skipping real FER2013 checks"))
    func fer2013Selected() throws {
        let root = try #require(RealData.fer2013)
        let split = try SplitPresets.fer2013Selected(root: root, seed: 42)
        #expect(split.training.count + split.validation.count == 25_538)
        #expect(split.validation.count == 5_108)
        #expect(split.training.count == 20_430)
        #expect(split.skipped == ["surprise": 3_171])
        #expect(Set(split.training.map(\.path)).isDisjoint(with: split.validation.map(\.path)))
        #expect(!split.validation.contains { $0.label == .surprise })
        // Roughly proportional even without stratification.
        let happyShare = Double(labelCounts(split.validation)["happy"] ?? 0) / 5_108
        #expect(abs(happyShare - 7215.0 / 25_538) < 0.03)

        let stratified = try SplitPresets.fer2013Selected(root: root, seed: 42, stratified: true)
        #expect(labelCounts(stratified.validation) == ["angry": 799, "disgust": 87, "fear": 819, "happy": 1443, "neutral": 993, "sad": 966])
    }

    @Test(
        .enabled(
            if: RealData.ravdess != nil, "shared/data/ravdess not found (set TAKESENSE_SHARED_DATA to the shared/data folder); skipping real RAVDESS checks"))
    func ravdess() throws {
        let root = try #require(RealData.ravdess)
        let loaded = try RAVDESS.load(root: root)
        #expect(loaded.samples.count + loaded.report.skippedTotal == 1_200)
        #expect(loaded.report.unrecognised == 0)
        #expect(loaded.skipped == ["calm": 160, "surprise": 160])
        #expect(labelCounts(loaded.samples) == ["neutral": 80, "happy": 160, "sad": 160, "angry": 160, "fear": 160, "disgust": 160])
        let speakers = Set(loaded.samples.map(\.speaker))
        #expect(speakers.count == 20)
        #expect(speakers == Set((1...20).map { String(format: "%02d", $0) }))
        #expect(loaded.samples.allSatisfy { $0.path.hasSuffix(".flac") && $0.vocalChannel == .speech })
        #expect(loaded.samples.filter { $0.gender == .male }.count == 440)
        #expect(loaded.samples.filter { $0.gender == .female }.count == 440)

        let study = try SplitPresets.speechStudy(loaded.samples, seed: 42)
        #expect(study.testSpeakers.count == 2)
        #expect(study.test.count == 88)
        #expect(study.validation.count == 158)  // 792 × 0.2
        #expect(study.training.count == 634)
        #expect(study.testSpeakers.isDisjoint(with: study.trainingSpeakers.union(study.validationSpeakers)))

        let holdOut = try SplitPresets.holdOutSpeakers(
            loaded.samples, testSpeakers: [SpeakerRef(corpus: .ravdess, speaker: "19"), SpeakerRef(corpus: .ravdess, speaker: "20")], seed: 42)
        #expect(Set(holdOut.test.map(\.speaker)) == ["19", "20"])
        #expect(holdOut.test.count == 88)
        #expect(holdOut.trainingSpeakers.count == 18)
    }
}
