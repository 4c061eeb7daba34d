import Director
import Foundation

/// The scene distributions of face and voice as one inline SVG grouped bar chart: per emotion a solid
/// bar (face) beside a light, outlined bar (voice) in the emotion's colour, value on top.
struct DistributionChart {
    var labels: [String]
    var face: EmotionProbabilities
    var voice: EmotionProbabilities
    var palette: EmotionPalette

    let width = 460.0, height = 230.0
    let left = 34.0, right = 8.0, top = 18.0, bottom = 40.0

    var plotWidth: Double { width - left - right }
    var plotHeight: Double { height - top - bottom }

    /// The y axis runs to 1, or to the next quarter above the largest value when everything is small.
    var yMax: Double {
        let m = (Array(face.values) + Array(voice.values)).filter(\.isFinite).max() ?? 1
        return min(1, max(0.5, (m * 4).rounded(.up) / 4))
    }

    func y(_ p: Double) -> Double { top + plotHeight * (1 - min(max(p, 0), yMax) / yMax) }

    func render() -> String {
        var s =
            "<svg class=\"bars\" viewBox=\"0 0 \(SVG.n(width)) \(SVG.n(height))\" role=\"img\" aria-label=\"Scene emotion distribution, face against voice\">\n"
        // Grid and y labels.
        var tick = 0.0
        while tick <= yMax + 1e-9 {
            let yy = SVG.n(y(tick))
            s +=
                "<line x1=\"\(SVG.n(left))\" y1=\"\(yy)\" x2=\"\(SVG.n(width - right))\" y2=\"\(yy)\" "
                    + "stroke=\"\(tick == 0 ? "#9aa1ab" : "#e4e7eb")\"\(tick == 0 ? "" : " stroke-dasharray=\"3 3\"")/>"
            s +=
                "<text x=\"\(SVG.n(left - 5))\" y=\"\(SVG.n(y(tick) + 4))\" text-anchor=\"end\" "
                    + "class=\"tick\">\(tick == 0 || tick == 1 ? String(Int(tick)) : String(format: "%.2g", tick))</text>"
            tick += 0.25
        }
        guard !labels.isEmpty else { return s + "</svg>" }
        let group = plotWidth / Double(labels.count)
        let bar = min(26, group * 0.34)
        for (i, label) in labels.enumerated() {
            let cx = left + group * (Double(i) + 0.5)
            let colour = palette.colour(label)
            s += "<g>"
            for (k, modality) in [("face", face), ("voice", voice)].enumerated() {
                guard !modality.1.isEmpty else { continue }
                let p = modality.1[label] ?? 0
                let x0 = cx - bar - 1.5 + Double(k) * (bar + 3)
                let y0 = y(p), h = max(0, y(0) - y0)
                let style = k == 0 ? "fill=\"\(colour)\"" : "fill=\"\(colour)\" fill-opacity=\"0.28\" stroke=\"\(colour)\" stroke-width=\"1.5\""
                s +=
                    "<rect x=\"\(SVG.n(x0))\" y=\"\(SVG.n(y0))\" width=\"\(SVG.n(bar))\" height=\"\(SVG.n(h))\" \(style)><title>\(modality.0) "
                        + "\(SVG.escape(label)): \(SVG.p(p))</title></rect>"
                if p >= 0.005 {
                    s +=
                        "<text x=\"\(SVG.n(x0 + bar / 2))\" y=\"\(SVG.n(y0 - 4))\" text-anchor=\"middle\" "
                            + "class=\"value\">\(String(format: "%.2f", p).replacingOccurrences(of: "0.", with: "."))</text>"
                }
            }
            s += "<text x=\"\(SVG.n(cx))\" y=\"\(SVG.n(height - bottom + 16))\" text-anchor=\"middle\" class=\"label\">\(SVG.escape(label))</text>"
            s += "</g>"
        }
        // Key: solid = face, light = voice.
        let ky = height - 10
        s += "<g class=\"key\"><rect x=\"\(SVG.n(left))\" y=\"\(SVG.n(ky - 9))\" width=\"10\" height=\"10\" fill=\"#4b5563\"/>"
        let faceKey = face.isEmpty ? "face (none)" : "face", voiceKey = voice.isEmpty ? "voice (none)" : "voice"
        let vx = left + 14 + Double(faceKey.count) * 6.5 + 16  // past the face key's text (about 6.5 units a character)
        s += "<text x=\"\(SVG.n(left + 14))\" y=\"\(SVG.n(ky))\" class=\"tick\">\(faceKey)</text>"
        s +=
            "<rect x=\"\(SVG.n(vx))\" y=\"\(SVG.n(ky - 9))\" width=\"10\" height=\"10\" fill=\"#4b5563\" fill-opacity=\"0.28\" stroke=\"#4b5563\" "
                + "stroke-width=\"1.5\"/>"
        s += "<text x=\"\(SVG.n(vx + 14))\" y=\"\(SVG.n(ky))\" class=\"tick\">\(voiceKey)</text></g>"
        return s + "</svg>"
    }
}
