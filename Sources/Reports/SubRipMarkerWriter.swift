import Director
import Foundation

/// SubRip (`.srt`): one cue per span, so any player shows the notes over the take.
///
///     1
///     00:00:12,000 --> 00:00:18,000
///     RETAKE: the face reads happy (0.71) while the voice reads sad (0.64)
///
/// A take without spans gives an empty file (an SRT with no cues).
public struct SubRipMarkerWriter: MarkerWriting {
    public var fileExtension: String { "srt" }

    public init() {}

    public func render(_ take: TakeAnalysis) -> String {
        Marker.markers(for: take).map { m in
            // `text` is one line: a blank line inside would end the cue.
            "\(m.index)\n\(Timecode.srt(m.start)) --> \(Timecode.srt(m.end))\n\(m.text)\n\n"
        }.joined()
    }
}
