import Director
import Foundation

/// The take's face and voice on Russell's circumplex (valence across, arousal up) as one inline SVG: the
/// emotions' reference points, each speech segment's face (dot) and voice (square) faintly, the take's face and
/// voice strongly, joined by a line whose length is their distance.
struct CircumplexChart {
    var take: TakeAnalysis
    var palette: EmotionPalette

    let size = 300.0, pad = 28.0
    var r: Double { (size - 2 * pad) / 2 }
    func x(_ v: Double) -> Double { size / 2 + r * min(1, max(-1, v)) }
    func y(_ a: Double) -> Double { size / 2 - r * min(1, max(-1, a)) }

    func render() -> String {
        var s = "<svg class=\"circumplex\" viewBox=\"0 0 \(SVG.n(size)) \(SVG.n(size))\" role=\"img\" aria-label=\"Valence and arousal of face and voice\">\n"
        s += "<circle cx=\"\(SVG.n(size / 2))\" cy=\"\(SVG.n(size / 2))\" r=\"\(SVG.n(r))\" fill=\"#f6f8fa\" stroke=\"#d8dee4\"/>"
        s += "<line x1=\"\(SVG.n(pad))\" y1=\"\(SVG.n(size / 2))\" x2=\"\(SVG.n(size - pad))\" y2=\"\(SVG.n(size / 2))\" stroke=\"#9aa1ab\"/>"
        s += "<line x1=\"\(SVG.n(size / 2))\" y1=\"\(SVG.n(pad))\" x2=\"\(SVG.n(size / 2))\" y2=\"\(SVG.n(size - pad))\" stroke=\"#9aa1ab\"/>"
        s += "<text x=\"\(SVG.n(size - pad))\" y=\"\(SVG.n(size / 2 - 6))\" text-anchor=\"end\" class=\"tick\">pleasant</text>"
        s += "<text x=\"\(SVG.n(pad))\" y=\"\(SVG.n(size / 2 - 6))\" class=\"tick\">unpleasant</text>"
        s += "<text x=\"\(SVG.n(size / 2 + 5))\" y=\"\(SVG.n(pad - 8))\" class=\"tick\">tense / aroused</text>"
        s += "<text x=\"\(SVG.n(size / 2 + 5))\" y=\"\(SVG.n(size - pad + 18))\" class=\"tick\">calm</text>\n"
        for label in take.labels {
            guard let c = Circumplex.coordinates[label] else { continue }
            s += "<circle cx=\"\(SVG.n(x(c.valence)))\" cy=\"\(SVG.n(y(c.arousal)))\" r=\"3\" fill=\"\(palette.colour(label))\"/>"
            // Fear sits just left of anger: its label goes to the left so the two stay readable.
            let left = c.valence < -0.55
            s +=
                "<text x=\"\(SVG.n(x(c.valence) + (left ? -5 : 5)))\" y=\"\(SVG.n(y(c.arousal) + 12))\"\(left ? " text-anchor=\"end\"" : "") "
                    + "class=\"value\">\(SVG.escape(label))</text>"
        }
        for seg in take.congruence.segments {
            guard let a = seg.affect else { continue }
            s += "<circle cx=\"\(SVG.n(x(a.face.valence)))\" cy=\"\(SVG.n(y(a.face.arousal)))\" r=\"3.5\" fill=\"#0969da\" opacity=\"0.35\"/>"
            s +=
                "<rect x=\"\(SVG.n(x(a.voice.valence) - 3.5))\" y=\"\(SVG.n(y(a.voice.arousal) - 3.5))\" width=\"7\" height=\"7\" fill=\"#bc4c00\" "
                    + "opacity=\"0.35\"/>"
        }
        if let a = take.congruence.affect {
            s +=
                "<line x1=\"\(SVG.n(x(a.face.valence)))\" y1=\"\(SVG.n(y(a.face.arousal)))\" x2=\"\(SVG.n(x(a.voice.valence)))\" "
                    + "y2=\"\(SVG.n(y(a.voice.arousal)))\" stroke=\"#59636e\" stroke-dasharray=\"4 3\"/>"
            s +=
                "<circle class=\"face-point\" cx=\"\(SVG.n(x(a.face.valence)))\" cy=\"\(SVG.n(y(a.face.arousal)))\" r=\"7\" fill=\"#0969da\" stroke=\"#fff\" "
                    + "stroke-width=\"2\"><title>face: valence \(String(format: "%+.2f", a.face.valence)), arousal "
                    + "\(String(format: "%+.2f", a.face.arousal))</title></circle>"
            s +=
                "<rect class=\"voice-point\" x=\"\(SVG.n(x(a.voice.valence) - 7))\" y=\"\(SVG.n(y(a.voice.arousal) - 7))\" width=\"14\" height=\"14\" "
                    + "fill=\"#bc4c00\" stroke=\"#fff\" stroke-width=\"2\"><title>voice: valence \(String(format: "%+.2f", a.voice.valence)), arousal "
                    + "\(String(format: "%+.2f", a.voice.arousal))</title></rect>"
        } else {
            s += "<text x=\"\(SVG.n(size / 2))\" y=\"\(SVG.n(size / 2 + 40))\" text-anchor=\"middle\" class=\"empty\">needs both face and voice</text>"
        }
        return s + "\n</svg>"
    }
}
