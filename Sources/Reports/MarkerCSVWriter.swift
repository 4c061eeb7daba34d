import Director
import Foundation

/// A marker list as CSV (`.csv`) in the column layout of Adobe Premiere Pro's "File > Export > Markers"
/// (CSV), which marker-import panels and spreadsheets read, plus a trailing `Color` column:
///
///     Marker Name,Description,In,Out,Duration,Marker Type,Color
///     RETAKE 1,"RETAKE: the face reads happy (0.71) while the voice reads sad (0.64), ...",00:00:12:10,00:00:18:00,00:00:05:15,Comment,Red
///
/// In/Out/Duration are non-drop-frame `HH:MM:SS:FF` at the integer `fps`, in the take's own time from
/// `start` (default 00:00:00:00: clip markers). Colour is `Red` for RETAKE, `Yellow` for CHECK.
/// A take without spans gives the header row alone.
public struct MarkerCSVWriter: MarkerWriting {
    public var fps: Int
    /// Seconds: the timecode of the take's first frame (default 0).
    public var start: Double

    public var fileExtension: String { "csv" }

    public init(fps: Int = 25, start: Double = 0) {
        self.fps = max(1, fps)
        self.start = max(0, start)
    }

    public static let header = ["Marker Name", "Description", "In", "Out", "Duration", "Marker Type", "Color"]

    public func render(_ take: TakeAnalysis) throws -> String {
        let edl = EDLMarkerWriter(fps: fps, sourceStart: start, recordStart: start)
        let offset = edl.frameOffset(start)
        let rows = Marker.markers(for: take).map { m -> [String] in
            let (a, b) = edl.frames(m)
            return [m.name, m.text, edl.smpte(offset + a), edl.smpte(offset + b), edl.smpte(b - a), "Comment",
                    m.kind == .retake ? "Red" : "Yellow"]
        }
        return try CSVText.render(header: Self.header, rows: rows)
    }
}
