import Datasets
import Director
import Foundation
import Stats

/// `takesense evaluate scenes`: how well the analysis does on scenes whose face and voice
/// emotions are known (a ``FaceVoiceManifest``, e.g. the congruence benchmark).
///
/// - **Face only / voice only:** accuracy and macro-F1 of the face's top emotion against
///   `face_label`, and of the voice's against `voice_label` (scikit-learn's definitions, over the
///   classes that occur as truth or prediction, in the analysis labels' order). A scene without a
///   face (or speech) prediction counts as wrong: it lowers its class's recall, and is no class's
///   false positive.
/// - **Verdict:** a congruent scene (face label = voice label) should be kept, an incongruent one
///   retaken. For each group: how many were kept, retaken and unsure; `accuracy` is the share of
///   *decided* scenes (keep or retake) whose verdict is the expected one — unsure verdicts are
///   counted separately (`unsure`, `unsure_rate`), not as errors; `accuracy_all` counts them as
///   errors.
public struct SceneEvaluation: Sendable, Equatable, Codable {
    /// One modality's scores.
    public struct ModalityScore: Sendable, Equatable, Codable {
        public var scenes: Int
        /// Scenes without a prediction (no face found / no speech).
        public var missing: Int
        @NaNAsNull public var accuracy: Double
        @NaNAsNull public var macroF1: Double
        public var classes: [ClassMetrics]
        public var confusionMatrix: ConfusionMatrix
        public var text: String

        enum CodingKeys: String, CodingKey {
            case scenes, missing, accuracy, classes, text
            case macroF1 = "macro_f1", confusionMatrix = "confusion_matrix"
        }
    }

    /// Verdicts of one group of scenes.
    public struct VerdictScore: Sendable, Equatable, Codable {
        /// The decision expected for this group (`keep` for congruent, `retake` for incongruent;
        /// nil for the overall line).
        public var expected: String?
        public var scenes: Int
        public var keep: Int
        public var retake: Int
        public var unsure: Int
        /// Decided scenes whose verdict is the expected one.
        public var correct: Int
        /// correct / (keep + retake); NaN (null) when nothing was decided.
        @NaNAsNull public var accuracy: Double
        /// correct / scenes (unsure counted as wrong); NaN (null) without scenes.
        @NaNAsNull public var accuracyAll: Double
        /// unsure / scenes; NaN (null) without scenes.
        @NaNAsNull public var unsureRate: Double

        enum CodingKeys: String, CodingKey {
            case expected, scenes, keep, retake, unsure, correct, accuracy
            case accuracyAll = "accuracy_all", unsureRate = "unsure_rate"
        }
    }

    /// One scene's outcome.
    public struct Item: Sendable, Equatable, Codable {
        public var path: String
        public var faceLabel: String
        public var voiceLabel: String
        public var facePred: String?
        public var voicePred: String?
        public var congruent: Bool
        public var expected: String
        public var decision: String
        /// Whether the verdict is the expected one; nil when unsure.
        public var correct: Bool?
        public var reasons: [String]

        enum CodingKeys: String, CodingKey {
            case path, congruent, expected, decision, correct, reasons
            case faceLabel = "face_label", voiceLabel = "voice_label", facePred = "face_pred", voicePred = "voice_pred"
        }
    }

    public var scenes: Int
    public var face: ModalityScore
    public var voice: ModalityScore
    public var congruent: VerdictScore
    public var incongruent: VerdictScore
    public var overall: VerdictScore
    /// Mean of the congruent and incongruent groups' `accuracy` (decided scenes only); NaN when a group decided nothing.
    @NaNAsNull public var balancedAccuracy: Double
    /// Mean of the two groups' `accuracy_all` (unsure counted as wrong).
    @NaNAsNull public var balancedAccuracyAll: Double
    /// Share of scenes decided (keep or retake).
    @NaNAsNull public var decidedShare: Double
    /// ROC AUC of `congruence.probability` (and of `congruence.score`) for telling congruent from incongruent
    /// scenes, over the scenes that have one; NaN without both kinds.
    @NaNAsNull public var rocAUCProbability: Double
    @NaNAsNull public var rocAUCScore: Double
    public var items: [Item]

