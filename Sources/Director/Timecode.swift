import Foundation

/// Times as people on set read them.
public enum Timecode {
    /// "00:12.4" (minutes:seconds.tenths), or "1:02:03.4" past an hour.
    public static func short(_ seconds: Double) -> String {
        let tenths = Int((max(0, seconds) * 10).rounded())
        let h = tenths / 36_000, m = (tenths / 600) % 60, s = (tenths / 10) % 60, f = tenths % 10
        return h > 0 ? String(format: "%d:%02d:%02d.%d", h, m, s, f) : String(format: "%02d:%02d.%d", m, s, f)
    }

    /// SMPTE non-drop-frame "HH:MM:SS:FF" at an integer frame rate (e.g. 25), starting at `start` (default 0).
    public static func smpte(_ seconds: Double, fps: Int, start: Double = 0) -> String {
        let rate = max(1, fps)
        let frames = Int(((max(0, seconds) + start) * Double(rate)).rounded())
        let ff = frames % rate, total = frames / rate
        return String(format: "%02d:%02d:%02d:%02d", total / 3600, (total / 60) % 60, total % 60, ff)
    }

    /// "00:00:12,400" (SubRip).
    public static func srt(_ seconds: Double) -> String {
        let ms = Int((max(0, seconds) * 1000).rounded())
        return String(format: "%02d:%02d:%02d,%03d", ms / 3_600_000, (ms / 60_000) % 60, (ms / 1000) % 60, ms % 1000)
    }

    /// "00:00:12.400" (WebVTT).
    public static func vtt(_ seconds: Double) -> String {
        srt(seconds).replacingOccurrences(of: ",", with: ".")
    }
}
