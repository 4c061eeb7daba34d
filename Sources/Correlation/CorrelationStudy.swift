import Foundation
import Stats

/// The study's correlation analysis over many analysed takes: how the face classifier's and the
/// voice classifier's predictions relate.
///
/// 1. **Chi-square test of independence** of `img_pred` × `speech_pred` (each modality's top
///    emotion per scene), after dropping the emotions a modality never predicted (empty rows or
///    columns, which make the test undefined).
/// 2. **Cramér's V** of that table, plain and bias-corrected (Bergsma).
/// 3. **phi** and **pairwise chi-square p-values** of the 12 one-hot variables
///    (`img_pred_one_hot_<emotion>`, `speech_pred_one_hot_<emotion>`): the signed association the
///    study plotted under the name "Cramér's V".
/// 4. **Pearson's r** and p-values of the 12 probability variables
///    (`img_pred_prob_<emotion>`, `speech_pred_prob_<emotion>`).
/// 5. With ground truth, each modality's **classification report** and **confusion matrix**.
///
/// Scenes without a face or voice prediction, or with non-finite probabilities, are left out of
/// everything (listed in `excluded` with the reason), so all numbers come from the same scenes.
/// Nothing here traps: whatever cannot be computed (one scene, a constant variable, a class never
/// predicted) is NaN with a reason. Every statistic is the Stats module's, which matches scipy.
public enum CorrelationStudy {
    /// Variable name of a one-hot prediction: `img_pred_one_hot_happy`.
    public static func oneHotName(_ modality: Modality, _ label: String) -> String { "\(modality.rawValue)_one_hot_\(label)" }
    /// Variable name of a probability: `speech_pred_prob_sad`.
    public static func probabilityName(_ modality: Modality, _ label: String) -> String { "\(modality.rawValue)_prob_\(label)" }

    /// The two classifiers, by the study's variable prefixes.
    public enum Modality: String, Sendable, CaseIterable, Codable {
        case img = "img_pred"
        case speech = "speech_pred"

        /// "face" / "voice".
        public var plain: String { self == .img ? "face" : "voice" }
    }

    public static func run(_ table: SceneTable, options: CorrelationOptions = .init()) -> CorrelationReport {
        let labels = table.labels
        var excluded: [ExcludedScene] = []
        var rows: [SceneRow] = []
        for row in table.rows {
            if let reason = table.exclusionReason(row) {
                excluded.append(ExcludedScene(scene: row.scene, reason: reason))
            } else {
                rows.append(row)
            }
        }
        let img = rows.map { $0.imgPred! }
        let speech = rows.map { $0.speechPred! }

        // 1-2. Contingency table, chi-square, Cramér's V.
        let contingency = (try? ContingencyTable(rowValues: img, columnValues: speech, rowLabels: labels, columnLabels: labels))
            ?? ContingencyTable(counts: [], rowLabels: labels, columnLabels: labels)
        let pruned = contingency.droppingEmptyRowsAndColumns()
        var test = chi2Contingency(table: contingency.counts, correction: options.yatesCorrection, dropEmpty: true)
        if rows.isEmpty { test.reason = "no scenes to analyse" + (excluded.isEmpty ? "" : " (all \(excluded.count) were left out)") }
        let chi = ChiSquareSummary(
            statistic: test.statistic, dof: test.dof, pValue: test.pValue, correctionApplied: test.correctionApplied,
            rows: labels, columns: labels, counts: contingency.counts.map { $0.map { Int($0) } },
            droppedImgPred: rows.isEmpty ? [] : pruned.droppedRowLabels, droppedSpeechPred: rows.isEmpty ? [] : pruned.droppedColumnLabels,
            expected: test.expected, reason: test.reason)
        let v = rows.isEmpty ? AssociationResult(value: .nan, reason: "Cramér's V is undefined: no scenes to analyse")
            : cramersV(contingency.counts, dropEmpty: true)
        let vCorrected = rows.isEmpty ? AssociationResult(value: .nan, reason: "bias-corrected Cramér's V is undefined: no scenes to analyse")
            : cramersVBiasCorrected(contingency.counts, dropEmpty: true)

        // 3. One-hot phi and pairwise p-values.
        let oneHot = oneHotEncode(img, categories: labels, prefix: Modality.img.rawValue + "_one_hot_")
            + oneHotEncode(speech, categories: labels, prefix: Modality.speech.rawValue + "_one_hot_")
        let phi = phiMatrix(oneHot, yatesCorrection: options.yatesCorrection)

        // 4. Pearson on probabilities.
        let probabilities = labels.indices.map { k in
            NamedVariable(name: probabilityName(.img, labels[k]), values: rows.map { $0.imgProbabilities[k] })
        } + labels.indices.map { k in
            NamedVariable(name: probabilityName(.speech, labels[k]), values: rows.map { $0.speechProbabilities[k] })
        }
        let pearson = pearsonMatrix(probabilities)

        // 5. Ground truth.
        let classification = classify(rows, labels: labels)

        var report = CorrelationReport(
            labels: labels, scenes: rows.count, scenesTotal: table.rows.count, excluded: excluded, options: options,
            chiSquare: chi, cramersV: v.value, cramersVReason: v.reason, cramersVCorrected: vCorrected.value,
            cramersVCorrectedReason: vCorrected.reason,
            phi: phi.coefficients, pairwiseP: phi.pValues, phiNotes: phi.notes,
            pearson: pearson.coefficients, pearsonP: pearson.pValues, pearsonNotes: pearson.notes.map(plainNote),
            classification: classification, reading: [], sceneTable: rows)
        report.reading = CorrelationReading.sentences(report)
        return report
    }

