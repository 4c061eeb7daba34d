import Director
import Foundation

/// The take over time as one inline SVG: the face's per-frame probabilities (one line per emotion),
/// the voice's speech segments as bands in their top emotion's colour, both on the same time axis,
/// with the verdict's spans shaded across both and mm:ss ticks below.
struct TimelinePlot {
    var take: TakeAnalysis
    var palette: EmotionPalette

    // Layout, in SVG user units (the plot scales to its container's width).
    let width = 960.0
    let left = 58.0, right = 22.0, top = 14.0
    let faceHeight = 170.0, gap = 14.0, bandHeight = 30.0, axisHeight = 30.0

    var plotWidth: Double { width - left - right }
    var faceTop: Double { top }
    var bandTop: Double { top + faceHeight + gap }
    var axisTop: Double { bandTop + bandHeight }
    var height: Double { axisTop + axisHeight }

    /// The time axis runs to the take's duration, or to the last frame or segment if that is later.
    var duration: Double {
        let ends = [take.duration] + take.face.frames.map(\.t) + take.voice.segments.map(\.end) + take.verdict.spans.map(\.end)
        let d = ends.filter(\.isFinite).max() ?? 0
        return d > 0 ? d : 1
    }

    func x(_ t: Double) -> Double { left + plotWidth * min(max(t, 0), duration) / duration }
    func y(_ p: Double) -> Double { faceTop + faceHeight * (1 - min(max(p, 0), 1)) }

    func render() -> String {
        var s = "<svg class=\"timeline\" viewBox=\"0 0 \(SVG.n(width)) \(SVG.n(height))\" role=\"img\" aria-label=\"Face and voice emotion over time\">\n"
        s += grid()
        s += spans()
        s += faceLines()
        s += voiceBand()
        s += axis()
        s += "</svg>"
        return s
    }

