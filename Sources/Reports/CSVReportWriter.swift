import Director
import Foundation

/// Spreadsheet tables (`--csv DIR`): per take `<stem>.frames.csv`, `<stem>.segments.csv` and `<stem>.spans.csv`, and
/// `takes.csv`, one row per take. Probability columns are named after the labels
/// (`happy`, ... in frames; `voice_happy`, ..., `face_happy`, ... in segments). Empty cells mean
/// "not available" (no face in a segment, no score).
public struct CSVReportWriter: ResultWriting {
    public var destination: ReportDestination { .directory }

    public init() {}

    @discardableResult
    public func write(_ comparison: TakeComparison, to url: URL) throws -> [URL] {
        try ReportFiles.makeDirectory(url)
        var written: [URL] = []
        for (take, stem) in zip(comparison.takes, TakeStems.stems(of: comparison.takes.map(\.take))) {
            let frames = url.appendingPathComponent("\(stem).frames.csv")
            try ReportFiles.write(try framesCSV(take), to: frames)
            let segments = url.appendingPathComponent("\(stem).segments.csv")
            try ReportFiles.write(try segmentsCSV(take), to: segments)
            let spans = url.appendingPathComponent("\(stem).spans.csv")
            try ReportFiles.write(try spansCSV(take), to: spans)
            written += [frames, segments, spans]
        }
        let summary = url.appendingPathComponent("takes.csv")
        try ReportFiles.write(try takesCSV(comparison), to: summary)
        return written + [summary]
    }

    /// `t, x, y, w, h, <label>..., emotion`: one row per classified frame of the main face.
    public func framesCSV(_ take: TakeAnalysis) throws -> String {
        let header = ["t", "x", "y", "w", "h"] + take.labels + ["emotion"]
        let rows = take.face.frames.map { f -> [String] in
            let box = f.box.count == 4 ? f.box.map(CSVField.pixels) : ["", "", "", ""]
            let top = Distributions.top(f.probabilities, labels: take.labels)?.label ?? ""
            return [CSVField.seconds(f.t)] + box + take.labels.map { CSVField.probability(f.probabilities[$0]) } + [top]
        }
        return try CSVText.render(header: header, rows: rows)
    }

    /// `start, end, voice_<label>..., voice_emotion, face_<label>..., face_emotion, face_coverage, agree, score`:
    /// one row per speech segment; the face columns are the face over the same span.
    public func segmentsCSV(_ take: TakeAnalysis) throws -> String {
        let labels = take.labels
        let header = ["start", "end"] + labels.map { "voice_\($0)" } + ["voice_emotion"]
            + labels.map { "face_\($0)" } + ["face_emotion", "face_coverage", "agree", "score"]
        let rows = Self.segmentRows(take).map { s -> [String] in
            [CSVField.seconds(s.start), CSVField.seconds(s.end)]
                + labels.map { CSVField.probability(s.voice[$0]) } + [s.voiceEmotion]
                + labels.map { l in CSVField.probability(s.face.map { $0[l] ?? 0 }) } + [s.faceEmotion ?? ""]
                + [s.congruence == nil ? "" : CSVField.probability(s.faceCoverage), CSVField.bool(s.agree), CSVField.probability(s.score)]
        }
        return try CSVText.render(header: header, rows: rows)
    }

    /// `start, end, start_timecode, end_timecode, kind, reason`: the verdict's spans in time order, in seconds
    /// from the take's start and on its source timecode (as `verdict.spans[]` in the JSON).
    public func spansCSV(_ take: TakeAnalysis) throws -> String {
        let kind = take.verdict.decision == .retake ? Marker.Kind.retake : .check
        let rows = take.withSpanTimecodes().verdict.spans.sorted { $0.start < $1.start }.map { s -> [String] in
            [CSVField.seconds(s.start), CSVField.seconds(s.end), s.startTimecode ?? "", s.endTimecode ?? "", kind.rawValue, s.reason]
        }
        return try CSVText.render(header: ["start", "end", "start_timecode", "end_timecode", "kind", "reason"], rows: rows)
    }

    /// `take, duration, face_emotion, face_coverage, voice_emotion, voice_coverage, agree, score, decision, reasons`
    /// (reasons joined by "; "), one row per take in the comparison's order.
    public func takesCSV(_ comparison: TakeComparison) throws -> String {
        let header = ["take", "duration", "face_emotion", "face_coverage", "voice_emotion", "voice_coverage",
                      "agree", "score", "decision", "reasons"]
        let rows = comparison.takes.map { t -> [String] in
            [t.take, CSVField.seconds(t.duration), t.face.emotion ?? "", CSVField.probability(t.face.coverage),
             t.voice.emotion ?? "", CSVField.probability(t.voice.coverage), CSVField.bool(t.congruence.agree),
             CSVField.probability(t.congruence.score), t.verdict.decision.rawValue, t.verdict.reasons.joined(separator: "; ")]
        }
        return try CSVText.render(header: header, rows: rows)
    }

    struct SegmentRow {
        var start, end: Double
        var voice: EmotionProbabilities
        var voiceEmotion: String
        var congruence: SegmentCongruence?
        var face: EmotionProbabilities? { congruence?.face }
        var faceEmotion: String? { congruence?.faceEmotion }
        var faceCoverage: Double { congruence?.faceCoverage ?? 0 }
        var agree: Bool? { congruence?.agree }
        var score: Double? { congruence?.score }
    }

    /// Voice segments joined with their congruence (same start and end); a segment without one keeps
    /// its voice columns and leaves the face columns empty.
    static func segmentRows(_ take: TakeAnalysis) -> [SegmentRow] {
        var pool = take.congruence.segments
        var rows: [SegmentRow] = []
        for v in take.voice.segments {
            let i = pool.firstIndex { abs($0.start - v.start) < 1e-9 && abs($0.end - v.end) < 1e-9 }
            let c = i.map { pool.remove(at: $0) }
            rows.append(SegmentRow(start: v.start, end: v.end, voice: v.probabilities, voiceEmotion: v.emotion, congruence: c))
        }
        // Congruence rows whose voice segment is missing (hand-edited JSON): keep them too.
        for c in pool {
            rows.append(SegmentRow(start: c.start, end: c.end, voice: c.voice, voiceEmotion: c.voiceEmotion, congruence: c))
        }
        return rows.sorted { $0.start < $1.start }
    }
}
