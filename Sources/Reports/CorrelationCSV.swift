import Correlation
import Foundation

/// Writes a report's tables as CSV files (comma-separated, a header row, NaN written as `NaN`,
/// numbers in Swift's shortest round-trip form, text quoted when it needs to be):
///
/// | file | content |
/// | --- | --- |
/// | `contingency.csv` | img_pred (rows) × speech_pred (columns) counts, every label |
/// | `phi.csv`, `pairwise_p.csv` | 12 × 12 one-hot matrices |
/// | `pearson.csv`, `pearson_p.csv` | 12 × 12 probability matrices |
/// | `scenes.csv` | one row per scene analysed: scene, img_pred, speech_pred, 6 + 6 probabilities, truth |
/// | `excluded.csv` | scenes left out and why |
/// | `confusion_img_pred.csv`, `confusion_speech_pred.csv` | with ground truth: rows truth, columns predicted |
/// | `classification_img_pred.csv`, `classification_speech_pred.csv` | with ground truth: per-class precision, recall, F1, support |
public enum CorrelationCSV {
    /// Every file name `write` may create (checked against the inputs before a run starts).
    public static let fileNames = ["contingency.csv", "phi.csv", "pairwise_p.csv", "pearson.csv", "pearson_p.csv", "scenes.csv", "excluded.csv"]
        + ["img_pred", "speech_pred"].flatMap { ["confusion_\($0).csv", "classification_\($0).csv"] }

    /// Writes the files into `directory` (created if needed); returns the files written.
    @discardableResult
    public static func write(_ report: CorrelationReport, to directory: URL) throws -> [URL] {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var written: [URL] = []
        func put(_ name: String, _ text: String) throws {
            let url = directory.appendingPathComponent(name)
            // Through OutputSet: inside `correlate` the tables, JSON and HTML are replaced together.
            try OutputSet.write(Data(text.utf8), to: url)
            written.append(url)
        }
        try put("contingency.csv", labelled(corner: "img_pred\\speech_pred", rows: report.chiSquare.rows, columns: report.chiSquare.columns,
                                            cells: report.chiSquare.counts.map { $0.map(String.init) }))
        try put("phi.csv", matrix(report.phi))
        try put("pairwise_p.csv", matrix(report.pairwiseP))
        try put("pearson.csv", matrix(report.pearson))
        try put("pearson_p.csv", matrix(report.pearsonP))
        try put("scenes.csv", scenes(report))
        var excluded = "scene,reason\n"
        for e in report.excluded { excluded += field(e.scene) + "," + field(e.reason) + "\n" }
        try put("excluded.csv", excluded)
        if let cls = report.classification {
            for m in [cls.imgPred, cls.speechPred] {
                try put("confusion_\(m.variable).csv", labelled(corner: "truth\\predicted", rows: m.confusionMatrix.labels, columns: m.confusionMatrix.labels,
                                                                cells: m.confusionMatrix.counts.map { $0.map(String.init) }))
                var text = "label,precision,recall,f1,support\n"
                for c in m.classes { text += "\(field(c.label)),\(number(c.precision)),\(number(c.recall)),\(number(c.f1)),\(c.support)\n" }
                text += "macro avg,\(number(m.macroAverage.precision)),\(number(m.macroAverage.recall)),\(number(m.macroAverage.f1)),\(m.macroAverage.support)\n"
                text += "weighted avg,\(number(m.weightedAverage.precision)),\(number(m.weightedAverage.recall)),\(number(m.weightedAverage.f1)),\(m.weightedAverage.support)\n"
                text += "accuracy,,,\(number(m.accuracy)),\(m.macroAverage.support)\n"
                try put("classification_\(m.variable).csv", text)
            }
        }
        return written
    }

    /// A square matrix: header `,var1,var2,...`, then one row per variable.
    public static func matrix(_ m: LabelledMatrix) -> String {
        labelled(corner: "", rows: m.variables, columns: m.variables, cells: m.matrix.map { $0.map(number) })
    }

    /// The scene table.
    public static func scenes(_ report: CorrelationReport) -> String {
        let labels = report.labels
        var header = ["scene", "img_pred", "speech_pred"]
        header += labels.map { CorrelationStudy.probabilityName(.img, $0) }
        header += labels.map { CorrelationStudy.probabilityName(.speech, $0) }
        header.append("truth")
        var text = header.map(field).joined(separator: ",") + "\n"
        for r in report.sceneTable {
            var cells = [field(r.scene), field(r.imgPred ?? ""), field(r.speechPred ?? "")]
            cells += r.imgProbabilities.map(number) + r.speechProbabilities.map(number)
            cells.append(field(r.truth ?? ""))
            text += cells.joined(separator: ",") + "\n"
        }
        return text
    }

    static func labelled(corner: String, rows: [String], columns: [String], cells: [[String]]) -> String {
        var text = ([field(corner)] + columns.map(field)).joined(separator: ",") + "\n"
        for (i, name) in rows.enumerated() {
            let row = i < cells.count ? cells[i] : []
            text += ([field(name)] + columns.indices.map { $0 < row.count ? row[$0] : "" }).joined(separator: ",") + "\n"
        }
        return text
    }

    /// Shortest round-trip decimal; `NaN`, `inf`, `-inf` for non-finite values.
    static func number(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v > 0 ? "inf" : "-inf" }
        return "\(v)"
    }

    /// A text field, quoted when it holds a comma, quote or line break.
    static func field(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
