import Correlation
import Foundation
import Stats

extension CorrelationReport {
    /// The terminal summary: the headline numbers, the contingency table, the face × voice blocks
    /// of phi and Pearson's r, the classification reports, the reading and what the measures mean.
    public var text: String {
        var s = "Correlation of face and voice predictions over \(scenes) scene\(scenes == 1 ? "" : "s")"
        s += excluded.isEmpty ? "" : " (\(excluded.count) of \(scenesTotal) left out)"
        s += "\nlabels: \(labels.joined(separator: ", "))\n\n"

        s += "Contingency table (rows: face img_pred, columns: voice speech_pred)\n"
        s += table(rowNames: labels, columnNames: labels, cells: chiSquare.counts.map { $0.map(String.init) })
        let c = chiSquare
        if let reason = c.reason {
            s += "chi-square test: undefined: \(reason)\n"
        } else {
            s += "chi-square test of independence: chi2 = \(NumberText.statistic(c.statistic)), dof = \(c.dof), p = \(NumberText.p(c.pValue))"
            s += c.correctionApplied ? " (Yates-corrected)\n" : "\n"
        }
        if !c.droppedImgPred.isEmpty { s += "  dropped before the test, never predicted by the face: \(c.droppedImgPred.joined(separator: ", "))\n" }
        if !c.droppedSpeechPred.isEmpty { s += "  dropped before the test, never predicted by the voice: \(c.droppedSpeechPred.joined(separator: ", "))\n" }
        s += "Cramér's V = \(NumberText.coefficient(cramersV, digits: 3))"
            + (cramersVReason.map { " (undefined: \(CorrelationReading.strip($0, prefix: "Cramér's V is undefined: ")))" } ?? "")
        s += ", bias-corrected (Bergsma) = \(NumberText.coefficient(cramersVCorrected, digits: 3))"
            + (cramersVCorrectedReason.map { " (undefined: \(CorrelationReading.strip($0, prefix: "bias-corrected Cramér's V is undefined: ")))" } ?? "")
            + "\n\n"

        s += "phi (signed association of one-hot predictions), face rows x voice columns; * p < \(NumberText.alpha(options.alpha))\n"
        s += crossBlock(phi, pairwiseP, kind: .oneHot)
        s += "\nPearson's r of probabilities, face rows x voice columns; * p < \(NumberText.alpha(options.alpha))\n"
        s += crossBlock(pearson, pearsonP, kind: .probability)
        s += "(full \(2 * labels.count) x \(2 * labels.count) matrices in the JSON, CSV and HTML outputs)\n"

        if let cls = classification {
            for m in [cls.imgPred, cls.speechPred] {
                s += "\n\(m.variable == "img_pred" ? "Face (img_pred)" : "Voice (speech_pred)") against the ground truth, \(cls.scenes) scenes:\n"
                s += m.text
                s += "confusion matrix (rows: truth, columns: predicted)\n"
                s += table(
                    rowNames: m.confusionMatrix.labels, columnNames: m.confusionMatrix.labels, cells: m.confusionMatrix.counts.map { $0.map(String.init) })
            }
        }

        if !excluded.isEmpty {
            s += "\nLeft out:\n" + excluded.prefix(20).map { "  \($0.scene): \($0.reason)\n" }.joined()
            if excluded.count > 20 { s += "  ... and \(excluded.count - 20) more\n" }
        }
        let notes = phiNotes + pearsonNotes
        if !notes.isEmpty {
            s += "\nUndefined cells:\n" + notes.prefix(12).map { "  \($0)\n" }.joined()
            if notes.count > 12 { s += "  ... and \(notes.count - 12) more (see the JSON)\n" }
        }
        s += "\nReading:\n" + reading.map { "  - \($0)\n" }.joined()
        s += "\nWhat the numbers mean:\n"
        s += "  phi vs Cramér's V: \(explanation.phi)\n"
        s += "  Cramér's V: \(explanation.cramersV)\n"
        return s
    }

    private func crossBlock(_ m: LabelledMatrix, _ p: LabelledMatrix, kind: CorrelationReading.PairKind) -> String {
        let cells = labels.map { f in
            labels.map { v -> String in
                let a = kind == .oneHot ? CorrelationStudy.oneHotName(.img, f) : CorrelationStudy.probabilityName(.img, f)
                let b = kind == .oneHot ? CorrelationStudy.oneHotName(.speech, v) : CorrelationStudy.probabilityName(.speech, v)
                let value = m[a, b] ?? .nan
                let star = (p[a, b] ?? .nan) < options.alpha ? "*" : " "
                return NumberText.coefficient(value) + star
            }
        }
        return table(rowNames: labels.map { "face " + $0 }, columnNames: labels.map { "voice " + $0 }, cells: cells)
    }

    private func table(rowNames: [String], columnNames: [String], cells: [[String]]) -> String {
        guard !rowNames.isEmpty else { return "  (empty)\n" }
        let first = max(rowNames.map(\.count).max() ?? 0, 4)
        let width = max(columnNames.map(\.count).max() ?? 0, cells.flatMap { $0 }.map(\.count).max() ?? 0) + 1
        func pad(_ s: String, _ w: Int, left: Bool = false) -> String {
            s.count >= w ? s : (left ? s + String(repeating: " ", count: w - s.count) : String(repeating: " ", count: w - s.count) + s)
        }
        var out = "  " + pad("", first, left: true) + columnNames.map { pad($0, width) }.joined() + "\n"
        for (i, name) in rowNames.enumerated() {
            let row = i < cells.count ? cells[i] : []
            out += "  " + pad(name, first, left: true) + columnNames.indices.map { pad($0 < row.count ? row[$0] : "", width) }.joined() + "\n"
        }
        return out
    }
}
