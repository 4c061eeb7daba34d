import Foundation

/// The thresholds behind keep / retake / unsure. Defaults are calibrated on the congruence
/// benchmark (`takesense bench congruence`, README); every one can be set from the command line
/// or a JSON file with these snake_case keys.
public struct VerdictPolicy: Codable, Sendable, Equatable {
    /// Below this share of sampled frames with the main face: unsure.
    public var minFaceCoverage: Double
    /// Below this many seconds of speech: unsure.
    public var minSpeechSeconds: Double
    /// When neither modality's top emotion reaches this probability: unsure.
    public var minConfidence: Double
    /// Scene congruence score below this: retake.
    public var retakeBelow: Double
    /// A speech segment whose congruence score is below this (and whose top emotions differ) is a retake span.
    public var spanBelow: Double
    /// Retake when retake spans cover more than this share of the speech, even if the scene score passes.
    public var maxSpanShare: Double
    /// A segment is judged only when the face is seen in at least this share of its sampled frames.
    public var minSegmentFaceCoverage: Double
    /// With an intended emotion: a modality carries it when it is its top emotion or its probability reaches this.
    public var intentMin: Double

    enum CodingKeys: String, CodingKey {
        case minFaceCoverage = "min_face_coverage", minSpeechSeconds = "min_speech_seconds", minConfidence = "min_confidence"
        case retakeBelow = "retake_below", spanBelow = "span_below", maxSpanShare = "max_span_share"
        case minSegmentFaceCoverage = "min_segment_face_coverage", intentMin = "intent_min"
    }

    public init(minFaceCoverage: Double = 0.3, minSpeechSeconds: Double = 0.5, minConfidence: Double = 0.3,
                retakeBelow: Double = 0.72, spanBelow: Double = 0.72, maxSpanShare: Double = 0.3,
                minSegmentFaceCoverage: Double = 0.5, intentMin: Double = 0.3) {
        self.minFaceCoverage = minFaceCoverage
        self.minSpeechSeconds = minSpeechSeconds
        self.minConfidence = minConfidence
        self.retakeBelow = retakeBelow
        self.spanBelow = spanBelow
        self.maxSpanShare = maxSpanShare
        self.minSegmentFaceCoverage = minSegmentFaceCoverage
        self.intentMin = intentMin
    }

    public init(from decoder: any Decoder) throws {
        // Every key optional: a policy file names only what it changes.
        let d = VerdictPolicy()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func v(_ k: CodingKeys, _ def: Double) throws -> Double {
            guard let x = try c.decodeIfPresent(Double.self, forKey: k) else { return def }
            guard x.isFinite, x >= 0 else {
                throw DecodingError.dataCorruptedError(forKey: k, in: c, debugDescription: "\(k.rawValue) must be a non-negative number")
            }
            return x
        }
        self.init(minFaceCoverage: try v(.minFaceCoverage, d.minFaceCoverage), minSpeechSeconds: try v(.minSpeechSeconds, d.minSpeechSeconds),
                  minConfidence: try v(.minConfidence, d.minConfidence), retakeBelow: try v(.retakeBelow, d.retakeBelow),
                  spanBelow: try v(.spanBelow, d.spanBelow), maxSpanShare: try v(.maxSpanShare, d.maxSpanShare),
                  minSegmentFaceCoverage: try v(.minSegmentFaceCoverage, d.minSegmentFaceCoverage), intentMin: try v(.intentMin, d.intentMin))
    }
}

/// Turns per-frame face probabilities and per-segment voice probabilities into a take's analysis:
/// scene distributions, congruence per segment and per scene, the intent check and the verdict.
/// Pure: no models, no media — so every rule here is tested on hand-made inputs.
public struct TakeAssembler: Sendable {
    /// The verdict's reasons when a take has no video or no audio track (pass them as `faceUnavailable` /
    /// `voiceUnavailable`; `reassess` keeps them).
    public static let noVideoTrack = "the file has no video track, so the face cannot be judged"
    public static let noAudioTrack = "the file has no audio track, so the voice cannot be judged"

    public var labels: [String]
    public var policy: VerdictPolicy
    public var intended: String?

    public init(labels: [String], policy: VerdictPolicy = .init(), intended: String? = nil) {
        self.labels = labels
        self.policy = policy
        self.intended = intended
    }

