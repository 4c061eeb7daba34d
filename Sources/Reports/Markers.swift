import Director
import Foundation

/// One marker for an editing application: a verdict span of a take.
public struct Marker: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// A span of a take whose verdict is retake: red.
        case retake = "RETAKE"
        /// A span of a take that is kept (or unsure) but worth a look: yellow.
        case check = "CHECK"
    }

    public var kind: Kind
    /// 1-based, in time order.
    public var index: Int
    public var start: Double
    public var end: Double
    /// The span's reason, e.g. "the face reads happy (0.71) while the voice reads sad (0.64)".
    public var reason: String

    public init(kind: Kind, index: Int, start: Double, end: Double, reason: String) {
        self.kind = kind
        self.index = index
        self.start = start
        self.end = end
        self.reason = reason
    }

    /// "RETAKE 1"
    public var name: String { "\(kind.rawValue) \(index)" }
    /// "RETAKE: the face reads ..." (one line).
    public var text: String { "\(kind.rawValue): \(Self.oneLine(reason))" }

    /// The markers of a take: its verdict's spans in time order. Spans of a retake are `RETAKE`; spans
    /// of a kept or unsure take (the verdict's "short spans to check") are `CHECK`.
    public static func markers(for take: TakeAnalysis) -> [Marker] {
        let kind: Kind = take.verdict.decision == .retake ? .retake : .check
        return take.verdict.spans
            .filter { $0.start.isFinite && $0.end.isFinite }
            .sorted { $0.start < $1.start }
            .enumerated()
            .map { i, s in Marker(kind: kind, index: i + 1, start: max(0, s.start), end: max(max(0, s.start), s.end), reason: s.reason) }
    }

    static func oneLine(_ s: String) -> String {
        s.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
    }
}

/// A take's markers on its source timecode in whole frames: what every frame-based marker file counts on.
/// Frames are counted from 00:00:00:00 at the take's exact rate (drop-frame only changes the labels).
public struct SourceFrames: Sendable {
    public let source: SourceTimecode
    /// The take's first frame.
    public let first: Int
    /// Frames in the take (at least one, and at least up to the end of its last marker).
    public let length: Int

    public init(_ take: TakeAnalysis) {
        source = take.effectiveSourceTimecode
        first = source.start.frames
        let markerEnd = Marker.markers(for: take).map { Self.offsets($0, rate: take.effectiveSourceTimecode.rate) }.map { $0.0 + $0.1 }.max() ?? 0
        length = max(1, source.rate.frame(atSeconds: take.duration.isFinite ? take.duration : 0), markerEnd)
    }

    public var rate: FrameRate { source.rate }

    /// A marker's first frame counted from the take's first frame, and its length in frames (at least one):
    /// the same frames as the span's `start_timecode` / `end_timecode`.
    public func offsets(_ m: Marker) -> (start: Int, duration: Int) { Self.offsets(m, rate: rate) }

    static func offsets(_ m: Marker, rate: FrameRate) -> (start: Int, duration: Int) {
        let a = rate.frame(atSeconds: m.start), b = rate.frame(atSeconds: m.end)
        return (a, max(1, b - a))
    }

    /// The timecode of frame `frame` (counted from 00:00:00:00).
    public func timecode(_ frame: Int) -> String { SMPTETimecode(frames: frame, rate: rate).description }

    /// The take's source timecode at its first frame, e.g. "01:02:03:04".
    public var startTimecode: String { timecode(first) }
}

/// A marker file format: renders one take's markers as text. `write` puts one file per take,
/// `<stem>.retakes.<ext>`, in the destination folder — even when the take has no span, so an editor
/// importing "every take's markers" finds a (valid, empty) file for each.
public protocol MarkerWriting: ResultWriting {
    /// "srt", "vtt", "edl", "csv", "xml", "fcpxml", "otio", "txt".
    var fileExtension: String { get }
    /// The whole file for one take.
    func render(_ take: TakeAnalysis) throws -> String
}

public extension MarkerWriting {
    var destination: ReportDestination { .directory }

    @discardableResult
    func write(_ comparison: TakeComparison, to url: URL) throws -> [URL] {
        try ReportFiles.makeDirectory(url)
        return try zip(comparison.takes, TakeStems.stems(of: comparison.takes.map(\.take))).map { take, stem in
            let file = url.appendingPathComponent("\(stem).retakes.\(fileExtension)")
            try ReportFiles.write(try render(take), to: file)
            return file
        }
    }
}

/// `--markers FORMAT[,FORMAT...]`: the marker files editing applications import.
public enum MarkerFormat: String, CaseIterable, Sendable {
    /// CMX 3600 EDL with `* LOC:` locators (Avid Media Composer, OpenTimelineIO) and Resolve's marker comments.
    case edl
    /// Final Cut Pro 7 XML (xmeml): Premiere Pro, DaVinci Resolve.
    case xml
    /// FCPXML 1.9: Final Cut Pro.
    case fcpxml
    /// OpenTimelineIO JSON.
    case otio
    /// Avid Media Composer marker text (`.txt`).
    case avid
    /// SubRip / WebVTT subtitles (player time from the take's start) and a marker CSV (source timecode).
    case srt, vtt, csv

    /// The writer for this format. Frame-based formats count on each take's own source timecode and rate.
    public var writer: any MarkerWriting {
        switch self {
        case .srt: SubRipMarkerWriter()
        case .vtt: WebVTTMarkerWriter()
        case .edl: EDLMarkerWriter()
        case .csv: MarkerCSVWriter()
        case .xml: FCP7XMLMarkerWriter()
        case .fcpxml: FCPXMLMarkerWriter()
        case .otio: OTIOMarkerWriter()
        case .avid: AvidMarkerWriter()
        }
    }

    /// Parses "edl,xml,otio" (comma-separated, case-insensitive, repeats dropped).
    /// - Throws: `ReportError(.invalidInput)` naming an unknown format and the known ones.
    public static func list(_ text: String) throws -> [MarkerFormat] {
        var formats: [MarkerFormat] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let name = part.trimmingCharacters(in: .whitespaces).lowercased()
            guard let f = MarkerFormat(rawValue: name) else {
                throw ReportError(.invalidInput, path: "--markers",
                                  reason: "unknown marker format '\(name)' (known: \(allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            if !formats.contains(f) { formats.append(f) }
        }
        return formats
    }
}
