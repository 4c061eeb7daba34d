import Correlation
import Foundation
import Stats

/// Writes a report's tables as CSV files through CSV.swift's writer, as the other CSV tables are (comma-separated,
/// a header row, LF line ends, NaN written as `NaN`, numbers in Swift's shortest round-trip form, text quoted
/// when it holds a comma, quote or line break):
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
        try put("excluded.csv", CSVText.render(header: ["scene", "reason"], rows: report.excluded.map { [$0.scene, $0.reason] }))
        if let cls = report.classification {
            for m in [cls.imgPred, cls.speechPred] {
                try put("confusion_\(m.variable).csv", labelled(corner: "truth\\predicted", rows: m.confusionMatrix.labels, columns: m.confusionMatrix.labels,
                                                                cells: m.confusionMatrix.counts.map { $0.map(String.init) }))
                func averaged(_ name: String, _ a: AveragedMetrics) -> [String] {
                    [name, number(a.precision), number(a.recall), number(a.f1), String(a.support)]
                }
                var rows = m.classes.map { [$0.label, number($0.precision), number($0.recall), number($0.f1), String($0.support)] }
                rows.append(averaged("macro avg", m.macroAverage))
                rows.append(averaged("weighted avg", m.weightedAverage))
                rows.append(["accuracy", "", "", number(m.accuracy), String(m.macroAverage.support)])
                try put("classification_\(m.variable).csv", CSVText.render(header: ["label", "precision", "recall", "f1", "support"], rows: rows))
            }
        }
        return written
    }

    /// A square matrix: header `,var1,var2,...`, then one row per variable.
    public static func matrix(_ m: LabelledMatrix) throws -> String {
        try labelled(corner: "", rows: m.variables, columns: m.variables, cells: m.matrix.map { $0.map(number) })
    }

    /// The scene table.
    public static func scenes(_ report: CorrelationReport) throws -> String {
        let labels = report.labels
        var header = ["scene", "img_pred", "speech_pred"]
        header += labels.map { CorrelationStudy.probabilityName(.img, $0) }
        header += labels.map { CorrelationStudy.probabilityName(.speech, $0) }
        header.append("truth")
        let rows = report.sceneTable.map { r in
            [r.scene, r.imgPred ?? "", r.speechPred ?? ""] + r.imgProbabilities.map(number) + r.speechProbabilities.map(number) + [r.truth ?? ""]
        }
        return try CSVText.render(header: header, rows: rows)
    }

    static func labelled(corner: String, rows: [String], columns: [String], cells: [[String]]) throws -> String {
        try CSVText.render(header: [corner] + columns, rows: rows.enumerated().map { i, name in
            let row = i < cells.count ? cells[i] : []
            return [name] + columns.indices.map { $0 < row.count ? row[$0] : "" }
        })
    }

    /// Shortest round-trip decimal; `NaN`, `inf`, `-inf` for non-finite values.
    static func number(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v > 0 ? "inf" : "-inf" }
        return "\(v)"
    }
}
