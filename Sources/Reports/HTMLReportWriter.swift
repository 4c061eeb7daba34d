import Director
import Foundation
import Mustache

/// One self-contained HTML page (`--html F`) for one take or several: per take a KEEP / RETAKE / UNSURE
/// badge, the reasons, the spans with timecodes, a timeline of face and voice emotion (SVG), the scene
/// distributions face against voice (SVG), face thumbnails and a table of speech segments; with several
/// takes, a ranking table linking to each take's section. Nothing is loaded from the network.
public struct HTMLReportWriter: ResultWriting {
    /// Frame rate of the SMPTE timecodes shown beside each span.
    public var fps: Int
    /// The page heading; default "TakeSense report".
    public var title: String

    public var destination: ReportDestination { .file }

    public init(fps: Int = 25, title: String = "TakeSense report") {
        self.fps = max(1, fps)
        self.title = title
    }

    @discardableResult
    public func write(_ comparison: TakeComparison, to url: URL) throws -> [URL] {
        try ReportFiles.write(try render(comparison), to: url)
        return [url]
    }

    /// The whole page.
    public func render(_ comparison: TakeComparison) throws -> String {
        let template = try MustacheTemplate(string: HTMLTemplate.page)
        return template.render(page(comparison))
    }

    public func render(_ analysis: TakeAnalysis) throws -> String {
        try render(TakeComparison(single: analysis))
    }

    // MARK: - View models (plain strings; the template escapes them)

    struct Page {
        var title: String
        var heading: String
        var subtitle: String
        var css: String
        var multiple: Bool
        var ranking: [RankRow]
        var takes: [TakeView]
    }

    struct RankRow {
        var rank: String, anchor: String, name: String, decision: String, decisionLabel: String, probability: String, score: String, reason: String
    }

    struct Fact {
        var label: String, value: String
        var colour: String?
        var note: String?
    }

    struct Setting { var label: String, value: String }

    struct SpanView {
        var kind: String, start: String, end: String, smpteStart: String, smpteEnd: String, reason: String
    }

    struct LegendItem { var label: String, colour: String }

    struct ThumbView { var png: String, width: String, height: String, time: String }

    struct SegmentView {
        var start: String, end: String, voice: String, voiceColour: String, face: String, faceColour: String?
        var coverage: String, match: String, matchClass: String, score: String, probability: String, axes: String, axesClass: String, flagged: Bool
    }

    struct AffectRow { var axis: String, face: String, voice: String, gap: String, verdict: String, verdictClass: String }

    struct TakeView {
        var anchor: String, name: String, path: String?, rank: String?
        var decision: String, decisionLabel: String
        var facts: [Fact]
        var reasons: [String]
        var spansHeading: String, spanKind: String, spanLegend: String, hasSpans: Bool, spans: [SpanView]
        var legend: [LegendItem]
        var timeline: String, bars: String, circumplex: String, hasAffect: Bool, affect: [AffectRow]
        var hasThumbnails: Bool, thumbnails: [ThumbView]
        var hasSegments: Bool, segments: [SegmentView]
        var settings: [Setting]
    }

    func page(_ c: TakeComparison) -> Page {
        let multiple = c.takes.count > 1
        let anchors = c.takes.indices.map { "take-\($0 + 1)" }
        // Ranking rows refer to takes by name; match each to the first unused take with that name.
        var unused = Array(c.takes.indices)
        var rankOf: [Int: Int] = [:]
        var ranking: [RankRow] = []
        for r in c.ranking.sorted(by: { $0.rank < $1.rank }) {
            guard let k = unused.firstIndex(where: { c.takes[$0].take == r.take }) else { continue }
            let i = unused.remove(at: k)
            rankOf[i] = r.rank
            let t = c.takes[i]
            ranking.append(RankRow(rank: String(r.rank), anchor: anchors[i], name: Self.displayName(t.take),
                                   decision: r.decision.rawValue, decisionLabel: r.decision.rawValue.uppercased(),
                                   probability: t.congruence.probability.map(SVG.p) ?? "–",
                                   score: t.congruence.score.map(SVG.p) ?? "–", reason: r.reason))
        }
        let takes = c.takes.indices.map { i in
            takeView(c.takes[i], anchor: anchors[i], rank: multiple ? rankOf[i].map(String.init) : nil)
        }
        // Sections follow the ranking when there is one.
        let ordered = multiple ? takes.indices.sorted { (rankOf[$0] ?? Int.max, $0) < (rankOf[$1] ?? Int.max, $1) }.map { takes[$0] } : takes
        let subtitle: String
        if multiple {
            let counts = Verdict.Decision.allCases.compactMap { d -> String? in
                let n = c.takes.filter { $0.verdict.decision == d }.count
                return n == 0 ? nil : "\(n) \(d.rawValue)"
            }
            subtitle = "\(c.takes.count) takes: " + counts.joined(separator: ", ")
        } else if let t = c.takes.first {
            subtitle = "One take, \(Self.duration(t.duration))"
        } else {
            subtitle = "No takes"
        }
        let pageTitle = multiple || c.takes.isEmpty ? title : "\(title): \(Self.displayName(c.takes[0].take))"
        return Page(title: pageTitle, heading: title, subtitle: subtitle, css: HTMLTemplate.css, multiple: multiple,
                    ranking: ranking, takes: ordered)
    }

