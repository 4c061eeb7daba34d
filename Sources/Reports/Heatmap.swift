import Foundation

/// The SVG heatmap of the reports (the correlation study's contingency table, phi, Pearson's r, their
/// p-values and the confusion matrices): column labels on top rotated by −45°, row labels on the left,
/// axis or group titles, a value in every cell (grey "n/a" when undefined) and a colour legend.
enum Heatmap {
    /// One axis of a heatmap: cell labels, an axis title, and labels to grey out.
    public struct Axis {
        var labels: [String]
        var title: String
        var dimmed: Set<Int> = []
        /// Groups of consecutive labels with their own titles (overrides `title` when not empty).
        var groups: [(name: String, count: Int)] = []
        /// Full names for tooltips.
        var full: [String]? = nil
    }

    public enum Scale {
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
                var t: [(Double, String)] = [
                    (0, "1"), (Scale.pPosition(0.1), "0.1"), (Scale.pPosition(0.01), "0.01"), (Scale.pPosition(0.001), "0.001"), (1, "≤1e-4"),
                ]
                if ![0.1, 0.01, 0.001].contains(alpha), alpha > 0, alpha < 1 { t.append((Scale.pPosition(alpha), "α=\(String(format: "%g", alpha))")) }
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

    public struct RGB {
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

    /// An SVG heatmap: column labels on top rotated by −45°, row labels on the left, axis (or
    /// group) titles beside them, a value in every cell, and a colour legend on the right.
    static func svg(rows: Axis, columns: Axis, values: [[Double]], scale: Scale, text: (Double) -> String,
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

        var s =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" "
                + "role=\"img\">"
        // Cells.
        for i in 0..<n {
            for j in 0..<k {
                let v = i < values.count && j < values[i].count ? values[i][j] : .nan
                let x = left + Double(j) * cell, y = top + Double(i) * cell
                let fill = scale.colour(v)
                let tip = SVG.escape(tooltip(i, j, v))
                s += "<g><title>\(tip)</title>"
                s += "<rect x=\"\(x)\" y=\"\(y)\" width=\"\(cell)\" height=\"\(cell)\" fill=\"\(fill?.hex ?? "#d9d9d9")\" stroke=\"#fff\" stroke-width=\"1\"/>"
                let colour = fill.map { $0.luminance < 0.33 ? "#fff" : "#111" } ?? "#666"
                let weight = v.isFinite && bold(i, j) ? " font-weight=\"bold\"" : ""
                s +=
                    "<text x=\"\(x + cell / 2)\" y=\"\(y + cell / 2 + 4)\" font-size=\"11\" text-anchor=\"middle\" "
                        + "fill=\"\(colour)\"\(weight)>\(SVG.escape(v.isFinite ? text(v) : "n/a"))</text></g>"
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
            let tip = rows.full.map { "<title>\(SVG.escape($0[i]))</title>" } ?? ""
            s +=
                "<text x=\"\(left - 6)\" y=\"\(top + Double(i) * cell + cell / 2 + 4)\" font-size=\"\(fontSize)\" text-anchor=\"end\" "
                    + "fill=\"\(fill)\">\(tip)\(SVG.escape(label))</text>"
        }
        // Column labels, rotated.
        for (j, label) in columns.labels.enumerated() {
            let fill = columns.dimmed.contains(j) ? "#aaa" : "#222"
            let x = left + Double(j) * cell + cell / 2 - 2, y = top - 6
            let tip = columns.full.map { "<title>\(SVG.escape($0[j]))</title>" } ?? ""
            s +=
                "<text transform=\"translate(\(x),\(y)) rotate(-45)\" font-size=\"\(fontSize)\" text-anchor=\"start\" "
                    + "fill=\"\(fill)\">\(tip)\(SVG.escape(label))</text>"
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
            s +=
                "<text transform=\"translate(15,\(cy)) rotate(-90)\" font-size=\"13\" font-weight=\"600\" text-anchor=\"middle\" "
                    + "fill=\"#333\">\(SVG.escape(t.name))</text>"
            s +=
                "<line x1=\"\(titleBand)\" y1=\"\(top + Double(t.start) * cell + 3)\" x2=\"\(titleBand)\" "
                    + "y2=\"\(top + Double(t.start + t.count) * cell - 3)\" stroke=\"#999\"/>"
        }
        for t in titles(columns) where !t.name.isEmpty {
            let cx = left + (Double(t.start) + Double(t.count) / 2) * cell
            s += "<text x=\"\(cx)\" y=\"15\" font-size=\"13\" font-weight=\"600\" text-anchor=\"middle\" fill=\"#333\">\(SVG.escape(t.name))</text>"
            s +=
                "<line x1=\"\(left + Double(t.start) * cell + 3)\" y1=\"\(titleBand - 1)\" x2=\"\(left + Double(t.start + t.count) * cell - 3)\" "
                    + "y2=\"\(titleBand - 1)\" stroke=\"#999\"/>"
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
            s += "<text x=\"\(legendX + barW + 6)\" y=\"\(y + 4)\" font-size=\"11\" fill=\"#333\">\(SVG.escape(label))</text>"
        }
        s += "<text x=\"\(legendX)\" y=\"\(barY - 8)\" font-size=\"11\" fill=\"#555\">\(SVG.escape(scale.legendTitle))</text>"
        s += "<rect x=\"\(legendX)\" y=\"\(barY + barH + 14)\" width=\"\(barW)\" height=\"\(barW)\" fill=\"#d9d9d9\"/>"
        s += "<text x=\"\(legendX + barW + 6)\" y=\"\(barY + barH + 25)\" font-size=\"11\" fill=\"#333\">n/a</text>"
        return s + "</svg>"
    }
}
