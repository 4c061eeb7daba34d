import Correlation
import Foundation
import Mustache
import Stats

/// A self-contained HTML report of a correlation study: the plain-language reading, the headline
/// numbers, and heatmaps drawn as inline SVG (no script, no external file):
///
/// - the img_pred × speech_pred contingency table (sequential scale of counts);
/// - phi and Pearson's r (diverging blue–white–red scale over [-1, 1]);
/// - their p-values (sequential scale of −log10 p: the darker, the smaller p; bold below alpha);
/// - with ground truth, each modality's confusion matrix and classification report.
///
/// Every cell shows its value; undefined (NaN) cells are grey and marked "n/a", with the reasons
/// listed under the figure. Variables are grouped by modality (face = `img_pred_*`,
/// voice = `speech_pred_*`) with the emotion as the cell label, and each cell's tooltip gives the
/// full variable names. All text from the input (scene names, labels) is HTML-escaped.
public enum CorrelationHTML {
    public static func render(_ report: CorrelationReport, title: String = "TakeSense: how face and voice predictions relate") -> String {
        // The template is a constant: a parse error is a bug of this file, caught by every test that renders.
        guard let template = try? MustacheTemplate(string: CorrelationHTMLTemplate.page) else {
            preconditionFailure("CorrelationHTMLTemplate.page is not a valid Mustache template")
        }
        return template.render(page(report, title: title))
    }

    // MARK: - View model (plain strings; the template escapes them, except the heatmaps' SVG)

    struct Page {
        var title: String
        var scenes: Int
        var scenesPlural: String
        var leftOutNote: String
        var labelList: String
        var yates: String
        var yatesCorrection: Bool
        var alpha: String
        var reading: [Line]
        var numbers: [Row]
        var contingency: String
        var phiExplanation: String
        var phi: String
        var pairwiseP: String
        var pairwisePExplanation: String
        var phiNotes: [Notes]
        var pearsonExplanation: String
        var pearson: String
        var pearsonP: String
        var pearsonNotes: [Notes]
        var classification: [Classification]
        var measures: [Term]
        var hasExcluded: Bool
        var excluded: [Excluded]
        var sceneCount: Int
        var tableLabels: [String]
        var sceneRows: [SceneRowView]
    }
    struct Line { var lead: Bool, text: String }
    struct Row { var name: String, value: String }
    struct Notes { var count: Int, plural: String, items: [String] }
    struct Classification { var scenes: Int, plural: String, modalities: [Modality], leftOut: [String] }
    struct Modality {
        var heatmap: String, who: String, accuracy: String, macroF1: String, support: Int
        var classes: [ClassRow], macro: [ClassRow], weighted: [ClassRow]
    }
    struct ClassRow { var label: String, precision: String, recall: String, f1: String, support: Int }
    struct Term { var term: String, text: String }
    struct Excluded { var scene: String, reason: String }
    struct SceneRowView { var scene: String, imgPred: String, speechPred: String, probabilities: [String], truth: String }