    func takeView(_ t: TakeAnalysis, anchor: String, rank: String?) -> TakeView {
        let palette = EmotionPalette(labels: t.labels)
        let kind: Marker.Kind = t.verdict.decision == .retake ? .retake : .check
        // Each span also on the take's source timecode (the camera's clock, as in the marker files).
        let spans = t.withSpanTimecodes().verdict.spans.sorted { $0.start < $1.start }.map { s in
            SpanView(kind: kind == .retake ? "retake" : "check", start: Timecode.short(s.start), end: Timecode.short(s.end),
                     smpteStart: s.startTimecode ?? Timecode.smpte(s.start, fps: fps), smpteEnd: s.endTimecode ?? Timecode.smpte(s.end, fps: fps),
                     reason: s.reason)
        }
        let thumbs = t.face.thumbnails.filter { Data(base64Encoded: $0.png) != nil }.sorted { $0.t < $1.t }.map {
            ThumbView(png: $0.png, width: String($0.width), height: String($0.height), time: Timecode.short($0.t))
        }
        let segments = CSVReportWriter.segmentRows(t).map { s -> SegmentView in
            let vp = s.voice[s.voiceEmotion] ?? 0
            let face = s.face.flatMap { fp in s.faceEmotion.map { "\($0) \(SVG.p(fp[$0] ?? 0))" } }
            let match: (String, String) = switch s.agree {
            case true?: ("✓ same", "agree")
            case false?: ("✗ differ", "differ")
            case nil: ("–", "none")
            }
            let seg = t.congruence.segments.first { abs($0.start - s.start) < 1e-9 && abs($0.end - s.end) < 1e-9 }
            let axes: (String, String) = seg?.affect.map { a in
                a.valenceAgree && a.arousalAgree ? ("✓ both", "agree")
                    : ([a.valenceAgree ? nil : "valence", a.arousalAgree ? nil : "arousal"].compactMap { $0 }.joined(separator: " + ") + " differ", "differ")
            } ?? ("–", "none")
            let flagged = t.verdict.spans.contains { $0.start < s.end - 1e-9 && $0.end > s.start + 1e-9 }
            return SegmentView(start: Timecode.short(s.start), end: Timecode.short(s.end), voice: "\(s.voiceEmotion) \(SVG.p(vp))",
                               voiceColour: palette.colour(s.voiceEmotion), face: face ?? "no face",
                               faceColour: s.faceEmotion.map(palette.colour), coverage: s.congruence == nil ? "–" : Self.percent(s.faceCoverage),
                               match: match.0, matchClass: match.1, score: s.score.map(SVG.p) ?? "–",
                               probability: seg?.probability.map(SVG.p) ?? "–", axes: axes.0, axesClass: axes.1, flagged: flagged)
        }
        return TakeView(
            anchor: anchor, name: Self.displayName(t.take), path: Self.displayName(t.take) == t.take ? nil : t.take, rank: rank,
            decision: t.verdict.decision.rawValue, decisionLabel: t.verdict.decision.rawValue.uppercased(),
            facts: facts(t, palette: palette), reasons: t.verdict.reasons,
            spansHeading: spans.isEmpty ? "Spans" : kind == .retake ? "Retake spans" : "Spans to check", spanKind: kind == .retake ? "retake" : "check",
            spanLegend: kind == .retake ? "retake span" : "span to check",
            hasSpans: !spans.isEmpty, spans: spans,
            legend: t.labels.map { LegendItem(label: $0, colour: palette.colour($0)) },
            timeline: TimelinePlot(take: t, palette: palette).render(),
            bars: DistributionChart(labels: t.labels, face: t.face.probabilities, voice: t.voice.probabilities, palette: palette).render(),
            circumplex: CircumplexChart(take: t, palette: palette).render(), hasAffect: t.congruence.affect != nil, affect: affectRows(t),
            hasThumbnails: !thumbs.isEmpty, thumbnails: thumbs,
            hasSegments: !segments.isEmpty, segments: segments,
            settings: settings(t))
    }

