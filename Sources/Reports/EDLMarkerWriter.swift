import Director
import Foundation

/// CMX 3600 EDL (`.edl`): one event for the take on its own source timecode, carrying one `* LOC:` locator
/// per span (the form Avid Media Composer writes and reads, and OpenTimelineIO's reader turns into clip
/// markers), each followed by DaVinci Resolve's marker comment (`|C:` colour, `|M:` name, `|D:` duration in
/// frames), which also gives the span's length that a locator cannot:
///
///     TITLE: scene4_take3.mov
///     FCM: NON-DROP FRAME
///
///     001  AX       V     C        01:02:03:04 01:02:18:04 01:00:00:00 01:00:15:00
///     * FROM CLIP NAME: scene4_take3.mov
///     * LOC: 01:02:15:14 RED     RETAKE 1: the face reads happy (0.71) while the voice reads sad (0.64)
///      RETAKE: the face reads happy (0.71) while the voice reads sad (0.64) |C:ResolveColorRed |M:RETAKE 1 |D:140
///
/// - Source in/out: the whole take on its source timecode (`FCM: DROP FRAME` and `;` at 29.97/59.94 DF).
/// - Record in/out: the take at the head of a timeline starting at `recordStart` (01:00:00:00).
/// - Reel `AX` (an auxiliary source: file-based media); the file name is in `* FROM CLIP NAME:`.
/// - Locator colour RED for RETAKE, YELLOW for CHECK; `|` in a reason would split Resolve's fields, so it is
///   written as `/`. A marker lasts at least one frame.
/// A take without spans gives the take's event alone.
public struct EDLMarkerWriter: MarkerWriting {
    /// Record (timeline) timecode of the take's first frame, in timecode hours (default 1: 01:00:00:00).
    public var recordStartHours: Int

    public var fileExtension: String { "edl" }

    public init(recordStartHours: Int = 1) {
        self.recordStartHours = min(23, max(0, recordStartHours))
    }

    public func render(_ take: TakeAnalysis) -> String {
        let clock = SourceFrames(take)
        let rate = clock.rate
        // hh:00:00:00 is a whole number of minutes past a tenth minute, so it never lands on a skipped label.
        let record = (try? SMPTETimecode(String(format: "%02d:00:00%@00", recordStartHours, rate.dropFrame ? ";" : ":"), rate: rate).frames) ?? 0
        var out = "TITLE: \(Self.title(take.take))\nFCM: \(rate.dropFrame ? "DROP FRAME" : "NON-DROP FRAME")\n\n"
        out += String(format: "%03d  %@ %@ %@ %@ %@ %@ %@\n", 1,
                      Self.pad("AX", 8), Self.pad("V", 5), Self.pad("C", 8),
                      clock.timecode(clock.first), clock.timecode(clock.first + clock.length),
                      clock.timecode(record), clock.timecode(record + clock.length))
        out += "* FROM CLIP NAME: \(Self.title(take.take))\n"
        for m in Marker.markers(for: take) {
            let (start, duration) = clock.offsets(m)
            out += "* LOC: \(clock.timecode(clock.first + start)) \(Self.pad(Self.locatorColour(m.kind), 7)) \(Self.field(m.name)): \(Self.field(m.reason))\n"
            out += " \(Self.field(m.text)) |C:\(Self.colour(m.kind)) |M:\(Self.field(m.name)) |D:\(duration)\n"
        }
        return out + "\n"
    }

    /// Avid / CMX locator colour names.
    static func locatorColour(_ kind: Marker.Kind) -> String {
        switch kind {
        case .retake: "RED"
        case .check: "YELLOW"
        }
    }

    /// Resolve's marker colour names.
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
