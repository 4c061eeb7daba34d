import Foundation
import Stats

/// A classifier's evaluation: the JSON written by `takesense evaluate face|voice --json`.
/// Keys: `accuracy`, `macro_f1`, `labels`, `per_class`, `confusion` (rows = truth, columns = prediction),
/// plus `samples`, `skipped` (labels outside the model's label set, with counts) and `report`
/// (scikit-learn's classification_report text).
public struct EvaluationReport: Codable, Sendable {
    public struct PerClass: Codable, Sendable {
        public var precision: Double
        public var recall: Double
        public var f1: Double
        public var support: Int
    }

    public var accuracy: Double
    public var macro_f1: Double
    public var labels: [String]
    public var per_class: [String: PerClass]
    public var confusion: [[Int]]
    public var samples: Int
    public var skipped: [String: Int]
    public var report: String

    /// Builds the report from class indices into `labels`.
    public init(truth: [Int], predicted: [Int], labels: [String], skipped: [String: Int] = [:]) throws {
        let indices = Array(labels.indices)
        let cls = try classificationReport(yTrue: truth, yPred: predicted, labels: indices, targetNames: labels)
        let cm = try confusionMatrix(yTrue: truth, yPred: predicted, labels: indices)
        accuracy = try accuracyScore(yTrue: truth, yPred: predicted)
        macro_f1 = cls.macroAverage.f1
        self.labels = labels
        per_class = Dictionary(uniqueKeysWithValues: cls.classes.map {
            ($0.label, PerClass(precision: $0.precision, recall: $0.recall, f1: $0.f1, support: $0.support))
        })
        confusion = cm.counts
        samples = truth.count
        self.skipped = skipped
        report = cls.text(digits: 4)
    }

    /// The terminal rendering: classification report, confusion matrix, skipped labels.
    public var text: String {
        var out = report + "\n"
        out += "confusion matrix (rows: truth, columns: prediction)\n"
        let width = max(8, (labels.map(\.count).max() ?? 0) + 1)
        func pad(_ s: String) -> String { String(repeating: " ", count: max(0, width - s.count)) + s }
        out += pad("") + labels.map(pad).joined() + "\n"
        for (i, row) in confusion.enumerated() {
            out += pad(labels[i]) + row.map { pad(String($0)) }.joined() + "\n"
        }
        if !skipped.isEmpty {
            out += "skipped (label outside the model's label set): "
            out += skipped.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + "\n"
        }
        return out
    }

    /// The confusion matrix as a standalone SVG heat map (row-normalised colour, counts in the cells).
    public var confusionSVG: String {
        let n = labels.count
        let cell = 56, left = 90, top = 40
        let size = max(left + n * cell + 20, 470)
        var svg = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(size)" height="\(top + n * cell + 60)" font-family="sans-serif" font-size="12">
        <text x="\(left)" y="20" font-size="14">Confusion matrix (rows: truth, columns: prediction)</text>

        """
        for (i, row) in confusion.enumerated() {
            let total = max(1, row.reduce(0, +))
            for (j, count) in row.enumerated() {
                let share = Double(count) / Double(total)
                let shade = Int(255 - share * 200)
                let x = left + j * cell, y = top + i * cell
                svg += "<rect x=\"\(x)\" y=\"\(y)\" width=\"\(cell)\" height=\"\(cell)\" fill=\"rgb(\(shade),\(shade),255)\" stroke=\"#fff\"/>"
                svg +=
                    "<text x=\"\(x + cell / 2)\" y=\"\(y + cell / 2 + 4)\" text-anchor=\"middle\" fill=\"\(share > 0.6 ? "#fff" : "#000")\">\(count)</text>\n"
            }
            svg += "<text x=\"\(left - 6)\" y=\"\(top + i * cell + cell / 2 + 4)\" text-anchor=\"end\">\(SVG.escape(labels[i]))</text>\n"
        }
        for (j, label) in labels.enumerated() {
            svg += "<text x=\"\(left + j * cell + cell / 2)\" y=\"\(top + n * cell + 16)\" text-anchor=\"middle\">\(SVG.escape(label))</text>\n"
        }
        return svg + "</svg>\n"
    }
}

enum SVG {
    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}

extension EvaluationReport {
    /// Writes the report as JSON and its confusion matrix as SVG, each where a path is given (`evaluate face|voice`).
    public func write(json: String?, confusionSVG svg: String?) throws {
        if let json { try RunFiles.writeJSON(self, to: URL(fileURLWithPath: json)) }
        if let svg { try confusionSVG.write(toFile: svg, atomically: true, encoding: .utf8) }
    }
}
