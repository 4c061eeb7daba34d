import Foundation

/// The thresholds behind keep / retake / unsure. Defaults are calibrated on the calibration half of the
/// congruence benchmark (`takesense bench congruence`, README); every one can be set from the command line
/// or a JSON file with these snake_case keys.
public struct VerdictPolicy: Codable, Sendable, Equatable {
    /// Below this share of sampled frames with the main face: unsure.
    public var minFaceCoverage: Double
    /// Below this many seconds of speech: unsure.
    public var minSpeechSeconds: Double
    /// When neither modality's top emotion reaches this probability: unsure.
    public var minConfidence: Double
    /// Retake when the take's congruence probability (P(same emotion)) is below this.
    public var retakeBelow: Double
    /// Keep when the congruence probability is at least this (and at least `retakeBelow`); in between,
    /// the evidence does not decide: unsure.
    public var keepAbove: Double
    /// A speech segment whose congruence probability is below this is a retake span.
    public var spanBelow: Double
    /// Retake when retake spans cover more than this share of the speech, even if the take passes.
    public var maxSpanShare: Double
    /// A segment is judged only when the face is seen in at least this share of its sampled frames.
    public var minSegmentFaceCoverage: Double
    /// With an intended emotion: a modality carries it when it is its top emotion or its probability reaches this.
    public var intentMin: Double
    /// Face and voice agree on valence (or arousal) when their circumplex points are at most this far apart on that axis.
    public var axisTolerance: Double
    /// The congruence probability's logistic weights on [1, logit(match), valence gap, arousal gap]
    /// (``CongruenceProbability``), fit on the calibration half of the benchmark.
    public var probabilityWeights: [Double]

    /// Take-level temperatures of the face and voice distributions before the match (softmax(log p / T)); 1 = as is.
    public var faceTemperature: Double
    public var voiceTemperature: Double
    /// Read each model's output through its own confusion matrix (`takesense.calibration.confusion`, measured on
    /// faces and voices it was not trained on) before the match, when both models carry one: P(true emotion |
    /// output) instead of the output itself. The benchmark decides whether it ranks takes better.
    public var confusionCorrection: Bool
    /// The logistic weights used instead of `probabilityWeights` when `confusionCorrection` is on but a model
    /// carries no confusion matrix (a custom model without calibration metadata): weights fit on uncorrected
    /// distributions, so such a take is not judged with weights meant for corrected ones.
    public var uncorrectedWeights: [Double]

    /// The weights fit on the calibration half of `takesense bench congruence` (README, "Calibration"), on
    /// distributions rescaled by the temperatures fit there and then read through each model's own confusion
    /// matrix (`confusionCorrection`): the candidate with the best ROC AUC on that half. Fits with valence/arousal
    /// gaps got gap weights of the wrong sign, so those terms are left at 0.
    public static let calibratedWeights: [Double] = [5.036, 3.346, 0, 0]
    /// The best uncorrected fit on the same half (temperature-scaled distributions, no confusion correction).
    public static let calibratedUncorrectedWeights: [Double] = [1.694, 1.190, 0, 0]

    enum CodingKeys: String, CodingKey {
        case minFaceCoverage = "min_face_coverage", minSpeechSeconds = "min_speech_seconds", minConfidence = "min_confidence"
        case retakeBelow = "retake_below", keepAbove = "keep_above", spanBelow = "span_below", maxSpanShare = "max_span_share"
        case minSegmentFaceCoverage = "min_segment_face_coverage", intentMin = "intent_min"
        case axisTolerance = "axis_tolerance", probabilityWeights = "probability_weights"
        case faceTemperature = "face_temperature", voiceTemperature = "voice_temperature"
        case confusionCorrection = "confusion_correction", uncorrectedWeights = "uncorrected_weights"
    }