    /// The probability grid (with a vertical line at each time tick) and the two row labels.
    func grid() -> String {
        var s = "<g class=\"grid\">"
        for tick in SVG.timeTicks(duration: duration) {
            let xx = SVG.n(x(tick.t))
            s += "<line x1=\"\(xx)\" y1=\"\(SVG.n(faceTop))\" x2=\"\(xx)\" y2=\"\(SVG.n(faceTop + faceHeight))\" stroke=\"#f0f2f5\"/>"
        }
        for p in [0.0, 0.25, 0.5, 0.75, 1.0] {
            let yy = SVG.n(y(p))
            s +=
                "<line x1=\"\(SVG.n(left))\" y1=\"\(yy)\" x2=\"\(SVG.n(width - right))\" y2=\"\(yy)\" "
                    + "stroke=\"#e4e7eb\"\(p == 0 ? "" : " stroke-dasharray=\"3 3\"")/>"
            s +=
                "<text x=\"\(SVG.n(left - 6))\" y=\"\(SVG.n(y(p) + 4))\" text-anchor=\"end\" "
                    + "class=\"tick\">\(p == 0 || p == 1 ? String(Int(p)) : String(format: "%.2g", p))</text>"
        }
        s +=
            "<text x=\"\(SVG.n(12))\" y=\"\(SVG.n(faceTop + faceHeight / 2))\" class=\"row\" transform=\"rotate(-90 12 \(SVG.n(faceTop + faceHeight / 2)))\" "
                + "text-anchor=\"middle\">face</text>"
        s += "<text x=\"\(SVG.n(left - 6))\" y=\"\(SVG.n(bandTop + bandHeight / 2 + 4))\" class=\"row\" text-anchor=\"end\">voice</text>"
        return s + "</g>\n"
    }

    /// Verdict spans: a light wash over face and voice, and a strip along the top.
    func spans() -> String {
        guard !take.verdict.spans.isEmpty else { return "" }
        let colour = take.verdict.decision == .retake ? "#cf222e" : "#bf8700"
        var s = "<g class=\"spans\">"
        for span in take.verdict.spans {
            let x0 = x(span.start), x1 = max(x(span.end), x0 + 1)
            let tip = SVG.escape(span.text)
            s +=
                "<rect x=\"\(SVG.n(x0))\" y=\"\(SVG.n(faceTop))\" width=\"\(SVG.n(x1 - x0))\" height=\"\(SVG.n(axisTop - faceTop))\" fill=\"\(colour)\" "
                    + "fill-opacity=\"0.09\"><title>\(tip)</title></rect>"
            s +=
                "<rect x=\"\(SVG.n(x0))\" y=\"\(SVG.n(faceTop - 6))\" width=\"\(SVG.n(x1 - x0))\" height=\"4\" fill=\"\(colour)\" "
                    + "rx=\"1\"><title>\(tip)</title></rect>"
        }
        return s + "</g>\n"
    }

    /// One polyline per emotion; the line breaks where the face was lost (a gap well over the sampling interval).
    func faceLines() -> String {
        let frames = take.face.frames.filter { $0.t.isFinite }
        guard !frames.isEmpty else {
            return
                "<text x=\"\(SVG.n(left + plotWidth / 2))\" y=\"\(SVG.n(faceTop + faceHeight / 2))\" text-anchor=\"middle\" class=\"empty\">no face was "
                    + "classified in this take</text>\n"
        }
        let runs = Self.runs(frames.map(\.t))
        // The dominant emotion is drawn last, on top.
        let order = take.labels.sorted { (take.face.probabilities[$0] ?? 0) < (take.face.probabilities[$1] ?? 0) }
        var s = "<g class=\"face\" fill=\"none\" stroke-linejoin=\"round\" stroke-linecap=\"round\">"
        for label in order {
            let colour = palette.colour(label)
            let strong = label == take.face.emotion
            s += "<g stroke=\"\(colour)\" stroke-width=\"\(strong ? "2.6" : "1.6")\"><title>face: \(SVG.escape(label))</title>"
            for run in runs {
                let pts = run.map { i in "\(SVG.n(x(frames[i].t))),\(SVG.n(y(frames[i].probabilities[label] ?? 0)))" }
                if pts.count == 1 {
                    let xy = pts[0].split(separator: ",")
                    s += "<circle cx=\"\(xy[0])\" cy=\"\(xy[1])\" r=\"2.2\" fill=\"\(colour)\" stroke=\"none\"/>"
                } else {
                    s += "<polyline points=\"\(pts.joined(separator: " "))\"/>"
                }
            }
            s += "</g>"
        }
        return s + "</g>\n"
    }

    /// Index runs of frame times, split where consecutive frames are more than 2.5 median intervals
    /// (and at least half a second) apart.
    static func runs(_ times: [Double]) -> [[Int]] {
        guard !times.isEmpty else { return [] }
        let steps = zip(times.dropFirst(), times).map { $0 - $1 }.sorted()
        let median = steps.isEmpty ? 0 : steps[steps.count / 2]
        let limit = max(0.5, 2.5 * median)
        var runs: [[Int]] = [[0]]
        for i in 1..<times.count {
            if times[i] - times[i - 1] > limit { runs.append([i]) } else { runs[runs.count - 1].append(i) }
        }
        return runs
    }

    /// Speech segments as bands in the colour of their top emotion, labelled when wide enough.
    func voiceBand() -> String {
        var s = "<g class=\"voice\">"
        s += "<rect x=\"\(SVG.n(left))\" y=\"\(SVG.n(bandTop))\" width=\"\(SVG.n(plotWidth))\" height=\"\(SVG.n(bandHeight))\" fill=\"#f3f4f6\" rx=\"3\"/>"
        if take.voice.segments.isEmpty {
            s +=
                "<text x=\"\(SVG.n(left + plotWidth / 2))\" y=\"\(SVG.n(bandTop + bandHeight / 2 + 4))\" text-anchor=\"middle\" class=\"empty\">no speech "
                    + "found</text>"
        }
        for seg in take.voice.segments {
            let x0 = x(seg.start), x1 = max(x(seg.end), x0 + 1)
            let p = seg.probabilities[seg.emotion] ?? 0
            let tip = "\(Timecode.short(seg.start))–\(Timecode.short(seg.end)) voice: "
                + take.labels.map { "\($0) \(SVG.p(seg.probabilities[$0] ?? 0))" }.joined(separator: ", ")
            s +=
                "<rect x=\"\(SVG.n(x0))\" y=\"\(SVG.n(bandTop))\" width=\"\(SVG.n(x1 - x0))\" height=\"\(SVG.n(bandHeight))\" "
                    + "fill=\"\(palette.colour(seg.emotion))\" fill-opacity=\"\(SVG.n(0.45 + 0.55 * min(max(p, 0), 1)))\" "
                    + "rx=\"3\"><title>\(SVG.escape(tip))</title></rect>"
            let label = "\(seg.emotion) \(SVG.p(p))"
            if x1 - x0 > Double(label.count) * 7 + 10 {
                s +=
                    "<text x=\"\(SVG.n((x0 + x1) / 2))\" y=\"\(SVG.n(bandTop + bandHeight / 2 + 4))\" text-anchor=\"middle\" "
                        + "class=\"band\">\(SVG.escape(label))</text>"
            } else if x1 - x0 > Double(seg.emotion.count) * 7 + 8 {
                s +=
                    "<text x=\"\(SVG.n((x0 + x1) / 2))\" y=\"\(SVG.n(bandTop + bandHeight / 2 + 4))\" text-anchor=\"middle\" "
                        + "class=\"band\">\(SVG.escape(seg.emotion))</text>"
            }
        }
        return s + "</g>\n"
    }

    /// The time axis: a baseline, ticks and mm:ss labels.
    func axis() -> String {
        let base = axisTop + 6
        var s = "<g class=\"axis\"><line x1=\"\(SVG.n(left))\" y1=\"\(SVG.n(base))\" x2=\"\(SVG.n(width - right))\" y2=\"\(SVG.n(base))\" stroke=\"#9aa1ab\"/>"
        for tick in SVG.timeTicks(duration: duration) {
            let xx = SVG.n(x(tick.t))
            s += "<line x1=\"\(xx)\" y1=\"\(SVG.n(base))\" x2=\"\(xx)\" y2=\"\(SVG.n(base + 5))\" stroke=\"#9aa1ab\"/>"
            s += "<text x=\"\(xx)\" y=\"\(SVG.n(base + 18))\" text-anchor=\"middle\" class=\"tick\">\(tick.label)</text>"
        }
        return s + "</g>\n"
    }
}
