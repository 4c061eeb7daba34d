import Foundation

/// One epoch's figures.
public struct EpochRecord: Codable, Sendable {
    public var epoch: Int
    public var trainLoss: Double
    public var trainAccuracy: Double
    public var validationLoss: Double
    public var validationAccuracy: Double
    public var validationMacroF1: Double
    public var learningRate: Double
    public var seconds: Double

    public init(epoch: Int, trainLoss: Double, trainAccuracy: Double, validationLoss: Double, validationAccuracy: Double,
                validationMacroF1: Double, learningRate: Double, seconds: Double) {
        self.epoch = epoch
        self.trainLoss = trainLoss
        self.trainAccuracy = trainAccuracy
        self.validationLoss = validationLoss
        self.validationAccuracy = validationAccuracy
        self.validationMacroF1 = validationMacroF1
        self.learningRate = learningRate
        self.seconds = seconds
    }
}

/// Learning curves as CSV and as an SVG plot (loss and accuracy against epochs).
public enum Curves {
    public static func csv(_ history: [EpochRecord]) -> String {
        var out = "epoch,train_loss,train_accuracy,val_loss,val_accuracy,val_macro_f1,lr,seconds\n"
        for r in history {
            let fields = [String(r.epoch), fmt(r.trainLoss), fmt(r.trainAccuracy), fmt(r.validationLoss), fmt(r.validationAccuracy),
                          fmt(r.validationMacroF1), "\(r.learningRate)", String(format: "%.1f", r.seconds)]
            out += fields.joined(separator: ",") + "\n"
        }
        return out
    }

    static func fmt(_ x: Double) -> String { String(format: "%.5f", x) }

    /// Two panels side by side: loss (train, validation) and accuracy/macro-F1.
    public static func svg(_ history: [EpochRecord], title: String) -> String {
        let w = 420.0, h = 260.0, margin = 44.0
        func panel(_ x0: Double, _ name: String, _ series: [(String, String, [Double])]) -> String {
            let values = series.flatMap(\.2).filter(\.isFinite)
            let lo = min(0, values.min() ?? 0), hi = max(values.max() ?? 1, lo + 1e-9)
            let n = max(history.count, 2)
            func px(_ i: Int) -> Double { x0 + margin + Double(i) / Double(n - 1) * (w - 2 * margin) }
            func py(_ v: Double) -> Double { h - margin - (v - lo) / (hi - lo) * (h - 2 * margin - 20) + 30 }
            var s = "<g><text x=\"\(x0 + margin)\" y=\"44\" font-weight=\"bold\">\(SVG.escape(name))</text>"
            s += "<line x1=\"\(x0 + margin)\" y1=\"\(py(lo))\" x2=\"\(x0 + w - margin)\" y2=\"\(py(lo))\" stroke=\"#444\"/>"
            s += "<line x1=\"\(x0 + margin)\" y1=\"\(py(lo))\" x2=\"\(x0 + margin)\" y2=\"\(py(hi))\" stroke=\"#444\"/>"
            for k in 0...4 {
                let v = lo + (hi - lo) * Double(k) / 4
                s += "<text x=\"\(x0 + margin - 4)\" y=\"\(py(v) + 4)\" text-anchor=\"end\" font-size=\"10\">\(String(format: "%.2f", v))</text>"
            }
            s += "<text x=\"\(x0 + w / 2)\" y=\"\(h + 24)\" text-anchor=\"middle\" font-size=\"11\">epoch (1–\(history.count))</text>"
            for (j, (label, colour, ys)) in series.enumerated() {
                let points = ys.enumerated().filter { $0.element.isFinite }.map { "\(px($0.offset)),\(py($0.element))" }.joined(separator: " ")
                s += "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\" points=\"\(points)\"/>"
                // Legend in a row under the panel title, clear of the plotted lines.
                s += "<rect x=\"\(x0 + margin + Double(j) * 110)\" y=\"52\" width=\"14\" height=\"3\" fill=\"\(colour)\"/>"
                s += "<text x=\"\(x0 + margin + 18 + Double(j) * 110)\" y=\"57\" fill=\"\(colour)\" font-size=\"11\">\(SVG.escape(label))</text>"
            }
            return s + "</g>\n"
        }
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(2 * w)\" height=\"\(h + 40)\" font-family=\"sans-serif\" font-size=\"12\">\n"
        svg += "<text x=\"10\" y=\"18\" font-size=\"14\">\(SVG.escape(title))</text>\n"
        svg += panel(0, "loss", [("train", "#1f77b4", history.map(\.trainLoss)), ("validation", "#d62728", history.map(\.validationLoss))])
        svg += panel(w, "accuracy / macro-F1", [("train acc", "#1f77b4", history.map(\.trainAccuracy)),
                                               ("val acc", "#d62728", history.map(\.validationAccuracy)),
                                               ("val macro-F1", "#2ca02c", history.map(\.validationMacroF1))])
        return svg + "</svg>\n"
    }
}
