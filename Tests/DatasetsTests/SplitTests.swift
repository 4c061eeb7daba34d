import Foundation
import Testing
@testable import Datasets

@Suite("Splits")
struct SplitTests {
    /// RAVDESS actors 1-4 (speech), CREMA-D 1001-1010, TESS, SAVEE; 596 six-class samples.
    static func combined() throws -> (samples: [SpeechSample], cleanup: () -> Void) {
        let r = Fixture("r"), c = Fixture("c"), t = Fixture("t"), s = Fixture("s")
        SpeechFixtures.ravdess(r, song: false)
        SpeechFixtures.cremad(c)
        SpeechFixtures.tess(t)
        SpeechFixtures.savee(s, perSpeakerFolders: true)
        let specs = [DatasetSpec(kind: .ravdess, path: r.root), DatasetSpec(kind: .cremad, path: c.root),
                     DatasetSpec(kind: .tess, path: t.root), DatasetSpec(kind: .savee, path: s.root)]
        let loaded = try SpeechCorpora.load(specs)
        return (loaded.samples, { for f in [r, c, t, s] { f.remove() } })
    }

    static func speakers(_ samples: [SpeechSample], _ corpus: Corpus) -> Set<String> {
        Set(samples.filter { $0.corpus == corpus }.map(\.speaker))
    }

    @Test func counts() {
        #expect(Splitting.heldOutCount(25_538, fraction: 0.2) == 5108)
        #expect(Splitting.heldOutCount(5, fraction: 0.5) == 3)
        #expect(Splitting.heldOutCount(0, fraction: 0.2) == 0)
        #expect(Splitting.heldOutSpeakerCount(24, fraction: 0.1) == 2)
        #expect(Splitting.heldOutSpeakerCount(20, fraction: 0.1) == 2)
        #expect(Splitting.heldOutSpeakerCount(91, fraction: 0.1) == 9)
        #expect(Splitting.heldOutSpeakerCount(4, fraction: 0.1) == 1)
        #expect(Splitting.heldOutSpeakerCount(2, fraction: 0.1) == 1)
        #expect(Splitting.heldOutSpeakerCount(1, fraction: 0.1) == 0)
        #expect(Splitting.heldOutSpeakerCount(2, fraction: 0.9) == 1)
    }

    @Test func goldenShuffleIsStable() {
        // Values from an independent Python transcription of SplitMix64 + Lemire + Fisher-Yates.
        // Pinned so that a change of generator or shuffle (which would change every split made with a
        // published seed) fails here.
        var rng = SplitMix64(seed: 42)
        #expect(rng.shuffled(Array(0..<10)) == [8, 3, 6, 5, 4, 0, 9, 2, 1, 7])
        var rng2 = SplitMix64(seed: 42)
        let (kept, held) = Splitting.randomSplit(Array(0..<10), heldOutFraction: 0.3, using: &rng2)
        #expect(held == [2, 4, 7])
        #expect(kept == Array(0..<10).filter { !held.contains($0) })
    }

    @Test func randomAndStratifiedSplitsPartition() throws {
        struct Item: LabeledSample, Hashable { var id: Int; var label: Emotion }
        let items = (0..<1000).map { Item(id: $0, label: $0 % 10 == 0 ? .disgust : .happy) }
        var rng = SplitMix64(seed: 9)
        let (kept, held) = Splitting.randomSplit(items, heldOutFraction: 0.2, using: &rng)
        #expect(held.count == 200 && kept.count == 800)
        #expect(Set(kept).isDisjoint(with: held))
        #expect(kept.map(\.id) == kept.map(\.id).sorted())  // input order kept
        var rng2 = SplitMix64(seed: 9)
        let (sKept, sHeld) = Splitting.stratifiedSplit(items, heldOutFraction: 0.2, using: &rng2)
        #expect(labelCounts(sHeld) == ["disgust": 20, "happy": 180])
        #expect(labelCounts(sKept) == ["disgust": 80, "happy": 720])
        #expect(Set(sKept).union(sHeld).count == 1000)
    }

