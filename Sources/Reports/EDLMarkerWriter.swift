import Director
import Foundation

/// CMX 3600 EDL (`.edl`) carrying one event per span, laid out as DaVinci Resolve's own
/// "Export > Timeline Markers to EDL" writes them, so "Import > Timeline Markers from EDL" turns each
/// event into a coloured marker with a name, notes and a duration:
///
///     TITLE: scene4_take3.mov
///     FCM: NON-DROP FRAME
///
///     001  001      V     C        00:00:12:10 00:00:18:00 01:00:12:10 01:00:18:00
///      RETAKE: the face reads happy (0.71) while ... |C:ResolveColorRed |M:RETAKE 1 |D:140
///
/// - Source in/out: the span in the take's own time, from `sourceStart` (00:00:00:00: the file's first frame).
/// - Record in/out: the same span on a timeline that starts at `recordStart` (Resolve's default 01:00:00:00)
///   with the take at its head; Resolve places timeline markers by record in.
/// - The comment line is Resolve's marker convention: notes, then `|C:` colour (`ResolveColorRed` for
///   RETAKE, `ResolveColorYellow` for CHECK), `|M:` name and `|D:` duration in frames. A `|` in the notes
///   would split the fields, so it is written as `/`.
/// - Timecodes are non-drop-frame at the integer `fps`; an event lasts at least one frame.
/// A take without spans gives the header alone (a valid EDL with no events).
public struct EDLMarkerWriter: MarkerWriting {
    public var fps: Int
    /// Seconds: the timecode of the take's first frame on the source side (default 0).
    public var sourceStart: Double
    /// Seconds: the timecode of the take's first frame on the record (timeline) side (default 3600 = 01:00:00:00).
    public var recordStart: Double

    public var fileExtension: String { "edl" }

    public init(fps: Int = 25, sourceStart: Double = 0, recordStart: Double = 3600) {
        self.fps = max(1, fps)
        self.sourceStart = max(0, sourceStart)
        self.recordStart = max(0, recordStart)
    }

    public func render(_ take: TakeAnalysis) -> String {
        var out = "TITLE: \(Self.title(take.take))\nFCM: NON-DROP FRAME\n\n"
        for m in Marker.markers(for: take) {
            let (inF, outF) = frames(m)
            let src = frameOffset(sourceStart), rec = frameOffset(recordStart)
            out += String(format: "%03d  %@ %@ %@ %@ %@ %@ %@\n", m.index,
                          Self.pad("001", 8), Self.pad("V", 5), Self.pad("C", 8),
                          smpte(src + inF), smpte(src + outF), smpte(rec + inF), smpte(rec + outF))
            out += " \(Self.field(m.text)) |C:\(Self.colour(m.kind)) |M:\(Self.field(m.name)) |D:\(outF - inF)\n\n"
        }
        return out
    }

    /// Frame numbers of a marker's start and end in the take (end ≥ start + 1).
    func frames(_ m: Marker) -> (Int, Int) {
        let a = Int((m.start * Double(fps)).rounded())
        let b = Int((m.end * Double(fps)).rounded())
        return (a, max(a + 1, b))
    }

    func frameOffset(_ seconds: Double) -> Int { Int((seconds * Double(fps)).rounded()) }

    /// "HH:MM:SS:FF", non-drop-frame.
    func smpte(_ frames: Int) -> String {
        let ff = frames % fps, s = frames / fps
        return String(format: "%02d:%02d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60, ff)
    }

    static func colour(_ kind: Marker.Kind) -> String {
        switch kind {
        case .retake: "ResolveColorRed"
        case .check: "ResolveColorYellow"
        }
    }

    /// The take's file name, one line, at most 70 characters (CMX titles are short).
    static func title(_ take: String) -> String {
        let name = take.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? take
        let line = Marker.oneLine(name)
        return line.count > 70 ? String(line.prefix(70)) : line
    }

    static func field(_ s: String) -> String { Marker.oneLine(s).replacingOccurrences(of: "|", with: "/") }

    static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
    }
}
