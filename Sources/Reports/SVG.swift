import Director
import Foundation

/// Small helpers for the hand-written SVG plots: escaping, numbers, time ticks.
public enum SVG {
    /// Text and attribute values for XML/HTML: `& < > " '` escaped.
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.count)
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }

    /// A coordinate with at most one decimal ("12.5", "3").
    static func n(_ x: Double) -> String {
        guard x.isFinite else { return "0" }
        let r = (x * 10).rounded() / 10
        return r == r.rounded() ? String(Int(r)) : String(format: "%.1f", r)
    }

    /// Tick positions (seconds) and labels for an axis of `duration` seconds: about 5 to 10 ticks at a
    /// round step; labels are mm:ss (h:mm:ss past an hour), with tenths when the step is under a second.
    static func timeTicks(duration: Double) -> [(t: Double, label: String)] {
        let d = max(duration, 0.1)
        let steps: [Double] = [0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200]
        let step = steps.first { d / $0 <= 10 } ?? 7200
        var ticks: [(Double, String)] = []
        var i = 0
        while Double(i) * step <= d + 1e-9 {
            let t = Double(i) * step
            ticks.append((t, step < 1 ? Timecode.short(t) : clock(t)))
            i += 1
        }
        return ticks
    }

    /// "01:05", "1:02:03".
    static func clock(_ seconds: Double) -> String {
        let s = Int(Timecode.bounded(seconds).rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60)
                         : String(format: "%02d:%02d", s / 60, s % 60)
    }

    /// "0.71"
    static func p(_ x: Double) -> String { String(format: "%.2f", x) }
}