    enum CodingKeys: String, CodingKey {
        case scenes, face, voice, congruent, incongruent, overall, items
        case balancedAccuracy = "balanced_accuracy", balancedAccuracyAll = "balanced_accuracy_all", decidedShare = "decided_share"
        case rocAUCProbability = "roc_auc_probability", rocAUCScore = "roc_auc_score"
    }

    /// Scores `pairs` of manifest scenes and their analyses.
    public static func run(_ pairs: [(scene: LabelledScene, analysis: TakeAnalysis)]) -> SceneEvaluation {
        let none = "none"
        let order = orderedUnion(pairs.first?.analysis.labels ?? [], pairs.flatMap { [$0.scene.faceLabel.rawValue, $0.scene.voiceLabel.rawValue] })
        func score(truth: [String], predicted: [String?]) -> ModalityScore {
            let p = predicted.map { $0 ?? none }
            // The classes present (as truth or prediction), like scikit-learn's default; "none" is not a class.
            let present = Set(truth).union(predicted.compactMap { $0 })
            let labels = orderedUnion(order, predicted.compactMap { $0 }).filter(present.contains)
            let report = (try? classificationReport(yTrue: truth, yPred: p, labels: labels))
            let confusion = (try? confusionMatrix(yTrue: truth, yPred: p, labels: labels)) ?? ConfusionMatrix(labels: labels, counts: [])
            let correct = zip(truth, p).filter { $0 == $1 }.count
            return ModalityScore(
                scenes: truth.count, missing: predicted.filter { $0 == nil }.count,
                accuracy: truth.isEmpty ? .nan : Double(correct) / Double(truth.count),
                macroF1: truth.isEmpty ? .nan : report?.macroAverage.f1 ?? .nan,
                classes: report?.classes ?? [], confusionMatrix: confusion, text: report?.text() ?? "")
        }
        let face = score(truth: pairs.map { $0.scene.faceLabel.rawValue }, predicted: pairs.map { $0.analysis.face.emotion })
        let voice = score(truth: pairs.map { $0.scene.voiceLabel.rawValue }, predicted: pairs.map { $0.analysis.voice.emotion })

        var items: [Item] = []
        for (scene, analysis) in pairs {
            let expected: Verdict.Decision = scene.congruent ? .keep : .retake
            let decision = analysis.verdict.decision
            items.append(Item(
                path: scene.path, faceLabel: scene.faceLabel.rawValue, voiceLabel: scene.voiceLabel.rawValue,
                facePred: analysis.face.emotion, voicePred: analysis.voice.emotion, congruent: scene.congruent,
                expected: expected.rawValue, decision: decision.rawValue,
                correct: decision == .unsure ? nil : decision == expected, reasons: analysis.verdict.reasons))
        }
        func verdicts(_ group: [Item], expected: String?) -> VerdictScore {
            let keep = group.filter { $0.decision == "keep" }.count
            let retake = group.filter { $0.decision == "retake" }.count
            let unsure = group.filter { $0.decision == "unsure" }.count
            let correct = group.filter { $0.correct == true }.count
            let decided = keep + retake
            return VerdictScore(
                expected: expected, scenes: group.count, keep: keep, retake: retake, unsure: unsure, correct: correct,
                accuracy: decided == 0 ? .nan : Double(correct) / Double(decided),
                accuracyAll: group.isEmpty ? .nan : Double(correct) / Double(group.count),
                unsureRate: group.isEmpty ? .nan : Double(unsure) / Double(group.count))
        }
        let congruent = verdicts(items.filter(\.congruent), expected: "keep")
        let incongruent = verdicts(items.filter { !$0.congruent }, expected: "retake")
        let overall = verdicts(items, expected: nil)
        func auc(_ value: (TakeAnalysis) -> Double?) -> Double {
            let scored = pairs.compactMap { p in value(p.analysis).map { ($0, p.scene.congruent) } }
            let r = rocAUC(scores: scored.map(\.0), positives: scored.map(\.1))
            return r.isValid ? r.value : .nan
        }
        return SceneEvaluation(
            scenes: pairs.count, face: face, voice: voice, congruent: congruent, incongruent: incongruent, overall: overall,
            balancedAccuracy: (congruent.accuracy + incongruent.accuracy) / 2,
            balancedAccuracyAll: (congruent.accuracyAll + incongruent.accuracyAll) / 2,
            decidedShare: pairs.isEmpty ? .nan : Double(overall.keep + overall.retake) / Double(pairs.count),
            rocAUCProbability: auc { $0.congruence.probability }, rocAUCScore: auc { $0.congruence.score },
            items: items)
    }