    @Test func speechStudyPreset() throws {
        let (samples, cleanup) = try Self.combined()
        defer { cleanup() }
        #expect(samples.count == 596)
        let split = try SplitPresets.speechStudy(samples, seed: 7)

        // One test speaker per corpus (10 % rounded, at least one): RAVDESS 44, CREMA-D 30, TESS 18, SAVEE 21.
        #expect(split.testSpeakers.count == 4)
        for corpus in [Corpus.ravdess, .cremad, .tess, .savee] {
            #expect(Self.speakers(split.test, corpus).count == 1)
        }
        #expect(split.test.count == 113)  // 44 + 30 + 18 + 21
        // Development 80/20 by sample, per corpus: 132 → 26, 270 → 54, 18 → 4, 63 → 13.
        #expect(split.validation.filter { $0.corpus == .ravdess }.count == 26)
        #expect(split.validation.filter { $0.corpus == .cremad }.count == 54)
        #expect(split.validation.filter { $0.corpus == .tess }.count == 4)
        #expect(split.validation.filter { $0.corpus == .savee }.count == 13)
        #expect(split.training.count == 386)  // 596 - 113 - 97
        // Disjoint: no sample twice, no test speaker in development.
        let distinctPaths = Set((split.training + split.validation + split.test).map(\.path)).count
        #expect(distinctPaths == samples.count)
        #expect(split.count == samples.count)
        #expect(split.testSpeakers.isDisjoint(with: split.trainingSpeakers.union(split.validationSpeakers)))
        // TESS: one speaker in test, the other in development.
        #expect(Self.speakers(split.test, .tess).union(Self.speakers(split.training, .tess)) == ["OAF", "YAF"])

        // Reproducible with the seed, different with another.
        #expect(try SplitPresets.speechStudy(samples, seed: 7) == split)
        #expect(try SplitPresets.speechStudy(samples.shuffled(), seed: 7).testSpeakers == split.testSpeakers)
        let other = try SplitPresets.speechStudy(samples, seed: 8)
        #expect(other != split)
        #expect(Set(other.validation.map(\.path)) != Set(split.validation.map(\.path)))
        var ravdessTestSpeakers = Set<String>()
        for seed in UInt64(0)..<20 {
            ravdessTestSpeakers.formUnion(Self.speakers(try SplitPresets.speechStudy(samples, seed: seed).test, .ravdess))
        }
        #expect(ravdessTestSpeakers.count > 1)

        // A corpus's split does not depend on which other corpora are loaded.
        let ravdessOnly = try SplitPresets.speechStudy(samples.filter { $0.corpus == .ravdess }, seed: 7)
        #expect(ravdessOnly.test == split.test.filter { $0.corpus == .ravdess })
        #expect(ravdessOnly.validation == split.validation.filter { $0.corpus == .ravdess })
    }

    @Test func speechStudyWithSpeakerValidation() throws {
        let (samples, cleanup) = try Self.combined()
        defer { cleanup() }
        let split = try SplitPresets.speechStudy(samples, seed: 3, validationBy: .speaker)
        #expect(split.trainingSpeakers.isDisjoint(with: split.validationSpeakers))
        #expect(split.testSpeakers.isDisjoint(with: split.validationSpeakers))
        #expect(split.testSpeakers.isDisjoint(with: split.trainingSpeakers))
        // CREMA-D: 9 development speakers → 2 validation speakers; TESS has one left, so none.
        #expect(Self.speakers(split.validation, .cremad).count == 2)
        #expect(Self.speakers(split.validation, .tess).isEmpty)
        #expect(split.count == samples.count)
    }

    @Test func holdOutSpeakers() throws {
        let (samples, cleanup) = try Self.combined()
        defer { cleanup() }
        let held = try ["ravdess:3", "ravdess:Actor_04"].map(SpeakerRef.init(parsing:))
        let split = try SplitPresets.holdOutSpeakers(samples, testSpeakers: held, seed: 1)
        #expect(split.test.count == 88)
        #expect(split.testSpeakers == Set(held))
        #expect(Set(split.test.map(\.speaker)) == ["03", "04"])
        #expect(split.test.allSatisfy { $0.corpus == .ravdess })
        #expect(Self.speakers(split.training + split.validation, .ravdess) == ["01", "02"])
        #expect(split.validation.filter { $0.corpus == .ravdess }.count == 18)  // 88 * 0.2
        #expect(split.count == samples.count)
        #expect(try SplitPresets.holdOutSpeakers(samples, testSpeakers: held, seed: 1) == split)
        #expect(try SplitPresets.holdOutSpeakers(samples, testSpeakers: held, seed: 2).validation != split.validation)

        let unknown = datasetError { _ = try SplitPresets.holdOutSpeakers(samples, testSpeakers: [SpeakerRef(corpus: .ravdess, speaker: "19")], seed: 1) }
        #expect(unknown == .invalidSplit("held-out speaker ravdess:19 has no samples"))
        #expect(datasetError { _ = try SplitPresets.speechStudy(samples, seed: 1, validationFraction: 1.0) }
            == .invalidSplit("validation fraction must be in [0, 1), got 1.0"))
    }
}
