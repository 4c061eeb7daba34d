import Director
import Foundation
import Stats
import Testing

@testable import Correlation
@testable import Reports

/// Degenerate input gives defined results: NaN with a reason, never a trap; and every output
/// (JSON, text, CSV, HTML) still renders.
@Suite("Degenerate input")
struct DegenerateTests {
    /// Every output of a report can be produced, and the JSON round-trips.
    func expectRenders(_ report: CorrelationReport, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let data = try report.jsonData()
        #expect(try JSONDecoder().decode(CorrelationReport.self, from: data) == report, sourceLocation: sourceLocation)
        #expect(!report.text.isEmpty, sourceLocation: sourceLocation)
        #expect(CorrelationHTML.render(report).contains("</html>"), sourceLocation: sourceLocation)
        #expect(try !CorrelationCSV.matrix(report.phi).isEmpty, sourceLocation: sourceLocation)
        #expect(!report.reading.isEmpty, sourceLocation: sourceLocation)
    }

    @Test func noScenesAtAll() throws {
        let report = CorrelationStudy.run(SceneTable(labels: sixLabels, rows: []))
        #expect(report.scenes == 0)
        #expect(report.chiSquare.statistic.isNaN && report.chiSquare.pValue.isNaN)
        #expect(report.chiSquare.reason == "no scenes to analyse")
        #expect(report.cramersV.isNaN && report.cramersVReason != nil)
        #expect(report.cramersVCorrected.isNaN && report.cramersVCorrectedReason != nil)
        #expect(report.phi.matrix.flatMap { $0 }.allSatisfy { $0.isNaN })
        #expect(report.pearson.matrix.flatMap { $0 }.allSatisfy { $0.isNaN })
        #expect(report.phiNotes.count == 12 && report.pearsonNotes.count == 12)
        #expect(report.classification == nil)
        #expect(report.reading[0].contains("undefined"))
        try expectRenders(report)
    }

    @Test func noAnalysesAndNoLabels() throws {
        let report = CorrelationStudy.run(try SceneTable(analyses: []))
        #expect(report.labels.isEmpty && report.scenes == 0)
        #expect(report.phi.variables.isEmpty && report.pearson.matrix.isEmpty)
        #expect(report.chiSquare.reason != nil)
        try expectRenders(report)
    }

    @Test func oneScene() throws {
        let report = CorrelationStudy.run(SceneTable(labels: sixLabels, rows: [row("only", "happy", "sad", truth: "happy")]))
        #expect(report.scenes == 1)
        #expect(report.chiSquare.statistic.isNaN)
        #expect(report.chiSquare.reason?.contains("single row") == true)
        #expect(report.chiSquare.droppedImgPred == ["angry", "disgust", "fear", "neutral", "sad"])
        #expect(report.cramersV.isNaN && report.cramersVReason != nil)
        // Every one-hot variable is constant over one scene.
        #expect(report.phi.matrix.flatMap { $0 }.allSatisfy { $0.isNaN })
        #expect(report.phiNotes.allSatisfy { $0.contains("constant") })
        // Pearson needs two pairs.
        #expect(report.pearson.matrix.flatMap { $0 }.allSatisfy { $0.isNaN })
        #expect(report.pearsonNotes.contains { $0.contains("at least 2") })
        #expect(report.classification?.imgPred.accuracy == 1)
        #expect(report.classification?.speechPred.accuracy == 0)
        #expect(report.classification?.imgPred.macroF1 == 1)  // only the classes present count
        #expect(report.reading.contains { $0.contains("too few") })
        try expectRenders(report)
    }

    @Test func bothModalitiesAlwaysTheSame() throws {
        let rows = (0..<5).map { row("s\($0)", "happy", "happy", imgWeight: 0.5 + 0.05 * Double($0)) }
        let report = CorrelationStudy.run(SceneTable(labels: sixLabels, rows: rows))
        #expect(report.chiSquare.reason != nil)
        #expect(report.chiSquare.counts[3][3] == 5)
        // happy's one-hot is constant 1, the rest constant 0: every phi undefined.
        #expect(report.phi.matrix.flatMap { $0 }.allSatisfy { $0.isNaN })
        #expect(report.phiNotes.contains { $0.contains("img_pred_one_hot_happy") && $0.contains("always 1") })
        // The voice probabilities are the same in every scene: constant, NaN with a reason.
        #expect(report.pearson["speech_pred_prob_happy", "img_pred_prob_happy"]!.isNaN)
        #expect(report.pearsonNotes.contains { $0.hasPrefix("speech_pred_prob_happy") && $0.contains("constant") })
        // The face's are not.
        #expect(report.pearson["img_pred_prob_happy", "img_pred_prob_sad"]! < -0.99)
        try expectRenders(report)
    }

