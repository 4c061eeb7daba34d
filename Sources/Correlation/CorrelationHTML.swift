import Foundation
import Reports
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
        var body = ""
        body += "<h1>\(escape(title))</h1>\n"
        body += "<p class=\"sub\">\(report.scenes) scene\(report.scenes == 1 ? "" : "s") analysed"
        body += report.excluded.isEmpty ? "" : " (\(report.excluded.count) of \(report.scenesTotal) left out)"
        body += " · labels: \(escape(report.labels.joined(separator: ", ")))"
        body += " · Yates' correction \(report.options.yatesCorrection ? "on" : "off") · alpha = \(NumberText.alpha(report.options.alpha))</p>\n"

        body += "<section class=\"reading\"><h2>Reading</h2><ul>\n"
        for (i, s) in report.reading.enumerated() { body += "<li\(i == 0 ? " class=\"lead\"" : "")>\(escape(s))</li>\n" }
        body += "</ul></section>\n"

        body += numbers(report)

        // Contingency table.
        let c = report.chiSquare
        let dimmedRows = Set(c.droppedImgPred.compactMap { c.rows.firstIndex(of: $0) })
        let dimmedColumns = Set(c.droppedSpeechPred.compactMap { c.columns.firstIndex(of: $0) })
        let maxCount = Double(c.counts.flatMap { $0 }.max() ?? 0)
        body += "<section><h2>Face against voice: contingency table</h2>\n"
        body += "<p>Number of scenes for each pair of top emotions. Grey labels mark emotions a classifier never predicted; their empty rows or columns were dropped before the chi-square test.</p>\n"
        body += "<div class=\"figures\">"
        body += figure(heatmap(
            rows: Axis(labels: c.rows, title: "face (img_pred)", dimmed: dimmedRows),
            columns: Axis(labels: c.columns, title: "voice (speech_pred)", dimmed: dimmedColumns),
            values: c.counts.map { $0.map(Double.init) }, scale: .counts(max: maxCount),
            text: { String(Int($0)) }, tooltip: { i, j, v in "face \(c.rows[i]), voice \(c.columns[j]): \(Int(v)) scene\(Int(v) == 1 ? "" : "s")" }),
            caption: "img_pred (rows) × speech_pred (columns)")
        body += "</div></section>\n"

        // phi and pairwise p.
        body += "<section><h2>phi: signed association of one-hot predictions</h2>\n"
        body += "<p>\(escape(report.explanation.phi))</p>\n"
        body += "<div class=\"figures\">"
        body += figure(matrixHeatmap(report.phi, kind: "one_hot", scale: .diverging, text: { NumberText.coefficient($0) }, pValues: report.pairwiseP, alpha: report.options.alpha),
                       caption: "phi (variables img_pred_one_hot_&lt;emotion&gt; and speech_pred_one_hot_&lt;emotion&gt;)")
        body += figure(matrixHeatmap(report.pairwiseP, kind: "one_hot", scale: .pValue(alpha: report.options.alpha), text: compactP, pValues: report.pairwiseP, alpha: report.options.alpha),
                       caption: "pairwise_p: 2×2 chi-square p-values\(report.options.yatesCorrection ? " (Yates-corrected)" : ""); bold: p &lt; \(escape(NumberText.alpha(report.options.alpha)))")
        body += "</div>\n"
        body += "<p class=\"note\">\(escape(report.explanation.pairwiseP))</p>\n"
        body += notes(report.phiNotes)
        body += "</section>\n"

        // Pearson.
        body += "<section><h2>Pearson's r between per-class probabilities</h2>\n"
        body += "<p>\(escape(report.explanation.pearson))</p>\n"
        body += "<div class=\"figures\">"
        body += figure(matrixHeatmap(report.pearson, kind: "prob", scale: .diverging, text: { NumberText.coefficient($0) }, pValues: report.pearsonP, alpha: report.options.alpha),
                       caption: "pearson (variables img_pred_prob_&lt;emotion&gt; and speech_pred_prob_&lt;emotion&gt;)")
        body += figure(matrixHeatmap(report.pearsonP, kind: "prob", scale: .pValue(alpha: report.options.alpha), text: compactP, pValues: report.pearsonP, alpha: report.options.alpha),
                       caption: "pearson_p: two-sided p-values; bold: p &lt; \(escape(NumberText.alpha(report.options.alpha)))")
        body += "</div>\n"
        body += notes(report.pearsonNotes)
        body += "</section>\n"

        if let cls = report.classification {
            body += "<section><h2>Against the ground truth</h2>\n"
            body += "<p>\(cls.scenes) scene\(cls.scenes == 1 ? "" : "s") with a known emotion. Rows: the true emotion; columns: the classifier's.</p>\n"
            body += "<div class=\"figures\">"
            for m in [cls.imgPred, cls.speechPred] {
                let cm = m.confusionMatrix
                let maxCell = Double(cm.counts.flatMap { $0 }.max() ?? 0)
                let who = m.variable == "img_pred" ? "face (img_pred)" : "voice (speech_pred)"
                var block = heatmap(
                    rows: Axis(labels: cm.labels, title: "truth"), columns: Axis(labels: cm.labels, title: who),
                    values: cm.counts.map { $0.map(Double.init) }, scale: .counts(max: maxCell), text: { String(Int($0)) },
                    tooltip: { i, j, v in "truth \(cm.labels[i]), \(who) \(cm.labels[j]): \(Int(v))" })
                block += classificationTable(m)
                body += figure(block, caption: "\(escape(who)): accuracy \(String(format: "%.2f", m.accuracy)), macro-F1 \(String(format: "%.2f", m.macroF1))")
            }
            body += "</div>\n"
            if !cls.leftOut.isEmpty {
                body += "<p class=\"note\">Left out of these reports: " + cls.leftOut.map { escape("\($0.scene): \($0.reason)") }.joined(separator: "; ") + "</p>\n"
            }
            body += "</section>\n"
        }

        body += "<section><h2>What the measures mean</h2><dl>\n"
        let e = report.explanation
        for (term, text) in [("Chi-square test", e.chiSquare), ("phi (not Cramér's V)", e.phi), ("Cramér's V", e.cramersV), ("pairwise_p", e.pairwiseP), ("Pearson's r", e.pearson)] {
            body += "<dt>\(escape(term))</dt><dd>\(escape(text))</dd>\n"
        }
        body += "</dl></section>\n"

        if !report.excluded.isEmpty {
            body += "<section><h2>Scenes left out</h2><ul class=\"small\">\n"
            for x in report.excluded { body += "<li><code>\(escape(x.scene))</code>: \(escape(x.reason))</li>\n" }
            body += "</ul></section>\n"
        }

        body += "<section><details><summary>Scene table (\(report.sceneTable.count) rows)</summary>\n" + sceneTable(report) + "</details></section>\n"

        return """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title))</title>
        <style>
        body { font-family: -apple-system, "Segoe UI", "DejaVu Sans", Helvetica, Arial, sans-serif; color: #1d1d1f; background: #fff; margin: 24px auto; max-width: 1560px; padding: 0 20px; line-height: 1.45; }
        h1 { font-size: 24px; margin: 0 0 4px; }
        h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
        p, li, dd { font-size: 14px; max-width: 1100px; }
        .sub { color: #555; margin-top: 0; }
        .reading ul { padding-left: 20px; }
        .reading li.lead { font-weight: 600; font-size: 16px; }
        .numbers { border-collapse: collapse; font-size: 14px; }
        .numbers td, .numbers th { padding: 4px 14px 4px 0; text-align: left; vertical-align: top; }
        .numbers th { color: #555; font-weight: normal; }
        .figures { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
        figure { margin: 0; }
        figcaption { font-size: 13px; color: #444; margin-top: 2px; max-width: 640px; }
        .note { color: #555; font-size: 13px; }
        .small li { font-size: 13px; }
        table.report, table.scenes { border-collapse: collapse; font-size: 12px; margin-top: 8px; }
        table.report td, table.report th, table.scenes td, table.scenes th { border-bottom: 1px solid #eee; padding: 2px 8px; text-align: right; }
        table.report td:first-child, table.report th:first-child, table.scenes td:first-child { text-align: left; }
        dt { font-weight: 600; font-size: 14px; margin-top: 8px; }
        svg text { font-family: inherit; }
        </style>
        </head>
        <body>
        \(body)
        </body>
        </html>

        """
    }

    // MARK: - Parts

    static func numbers(_ r: CorrelationReport) -> String {
        let c = r.chiSquare
        var rows: [(String, String)] = []
        rows.append(("Scenes", "\(r.scenes)" + (r.excluded.isEmpty ? "" : " of \(r.scenesTotal)")))
        if let reason = c.reason {
            rows.append(("Chi-square test", "undefined: " + reason))
        } else {
            rows.append(("Chi-square test", "chi2 = \(NumberText.statistic(c.statistic)), dof = \(c.dof), p = \(NumberText.p(c.pValue))" + (c.correctionApplied ? " (Yates-corrected)" : "")))
        }
        if !c.droppedImgPred.isEmpty { rows.append(("Never predicted by the face", c.droppedImgPred.joined(separator: ", ") + " (dropped)")) }
        if !c.droppedSpeechPred.isEmpty { rows.append(("Never predicted by the voice", c.droppedSpeechPred.joined(separator: ", ") + " (dropped)")) }
        rows.append(("Cramér's V", r.cramersVReason.map { "undefined: " + CorrelationReading.strip($0, prefix: "Cramér's V is undefined: ") }
            ?? String(format: "%.3f (%@)", r.cramersV, CorrelationReading.strength(r.cramersV))))
        rows.append(("Cramér's V, bias-corrected (Bergsma)", r.cramersVCorrectedReason.map { "undefined: " + CorrelationReading.strip($0, prefix: "bias-corrected Cramér's V is undefined: ") }
            ?? String(format: "%.3f (%@)", r.cramersVCorrected, CorrelationReading.strength(r.cramersVCorrected))))
        if let cls = r.classification {
            rows.append(("Face accuracy / macro-F1", String(format: "%.3f / %.3f", cls.imgPred.accuracy, cls.imgPred.macroF1)))
            rows.append(("Voice accuracy / macro-F1", String(format: "%.3f / %.3f", cls.speechPred.accuracy, cls.speechPred.macroF1)))
        }
        return "<section><h2>Numbers</h2><table class=\"numbers\">\n"
            + rows.map { "<tr><th>\(escape($0.0))</th><td>\(escape($0.1))</td></tr>\n" }.joined()
            + "</table></section>\n"
    }

    static func notes(_ notes: [String]) -> String {
        guard !notes.isEmpty else { return "" }
        return "<details class=\"note\"><summary>\(notes.count) undefined cell\(notes.count == 1 ? "" : "s") or variable\(notes.count == 1 ? "" : "s") (n/a): why</summary><ul class=\"small\">"
            + notes.map { "<li>\(escape($0))</li>" }.joined() + "</ul></details>\n"
    }

    static func figure(_ content: String, caption: String) -> String {
        "<figure>\(content)<figcaption>\(caption)</figcaption></figure>"
    }

    static func classificationTable(_ m: ClassificationSummary) -> String {
        var s = "<table class=\"report\"><tr><th></th><th>precision</th><th>recall</th><th>f1-score</th><th>support</th></tr>"
        for c in m.classes {
            s += "<tr><td>\(escape(c.label))</td><td>\(f2(c.precision))</td><td>\(f2(c.recall))</td><td>\(f2(c.f1))</td><td>\(c.support)</td></tr>"
        }
        s += "<tr><td>accuracy</td><td></td><td></td><td>\(f2(m.accuracy))</td><td>\(m.macroAverage.support)</td></tr>"
        s += "<tr><td>macro avg</td><td>\(f2(m.macroAverage.precision))</td><td>\(f2(m.macroAverage.recall))</td><td>\(f2(m.macroAverage.f1))</td><td>\(m.macroAverage.support)</td></tr>"
        s += "<tr><td>weighted avg</td><td>\(f2(m.weightedAverage.precision))</td><td>\(f2(m.weightedAverage.recall))</td><td>\(f2(m.weightedAverage.f1))</td><td>\(m.weightedAverage.support)</td></tr>"
        return s + "</table>"
    }

    static func sceneTable(_ r: CorrelationReport) -> String {
        var s = "<table class=\"scenes\"><tr><th>scene</th><th>img_pred</th><th>speech_pred</th>"
        s += r.labels.map { "<th>img_pred_prob_\(escape($0))</th>" }.joined()
        s += r.labels.map { "<th>speech_pred_prob_\(escape($0))</th>" }.joined()
        s += "<th>truth</th></tr>\n"
        for row in r.sceneTable {
            s += "<tr><td>\(escape(row.scene))</td><td>\(escape(row.imgPred ?? ""))</td><td>\(escape(row.speechPred ?? ""))</td>"
            s += (row.imgProbabilities + row.speechProbabilities).map { "<td>\(String(format: "%.3f", $0))</td>" }.joined()
            s += "<td>\(escape(row.truth ?? ""))</td></tr>\n"
        }
        return s + "</table>"
    }

    static func f2(_ v: Double) -> String { String(format: "%.2f", v) }

    /// A p-value short enough for a cell: "0.55", "0.049", "0.003", "<.001", "n/a".
    static func compactP(_ p: Double) -> String {
        guard p.isFinite else { return "n/a" }
        if p < 0.001 { return "<.001" }
        return p >= 0.1 ? String(format: "%.2f", p) : String(format: "%.3f", p)
    }

    // MARK: - Heatmaps

    /// One axis of a heatmap: cell labels, an axis title, and labels to grey out.
    struct Axis {
        var labels: [String]
        var title: String
        var dimmed: Set<Int> = []
        /// Groups of consecutive labels with their own titles (overrides `title` when not empty).
        var groups: [(name: String, count: Int)] = []
        /// Full names for tooltips.
        var full: [String]? = nil
    }

    enum Scale {
        /// Blue (−1) – white (0) – red (+1).
        case diverging
        /// −log10(p) from white (p = 1) to dark green (p ≤ 1e-4); `alpha` marked in the legend.
        case pValue(alpha: Double)
        /// White (0) to dark blue (`max`).
        case counts(max: Double)

        func colour(_ v: Double) -> RGB? {
            guard v.isFinite else { return nil }
            switch self {
            case .diverging:
                let stops: [RGB] = [RGB(0x05, 0x30, 0x61), RGB(0x21, 0x66, 0xac), RGB(0x43, 0x93, 0xc3), RGB(0x92, 0xc5, 0xde), RGB(0xd1, 0xe5, 0xf0),
                                    RGB(0xf7, 0xf7, 0xf7),
                                    RGB(0xfd, 0xdb, 0xc7), RGB(0xf4, 0xa5, 0x82), RGB(0xd6, 0x60, 0x4d), RGB(0xb2, 0x18, 0x2b), RGB(0x67, 0x00, 0x1f)]
                return RGB.interpolate(stops, (min(1, max(-1, v)) + 1) / 2)
            case .pValue:
                return RGB.interpolate(Scale.greens, Scale.pPosition(v))
            case .counts(let maxValue):
                let stops: [RGB] = [RGB(0xf7, 0xfb, 0xff), RGB(0xc6, 0xdb, 0xef), RGB(0x6b, 0xae, 0xd6), RGB(0x21, 0x71, 0xb5), RGB(0x08, 0x30, 0x6b)]
                return RGB.interpolate(stops, maxValue > 0 ? min(1, max(0, v / maxValue)) : 0)
            }
        }

        static let greens: [RGB] = [RGB(0xf7, 0xfc, 0xf5), RGB(0xc7, 0xe9, 0xc0), RGB(0x74, 0xc4, 0x76), RGB(0x23, 0x8b, 0x45), RGB(0x00, 0x44, 0x1b)]

        /// 0 at p = 1, 1 at p ≤ 1e-4, linear in −log10 p.
        static func pPosition(_ p: Double) -> Double { min(1, max(0, -log10(max(p, 1e-300)) / 4)) }

        /// Legend ticks: (position 0...1, label).
        var ticks: [(Double, String)] {
            switch self {
            case .diverging: return [(0, "-1"), (0.25, "-0.5"), (0.5, "0"), (0.75, "0.5"), (1, "1")]
            case .pValue(let alpha):
                var t: [(Double, String)] = [(0, "1"), (Scale.pPosition(0.1), "0.1"), (Scale.pPosition(0.01), "0.01"), (Scale.pPosition(0.001), "0.001"), (1, "≤1e-4")]
                if ![0.1, 0.01, 0.001].contains(alpha), alpha > 0, alpha < 1 { t.append((Scale.pPosition(alpha), "α=\(NumberText.alpha(alpha))")) }
                return t.sorted { $0.0 < $1.0 }
            case .counts(let m): return [(0, "0"), (1, String(Int(m)))]
            }
        }

        var legendTitle: String {
            switch self {
            case .diverging: return "coefficient"
            case .pValue: return "p-value"
            case .counts: return "scenes"
            }
        }
    }

    struct RGB {
        var r: Double, g: Double, b: Double
        init(_ r: Int, _ g: Int, _ b: Int) { self.r = Double(r); self.g = Double(g); self.b = Double(b) }
        init(r: Double, g: Double, b: Double) { self.r = r; self.g = g; self.b = b }

        var hex: String { String(format: "#%02x%02x%02x", Int(r.rounded()), Int(g.rounded()), Int(b.rounded())) }
        /// Relative luminance (sRGB), for choosing black or white text.
        var luminance: Double {
            func lin(_ c: Double) -> Double { let s = c / 255; return s <= 0.03928 ? s / 12.92 : pow((s + 0.055) / 1.055, 2.4) }
            return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
        }

        static func interpolate(_ stops: [RGB], _ t: Double) -> RGB {
            let x = min(1, max(0, t)) * Double(stops.count - 1)
            let i = min(stops.count - 2, Int(x.rounded(.down)))
            let f = x - Double(i)
            let a = stops[i], b = stops[i + 1]
            return RGB(r: a.r + (b.r - a.r) * f, g: a.g + (b.g - a.g) * f, b: a.b + (b.b - a.b) * f)
        }
    }

    static let cell = 46.0
    static let fontSize = 12.0

    /// Approximate rendered width of a label (DejaVu Sans / Helvetica at 12 px).
    static func textWidth(_ s: String, size: Double = fontSize) -> Double { Double(s.count) * size * 0.62 }

    /// A 12 × 12 (or any) study matrix, with variables grouped by modality prefix.
    static func matrixHeatmap(_ m: LabelledMatrix, kind: String, scale: Scale, text: @escaping (Double) -> String,
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
        let axis = Axis(labels: short, title: "", groups: groups, full: m.variables)
        let isP = { if case .pValue = scale { return true } else { return false } }()
        return heatmap(rows: axis, columns: axis, values: m.matrix, scale: scale, text: text, tooltip: { i, j, v in
            let p = pValues.matrix.indices.contains(i) && pValues.matrix[i].indices.contains(j) ? pValues.matrix[i][j] : .nan
            return "\(m.variables[i]) × \(m.variables[j]): " + (isP ? "p = \(NumberText.p(v))" : "\(NumberText.coefficient(v, digits: 3)), p = \(NumberText.p(p))")
        }, bold: { i, j in
            guard pValues.matrix.indices.contains(i), pValues.matrix[i].indices.contains(j), i != j else { return false }
            return pValues.matrix[i][j] < alpha
        })
    }

    /// An SVG heatmap: column labels on top rotated by −45°, row labels on the left, axis (or
    /// group) titles beside them, a value in every cell, and a colour legend on the right.
    static func heatmap(rows: Axis, columns: Axis, values: [[Double]], scale: Scale, text: (Double) -> String,
                        tooltip: (Int, Int, Double) -> String, bold: (Int, Int) -> Bool = { _, _ in false }) -> String {
        let n = rows.labels.count, k = columns.labels.count
        let rowLabelWidth = (rows.labels.map { textWidth($0) }.max() ?? 0) + 10
        let titleBand = 22.0
        let columnLabelHeight = (columns.labels.map { textWidth($0) }.max() ?? 0) * 0.71 + 12
        let left = titleBand + rowLabelWidth
        let top = titleBand + columnLabelHeight
        let gridW = Double(k) * cell, gridH = Double(n) * cell
        let overhang = (columns.labels.last.map { textWidth($0) } ?? 0) * 0.71
        let legendX = left + gridW + max(24, overhang - cell / 2 + 8)
        let width = legendX + 80
        let height = top + max(gridH, 200) + 12

        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\">"
        // Cells.
        for i in 0..<n {
            for j in 0..<k {
                let v = i < values.count && j < values[i].count ? values[i][j] : .nan
                let x = left + Double(j) * cell, y = top + Double(i) * cell
                let fill = scale.colour(v)
                let tip = escape(tooltip(i, j, v))
                s += "<g><title>\(tip)</title>"
                s += "<rect x=\"\(x)\" y=\"\(y)\" width=\"\(cell)\" height=\"\(cell)\" fill=\"\(fill?.hex ?? "#d9d9d9")\" stroke=\"#fff\" stroke-width=\"1\"/>"
                let colour = fill.map { $0.luminance < 0.33 ? "#fff" : "#111" } ?? "#666"
                let weight = v.isFinite && bold(i, j) ? " font-weight=\"bold\"" : ""
                s += "<text x=\"\(x + cell / 2)\" y=\"\(y + cell / 2 + 4)\" font-size=\"11\" text-anchor=\"middle\" fill=\"\(colour)\"\(weight)>\(escape(v.isFinite ? text(v) : "n/a"))</text></g>"
            }
        }
        // Group separators.
        for (axis, vertical) in [(rows, false), (columns, true)] where axis.groups.count > 1 {
            var offset = 0
            for g in axis.groups.dropLast() {
                offset += g.count
                let p = (vertical ? left : top) + Double(offset) * cell
                s += vertical
                    ? "<line x1=\"\(p)\" y1=\"\(top)\" x2=\"\(p)\" y2=\"\(top + gridH)\" stroke=\"#333\" stroke-width=\"2\"/>"
                    : "<line x1=\"\(left)\" y1=\"\(p)\" x2=\"\(left + gridW)\" y2=\"\(p)\" stroke=\"#333\" stroke-width=\"2\"/>"
            }
        }
        // Row labels.
        for (i, label) in rows.labels.enumerated() {
            let fill = rows.dimmed.contains(i) ? "#aaa" : "#222"
            let tip = rows.full.map { "<title>\(escape($0[i]))</title>" } ?? ""
            s += "<text x=\"\(left - 6)\" y=\"\(top + Double(i) * cell + cell / 2 + 4)\" font-size=\"\(fontSize)\" text-anchor=\"end\" fill=\"\(fill)\">\(tip)\(escape(label))</text>"
        }
        // Column labels, rotated.
        for (j, label) in columns.labels.enumerated() {
            let fill = columns.dimmed.contains(j) ? "#aaa" : "#222"
            let x = left + Double(j) * cell + cell / 2 - 2, y = top - 6
            let tip = columns.full.map { "<title>\(escape($0[j]))</title>" } ?? ""
            s += "<text transform=\"translate(\(x),\(y)) rotate(-45)\" font-size=\"\(fontSize)\" text-anchor=\"start\" fill=\"\(fill)\">\(tip)\(escape(label))</text>"
        }
        // Axis titles: rows (vertical, far left), columns (horizontal, very top).
        func titles(_ axis: Axis) -> [(name: String, start: Int, count: Int)] {
            if axis.groups.isEmpty { return [(axis.title, 0, axis.labels.count)] }
            var out: [(String, Int, Int)] = []
            var start = 0
            for g in axis.groups { out.append((g.name, start, g.count)); start += g.count }
            return out
        }
        for t in titles(rows) where !t.name.isEmpty {
            let cy = top + (Double(t.start) + Double(t.count) / 2) * cell
            s += "<text transform=\"translate(15,\(cy)) rotate(-90)\" font-size=\"13\" font-weight=\"600\" text-anchor=\"middle\" fill=\"#333\">\(escape(t.name))</text>"
            s += "<line x1=\"\(titleBand)\" y1=\"\(top + Double(t.start) * cell + 3)\" x2=\"\(titleBand)\" y2=\"\(top + Double(t.start + t.count) * cell - 3)\" stroke=\"#999\"/>"
        }
        for t in titles(columns) where !t.name.isEmpty {
            let cx = left + (Double(t.start) + Double(t.count) / 2) * cell
            s += "<text x=\"\(cx)\" y=\"15\" font-size=\"13\" font-weight=\"600\" text-anchor=\"middle\" fill=\"#333\">\(escape(t.name))</text>"
            s += "<line x1=\"\(left + Double(t.start) * cell + 3)\" y1=\"\(titleBand - 1)\" x2=\"\(left + Double(t.start + t.count) * cell - 3)\" y2=\"\(titleBand - 1)\" stroke=\"#999\"/>"
        }
        // Legend: a vertical bar, top = high end.
        let barH = min(max(gridH, 160), 260), barY = top, barW = 14.0
        let steps = 40
        for step in 0..<steps {
            let t0 = Double(step) / Double(steps)
            let value: Double
            switch scale {
            case .diverging: value = 1 - 2 * t0
            case .pValue: value = pow(10, -4 * (1 - t0))
            case .counts(let m): value = m * (1 - t0)
            }
            let c = scale.colour(value)?.hex ?? "#d9d9d9"
            s += "<rect x=\"\(legendX)\" y=\"\(barY + barH * t0)\" width=\"\(barW)\" height=\"\(barH / Double(steps) + 0.5)\" fill=\"\(c)\"/>"
        }
        s += "<rect x=\"\(legendX)\" y=\"\(barY)\" width=\"\(barW)\" height=\"\(barH)\" fill=\"none\" stroke=\"#999\"/>"
        for (position, label) in scale.ticks {
            // Position 0 = low end (bottom); for p-values the bottom is p = 1.
            let y = barY + barH * (1 - position)
            s += "<line x1=\"\(legendX + barW)\" y1=\"\(y)\" x2=\"\(legendX + barW + 4)\" y2=\"\(y)\" stroke=\"#555\"/>"
            s += "<text x=\"\(legendX + barW + 6)\" y=\"\(y + 4)\" font-size=\"11\" fill=\"#333\">\(escape(label))</text>"
        }
        s += "<text x=\"\(legendX)\" y=\"\(barY - 8)\" font-size=\"11\" fill=\"#555\">\(escape(scale.legendTitle))</text>"
        s += "<rect x=\"\(legendX)\" y=\"\(barY + barH + 14)\" width=\"\(barW)\" height=\"\(barW)\" fill=\"#d9d9d9\"/>"
        s += "<text x=\"\(legendX + barW + 6)\" y=\"\(barY + barH + 25)\" font-size=\"11\" fill=\"#333\">n/a</text>"
        return s + "</svg>"
    }

    /// Escapes `&`, `<`, `>`, `"` and `'` for HTML text and attribute values.
    public static func escape(_ s: String) -> String { SVG.escape(s) }
}
