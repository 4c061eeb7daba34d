import Foundation
import Testing
@testable import Datasets

@Suite("Labels")
struct LabelTests {
    @Test("aliases map to canonical names", arguments: [
        ("anger", "angry"), ("Angry", "angry"), ("ANG", "angry"), ("a", "angry"),
        ("disgusted", "disgust"), ("dis", "disgust"), ("D", "disgust"),
        ("fearful", "fear"), ("FEA", "fear"), ("f", "fear"),
        ("happiness", "happy"), ("hap", "happy"), ("h", "happy"),
        ("neutral", "neutral"), ("NEU", "neutral"), ("n", "neutral"),
        ("sadness", "sad"), ("SAD", "sad"), ("sa", "sad"),
        ("surprised", "surprise"), ("sur", "surprise"), ("su", "surprise"), ("ps", "surprise"),
        ("Pleasant_surprise", "surprise"), ("pleasant surprised", "surprise"), ("pleasant-surprised", "surprise"),
        ("calm", "calm"), ("contempt", "contempt"), ("  Happy \n", "happy"),
    ])
    func alias(_ input: String, _ canonical: String) {
        #expect(Emotion(input).rawValue == canonical)
        #expect(Emotion.knownAlias(input)?.rawValue == canonical)
    }

    @Test func unknownNamesAreKeptNormalised() {
        #expect(Emotion("Boredom").rawValue == "boredom")
        #expect(Emotion("very bored").rawValue == "very_bored")
        #expect(Emotion.knownAlias("boredom") == nil)
        #expect(!Emotion("boredom").isKnown)
        #expect(Emotion("anger").isKnown)
        #expect(Emotion("anger") == .angry)
        let literal: Emotion = "happiness"
        #expect(literal == .happy)
    }

    @Test func emotionCodableCanonicalises() throws {
        let data = try JSONEncoder().encode([Emotion.fear])
        #expect(String(decoding: data, as: UTF8.self) == "[\"fear\"]")
        let decoded = try JSONDecoder().decode([Emotion].self, from: Data("[\"sadness\",\"ps\"]".utf8))
        #expect(decoded == [.sad, .surprise])
    }

    @Test func defaultAndSevenClassSets() {
        #expect(LabelSet.six.names == ["angry", "disgust", "fear", "happy", "neutral", "sad"])
        #expect(LabelSet.default == .six)
        #expect(LabelSet.seven.names == ["angry", "disgust", "fear", "happy", "neutral", "sad", "surprise"])
        #expect(LabelSet.six.index(of: .neutral) == 4)
        #expect(LabelSet.six.index(of: .surprise) == nil)
        #expect(LabelSet.seven.index(of: .surprise) == 6)
        #expect(LabelSet.six.contains(Emotion("hap")))
        #expect(!LabelSet.six.contains(.calm))
        #expect(LabelSet.six[3] == .happy)
        #expect(LabelSet.six.count == 6)
    }

    @Test func configurableSets() throws {
        let set = try LabelSet(names: ["anger", "happiness", "neu"])
        #expect(set.names == ["angry", "happy", "neutral"])
        let parsed = try LabelSet(parsing: " angry, sad ,surprise ")
        #expect(parsed.names == ["angry", "sad", "surprise"])
        #expect(parsed.description == "angry,sad,surprise")

        #expect(datasetError { _ = try LabelSet(names: ["angry", "anger"]) } == .invalidLabelSet("class \"angry\" is listed twice"))
        #expect(datasetError { _ = try LabelSet(names: []) } != nil)
    }

    @Test func labelSetCodable() throws {
        let set = try LabelSet(names: ["sad", "happy"])
        let data = try JSONEncoder().encode(set)
        #expect(String(decoding: data, as: UTF8.self) == "[\"sad\",\"happy\"]")
        #expect(try JSONDecoder().decode(LabelSet.self, from: data) == set)
        #expect(try JSONDecoder().decode(LabelSet.self, from: Data("[\"sadness\",\"hap\"]".utf8)) == set)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(LabelSet.self, from: Data("[\"sad\",\"sadness\"]".utf8)) }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(LabelSet.self, from: Data("[]".utf8)) }
    }

    @Test func loadReportCountsAndMerges() {
        var a = LoadReport()
        a.recordSkipped(.calm)
        a.recordSkipped(.calm)
        a.recordUnrecognised("x.txt")
        var b = LoadReport()
        b.recordSkipped(.surprise)
        b.recordSkipped(.calm)
        a.merge(b)
        #expect(a.skipped == ["calm": 3, "surprise": 1])
        #expect(a.skippedTotal == 4)
        #expect(a.unrecognised == 1)
        #expect(a.unrecognisedExamples == ["x.txt"])
        #expect(a.description == "skipped: calm 3, surprise 1; unrecognised: 1 file")
    }

    @Test func errorDescriptionsAreOneLineAndNamePaths() {
        let errors: [(DatasetError, String)] = [
            (.missingDirectory(path: "/d/ravdess"), "/d/ravdess: no such directory"),
            (.noRecognisedFiles(path: "/d/tess", expected: "OAF_angry/OAF_back_angry.wav"),
             "/d/tess: no recognised files (expected OAF_angry/OAF_back_angry.wav)"),
            (.malformedFileName(path: "/d/x/01-01.wav", reason: "expected seven fields"), "/d/x/01-01.wav: malformed file name: expected seven fields"),
            (.malformedRow(path: "fer2013.csv", line: 1234, reason: "expected 2304 pixels, found 2303"),
             "fer2013.csv:1234: expected 2304 pixels, found 2303"),
        ]
        for (error, text) in errors {
            #expect(error.description == text)
            #expect(!error.description.contains("\n"))
            #expect(error.localizedDescription == text)
        }
    }
}

@Suite("SplitMix64")
struct RandomTests {
    @Test func matchesReferenceOutput() {
        // Vigna's splitmix64.c seeded with 1234567.
        var rng = SplitMix64(seed: 1_234_567)
        let expected: [UInt64] = [6_457_827_717_110_365_317, 3_203_168_211_198_807_973, 9_817_491_932_198_370_423,
                                  4_593_380_528_125_082_431, 16_408_922_859_458_223_821]
        #expect((0..<5).map { _ in rng.next() } == expected)
    }

    @Test func boundedIntegersAreInRangeAndCoverIt() {
        var rng = SplitMix64(seed: 7)
        var seen = Set<Int>()
        for _ in 0..<2000 {
            let v = rng.nextInt(below: 10)
            #expect((0..<10).contains(v))
            seen.insert(v)
        }
        #expect(seen.count == 10)
        #expect(rng.nextInt(below: 1) == 0)
    }

    @Test func shuffleIsAPermutationAndSeeded() {
        let items = Array(0..<100)
        var a = SplitMix64(seed: 42)
        var b = SplitMix64(seed: 42)
        var c = SplitMix64(seed: 43)
        let sa = a.shuffled(items)
        #expect(sa.sorted() == items)
        #expect(sa != items)
        #expect(sa == b.shuffled(items))
        #expect(sa != c.shuffled(items))
        // Derived generators: stable per name, different across names.
        var d1 = SplitMix64.derived(seed: 1, name: "ravdess")
        var d2 = SplitMix64.derived(seed: 1, name: "ravdess")
        var d3 = SplitMix64.derived(seed: 1, name: "tess")
        let x = d1.next()
        #expect(x == d2.next())
        #expect(x != d3.next())
    }
}