    func facts(_ t: TakeAnalysis, palette: EmotionPalette) -> [Fact] {
        var facts: [Fact] = [Fact(label: "Duration", value: Self.duration(t.duration))]
        if let e = t.face.emotion {
            facts.append(Fact(label: "Face", value: "\(e) \(SVG.p(t.face.probabilities[e] ?? 0))", colour: palette.colour(e),
                              note: "seen in \(Self.percent(t.face.coverage)) of \(t.face.sampledFrames) frames"))
        } else {
            facts.append(Fact(label: "Face", value: "none", note: "\(t.face.sampledFrames) frames sampled"))
        }
        if let e = t.voice.emotion {
            facts.append(Fact(label: "Voice", value: "\(e) \(SVG.p(t.voice.probabilities[e] ?? 0))", colour: palette.colour(e),
                              note: String(format: "%.1f s of speech (%@)", t.voice.speechSeconds, Self.percent(t.voice.coverage))))
        } else {
            facts.append(Fact(label: "Voice", value: "no speech"))
        }
        if let p = t.congruence.probability {
            let policy = t.settings.policy
            facts.append(Fact(label: "Same emotion", value: "P = \(SVG.p(p))",
                              note: String(format: "keep from %.3f, retake below %.3f", max(policy.keepAbove, policy.retakeBelow), policy.retakeBelow)))
        }
        if let score = t.congruence.score {
            let agree = t.congruence.agree.map { $0 ? "top emotions agree" : "top emotions differ" }
            facts.append(Fact(label: "Congruence", value: SVG.p(score), note: agree))
        } else {
            facts.append(Fact(label: "Congruence", value: "–", note: "needs both face and voice"))
        }
        if let i = t.congruence.intended {
            func mark(_ p: Double?, _ ok: Bool?) -> String {
                guard let p else { return "–" }
                return "\(SVG.p(p)) \(ok == true ? "✓" : "✗")"
            }
            facts.append(Fact(label: "Intended", value: i.emotion, colour: palette.colour(i.emotion),
                              note: "face \(mark(i.face, i.faceMatches)), voice \(mark(i.voice, i.voiceMatches))"))
        }
        return facts
    }

    /// Valence and arousal of face and voice, with the gap on each axis.
    func affectRows(_ t: TakeAnalysis) -> [AffectRow] {
        guard let a = t.congruence.affect else { return [] }
        func row(_ axis: String, _ f: Double, _ v: Double, _ gap: Double, _ agree: Bool, _ word: (Double) -> String) -> AffectRow {
            AffectRow(axis: axis, face: String(format: "%+.2f %@", f, word(f)), voice: String(format: "%+.2f %@", v, word(v)),
                      gap: SVG.p(gap), verdict: agree ? "✓ agree" : "✗ differ", verdictClass: agree ? "agree" : "differ")
        }
        return [row("Valence", a.face.valence, a.voice.valence, a.valenceGap, a.valenceAgree, Circumplex.valenceWord),
                row("Arousal", a.face.arousal, a.voice.arousal, a.arousalGap, a.arousalAgree, Circumplex.arousalWord)]
    }

    func settings(_ t: TakeAnalysis) -> [Setting] {
        let s = t.settings
        var out = [
            Setting(label: "Face model", value: s.faceModel),
            Setting(label: "Voice model", value: s.voiceModel),
            Setting(label: "Face detector", value: s.detector),
            Setting(label: "Face sampling", value: s.faceFPS.map { String(format: "%g frames per second", $0) } ?? "every frame"),
            Setting(label: "Speech", value: s.speech),
            Setting(label: "Emotions", value: t.labels.joined(separator: ", ")),
        ]
        if let i = s.intended { out.append(Setting(label: "Intended", value: i)) }
        if t.face.otherFaces > 0 { out.append(Setting(label: "Other faces", value: "\(t.face.otherFaces) tracked, not classified")) }
        let p = s.policy
        out.append(Setting(label: "Thresholds", value: String(
                    format:
                        "retake below P(same emotion) %.3f, keep from %.3f (unsure between); spans below %.3f; at most %.0f%% of speech in spans; face in ≥ "
                            + "%.0f%% of frames; ≥ %.1f s of speech; valence/arousal agree within %.2f",
            p.retakeBelow, max(p.keepAbove, p.retakeBelow), p.spanBelow, p.maxSpanShare * 100, p.minFaceCoverage * 100, p.minSpeechSeconds, p.axisTolerance)))
        return out
    }

    /// The file name without its folders.
    static func displayName(_ take: String) -> String {
        take.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? take
    }

    static func percent(_ x: Double) -> String { String(format: "%.0f%%", x * 100) }

    static func duration(_ s: Double) -> String {
        s >= 60 ? "\(SVG.clock(s)) (\(String(format: "%.1f", s)) s)" : String(format: "%.1f s", s)
    }
}
