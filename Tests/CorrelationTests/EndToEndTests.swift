import Datasets
import Director
import Foundation
import Testing

@testable import Correlation
@testable import Reports

/// The fixture written by Scripts/make_correlation_fixture.py: takes' raw model outputs and the
/// study's results computed with scipy / scikit-learn.
struct StudyFixture: Decodable {
    struct Frame: Decodable { var t: Double; var probabilities: [Double] }
    struct Segment: Decodable { var start: Double; var end: Double; var probabilities: [Double] }
    struct Scene: Decodable {
        var take: String
        var duration: Double
        var face_frames: [Frame]
        var sampled_times: [Double]
        var voice_segments: [Segment]
        var truth: String?
    }
    struct Matrix: Decodable { var variables: [String]; var matrix: [[Double?]] }
    struct Chi: Decodable { var statistic: Double; var p_value: Double; var dof: Int }
    struct Modality: Decodable { var accuracy: Double; var macro_f1: Double; var weighted_f1: Double; var confusion_matrix: [[Int]] }
    struct Classification: Decodable { var scenes: Int; var img_pred: Modality; var speech_pred: Modality }
    struct Expected: Decodable {
        var scenes: Int
        var excluded: [String]
        var img_pred: [String]
        var speech_pred: [String]
        var counts: [[Int]]
        var dropped_img_pred: [String]
        var dropped_speech_pred: [String]
        var chi_square: Chi
        var cramers_v: Double
        var cramers_v_corrected: Double
        var phi: Matrix
        var pairwise_p: Matrix
        var pearson: Matrix
        var pearson_p: Matrix
        var classification: Classification
    }
    var labels: [String]
    var scenes: [Scene]
    var expected: Expected

    static func load() throws -> StudyFixture {
        let url = try #require(Bundle.module.url(forResource: "correlation_study", withExtension: "json", subdirectory: "Fixtures"),
                               "Fixtures/correlation_study.json missing: run Scripts/make_correlation_fixture.py")
        return try JSONDecoder().decode(StudyFixture.self, from: Data(contentsOf: url))
    }
}

@Suite("End to end: analysed takes on disk against scipy")
struct EndToEndTests {
    /// Builds every fixture take with TakeAssembler, writes them as `takesense analyze` would
    /// (single analyses and one comparison), plus a `path,label` manifest; returns the files.
    static func writeTakes(_ fixture: StudyFixture, in dir: TempDir) throws -> (jsons: [String], manifest: String) {
        let assembler = TakeAssembler(labels: fixture.labels)
        var analyses: [TakeAnalysis] = []
        for s in fixture.scenes {
            let frames = s.face_frames.map {
                FaceFrame(t: $0.t, box: [10, 10, 40, 40], probabilities: Distributions.dictionary($0.probabilities, labels: fixture.labels))
            }
            let segments = s.voice_segments.map {
                VoiceEmotionSegment(
                    start: $0.start, end: $0.end, emotion: "", probabilities: Distributions.dictionary($0.probabilities, labels: fixture.labels))
            }
            analyses.append(assembler.assemble(take: dir.url.appendingPathComponent(s.take).path, duration: s.duration, faceFrames: frames,
                                               sampledTimes: s.sampled_times, otherFaces: 0, voiceSegments: segments, settings: testSettings))
        }
        var jsons: [String] = []
        let single = analyses.prefix(30)
        for a in single {
            let path = dir.url.appendingPathComponent(URL(fileURLWithPath: a.take).deletingPathExtension().lastPathComponent + ".json").path
            try writeJSON(a, to: path)
            jsons.append(path)
        }
        let rest = Array(analyses.dropFirst(30))
        let comparison = dir.url.appendingPathComponent("comparison.json").path
        try writeJSON(TakeComparison(takes: rest, ranking: TakeRanking.rank(rest)), to: comparison)
        jsons.append(comparison)
        var manifest = "# ground truth of the fixture takes\npath,label\n"
        for s in fixture.scenes { manifest += "\(s.take),\(s.truth ?? "")\n" }
        return (jsons, dir.file("labels.csv", manifest))
    }

    static func runFromDisk(_ fixture: StudyFixture, dir: TempDir) throws -> CorrelationReport {
        let files = try writeTakes(fixture, in: dir)
        var analyses: [TakeAnalysis] = []
        for f in files.jsons { analyses += try TakeFiles.load(f) }
        let entries = try EmotionManifest.load(path: files.manifest)
        let table = try SceneTable(analyses: analyses, truth: TakeFiles.matcher(entries))
        return CorrelationStudy.run(table)
    }