    @Test func aConstantProbabilityVariable() throws {
        var table = randomTable(seed: 3, scenes: 30)
        for i in table.rows.indices { table.rows[i].imgProbabilities[2] = 0.125 }  // face fear constant
        let report = CorrelationStudy.run(table)
        let fear = "img_pred_prob_fear"
        for v in report.pearson.variables { #expect(report.pearson[fear, v]!.isNaN && report.pearsonP[fear, v]!.isNaN) }
        #expect(report.pearsonNotes == ["img_pred_prob_fear: is constant (the same in every scene), so its correlations are not defined"])
        #expect(!report.pearson["img_pred_prob_happy", "speech_pred_prob_happy"]!.isNaN)
        try expectRenders(report)
    }

    @Test func aClassNeverPredicted() throws {
        // The face never says disgust or fear; the voice never says angry.
        let img = ["happy", "sad", "neutral", "angry", "happy", "sad", "neutral", "angry", "happy", "sad"]
        let speech = ["sad", "happy", "neutral", "sad", "happy", "disgust", "fear", "neutral", "happy", "sad"]
        let rows = zip(img, speech).enumerated().map { row("s\($0.offset)", $0.element.0, $0.element.1, imgWeight: 0.4 + 0.03 * Double($0.offset)) }
        let report = CorrelationStudy.run(SceneTable(labels: sixLabels, rows: rows))
        #expect(report.chiSquare.droppedImgPred == ["disgust", "fear"])
        #expect(report.chiSquare.droppedSpeechPred == ["angry"])
        #expect(report.chiSquare.reason == nil)
        #expect(report.chiSquare.dof == (4 - 1) * (5 - 1))
        #expect(report.chiSquare.expected.count == 4 && report.chiSquare.expected[0].count == 5)
        #expect(!report.cramersV.isNaN)
        #expect(report.phi["img_pred_one_hot_disgust", "speech_pred_one_hot_sad"]!.isNaN)
        #expect(report.phiNotes.contains("img_pred_one_hot_disgust: is constant (never 1), so phi and the chi-square test are undefined"))
        #expect(report.phiNotes.contains("speech_pred_one_hot_angry: is constant (never 1), so phi and the chi-square test are undefined"))
        #expect(report.reading.contains { $0.contains("the face never predicted disgust and fear") && $0.contains("the voice never predicted angry") })
        // Matches Stats directly on the pruned table.
        let direct = chi2Contingency(table: report.chiSquare.counts.map { $0.map(Double.init) }, correction: true, dropEmpty: true)
        #expect(direct.statistic == report.chiSquare.statistic)
        try expectRenders(report)
    }

    @Test func nanAndMissingPredictionsAreLeftOutWithAReason() throws {
        var table = randomTable(seed: 11, scenes: 25)
        table.rows[0].imgProbabilities[1] = .nan
        table.rows[1].speechPred = nil
        table.rows[2].imgPred = nil
        table.rows[3].speechPred = "contempt"
        table.rows[4].speechProbabilities = [0.5, 0.5]
        let report = CorrelationStudy.run(table)
        #expect(report.scenes == 20 && report.scenesTotal == 25)
        let reasons = Dictionary(uniqueKeysWithValues: report.excluded.map { ($0.scene, $0.reason) })
        #expect(reasons["scene0"] == "the face probabilities contain NaN or infinity")
        #expect(reasons["scene1"] == "no voice prediction (no speech was classified)")
        #expect(reasons["scene2"] == "no face prediction (no face was classified)")
        #expect(reasons["scene3"] == "the voice prediction \"contempt\" is not one of the labels")
        #expect(reasons["scene4"] == "2 voice probabilities for 6 labels")
        #expect(report.pearson.matrix.flatMap { $0 }.allSatisfy { !$0.isNaN })
        #expect(report.sceneTable.count == 20)
        try expectRenders(report)
    }

    @Test func everySceneLeftOut() throws {
        let rows = [row("a", nil, "sad"), row("b", "happy", nil)]
        let report = CorrelationStudy.run(SceneTable(labels: sixLabels, rows: rows))
        #expect(report.scenes == 0 && report.excluded.count == 2)
        #expect(report.chiSquare.reason == "no scenes to analyse (all 2 were left out)")
        try expectRenders(report)
    }

    @Test func takesWithoutFaceOrSpeechFromTheAssembler() throws {
        let assembler = TakeAssembler(labels: sixLabels)
        let noFace = assembler.assemble(take: "noface.mp4", duration: 3, faceFrames: [], sampledTimes: [0, 1, 2], otherFaces: 0,
                                        voiceSegments: [VoiceEmotionSegment(start: 0, end: 2, emotion: "", probabilities: ["sad": 1])], settings: testSettings)
        let table = try SceneTable(analyses: [noFace])
        #expect(table.rows[0].imgPred == nil && table.rows[0].imgProbabilities.allSatisfy { $0.isNaN })
        #expect(table.rows[0].speechPred == "sad")
        let report = CorrelationStudy.run(table)
        #expect(report.excluded.map(\.scene) == ["noface.mp4"])
        try expectRenders(report)
    }

    @Test func takesOverDifferentLabelSetsAreRefusedUnlessLabelsAreImposed() throws {
        let a = TakeAssembler(labels: sixLabels).assemble(
            take: "a.mp4", duration: 2, faceFrames: [FaceFrame(t: 0, box: [0, 0, 1, 1], probabilities: ["happy": 1])], sampledTimes: [0],
            otherFaces: 0, voiceSegments: [VoiceEmotionSegment(start: 0, end: 2, emotion: "", probabilities: ["sad": 1])], settings: testSettings)
        let seven = sixLabels + ["surprise"]
        let b = TakeAssembler(labels: seven).assemble(
            take: "b.mp4", duration: 2, faceFrames: [FaceFrame(t: 0, box: [0, 0, 1, 1], probabilities: ["surprise": 0.6, "happy": 0.4])], sampledTimes: [0],
            otherFaces: 0, voiceSegments: [VoiceEmotionSegment(start: 0, end: 2, emotion: "", probabilities: ["sad": 1])], settings: testSettings)
        #expect(throws: CorrelationError.mixedLabels(take: "b.mp4", labels: seven, expected: sixLabels)) { try SceneTable(analyses: [a, b]) }
        let table = try SceneTable(analyses: [a, b], labels: seven)
        #expect(table.rows[0].imgProbabilities == [0, 0, 0, 1, 0, 0, 0])
        #expect(table.rows[1].imgPred == "surprise")
    }
}
