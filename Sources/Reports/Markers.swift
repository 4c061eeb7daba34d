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

/// A marker file format: renders one take's markers as text. `write` puts one file per take,
/// `<stem>.retakes.<ext>`, in the destination folder — even when the take has no span, so an editor
/// importing "every take's markers" finds a (valid, empty) file for each.
public protocol MarkerWriting: ResultWriting {
    /// "srt", "vtt", "edl", "csv".
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

/// `--markers srt|vtt|edl|csv`.
public enum MarkerFormat: String, CaseIterable, Sendable {
    case srt, vtt, edl, csv

    /// The writer for this format; `fps` is the integer frame rate of the frame-based formats (EDL, CSV).
    public func writer(fps: Int = 25) -> any MarkerWriting {
        switch self {
        case .srt: SubRipMarkerWriter()
        case .vtt: WebVTTMarkerWriter()
        case .edl: EDLMarkerWriter(fps: fps)
        case .csv: MarkerCSVWriter(fps: fps)
        }
    }
}