    /// - Parameters:
    ///   - faceFrames: classified frames of the main face (probabilities over any superset of `labels`).
    ///   - sampledTimes: timestamps of every frame sampled for the face, with or without a face.
    ///   - voiceSegments: classified speech segments.
    ///   - faceUnavailable / voiceUnavailable: why a modality could not be analysed at all (e.g. "the file
    ///     has no audio track"), used as the verdict's reason instead of the generic one.
    public func assemble(take: String, duration: Double, faceFrames: [FaceFrame], sampledTimes: [Double], otherFaces: Int,
                         thumbnails: [Thumbnail] = [], voiceSegments: [VoiceSegment], settings: AnalysisSettings,
                         faceUnavailable: String? = nil, voiceUnavailable: String? = nil) -> TakeAnalysis {
        let frames = faceFrames.map { f in
            FaceFrame(t: f.t, box: f.box, probabilities: Distributions.normalised(f.probabilities, over: labels).map {
                Distributions.dictionary($0, labels: labels)
            } ?? [:])
        }.filter { !$0.probabilities.isEmpty }.sorted { $0.t < $1.t }
        let segments = voiceSegments.compactMap { s -> VoiceSegment? in
            guard s.end > s.start, let v = Distributions.normalised(s.probabilities, over: labels) else { return nil }
            let p = Distributions.dictionary(v, labels: labels)
            return VoiceSegment(start: s.start, end: s.end, emotion: Distributions.top(p, labels: labels)!.label, probabilities: p)
        }.sorted { $0.start < $1.start }

        let faceP = Distributions.mean(frames.map { ($0.probabilities, 1.0) }, labels: labels) ?? [:]
        let face = FaceAnalysis(
            coverage: sampledTimes.isEmpty ? 0 : Double(frames.count) / Double(sampledTimes.count),
            emotion: Distributions.top(faceP, labels: labels)?.label, probabilities: faceP, frames: frames,
            sampledFrames: sampledTimes.count, otherFaces: otherFaces, thumbnails: thumbnails)
        let speech = segments.reduce(0) { $0 + $1.duration }
        let voiceP = Distributions.mean(segments.map { ($0.probabilities, $0.duration) }, labels: labels) ?? [:]
        let voice = VoiceAnalysis(coverage: duration > 0 ? min(1, speech / duration) : 0, speechSeconds: speech,
                                  emotion: Distributions.top(voiceP, labels: labels)?.label, probabilities: voiceP, segments: segments)
        let congruence = self.congruence(face: face, voice: voice, sampledTimes: sampledTimes)
        let verdict = decide(face: face, voice: voice, congruence: congruence, faceUnavailable: faceUnavailable, voiceUnavailable: voiceUnavailable)
        return TakeAnalysis(take: take, duration: duration, labels: labels, face: face, voice: voice,
                            congruence: congruence, verdict: verdict, settings: settings)
    }

    /// The same take judged again under this assembler's policy and intended emotion (e.g. with
    /// calibrated thresholds): the intent check and the verdict are recomputed; measurements are kept.
    public func reassess(_ analysis: TakeAnalysis) -> TakeAnalysis {
        var a = analysis
        var c = a.congruence
        c.intended = intentCheck(face: a.face, voice: a.voice)
        a.congruence = c
        let unavailable = a.verdict.decision == .unsure ? a.verdict.reasons : []
        a.verdict = decide(face: a.face, voice: a.voice, congruence: c,
                           faceUnavailable: unavailable.first { $0 == Self.noVideoTrack },
                           voiceUnavailable: unavailable.first { $0 == Self.noAudioTrack })
        a.settings.policy = policy
        a.settings.intended = intended
        return a
    }

    func intentCheck(face: FaceAnalysis, voice: VoiceAnalysis) -> IntentCheck? {
        guard let intended else { return nil }
        let f = face.probabilities.isEmpty ? nil : face.probabilities[intended] ?? 0
        let v = voice.probabilities.isEmpty ? nil : voice.probabilities[intended] ?? 0
        return IntentCheck(emotion: intended, face: f, voice: v,
                           faceMatches: f.map { carries($0, top: face.emotion) }, voiceMatches: v.map { carries($0, top: voice.emotion) })
    }