    /// Stats words a constant variable's diagonal note as a pair ("x and y are constant"); say it of the variable.
    static func plainNote(_ note: String) -> String {
        guard let colon = note.range(of: ": "), !note[..<colon.lowerBound].contains(" × "),
              note[colon.upperBound...].hasPrefix("x and y are constant") else { return note }
        return note[..<colon.lowerBound] + ": is constant (the same in every scene), so its correlations are not defined"
    }

    static func classify(_ rows: [SceneRow], labels: [String]) -> ClassificationSection? {
        let withTruth = rows.filter { $0.truth != nil }
        guard !withTruth.isEmpty else { return nil }
        let scored = withTruth.filter { labels.contains($0.truth!) }
        let leftOut = withTruth.filter { !labels.contains($0.truth!) }.map {
            ExcludedScene(scene: $0.scene, reason: "its ground truth \"\($0.truth!)\" is not one of the labels (\(labels.joined(separator: ", ")))")
        }
        let truth = scored.map { $0.truth! }
        func summary(_ modality: Modality, _ predicted: [String]) -> ClassificationSummary {
            // The report covers the classes present as truth or prediction (scikit-learn's default, so a
            // class that never occurs does not drag the macro average down); the confusion matrix shows
            // every label. The inputs have equal lengths, so neither call can throw.
            let present = Set(truth).union(predicted)
            let report = (try? classificationReport(yTrue: truth, yPred: predicted, labels: labels.filter(present.contains)))
                ?? ClassificationReport(classes: [], microAverage: .init(precision: 0, recall: 0, f1: 0, support: 0),
                                        macroAverage: .init(precision: 0, recall: 0, f1: 0, support: 0),
                                        weightedAverage: .init(precision: 0, recall: 0, f1: 0, support: 0), microIsAccuracy: true)
            let confusion = (try? confusionMatrix(yTrue: truth, yPred: predicted, labels: labels)) ?? ConfusionMatrix(labels: labels, counts: [])
            let accuracy = (try? accuracyScore(yTrue: truth, yPred: predicted)) ?? 0
            return ClassificationSummary(
                variable: modality.rawValue, accuracy: accuracy, macroF1: report.macroAverage.f1, weightedF1: report.weightedAverage.f1,
                classes: report.classes, macroAverage: report.macroAverage, weightedAverage: report.weightedAverage,
                confusionMatrix: confusion, text: report.text())
        }
        return ClassificationSection(
            scenes: scored.count, leftOut: leftOut,
            imgPred: summary(.img, scored.map { $0.imgPred! }),
            speechPred: summary(.speech, scored.map { $0.speechPred! }))
    }
}