    static func page(_ report: CorrelationReport, title: String) -> Page {
        let alpha = report.options.alpha
        let c = report.chiSquare
        let dimmedRows = Set(c.droppedImgPred.compactMap { c.rows.firstIndex(of: $0) })
        let dimmedColumns = Set(c.droppedSpeechPred.compactMap { c.columns.firstIndex(of: $0) })
        let maxCount = Double(c.counts.flatMap { $0 }.max() ?? 0)
        let contingency = Heatmap.svg(
            rows: Heatmap.Axis(labels: c.rows, title: "face (img_pred)", dimmed: dimmedRows),
            columns: Heatmap.Axis(labels: c.columns, title: "voice (speech_pred)", dimmed: dimmedColumns),
            values: c.counts.map { $0.map(Double.init) }, scale: .counts(max: maxCount),
            text: { String(Int($0)) }, tooltip: { i, j, v in "face \(c.rows[i]), voice \(c.columns[j]): \(Int(v)) scene\(Int(v) == 1 ? "" : "s")" })
        let coefficient = { (v: Double) in NumberText.coefficient(v) }
        let e = report.explanation
        let measures = [("Chi-square test", e.chiSquare), ("phi (not Cramér's V)", e.phi), ("Cramér's V", e.cramersV), ("pairwise_p", e.pairwiseP),
                        ("Pearson's r", e.pearson)].map { Term(term: $0.0, text: $0.1) }
        return Page(
            title: title, scenes: report.scenes, scenesPlural: report.scenes == 1 ? "" : "s",
            leftOutNote: report.excluded.isEmpty ? "" : " (\(report.excluded.count) of \(report.scenesTotal) left out)",
            labelList: report.labels.joined(separator: ", "), yates: report.options.yatesCorrection ? "on" : "off",
            yatesCorrection: report.options.yatesCorrection, alpha: NumberText.alpha(alpha),
            reading: report.reading.enumerated().map { Line(lead: $0.offset == 0, text: $0.element) },
            numbers: numbers(report).map { Row(name: $0.0, value: $0.1) },
            contingency: contingency,
            phiExplanation: e.phi,
            phi: matrixHeatmap(report.phi, kind: "one_hot", scale: .diverging, text: coefficient, pValues: report.pairwiseP, alpha: alpha),
            pairwiseP: matrixHeatmap(report.pairwiseP, kind: "one_hot", scale: .pValue(alpha: alpha), text: compactP, pValues: report.pairwiseP, alpha: alpha),
            pairwisePExplanation: e.pairwiseP, phiNotes: notes(report.phiNotes),
            pearsonExplanation: e.pearson,
            pearson: matrixHeatmap(report.pearson, kind: "prob", scale: .diverging, text: coefficient, pValues: report.pearsonP, alpha: alpha),
            pearsonP: matrixHeatmap(report.pearsonP, kind: "prob", scale: .pValue(alpha: alpha), text: compactP, pValues: report.pearsonP, alpha: alpha),
            pearsonNotes: notes(report.pearsonNotes),
            classification: report.classification.map { [classification($0)] } ?? [],
            measures: measures, hasExcluded: !report.excluded.isEmpty,
            excluded: report.excluded.map { Excluded(scene: $0.scene, reason: $0.reason) },
            sceneCount: report.sceneTable.count, tableLabels: report.labels,
            sceneRows: report.sceneTable.map { row in
                SceneRowView(scene: row.scene, imgPred: row.imgPred ?? "", speechPred: row.speechPred ?? "",
                             probabilities: (row.imgProbabilities + row.speechProbabilities).map { String(format: "%.3f", $0) }, truth: row.truth ?? "")
            })
    }

    static func classification(_ cls: ClassificationSection) -> Classification {
        let modalities = [cls.imgPred, cls.speechPred].map { m -> Modality in
            let cm = m.confusionMatrix
            let maxCell = Double(cm.counts.flatMap { $0 }.max() ?? 0)
            let who = m.variable == "img_pred" ? "face (img_pred)" : "voice (speech_pred)"
            let heatmap = Heatmap.svg(
                rows: Heatmap.Axis(labels: cm.labels, title: "truth"), columns: Heatmap.Axis(labels: cm.labels, title: who),
                values: cm.counts.map { $0.map(Double.init) }, scale: .counts(max: maxCell), text: { String(Int($0)) },
                tooltip: { i, j, v in "truth \(cm.labels[i]), \(who) \(cm.labels[j]): \(Int(v))" })
            func row(_ label: String, _ a: AveragedMetrics) -> ClassRow {
                ClassRow(label: label, precision: f2(a.precision), recall: f2(a.recall), f1: f2(a.f1), support: a.support)
            }
            return Modality(
                heatmap: heatmap, who: who, accuracy: f2(m.accuracy), macroF1: f2(m.macroF1), support: m.macroAverage.support,
                classes: m.classes.map { ClassRow(label: $0.label, precision: f2($0.precision), recall: f2($0.recall), f1: f2($0.f1), support: $0.support) },
                macro: [row("macro avg", m.macroAverage)], weighted: [row("weighted avg", m.weightedAverage)])
        }
        let leftOut = cls.leftOut.map { "\($0.scene): \($0.reason)" }.joined(separator: "; ")
        return Classification(scenes: cls.scenes, plural: cls.scenes == 1 ? "" : "s", modalities: modalities, leftOut: leftOut.isEmpty ? [] : [leftOut])
    }