    public init(minFaceCoverage: Double = 0.3, minSpeechSeconds: Double = 0.5, minConfidence: Double = 0.3,
                retakeBelow: Double = 0.439, keepAbove: Double = 0.561, spanBelow: Double = 0.439, maxSpanShare: Double = 0.3,
                minSegmentFaceCoverage: Double = 0.5, intentMin: Double = 0.3, axisTolerance: Double = 0.3,
                probabilityWeights: [Double] = VerdictPolicy.calibratedWeights, faceTemperature: Double = 0.506, voiceTemperature: Double = 1.561,
                confusionCorrection: Bool = true, uncorrectedWeights: [Double] = VerdictPolicy.calibratedUncorrectedWeights) {
        self.confusionCorrection = confusionCorrection
        self.uncorrectedWeights = uncorrectedWeights
        self.faceTemperature = faceTemperature
        self.voiceTemperature = voiceTemperature
        self.minFaceCoverage = minFaceCoverage
        self.minSpeechSeconds = minSpeechSeconds
        self.minConfidence = minConfidence
        self.retakeBelow = retakeBelow
        self.keepAbove = keepAbove
        self.spanBelow = spanBelow
        self.maxSpanShare = maxSpanShare
        self.minSegmentFaceCoverage = minSegmentFaceCoverage
        self.intentMin = intentMin
        self.axisTolerance = axisTolerance
        self.probabilityWeights = probabilityWeights
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
        func t(_ k: CodingKeys, _ def: Double) throws -> Double {
            let x = try v(k, def)
            guard x > 0 else { throw DecodingError.dataCorruptedError(forKey: k, in: c, debugDescription: "\(k.rawValue) must be a positive number") }
            return x
        }
        func weights(_ k: CodingKeys, _ def: [Double]) throws -> [Double] {
            guard let w = try c.decodeIfPresent([Double].self, forKey: k) else { return def }
            guard w.count == 4, w.allSatisfy(\.isFinite) else {
                throw DecodingError.dataCorruptedError(forKey: k, in: c,
                    debugDescription: "\(k.rawValue) must be 4 finite numbers (bias, logit of the match, valence gap, arousal gap)")
            }
            return w
        }
        self.init(minFaceCoverage: try v(.minFaceCoverage, d.minFaceCoverage), minSpeechSeconds: try v(.minSpeechSeconds, d.minSpeechSeconds),
                  minConfidence: try v(.minConfidence, d.minConfidence), retakeBelow: try v(.retakeBelow, d.retakeBelow),
                  keepAbove: try v(.keepAbove, d.keepAbove), spanBelow: try v(.spanBelow, d.spanBelow), maxSpanShare: try v(.maxSpanShare, d.maxSpanShare),
                  minSegmentFaceCoverage: try v(.minSegmentFaceCoverage, d.minSegmentFaceCoverage), intentMin: try v(.intentMin, d.intentMin),
                  axisTolerance: try v(.axisTolerance, d.axisTolerance), probabilityWeights: try weights(.probabilityWeights, d.probabilityWeights),
                  faceTemperature: try t(.faceTemperature, d.faceTemperature), voiceTemperature: try t(.voiceTemperature, d.voiceTemperature),
                  confusionCorrection: try c.decodeIfPresent(Bool.self, forKey: .confusionCorrection) ?? d.confusionCorrection,
                  uncorrectedWeights: try weights(.uncorrectedWeights, d.uncorrectedWeights))
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
    /// Each model's known confusions (from its metadata, `takesense.calibration.confusion`), when known: with the
    /// policy's `confusionCorrection`, the congruence probability reads each output as evidence about the true emotion.
    public var faceConfusion: ConfusionPrior?
    public var voiceConfusion: ConfusionPrior?

    public init(labels: [String], policy: VerdictPolicy = .init(), intended: String? = nil,
                faceConfusion: ConfusionPrior? = nil, voiceConfusion: ConfusionPrior? = nil) {
        self.labels = labels
        self.policy = policy
        self.intended = intended
        self.faceConfusion = faceConfusion
        self.voiceConfusion = voiceConfusion
    }

    /// - Parameters:
    ///   - faceFrames: classified frames of the main face (probabilities over any superset of `labels`).
    ///   - sampledTimes: timestamps of every frame sampled for the face, with or without a face.
    ///   - voiceSegments: classified speech segments.
    ///   - faceUnavailable / voiceUnavailable: why a modality could not be analysed at all (e.g. "the file
    ///     has no audio track"), used as the verdict's reason instead of the generic one.
    public func assemble(take: String, duration: Double, faceFrames: [FaceFrame], sampledTimes: [Double], otherFaces: Int,
                         thumbnails: [Thumbnail] = [], voiceSegments: [VoiceEmotionSegment], settings: AnalysisSettings,
                         faceUnavailable: String? = nil, voiceUnavailable: String? = nil) -> TakeAnalysis {
        let frames = faceFrames.map { f in
            FaceFrame(t: f.t, box: f.box, probabilities: Distributions.normalised(f.probabilities, over: labels).map {
                Distributions.dictionary($0, labels: labels)
            } ?? [:])
        }.filter { !$0.probabilities.isEmpty }.sorted { $0.t < $1.t }
        let segments = voiceSegments.compactMap { s -> VoiceEmotionSegment? in
            guard s.end > s.start, let v = Distributions.normalised(s.probabilities, over: labels) else { return nil }
            let p = Distributions.dictionary(v, labels: labels)
            return VoiceEmotionSegment(start: s.start, end: s.end, emotion: Distributions.top(p, labels: labels)!.label, probabilities: p)
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
        let congruence = self.congruence(face: face, voice: voice) { s in
            let inSpan = frames.filter { $0.t >= s.start && $0.t <= s.end }.count
            let sampled = sampledTimes.filter { $0.isWithin(s) }.count
            return sampled > 0 ? min(1, Double(inSpan) / Double(sampled)) : 0
        }
        let verdict = decide(face: face, voice: voice, congruence: congruence, faceUnavailable: faceUnavailable, voiceUnavailable: voiceUnavailable)
        return TakeAnalysis(take: take, duration: duration, labels: labels, face: face, voice: voice,
                            congruence: congruence, verdict: verdict, settings: settings)
    }

    /// The same take judged again under this assembler's policy, intended emotion and confusion priors (e.g.
    /// with calibrated thresholds): congruence, the intent check and the verdict are recomputed from the
    /// measured frames and segments (each segment keeps its measured face coverage).
    public func reassess(_ analysis: TakeAnalysis) -> TakeAnalysis {
        var a = analysis
        let coverage = Dictionary(analysis.congruence.segments.map { ("\($0.start)-\($0.end)", $0.faceCoverage) }, uniquingKeysWith: { x, _ in x })
        let c = congruence(face: a.face, voice: a.voice) { coverage["\($0.start)-\($0.end)"] ?? 0 }
        a.congruence = c
        let unavailable = a.verdict.decision == .unsure ? a.verdict.reasons.map(Self.withoutDecision) : []
        a.verdict = decide(face: a.face, voice: a.voice, congruence: c,
                           faceUnavailable: unavailable.first { $0 == Self.noVideoTrack },
                           voiceUnavailable: unavailable.first { $0 == Self.noAudioTrack })
        a.settings.policy = policy
        a.settings.intended = intended
        return a
    }

    /// A reason without its leading "keep: " / "retake: " / "unsure: ".
    static func withoutDecision(_ reason: String) -> String {
        for d in Verdict.Decision.allCases where reason.hasPrefix(d.rawValue + ": ") { return String(reason.dropFirst(d.rawValue.count + 2)) }
        return reason
    }

    func intentCheck(face: FaceAnalysis, voice: VoiceAnalysis) -> IntentCheck? {
        guard let intended else { return nil }
        let f = face.probabilities.isEmpty ? nil : face.probabilities[intended] ?? 0
        let v = voice.probabilities.isEmpty ? nil : voice.probabilities[intended] ?? 0
        return IntentCheck(emotion: intended, face: f, voice: v,
                           faceMatches: f.map { carries($0, top: face.emotion) }, voiceMatches: v.map { carries($0, top: voice.emotion) })
    }

    /// P(same emotion) and the circumplex agreement of two distributions.
    func probability(face: EmotionProbabilities, voice: EmotionProbabilities) -> (p: Double, affect: AffectAgreement)? {
        // The correction needs both matrices; without them, the weights fit on uncorrected distributions.
        let corrected = policy.confusionCorrection && faceConfusion != nil && voiceConfusion != nil
        guard let x = CongruenceProbability.features(face: face, voice: voice, labels: labels,
                                                     faceConfusion: corrected ? faceConfusion : nil,
                                                     voiceConfusion: corrected ? voiceConfusion : nil,
                                                     faceTemperature: policy.faceTemperature, voiceTemperature: policy.voiceTemperature),
              let affect = Circumplex.agreement(face: face, voice: voice, tolerance: policy.axisTolerance) else { return nil }
        return (CongruenceProbability.probability(x, weights: corrected || !policy.confusionCorrection ? policy.probabilityWeights : policy.uncorrectedWeights),
                affect)
    }

    func congruence(face: FaceAnalysis, voice: VoiceAnalysis, segmentFaceCoverage: (VoiceEmotionSegment) -> Double) -> Congruence {
        var scene: (agree: Bool, score: Double, jsd: Double)?
        if let f = Distributions.normalised(face.probabilities, over: labels), let v = Distributions.normalised(voice.probabilities, over: labels) {
            let jsd = Distributions.jensenShannon(f, v)
            scene = (face.emotion == voice.emotion, 1 - jsd, jsd)
        }
        let sceneP = scene == nil ? nil : probability(face: face.probabilities, voice: voice.probabilities)
        var segs: [SegmentCongruence] = []
        for s in voice.segments {
            let inSpan = face.frames.filter { $0.t >= s.start && $0.t <= s.end }
            let fp = Distributions.mean(inSpan.map { ($0.probabilities, 1.0) }, labels: labels)
            var agree: Bool?, score: Double?, p: (p: Double, affect: AffectAgreement)?
            let fTop = fp.flatMap { Distributions.top($0, labels: labels)?.label }
            if let fp, let a = Distributions.normalised(fp, over: labels), let b = Distributions.normalised(s.probabilities, over: labels) {
                score = Distributions.congruenceScore(a, b)
                agree = fTop == s.emotion
                p = probability(face: fp, voice: s.probabilities)
            }
            segs.append(SegmentCongruence(start: s.start, end: s.end, faceCoverage: segmentFaceCoverage(s), face: fp, faceEmotion: fTop,
                                          voice: s.probabilities, voiceEmotion: s.emotion, agree: agree, score: score,
                                          probability: p?.p, affect: p?.affect))
        }
        return Congruence(agree: scene?.agree, score: scene?.score, jsDivergence: scene?.jsd, probability: sceneP?.p, affect: sceneP?.affect,
                          segments: segs, intended: intentCheck(face: face, voice: voice))
    }

    private func carries(_ p: Double, top: String?) -> Bool { top == intended || p >= policy.intentMin }

    func decide(face: FaceAnalysis, voice: VoiceAnalysis, congruence c: Congruence,
                faceUnavailable: String? = nil, voiceUnavailable: String? = nil) -> Verdict {
        var v = judge(face: face, voice: voice, congruence: c, faceUnavailable: faceUnavailable, voiceUnavailable: voiceUnavailable)
        // The first reason names the decision, so that it reads on its own.
        if !v.reasons.isEmpty { v.reasons[0] = "\(v.decision.rawValue): " + v.reasons[0] }
        return v
    }

    private func judge(face: FaceAnalysis, voice: VoiceAnalysis, congruence c: Congruence,
                       faceUnavailable: String?, voiceUnavailable: String?) -> Verdict {
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
        guard unsure.isEmpty, let f = fTop, let v = vTop, let p = c.probability else {
            return Verdict(decision: .unsure, reasons: unsure, spans: spans(c))
        }
        let spans = spans(c)
        let reading = readings(face: face.probabilities, voice: voice.probabilities, f: f, v: v)
        let axes = c.affect.map(axisText) ?? ""
        var retake: [String] = []
        if let i = c.intended {
            if i.faceMatches == false {
                retake.append(String(format: "the face reads %@ (%.2f), not the intended %@ (%.2f)", f.label, f.probability, i.emotion, i.face ?? 0))
            }
            if i.voiceMatches == false {
                retake.append(String(format: "the voice reads %@ (%.2f), not the intended %@ (%.2f)", v.label, v.probability, i.emotion, i.voice ?? 0))
            }
        }
        if p < policy.retakeBelow {
            retake.append("face and voice probably express different emotions: P(same emotion) \(Self.compared(p, "<", policy.retakeBelow)); "
                          + reading + (axes.isEmpty ? "" : "; " + axes))
        }
        let keepFrom = max(policy.keepAbove, policy.retakeBelow)
        let spanSeconds = spans.reduce(0) { $0 + ($1.end - $1.start) }
        // Spans decide even when the take as a whole sits in the unsure band: a stretch that clearly parts ways is a retake.
        if retake.isEmpty, voice.speechSeconds > 0, spanSeconds / voice.speechSeconds > policy.maxSpanShare {
            let format = "face and voice part ways over %.0f%% of the speech (%d span%@ with P(same emotion) below %.3f), "
                + "although the take as a whole reaches P(same emotion) %.3f"
            retake.append(String(format: format, 100 * spanSeconds / voice.speechSeconds, spans.count, spans.count == 1 ? "" : "s", policy.spanBelow, p))
        }
        if !retake.isEmpty { return Verdict(decision: .retake, reasons: retake, spans: spans) }
        if p < keepFrom {
            var why = "the evidence does not decide: P(same emotion) \(Self.between(p, policy.retakeBelow, keepFrom)); " + reading
            if !axes.isEmpty { why += "; " + axes }
            return Verdict(decision: .unsure, reasons: [why], spans: spans)
        }
        var keep: String
        if f.label == v.label {
            keep = String(format: "face and voice both read %@ (face %@ %.2f, voice %@ %.2f); P(same emotion) ",
                          f.label, f.label, f.probability, v.label, v.probability) + Self.compared(p, "≥", keepFrom)
        } else {
            keep = "despite different top emotions, P(same emotion) " + Self.compared(p, "≥", keepFrom)
            if let a = c.affect { keep += "; " + sharedAffectText(a) }
            keep += "; " + reading
        }
        if let i = c.intended { keep += ", and both carry the intended \(i.emotion)" }
        var reasons = [keep]
        if !spans.isEmpty { reasons.append("\(spans.count) short span\(spans.count == 1 ? "" : "s") to check: see the spans") }
        return Verdict(decision: .keep, reasons: reasons, spans: spans)
    }

    /// "0.398 < 0.404": a probability against a threshold with enough decimals (3 or more) that the shown
    /// numbers bear the comparison out.
    static func compared(_ p: Double, _ op: String, _ t: Double) -> String {
        for d in 3...8 {
            let a = String(format: "%.\(d)f", p), b = String(format: "%.\(d)f", t)
            if a != b || d == 8 { return "\(a) \(op) \(b)" }
        }
        return ""
    }

    /// "0.452 is between 0.404 and 0.503", with enough decimals to show it.
    static func between(_ p: Double, _ lo: Double, _ hi: Double) -> String {
        for d in 3...8 {
            let a = String(format: "%.\(d)f", p), l = String(format: "%.\(d)f", lo), h = String(format: "%.\(d)f", hi)
            if (a != l || p == lo) && a != h || d == 8 { return "\(a) is between \(l) and \(h)" }
        }
        return ""
    }

    /// "the face reads happy (0.81), the voice is split between neutral 0.29 and fear 0.27".
    func readings(face: EmotionProbabilities, voice: EmotionProbabilities, f: (label: String, probability: Double), v: (label: String, probability: Double))
        -> String
    {
        func one(_ who: String, _ p: EmotionProbabilities, _ top: (label: String, probability: Double)) -> String {
            let second = labels.filter { $0 != top.label }.max { (p[$0] ?? 0) < (p[$1] ?? 0) }
            if let second, let q = p[second], top.probability < 0.5, q >= top.probability - 0.1 {
                return String(format: "the %@ is split between %@ %.2f and %@ %.2f", who, top.label, top.probability, second, q)
            }
            return String(format: "the %@ reads %@ (%.2f)", who, top.label, top.probability)
        }
        return one("face", face, f) + ", " + one("voice", voice, v)
    }

    /// Which circumplex axes disagree, with the numbers: "valence disagrees (face +0.32 positive, voice -0.38 negative)".
    func axisText(_ a: AffectAgreement) -> String {
        var parts: [String] = []
        if !a.valenceAgree {
            parts.append(String(format: "valence disagrees (face %+.2f %@, voice %+.2f %@)", a.face.valence, Circumplex.valenceWord(a.face.valence),
                                a.voice.valence, Circumplex.valenceWord(a.voice.valence)))
        }
        if !a.arousalAgree {
            parts.append(String(format: "arousal disagrees (face %+.2f %@, voice %+.2f %@)", a.face.arousal, Circumplex.arousalWord(a.face.arousal),
                                a.voice.arousal, Circumplex.arousalWord(a.voice.arousal)))
        }
        if parts.isEmpty {
            return String(format: "valence and arousal agree (valence face %+.2f, voice %+.2f; arousal face %+.2f, voice %+.2f)",
                          a.face.valence, a.voice.valence, a.face.arousal, a.voice.arousal)
        }
        return parts.joined(separator: "; ")
    }

    /// "both read negative and tense (valence face -0.45, voice -0.50; arousal face +0.41, voice +0.38)".
    func sharedAffectText(_ a: AffectAgreement) -> String {
        let fv = Circumplex.valenceWord(a.face.valence), vv = Circumplex.valenceWord(a.voice.valence)
        let fa = Circumplex.arousalWord(a.face.arousal), va = Circumplex.arousalWord(a.voice.arousal)
        let words = fv == vv && fa == va ? "both read \(fv) and \(fa)" : "the face reads \(fv) and \(fa), the voice \(vv) and \(va)"
        return words + String(format: " (valence face %+.2f, voice %+.2f; arousal face %+.2f, voice %+.2f)",
                              a.face.valence, a.voice.valence, a.face.arousal, a.voice.arousal)
    }

    /// Segments where face and voice part ways, or where either misses the intended emotion.
    func spans(_ c: Congruence) -> [VerdictSpan] {
        var out: [VerdictSpan] = []
        for s in c.segments where s.faceCoverage >= policy.minSegmentFaceCoverage {
            guard let fp = s.face, let f = Distributions.top(fp, labels: labels), let p = s.probability else { continue }
            let v = (label: s.voiceEmotion, probability: s.voice[s.voiceEmotion] ?? 0)
            var parts: [String] = []
            if p < policy.spanBelow {
                var text = String(format: "P(same emotion) %.2f; ", p) + readings(face: fp, voice: s.voice, f: f, v: v)
                if let a = s.affect, !(a.valenceAgree && a.arousalAgree) { text += "; " + axisText(a) }
                parts.append(text)
            }
            if let i = intended {
                let pf = fp[i] ?? 0, pv = s.voice[i] ?? 0
                let faceMiss = f.label != i && pf < policy.intentMin, voiceMiss = v.label != i && pv < policy.intentMin
                if faceMiss && voiceMiss {
                    parts.append(String(format: "neither the face (%@ %.2f) nor the voice (%@ %.2f) carries the intended %@", i, pf, i, pv, i))
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
    func isWithin(_ s: VoiceEmotionSegment) -> Bool { self >= s.start && self <= s.end }
}

/// Orders several takes of a scene, best first.
public enum TakeRanking {
    /// Kept takes first, then retakes, then takes that cannot be judged; within each group, by the
    /// intended emotion's mean probability over face and voice (with `--intended`), then by congruence
    /// probability, then by congruence score.
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
            let px = x.congruence.probability ?? -1, py = y.congruence.probability ?? -1
            if abs(px - py) > 1e-12 { return px > py }
            let sx = x.congruence.score ?? -1, sy = y.congruence.score ?? -1
            if abs(sx - sy) > 1e-12 { return sx > sy }
            return a < b
        }
        return order.enumerated().map { rank, i in
            let t = takes[i]
            var reason: String
            if t.verdict.decision == .unsure {
                reason = "cannot judge: " + (t.verdict.reasons.first.map(TakeAssembler.withoutDecision) ?? "too little to go on")
            } else {
                reason = String(format: "P(same emotion) %.2f, congruence %.2f (face %@, voice %@)", t.congruence.probability ?? 0,
                                t.congruence.score ?? 0, t.face.emotion ?? "-", t.voice.emotion ?? "-")
                if let ic = t.congruence.intended {
                    reason = String(format: "intended %@: face %.2f, voice %.2f; ", ic.emotion, ic.face ?? 0, ic.voice ?? 0) + reason
                }
                reason = "\(t.verdict.decision.rawValue): " + reason
            }
            return RankedTake(rank: rank + 1, take: t.take, decision: t.verdict.decision, reason: reason)
        }
    }
}