    static func orderedUnion(_ a: [String], _ b: [String]) -> [String] {
        var out = a
        for x in b where !out.contains(x) { out.append(x) }
        return out
    }

    /// Pretty-printed JSON with sorted keys.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// The terminal summary.
    public var text: String {
        func pct(_ v: Double) -> String { v.isFinite ? String(format: "%.1f%%", v * 100) : "n/a" }
        func f3(_ v: Double) -> String { v.isFinite ? String(format: "%.3f", v) : "n/a" }
        var s = "Scene evaluation: \(scenes) scene\(scenes == 1 ? "" : "s") (\(congruent.scenes) congruent, \(incongruent.scenes) incongruent)\n\n"
        s +=
            "Face only:  accuracy \(f3(face.accuracy)), macro-F1 \(f3(face.macroF1))"
            + (face.missing > 0 ? " (\(face.missing) without a face prediction, counted wrong)" : "") + "\n"
        s +=
            "Voice only: accuracy \(f3(voice.accuracy)), macro-F1 \(f3(voice.macroF1))"
            + (voice.missing > 0 ? " (\(voice.missing) without a voice prediction, counted wrong)" : "") + "\n\n"
        s += "Verdict             scenes  keep  retake  unsure  accuracy (decided)  accuracy (all)  unsure\n"
        for (name, v) in [("congruent → keep", congruent), ("incongruent → retake", incongruent), ("overall", overall)] {
            s += name.padding(toLength: 20, withPad: " ", startingAt: 0)
            s += String(format: "%6d  %4d  %6d  %6d  ", v.scenes, v.keep, v.retake, v.unsure)
            s += pct(v.accuracy).leftPadded(18) + "  " + pct(v.accuracyAll).leftPadded(14) + "  " + pct(v.unsureRate).leftPadded(6) + "\n"
        }
        s += "\naccuracy (decided) leaves unsure verdicts out; accuracy (all) counts them as wrong.\n"
        s += "Balanced accuracy \(f3(balancedAccuracy)) on the \(pct(decidedShare)) decided (\(f3(balancedAccuracyAll)) counting unsure as wrong); "
            + "ROC AUC of congruence.probability \(f3(rocAUCProbability)), of congruence.score \(f3(rocAUCScore))\n"
        if !face.text.isEmpty { s += "\nFace against face_label:\n" + face.text }
        if !voice.text.isEmpty { s += "\nVoice against voice_label:\n" + voice.text }
        let wrong = items.filter { $0.correct == false }
        if !wrong.isEmpty {
            s += "\nWrong verdicts:\n"
            for i in wrong.prefix(20) { s += "  \(i.path): expected \(i.expected), got \(i.decision)" + (i.reasons.first.map { " (\($0))" } ?? "") + "\n" }
            if wrong.count > 20 { s += "  ... and \(wrong.count - 20) more\n" }
        }
        return s
    }
}

private extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
