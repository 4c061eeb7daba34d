import Datasets
import Director
import Foundation

/// The terminal summary of `takesense analyze`: what a director reads first.
public enum TextSummary {
    /// A few lines per take: verdict, face, voice, congruence, reasons and spans.
    public static func take(_ t: TakeAnalysis) -> String {
        let name = PathName.last(t.take)
        var lines = ["\(name)  (\(Timecode.short(t.duration)))  \(t.verdict.decision.rawValue.uppercased())"]
        if let e = t.face.emotion, let p = t.face.probabilities[e] {
            var s = String(format: "  face   %@ %.2f, seen in %.0f%% of %d sampled frames", e, p, t.face.coverage * 100, t.face.sampledFrames)
            if t.face.otherFaces > 0 { s += " (\(t.face.otherFaces) other face\(t.face.otherFaces == 1 ? "" : "s") ignored)" }
            lines.append(s)
        } else {
            lines.append("  face   - (no face classified in \(t.face.sampledFrames) sampled frames)")
        }
        if let e = t.voice.emotion, let p = t.voice.probabilities[e] {
            lines.append(String(format: "  voice  %@ %.2f, %.1f s of speech (%.0f%%) in %d segment%@", e, p, t.voice.speechSeconds,
                                t.voice.coverage * 100, t.voice.segments.count, t.voice.segments.count == 1 ? "" : "s"))
        } else {
            lines.append("  voice  - (no speech classified)")
        }
        if let s = t.congruence.score {
            let p = t.congruence.probability.map { String(format: "P(same emotion) %.2f, ", $0) } ?? ""
            lines.append(String(format: "  %@congruence %.2f (%@)", p, s, t.congruence.agree == true ? "same top emotion" : "different top emotions"))
        }
        if let i = t.congruence.intended {
            lines.append(String(format: "  intended %@: face %.2f, voice %.2f", i.emotion, i.face ?? 0, i.voice ?? 0))
        }
        // On a camera clock (the file's timecode or --start-timecode), spans also give their source timecodes.
        let clock = t.sourceTimecode.flatMap { $0.origin == .none ? nil : $0 }
        if let clock {
            lines.append("  timecode \(clock.start) (\(clock.rate), \(clock.origin == .file ? "from the file" : "--start-timecode"))")
        }
        for r in t.verdict.reasons { lines.append("  - \(r)") }
        for s in t.withSpanTimecodes().verdict.spans {
            if clock != nil, let a = s.startTimecode, let b = s.endTimecode {
                lines.append("    \(s.text)  [\(a)-\(b)]")
            } else {
                lines.append("    \(s.text)")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// Every take, then the ranking when there are several.
    public static func comparison(_ c: TakeComparison) -> String {
        var parts = c.takes.map(take)
        if c.takes.count > 1 {
            var lines = ["Ranking (best first):"]
            for r in c.ranking { lines.append("  \(r.rank). \(PathName.last(r.take))  \(r.reason)") }
            parts.append(lines.joined(separator: "\n"))
        }
        return parts.joined(separator: "\n\n")
    }
}
