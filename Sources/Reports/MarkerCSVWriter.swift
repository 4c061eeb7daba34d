import Director
import Foundation

/// A marker list as CSV (`.csv`) in the column layout of Adobe Premiere Pro's "File > Export > Markers"
/// (CSV), which marker-import panels and spreadsheets read, plus a trailing `Color` column:
///
///     Marker Name,Description,In,Out,Duration,Marker Type,Color
///     RETAKE 1,"RETAKE: the face reads happy (0.71) while the voice reads sad (0.64), ...",01:02:15:14,01:02:21:04,00:00:05:15,Comment,Red
///
/// In/Out are the span on the take's source timecode (`;` in drop-frame), Duration its length as a timecode;
/// all at the take's own rate. Colour is `Red` for RETAKE, `Yellow` for CHECK.
/// A take without spans gives the header row alone.
public struct MarkerCSVWriter: MarkerWriting {
    public var fileExtension: String { "csv" }

    public init() {}

    public static let header = ["Marker Name", "Description", "In", "Out", "Duration", "Marker Type", "Color"]

    public func render(_ take: TakeAnalysis) throws -> String {
        let clock = SourceFrames(take)
        // A duration is a count of frames: shown as non-drop timecode at the nominal rate.
        var durationRate = clock.rate
        durationRate.dropFrame = false
        let rows = Marker.markers(for: take).map { m -> [String] in
            let (a, n) = clock.offsets(m)
            return [m.name, m.text, clock.timecode(clock.first + a), clock.timecode(clock.first + a + n),
                    SMPTETimecode(frames: n, rate: durationRate).description, "Comment", m.kind == .retake ? "Red" : "Yellow"]
        }
        return try CSVText.render(header: Self.header, rows: rows)
    }
}
