import Datasets
import Director
import Foundation
import Testing

@testable import Correlation
@testable import Reports

@Suite("evaluate scenes")
struct SceneEvaluationTests {
    /// A take whose face leans towards `face` and voice towards `voice` (nil: no face / no speech).
    static func take(_ name: String, face: String?, voice: String?, weight: Double = 0.85) -> TakeAnalysis {
        let frames =
            face.map { f in
                (0..<6).map {
                    FaceFrame(t: Double($0) * 0.5, box: [0, 0, 10, 10], probabilities: Distributions.dictionary(leaning(f, weight), labels: sixLabels))
                }
            } ?? []
        let segments =
            voice.map { v in
                [VoiceEmotionSegment(start: 0, end: 2.5, emotion: "", probabilities: Distributions.dictionary(leaning(v, weight), labels: sixLabels))]
            } ?? []
        return TakeAssembler(labels: sixLabels).assemble(take: name, duration: 3, faceFrames: frames, sampledTimes: (0..<6).map { Double($0) * 0.5 },
                                                         otherFaces: 0, voiceSegments: segments, settings: testSettings)
    }

    @Test func scoresModalitiesAndVerdicts() throws {
        let dir = TempDir()
        defer { dir.remove() }
        let manifest = dir.file("bench/scenes.csv", """
        path,face_label,voice_label
        c1.mp4,happy,happy
        c2.mp4,sad,sad
        c3.mp4,angry,angry
        i1.mp4,happy,sad
        i2.mp4,angry,neutral
        i3.mp4,fear,happy
        """)
        let scenes = try FaceVoiceManifest.load(path: manifest)
        let analyses = [
            Self.take("c1.mp4", face: "happy", voice: "happy"),     // keep, right
            Self.take("c2.mp4", face: "sad", voice: "sad"),         // keep, right
            Self.take("c3.mp4", face: "angry", voice: nil),         // unsure (no speech)
            Self.take("i1.mp4", face: "happy", voice: "sad"),       // retake, right
            Self.take("i2.mp4", face: "angry", voice: "angry"),     // keep, wrong; voice wrong
            Self.take("i3.mp4", face: "fear", voice: "happy"),      // retake, right
        ]
        #expect(analyses.map(\.verdict.decision) == [.keep, .keep, .unsure, .retake, .keep, .retake])
        let evaluation = SceneEvaluation.run(Array(zip(scenes, analyses)).map { (scene: $0.0, analysis: $0.1) })

        #expect(evaluation.scenes == 6)
        #expect(evaluation.face.accuracy == 1)
        #expect(evaluation.face.missing == 0)
        #expect(evaluation.voice.missing == 1)
        #expect(close(evaluation.voice.accuracy, 4.0 / 6))
        #expect(evaluation.face.macroF1 == 1)

        let c = evaluation.congruent
        #expect((c.expected, c.scenes, c.keep, c.retake, c.unsure, c.correct) == ("keep", 3, 2, 0, 1, 2))
        #expect(c.accuracy == 1)                        // 2 of 2 decided
        #expect(close(c.accuracyAll, 2.0 / 3))          // unsure counted as wrong
        #expect(close(c.unsureRate, 1.0 / 3))
        let i = evaluation.incongruent
        #expect((i.expected, i.scenes, i.keep, i.retake, i.unsure, i.correct) == ("retake", 3, 1, 2, 0, 2))
        #expect(close(i.accuracy, 2.0 / 3))
        #expect(close(evaluation.overall.accuracy, 4.0 / 5))
        #expect(evaluation.items.map(\.correct) == [true, true, nil, true, false, true])
        // Balanced accuracy over the decided (mean of 2/2 and 2/3), counting unsure as wrong (2/3 and 2/3); 5 of 6 decided.
        #expect(close(evaluation.balancedAccuracy, (1 + 2.0 / 3) / 2))
        #expect(close(evaluation.balancedAccuracyAll, 2.0 / 3))
        #expect(close(evaluation.decidedShare, 5.0 / 6))
        // ROC AUC of the probability over the five scenes that have one: the pairwise definition.
        var pairs = 0.0, wins = 0.0
        for a in analyses.indices where [0, 1].contains(a) {
            for b in [3, 4, 5] {
                let x = analyses[a].congruence.probability!, y = analyses[b].congruence.probability!
                wins += x > y ? 1 : x == y ? 0.5 : 0
                pairs += 1
            }
        }
        #expect(close(evaluation.rocAUCProbability, wins / pairs))
        #expect(analyses[2].congruence.probability == nil)

        let text = evaluation.text
        #expect(text.contains("congruent → keep"))
        #expect(text.contains("i2.mp4: expected retake, got keep"))
        let json = try JSONSerialization.jsonObject(with: try evaluation.jsonData()) as? [String: Any]
        #expect((json?["congruent"] as? [String: Any])?["accuracy_all"] != nil)
        #expect((json?["face"] as? [String: Any])?["macro_f1"] as? Double == 1)
        #expect(try JSONDecoder().decode(SceneEvaluation.self, from: try evaluation.jsonData()) == evaluation)
    }

    @Test func emptyAndOneSidedSetsGiveNaNNotATrap() throws {
        let empty = SceneEvaluation.run([])
        #expect(empty.scenes == 0 && empty.face.accuracy.isNaN && empty.congruent.accuracy.isNaN)
        _ = try empty.jsonData()
        #expect(!empty.text.isEmpty)
        let onlyUnsure = SceneEvaluation.run([
            (scene: LabelledScene(path: "a.mp4", faceLabel: .happy, voiceLabel: .happy), analysis: Self.take("a.mp4", face: nil, voice: nil))
        ])
        #expect(onlyUnsure.congruent.unsure == 1 && onlyUnsure.congruent.accuracy.isNaN && onlyUnsure.congruent.accuracyAll == 0)
        #expect(onlyUnsure.incongruent.scenes == 0 && onlyUnsure.incongruent.unsureRate.isNaN)
        _ = try onlyUnsure.jsonData()
    }
}