    /// The headline numbers: (name, value) rows.
    static func numbers(_ r: CorrelationReport) -> [(String, String)] {
        let c = r.chiSquare
        var rows: [(String, String)] = []
        rows.append(("Scenes", "\(r.scenes)" + (r.excluded.isEmpty ? "" : " of \(r.scenesTotal)")))
        if let reason = c.reason {
            rows.append(("Chi-square test", "undefined: " + reason))
        } else {
            rows.append(("Chi-square test", "chi2 = \(NumberText.statistic(c.statistic)), dof = \(c.dof), p = \(NumberText.p(c.pValue))"
                + (c.correctionApplied ? " (Yates-corrected)" : "")))
        }
        if !c.droppedImgPred.isEmpty { rows.append(("Never predicted by the face", c.droppedImgPred.joined(separator: ", ") + " (dropped)")) }
        if !c.droppedSpeechPred.isEmpty { rows.append(("Never predicted by the voice", c.droppedSpeechPred.joined(separator: ", ") + " (dropped)")) }
        rows.append(("Cramér's V", r.cramersVReason.map { "undefined: " + CorrelationReading.strip($0, prefix: "Cramér's V is undefined: ") }
            ?? String(format: "%.3f (%@)", r.cramersV, CorrelationReading.strength(r.cramersV))))
        let correctedPrefix = "bias-corrected Cramér's V is undefined: "
        rows.append(
            (
                "Cramér's V, bias-corrected (Bergsma)",
                r.cramersVCorrectedReason.map { "undefined: " + CorrelationReading.strip($0, prefix: correctedPrefix) }
            ?? String(format: "%.3f (%@)", r.cramersVCorrected, CorrelationReading.strength(r.cramersVCorrected))))
        if let cls = r.classification {
            rows.append(("Face accuracy / macro-F1", String(format: "%.3f / %.3f", cls.imgPred.accuracy, cls.imgPred.macroF1)))
            rows.append(("Voice accuracy / macro-F1", String(format: "%.3f / %.3f", cls.speechPred.accuracy, cls.speechPred.macroF1)))
        }
        return rows
    }

    /// The undefined-cells note under a figure: none when every cell is defined.
    static func notes(_ notes: [String]) -> [Notes] {
        notes.isEmpty ? [] : [Notes(count: notes.count, plural: notes.count == 1 ? "" : "s", items: notes)]
    }

    static func f2(_ v: Double) -> String { String(format: "%.2f", v) }

    /// A p-value short enough for a cell: "0.55", "0.049", "0.003", "<.001", "n/a".
    static func compactP(_ p: Double) -> String {
        guard p.isFinite else { return "n/a" }
        if p < 0.001 { return "<.001" }
        return p >= 0.1 ? String(format: "%.2f", p) : String(format: "%.3f", p)
    }

    // MARK: - Heatmaps (drawn by the shared `Heatmap`)

    /// A 12 × 12 (or any) study matrix, with variables grouped by modality prefix.
    static func matrixHeatmap(_ m: LabelledMatrix, kind: String, scale: Heatmap.Scale, text: @escaping (Double) -> String,
                              pValues: LabelledMatrix, alpha: Double) -> String {
        // Group consecutive variables by prefix: img_pred_<kind>_ → face, speech_pred_<kind>_ → voice.
        var groups: [(name: String, count: Int)] = []
        var short: [String] = []
        for v in m.variables {
            var name = "other"
            var label = v
            for (prefix, title) in [("img_pred_\(kind)_", "face (img_pred)"), ("speech_pred_\(kind)_", "voice (speech_pred)")] where v.hasPrefix(prefix) {
                name = title
                label = String(v.dropFirst(prefix.count))
            }
            short.append(label)
            if groups.last?.name == name { groups[groups.count - 1].count += 1 } else { groups.append((name, 1)) }
        }
        let axis = Heatmap.Axis(labels: short, title: "", groups: groups, full: m.variables)
        let isP = { if case .pValue = scale { return true } else { return false } }()
        return Heatmap.svg(rows: axis, columns: axis, values: m.matrix, scale: scale, text: text, tooltip: { i, j, v in
            let p = pValues.matrix.indices.contains(i) && pValues.matrix[i].indices.contains(j) ? pValues.matrix[i][j] : .nan
                return "\(m.variables[i]) × \(m.variables[j]): "
                    + (isP ? "p = \(NumberText.p(v))" : "\(NumberText.coefficient(v, digits: 3)), p = \(NumberText.p(p))")
        }, bold: { i, j in
            guard pValues.matrix.indices.contains(i), pValues.matrix[i].indices.contains(j), i != j else { return false }
            return pValues.matrix[i][j] < alpha
        })
    }

    /// Escapes `&`, `<`, `>`, `"` and `'` for HTML text and attribute values.
    public static func escape(_ s: String) -> String { SVG.escape(s) }
}