    @Test func matchesScipyReference() throws {
        let fixture = try StudyFixture.load()
        let dir = TempDir()
        defer { dir.remove() }
        let report = try Self.runFromDisk(fixture, dir: dir)
        let e = fixture.expected

        #expect(report.labels == fixture.labels)
        #expect(report.scenes == e.scenes)
        #expect(report.scenesTotal == fixture.scenes.count)
        #expect(Set(report.excluded.map { URL(fileURLWithPath: $0.scene).lastPathComponent }) == Set(e.excluded))
        let used = fixture.scenes.map(\.take).filter { !e.excluded.contains($0) }
        let byName = Dictionary(uniqueKeysWithValues: report.sceneTable.map { (URL(fileURLWithPath: $0.scene).lastPathComponent, $0) })
        #expect(used.map { byName[$0]?.imgPred } == e.img_pred)
        #expect(used.map { byName[$0]?.speechPred } == e.speech_pred)

        // 1. Chi-square of img_pred x speech_pred.
        #expect(report.chiSquare.counts == e.counts)
        #expect(report.chiSquare.droppedImgPred == e.dropped_img_pred)
        #expect(report.chiSquare.droppedSpeechPred == e.dropped_speech_pred)
        #expect(report.chiSquare.dof == e.chi_square.dof)
        #expect(close(report.chiSquare.statistic, e.chi_square.statistic), "chi2 \(report.chiSquare.statistic) vs \(e.chi_square.statistic)")
        #expect(close(report.chiSquare.pValue, e.chi_square.p_value), "p \(report.chiSquare.pValue) vs \(e.chi_square.p_value)")
        #expect(report.chiSquare.reason == nil)
        // 2. Cramér's V.
        #expect(close(report.cramersV, e.cramers_v), "V \(report.cramersV) vs \(e.cramers_v)")
        #expect(close(report.cramersVCorrected, e.cramers_v_corrected), "V~ \(report.cramersVCorrected) vs \(e.cramers_v_corrected)")

        // 3-4. Matrices.
        for (name, actual, expected) in [("phi", report.phi, e.phi), ("pairwise_p", report.pairwiseP, e.pairwise_p),
                                         ("pearson", report.pearson, e.pearson), ("pearson_p", report.pearsonP, e.pearson_p)] {
            #expect(actual.variables == expected.variables, "\(name) variables")
            var bad: [String] = []
            for i in expected.matrix.indices {
                for j in expected.matrix[i].indices where !close(actual.matrix[i][j], expected.matrix[i][j]) {
                    bad.append("\(expected.variables[i]) x \(expected.variables[j]): \(actual.matrix[i][j]) vs \(String(describing: expected.matrix[i][j]))")
                }
            }
            #expect(bad.isEmpty, "\(name): \(bad.count) cells differ:\n\(bad.prefix(8).joined(separator: "\n"))")
        }

        // 5. Classification against the manifest's labels.
        let cls = try #require(report.classification)
        #expect(cls.scenes == e.classification.scenes)
        #expect(cls.leftOut.count == 2)  // the two "surprise" scenes
        for (actual, expected) in [(cls.imgPred, e.classification.img_pred), (cls.speechPred, e.classification.speech_pred)] {
            #expect(close(actual.accuracy, expected.accuracy))
            #expect(close(actual.macroF1, expected.macro_f1))
            #expect(close(actual.weightedF1, expected.weighted_f1))
            #expect(actual.confusionMatrix.counts == expected.confusion_matrix)
        }

        // The reading names the result and the dropped classes.
        #expect(report.reading[0].hasPrefix("significant association between face and voice predictions: chi-square p = 0.004"))
        #expect(report.reading.contains { $0.contains("the face never predicted disgust") || $0.contains("The face never predicted disgust") })
    }

    @Test func jsonHasTheDocumentedKeysAndRoundTrips() throws {
        let fixture = try StudyFixture.load()
        let dir = TempDir()
        defer { dir.remove() }
        let report = try Self.runFromDisk(fixture, dir: dir)
        let data = try report.jsonData()
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        for key in [
            "chi_square", "cramers_v", "cramers_v_corrected", "phi", "pairwise_p", "pearson", "pearson_p", "reading", "explanation", "scene_table",
            "classification",
        ] {
            #expect(object[key] != nil, "missing key \(key)")
        }
        let chi = try #require(object["chi_square"] as? [String: Any])
        for key in ["statistic", "dof", "p_value", "dropped_img_pred", "dropped_speech_pred", "counts"] { #expect(chi[key] != nil, "chi_square.\(key)") }
        let phi = try #require(object["phi"] as? [String: Any])
        let variables = try #require(phi["variables"] as? [String])
        #expect(variables.first == "img_pred_one_hot_angry" && variables.last == "speech_pred_one_hot_sad")
        let pearson = try #require(object["pearson"] as? [String: Any])
        #expect((pearson["variables"] as? [String])?.contains("speech_pred_prob_sad") == true)
        let matrix = try #require(pearson["matrix"] as? [[Any]])
        #expect(matrix.count == 12 && matrix.allSatisfy { $0.count == 12 })
        // NaN cells (the never-predicted one-hot variables) are null.
        let phiMatrix = try #require(phi["matrix"] as? [[Any]])
        #expect(phiMatrix[1][1] is NSNull)

        let decoded = try JSONDecoder().decode(CorrelationReport.self, from: data)
        #expect(decoded == report)
    }
}