    func congruence(face: FaceAnalysis, voice: VoiceAnalysis, sampledTimes: [Double]) -> Congruence {
        var scene: (agree: Bool, score: Double, jsd: Double)?
        if let f = Distributions.normalised(face.probabilities, over: labels), let v = Distributions.normalised(voice.probabilities, over: labels) {
            let jsd = Distributions.jensenShannon(f, v)
            scene = (face.emotion == voice.emotion, 1 - jsd, jsd)
        }
        var segs: [SegmentCongruence] = []
        for s in voice.segments {
            // Frames sampled within the segment.
            let inSpan = face.frames.filter { $0.t >= s.start && $0.t <= s.end }
            let sampled = sampledTimes.filter { $0.isWithin(s) }.count
            let coverage = sampled > 0 ? min(1, Double(inSpan.count) / Double(sampled)) : 0
            let fp = Distributions.mean(inSpan.map { ($0.probabilities, 1.0) }, labels: labels)
            var agree: Bool?, score: Double?
            let fTop = fp.flatMap { Distributions.top($0, labels: labels)?.label }
            if let fp, let a = Distributions.normalised(fp, over: labels), let b = Distributions.normalised(s.probabilities, over: labels) {
                score = Distributions.congruenceScore(a, b)
                agree = fTop == s.emotion
            }
            segs.append(SegmentCongruence(start: s.start, end: s.end, faceCoverage: coverage, face: fp, faceEmotion: fTop,
                                          voice: s.probabilities, voiceEmotion: s.emotion, agree: agree, score: score))
        }
        return Congruence(agree: scene?.agree, score: scene?.score, jsDivergence: scene?.jsd, segments: segs,
                          intended: intentCheck(face: face, voice: voice))
    }

    private func carries(_ p: Double, top: String?) -> Bool { top == intended || p >= policy.intentMin }

    func decide(face: FaceAnalysis, voice: VoiceAnalysis, congruence c: Congruence,
                faceUnavailable: String? = nil, voiceUnavailable: String? = nil) -> Verdict {
        var unsure: [String] = []
        if let faceUnavailable, face.frames.isEmpty {
            unsure.append(faceUnavailable)
        } else if face.frames.isEmpty {
            unsure.append(face.sampledFrames == 0 ? "no video frames could be sampled, so the face cannot be judged"
                          : "no face was found in any of the \(face.sampledFrames) sampled frames, so the face cannot be judged")
        } else if face.coverage < policy.minFaceCoverage {
            unsure.append(String(format: "the face is seen in only %.0f%% of the sampled frames (at least %.0f%% needed to judge)",
                                 face.coverage * 100, policy.minFaceCoverage * 100))
        }
        if let voiceUnavailable, voice.segments.isEmpty {
            unsure.append(voiceUnavailable)
        } else if voice.segments.isEmpty {
            unsure.append("no speech was found, so the voice cannot be judged")
        } else if voice.speechSeconds < policy.minSpeechSeconds {
            unsure.append(String(format: "only %.1f s of speech was found (at least %.1f s needed to judge)", voice.speechSeconds, policy.minSpeechSeconds))
        }
        let fTop = Distributions.top(face.probabilities, labels: labels)
        let vTop = Distributions.top(voice.probabilities, labels: labels)
        if unsure.isEmpty, let f = fTop, let v = vTop, max(f.probability, v.probability) < policy.minConfidence {
            unsure.append(String(format: "neither the face (%@ %.2f) nor the voice (%@ %.2f) is confident enough to judge (%.2f needed)",
                                 f.label, f.probability, v.label, v.probability, policy.minConfidence))
        }
        guard unsure.isEmpty, let f = fTop, let v = vTop, let score = c.score else {
            return Verdict(decision: .unsure, reasons: unsure, spans: spans(c))
        }
        var retake: [String] = []
        if let i = c.intended {
            if i.faceMatches == false {
                retake.append(String(format: "the face reads %@ (%.2f), not the intended %@ (%.2f)", f.label, f.probability, i.emotion, i.face ?? 0))
            }
            if i.voiceMatches == false {
                retake.append(String(format: "the voice reads %@ (%.2f), not the intended %@ (%.2f)", v.label, v.probability, i.emotion, i.voice ?? 0))
            }
        }
        if score < policy.retakeBelow {
            if f.label == v.label {
                retake.append(String(format: "face and voice both lean %@ but not alike (face %.2f, voice %.2f); congruence %.2f is below %.2f",
                                     f.label, f.probability, v.probability, score, policy.retakeBelow))
            } else {
                retake.append(String(format: "the face reads %@ (%.2f) while the voice reads %@ (%.2f); congruence %.2f is below %.2f",
                                     f.label, f.probability, v.label, v.probability, score, policy.retakeBelow))
            }
        }
        let spans = spans(c)
        let spanSeconds = spans.reduce(0) { $0 + ($1.end - $1.start) }
        if voice.speechSeconds > 0, spanSeconds / voice.speechSeconds > policy.maxSpanShare, score >= policy.retakeBelow {
            retake.append(String(format: "face and voice part ways over %.0f%% of the speech (%d span%@)",
                                 100 * spanSeconds / voice.speechSeconds, spans.count, spans.count == 1 ? "" : "s"))
        }
        if !retake.isEmpty { return Verdict(decision: .retake, reasons: retake, spans: spans) }
        var keep = f.label == v.label
            ? String(format: "face and voice both read %@ (face %.2f, voice %.2f); congruence %.2f", f.label, f.probability, v.probability, score)
            : String(format: "the face leans %@ (%.2f) and the voice %@ (%.2f), but their distributions agree (congruence %.2f)",
                     f.label, f.probability, v.label, v.probability, score)
        if let i = c.intended { keep += ", and both carry the intended \(i.emotion)" }
        var reasons = [keep]
        if !spans.isEmpty { reasons.append("\(spans.count) short span\(spans.count == 1 ? "" : "s") to check: see the spans") }
        return Verdict(decision: .keep, reasons: reasons, spans: spans)
    }

