import Director
import Foundation

/// WebVTT (`.vtt`): the `WEBVTT` header, then one cue per span with an identifier (`retake-1`).
///
///     WEBVTT
///
///     retake-1
///     00:00:12.000 --> 00:00:18.000
///     RETAKE: the face reads happy (0.71) while the voice reads sad (0.64)
///
/// Cue text is one line with `&`, `<` and `>` escaped (WebVTT cue text is markup), so it never holds `-->`.
/// A take without spans gives the header alone.
public struct WebVTTMarkerWriter: MarkerWriting {
    public var fileExtension: String { "vtt" }

    public init() {}

    public func render(_ take: TakeAnalysis) -> String {
        var out = "WEBVTT\n\n"
        for m in Marker.markers(for: take) {
            out += "\(m.kind.rawValue.lowercased())-\(m.index)\n"
            out += "\(Timecode.vtt(m.start)) --> \(Timecode.vtt(m.end))\n"
            out += Self.cueText(m.text) + "\n\n"
        }
        return out
    }

    static func cueText(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;")
            .replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")  // so "-->" cannot appear either
    }
}
