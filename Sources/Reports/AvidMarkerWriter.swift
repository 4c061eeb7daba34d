import Director
import Foundation

/// Avid Media Composer marker text (`.txt`), as the Markers window's "Export Markers" writes it and
/// "Import Markers" reads it: one marker a line, tab-separated
///
///     user <TAB> timecode <TAB> track <TAB> colour <TAB> comment <TAB> duration
///     TakeSense	01:02:15:14	V1	red	RETAKE 1: the face reads happy (0.71) while the voice reads sad (0.64)	140
///
/// The timecode is the span's start on the take's source timecode (`;` in drop-frame), the duration its
/// length in frames (at least one), the colour `red` for RETAKE and `yellow` for CHECK. Tabs and line breaks in
/// a reason would break the columns, so the comment is one line with tabs as spaces. A take without spans
/// gives an empty file.
public struct AvidMarkerWriter: MarkerWriting {
    public var user: String
    public var track: String

    public var fileExtension: String { "txt" }

    public init(user: String = "TakeSense", track: String = "V1") {
        self.user = user
        self.track = track
    }

    public func render(_ take: TakeAnalysis) -> String {
        let clock = SourceFrames(take)
        return Marker.markers(for: take).map { m in
            let (start, duration) = clock.offsets(m)
            let comment = Self.field("\(m.name): \(m.reason)")
            return [Self.field(user), clock.timecode(clock.first + start), Self.field(track), m.kind == .retake ? "red" : "yellow",
                    comment, "\(duration)"].joined(separator: "\t") + "\n"
        }.joined()
    }

    static func field(_ s: String) -> String { Marker.oneLine(s).replacingOccurrences(of: "\t", with: " ") }
}