    /// Segments where face and voice part ways, or where either misses the intended emotion.
    func spans(_ c: Congruence) -> [VerdictSpan] {
        var out: [VerdictSpan] = []
        for s in c.segments where s.faceCoverage >= policy.minSegmentFaceCoverage {
            guard let fp = s.face, let f = Distributions.top(fp, labels: labels), let score = s.score else { continue }
            let v = (label: s.voiceEmotion, probability: s.voice[s.voiceEmotion] ?? 0)
            var parts: [String] = []
            if score < policy.spanBelow, f.label != v.label {
                parts.append(String(format: "the face reads %@ (%.2f) while the voice reads %@ (%.2f)", f.label, f.probability, v.label, v.probability))
            }
            if let i = intended {
                let pf = fp[i] ?? 0, pv = s.voice[i] ?? 0
                let faceMiss = f.label != i && pf < policy.intentMin, voiceMiss = v.label != i && pv < policy.intentMin
                if faceMiss && voiceMiss {
                    parts.append(String(format: "neither face nor voice carries the intended %@ (face %.2f, voice %.2f)", i, pf, pv))
                } else if faceMiss {
                    parts.append(String(format: "the face misses the intended %@ (%.2f)", i, pf))
                } else if voiceMiss {
                    parts.append(String(format: "the voice misses the intended %@ (%.2f)", i, pv))
                }
            }
            if !parts.isEmpty { out.append(VerdictSpan(start: s.start, end: s.end, reason: parts.joined(separator: "; "))) }
        }
        return out
    }
}

private extension Double {
    /// Whether this sampled-frame time falls within segment `s`.
    func isWithin(_ s: VoiceSegment) -> Bool { self >= s.start && self <= s.end }
}

/// Orders several takes of a scene, best first.
public enum TakeRanking {
    /// Kept takes first, then retakes, then takes that cannot be judged; within each group, by the
    /// intended emotion's mean probability over face and voice (with `--intended`), then by congruence score.
    public static func rank(_ takes: [TakeAnalysis]) -> [RankedTake] {
        func intentScore(_ t: TakeAnalysis) -> Double {
            guard let i = t.congruence.intended else { return 0 }
            return ((i.face ?? 0) + (i.voice ?? 0)) / 2
        }
        func group(_ t: TakeAnalysis) -> Int {
            switch t.verdict.decision { case .keep: 0; case .retake: 1; case .unsure: 2 }
        }
        let order = takes.indices.sorted { a, b in
            let x = takes[a], y = takes[b]
            if group(x) != group(y) { return group(x) < group(y) }
            let ix = intentScore(x), iy = intentScore(y)
            if abs(ix - iy) > 1e-9 { return ix > iy }
            let sx = x.congruence.score ?? -1, sy = y.congruence.score ?? -1
            if abs(sx - sy) > 1e-12 { return sx > sy }
            return a < b
        }
        return order.enumerated().map { rank, i in
            let t = takes[i]
            var reason: String
            if t.verdict.decision == .unsure {
                reason = "cannot judge: " + (t.verdict.reasons.first ?? "too little to go on")
            } else {
                reason = String(format: "congruence %.2f (face %@, voice %@)", t.congruence.score ?? 0, t.face.emotion ?? "-", t.voice.emotion ?? "-")
                if let ic = t.congruence.intended {
                    reason = String(format: "intended %@: face %.2f, voice %.2f; ", ic.emotion, ic.face ?? 0, ic.voice ?? 0) + reason
                }
                reason = "\(t.verdict.decision.rawValue): " + reason
            }
            return RankedTake(rank: rank + 1, take: t.take, decision: t.verdict.decision, reason: reason)
        }
    }
}
