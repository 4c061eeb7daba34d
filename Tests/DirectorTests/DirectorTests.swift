import Foundation
import Testing

@testable import Director

let six = ["angry", "disgust", "fear", "happy", "neutral", "sad"]

/// A distribution with `p` on `top` and the rest spread evenly.
func peaked(_ top: String, _ p: Double, labels: [String] = six) -> EmotionProbabilities {
    var d: EmotionProbabilities = [:]
    for l in labels { d[l] = l == top ? p : (1 - p) / Double(labels.count - 1) }
    return d
}

func settings(_ policy: VerdictPolicy = .init(), intended: String? = nil) -> AnalysisSettings {
    AnalysisSettings(faceModel: "f", voiceModel: "v", detector: "d", faceFPS: 5, speech: "test", intended: intended, policy: policy)
}

/// A take of `duration` s sampled at 5 fps: the face reads `face(t)` (nil = no face), the voice has `segments`.
func take(duration: Double = 20, face: (Double) -> EmotionProbabilities?, segments: [VoiceEmotionSegment],
          intended: String? = nil, policy: VerdictPolicy = .init()) -> TakeAnalysis {
    let times = stride(from: 0.0, to: duration, by: 0.2).map { $0 }
    let frames = times.compactMap { t in face(t).map { FaceFrame(t: t, box: [10, 10, 100, 100], probabilities: $0) } }
    return TakeAssembler(labels: six, policy: policy, intended: intended)
        .assemble(take: "t.mov", duration: duration, faceFrames: frames, sampledTimes: times, otherFaces: 0,
                  voiceSegments: segments, settings: settings(policy, intended: intended))
}

func segment(_ start: Double, _ end: Double, _ p: EmotionProbabilities) -> VoiceEmotionSegment {
    VoiceEmotionSegment(start: start, end: end, emotion: Distributions.top(p, labels: six)!.label, probabilities: p)
}

@Suite("Distributions and congruence")
struct DistributionTests {
    /// JSD by its entropy form, H(M) − (H(P) + H(Q))/2, independent of the implementation's sum.
    func entropyJSD(_ p: [Double], _ q: [Double]) -> Double {
        func h(_ x: [Double]) -> Double { -x.filter { $0 > 0 }.reduce(0) { $0 + $1 * log2($1) } }
        let m = zip(p, q).map { ($0 + $1) / 2 }
        return h(m) - (h(p) + h(q)) / 2
    }

    @Test("Jensen-Shannon divergence: 0 for equal, 1 for disjoint, equals the entropy form, symmetric")
    func jsd() {
        #expect(Distributions.jensenShannon([0.2, 0.8], [0.2, 0.8]) == 0)
        #expect(abs(Distributions.jensenShannon([1, 0], [0, 1]) - 1) < 1e-12)
        var g = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let p = (0..<6).map { _ in Double.random(in: 0...1, using: &g) }, q = (0..<6).map { _ in Double.random(in: 0...1, using: &g) }
            let sp = p.reduce(0, +), sq = q.reduce(0, +)
            let a = p.map { $0 / sp }, b = q.map { $0 / sq }
            let d = Distributions.jensenShannon(a, b)
            #expect(abs(d - entropyJSD(a, b)) < 1e-12)
            #expect(abs(d - Distributions.jensenShannon(b, a)) < 1e-15)
            #expect(d >= 0 && d <= 1)
        }
    }

    @Test("Restricting to shared labels renormalises; an empty distribution has no top")
    func restrict() {
        let v = Distributions.normalised(["happy": 0.5, "sad": 0.25, "surprise": 0.25], over: ["happy", "sad"])!
        #expect(abs(v[0] - 2.0 / 3) < 1e-12 && abs(v[1] - 1.0 / 3) < 1e-12)
        #expect(Distributions.normalised(["surprise": 1], over: ["happy"]) == nil)
        #expect(Distributions.top([:], labels: six) == nil)
    }

    @Test("Timecodes: short, SMPTE at 25 fps, SubRip and WebVTT")
    func timecodes() {
        #expect(Timecode.short(12.44) == "00:12.4")
        #expect(Timecode.short(3723.46) == "1:02:03.5")
        #expect(Timecode.smpte(12.4, fps: 25) == "00:00:12:10")
        #expect(Timecode.smpte(3599.99, fps: 25) == "01:00:00:00")
        #expect(Timecode.srt(75.0456) == "00:01:15,046")
        #expect(Timecode.vtt(0.5) == "00:00:00.500")
    }
}

@Suite("Verdict: keep, retake, unsure")
struct VerdictTests {
    @Test("Face and voice carry the same emotion: keep, agree, high score")
    func keep() {
        let t = take(face: { _ in peaked("happy", 0.7) }, segments: [segment(1, 8, peaked("happy", 0.6)), segment(10, 18, peaked("happy", 0.65))])
        #expect(t.verdict.decision == .keep)
        #expect(t.congruence.agree == true)
        #expect((t.congruence.score ?? 0) > 0.9)
        #expect(t.verdict.spans.isEmpty)
        #expect(t.face.coverage == 1 && t.face.emotion == "happy" && t.voice.emotion == "happy")
        #expect(abs(t.voice.speechSeconds - 15) < 1e-9 && abs(t.voice.coverage - 0.75) < 1e-9)
        #expect(t.verdict.reasons[0].hasPrefix("keep: face and voice both read happy (face happy 0.70, voice happy 0.63)"))
        #expect((t.congruence.probability ?? 0) >= VerdictPolicy().keepAbove)
        #expect(ReasonConsistency.problems(t).isEmpty)
    }

    @Test("Happy face over a sad voice: retake, the reason gives P(same emotion), both readings and the valence clash; the span has the segment's times")
    func retake() {
        let policy = VerdictPolicy(retakeBelow: 0.5, keepAbove: 0.5, spanBelow: 0.5)
        let t = take(face: { _ in peaked("happy", 0.71) }, segments: [segment(12.4, 18.0, peaked("sad", 0.64))], policy: policy)
        #expect(t.verdict.decision == .retake)
        #expect(t.congruence.agree == false)
        let p = try! #require(t.congruence.probability)
        #expect(t.verdict.reasons[0] == String(format: "retake: face and voice probably express different emotions: P(same emotion) %.3f < 0.500; ", p)
            + "the face reads happy (0.71), the voice reads sad (0.64); valence disagrees (face +0.17 positive, voice -0.35 negative)")
        #expect(t.verdict.spans.count == 1)
        #expect(
            t.verdict.spans[0].text.hasPrefix(
                String(format: "00:12.4-00:18.0: P(same emotion) %.2f; the face reads happy (0.71), the voice reads sad (0.64)", p)))
        #expect(ReasonConsistency.problems(t).isEmpty)
    }

    @Test("Same top emotion with very different confidence: the probability still sees the same emotion, and the reason says both read it")
    func sameTopDifferentStrength() {
        let t = take(face: { _ in peaked("fear", 0.26) }, segments: [segment(1, 9, peaked("fear", 0.97))])
        #expect(t.congruence.agree == true)
        // 1 − JSD calls these unlike; Σ P·P does not.
        #expect((t.congruence.score ?? 1) < 0.72)
        #expect(t.verdict.reasons[0].contains("both read fear (face fear 0.26, voice fear 0.97)") || t.verdict.decision != .keep)
        #expect(ReasonConsistency.problems(t).isEmpty)
    }

    @Test("Keep despite different top emotions: the first reason says why, with the numbers shown")
    func keepDespiteDifferentTops() {
        let face: EmotionProbabilities = ["angry": 0.05, "disgust": 0.02, "fear": 0.45, "happy": 0.03, "neutral": 0.25, "sad": 0.2]
        let voice: EmotionProbabilities = ["angry": 0.12, "disgust": 0.04, "fear": 0.27, "happy": 0.03, "neutral": 0.29, "sad": 0.25]
        let t = take(face: { _ in face }, segments: [segment(1, 9, voice)], policy: VerdictPolicy(retakeBelow: 0.2, keepAbove: 0.2, spanBelow: 0.1))
        #expect(t.verdict.decision == .keep && t.face.emotion == "fear" && t.voice.emotion == "neutral")
        let first = t.verdict.reasons[0]
        #expect(first.hasPrefix("keep: despite different top emotions, P(same emotion) "))
        #expect(first.contains("both read negative and"))
        #expect(first.contains("the face is split between fear 0.45 and neutral 0.25") == false)  // 0.25 is not within 0.1 of 0.45
        #expect(first.contains("the face reads fear (0.45), the voice is split between neutral 0.29 and fear 0.27"))
        #expect(ReasonConsistency.problems(t).isEmpty)
    }

    @Test("The middle band of the probability is unsure, and the reason says the evidence does not decide")
    func band() {
        let t = take(face: { _ in peaked("happy", 0.5) }, segments: [segment(1, 9, peaked("happy", 0.3))],
                     policy: VerdictPolicy(retakeBelow: 0.1, keepAbove: 0.95, spanBelow: 0.05))
        #expect(t.verdict.decision == .unsure)
        #expect(t.verdict.reasons[0].hasPrefix("unsure: the evidence does not decide: P(same emotion) "))
        #expect(t.verdict.reasons[0].contains(" is between 0.100 and 0.950; "))
        #expect(ReasonConsistency.problems(t).isEmpty)
    }

    @Test("A mismatch over a large part of the speech is a retake even when the scene averages agree")
    func partialMismatch() {
        // Voice: happy 0-10 s, then sad 10-16 s; face happy throughout. Scene distributions stay close.
        let t = take(face: { _ in peaked("happy", 0.5) }, segments: [segment(0, 10, peaked("happy", 0.5)), segment(10, 16, peaked("sad", 0.9))],
                     policy: VerdictPolicy(retakeBelow: 0.05, keepAbove: 0.05, spanBelow: 0.5, maxSpanShare: 0.3))
        #expect((t.congruence.probability ?? 0) >= 0.05)
        #expect(t.verdict.decision == .retake)
        #expect(t.verdict.spans.map { $0.start } == [10])
        #expect(t.verdict.reasons.contains { $0.contains("over 38% of the speech") })
    }

    @Test("No face, little face, no speech, too little speech: unsure with the reason")
    func unsure() {
        let noFace = take(face: { _ in nil }, segments: [segment(1, 8, peaked("happy", 0.6))])
        #expect(noFace.verdict.decision == .unsure)
        #expect(noFace.verdict.reasons == ["unsure: no face was found in any of the 100 sampled frames, so the face cannot be judged"])
        #expect(noFace.face.emotion == nil && noFace.congruence.score == nil)

        let rare = take(face: { t in t < 4 ? peaked("happy", 0.7) : nil }, segments: [segment(1, 8, peaked("happy", 0.6))])
        #expect(rare.verdict.decision == .unsure)
        #expect(rare.verdict.reasons[0].hasPrefix("unsure: the face is seen in only 20% of the sampled frames"))

        let silent = take(face: { _ in peaked("sad", 0.7) }, segments: [])
        #expect(silent.verdict.decision == .unsure && silent.verdict.reasons == ["unsure: no speech was found, so the voice cannot be judged"])

        let short = take(face: { _ in peaked("sad", 0.7) }, segments: [segment(3, 3.4, peaked("sad", 0.7))])
        #expect(short.verdict.decision == .unsure && short.verdict.reasons[0].hasPrefix("unsure: only 0.4 s of speech"))

        let flat = take(face: { _ in peaked("sad", 0.22) }, segments: [segment(1, 9, peaked("happy", 0.2))])
        #expect(flat.verdict.decision == .unsure && flat.verdict.reasons[0].hasPrefix("unsure: neither the face"))
        for u in [noFace, rare, silent, short, flat] { #expect(ReasonConsistency.problems(u).isEmpty, "\(u.verdict.reasons)") }
    }

    @Test("Intended emotion: both carry it → keep; the voice misses it → retake naming the voice")
    func intended() {
        let ok = take(face: { _ in peaked("sad", 0.6) }, segments: [segment(1, 9, peaked("sad", 0.7))], intended: "sad")
        #expect(ok.verdict.decision == .keep)
        #expect(ok.congruence.intended?.faceMatches == true && ok.congruence.intended?.voiceMatches == true)

        let miss = take(face: { _ in peaked("sad", 0.6) }, segments: [segment(1, 9, peaked("neutral", 0.8))], intended: "sad")
        #expect(miss.verdict.decision == .retake)
        #expect(miss.congruence.intended?.voiceMatches == false)
        #expect(miss.verdict.reasons[0] == "retake: the voice reads neutral (0.80), not the intended sad (0.04)")
        #expect(ReasonConsistency.problems(miss).isEmpty && ReasonConsistency.problems(ok).isEmpty)
        #expect(miss.verdict.spans.first?.reason.contains("the voice misses the intended sad") == true)
    }

    @Test("Probabilities over other labels are restricted to the compared ones; segment face coverage")
    func alignment() {
        let labels = ["happy", "sad"]
        let frames = [FaceFrame(t: 1, box: [0, 0, 1, 1], probabilities: ["happy": 0.6, "sad": 0.2, "surprise": 0.2])]
        let a = TakeAssembler(labels: labels).assemble(
            take: "x", duration: 4, faceFrames: frames, sampledTimes: [0, 1, 2, 3], otherFaces: 2,
            voiceSegments: [VoiceEmotionSegment(start: 0.5, end: 2.5, emotion: "sad", probabilities: ["happy": 0.1, "sad": 0.3])], settings: settings())
        #expect(abs(a.face.probabilities["happy"]! - 0.75) < 1e-12)
        #expect(abs(a.voice.probabilities["sad"]! - 0.75) < 1e-12)
        #expect(a.congruence.segments[0].faceCoverage == 0.5)  // 1 of the frames at 1 and 2 s
        #expect(a.face.otherFaces == 2)
    }

    @Test("Confusion correction: the corrected weights with both models' matrices, the uncorrected weights without them")
    func confusionCorrectionNeedsBothMatrices() throws {
        let t = take(face: { _ in peaked("happy", 0.6) }, segments: [segment(1, 9, peaked("sad", 0.5))])
        let policy = VerdictPolicy()
        #expect(policy.confusionCorrection)
        let prior = ConfusionPrior(labels: six, rows: six.indices.map { r in six.indices.map { $0 == r ? 30 : ($0 == 5 ? 8 : 2) } })
        let face = t.face.probabilities, voice = t.voice.probabilities
        func expected(_ priors: Bool, _ weights: [Double]) throws -> Double {
            let x = try #require(CongruenceProbability.features(face: face, voice: voice, labels: six,
                                                                 faceConfusion: priors ? prior : nil, voiceConfusion: priors ? prior : nil,
                                                                 faceTemperature: policy.faceTemperature, voiceTemperature: policy.voiceTemperature))
            return CongruenceProbability.probability(x, weights: weights)
        }
        let with = TakeAssembler(labels: six, policy: policy, faceConfusion: prior, voiceConfusion: prior).reassess(t)
        let oneMissing = TakeAssembler(labels: six, policy: policy, faceConfusion: prior).reassess(t)
        #expect(abs((with.congruence.probability ?? .nan) - (try expected(true, policy.probabilityWeights))) < 1e-12)
        #expect(abs((oneMissing.congruence.probability ?? .nan) - (try expected(false, policy.uncorrectedWeights))) < 1e-12)
        #expect(abs((t.congruence.probability ?? .nan) - (try expected(false, policy.uncorrectedWeights))) < 1e-12)
        var off = policy
        off.confusionCorrection = false
        let plain = TakeAssembler(labels: six, policy: off, faceConfusion: prior, voiceConfusion: prior).reassess(t)
        #expect(abs((plain.congruence.probability ?? .nan) - (try expected(false, policy.probabilityWeights))) < 1e-12)
        let parsed = try VerdictPolicy.parse(Data(#"{"uncorrected_weights": [1, 2, 0, 0], "confusion_correction": false}"#.utf8), file: "p.json")
        #expect(parsed.uncorrectedWeights == [1, 2, 0, 0] && !parsed.confusionCorrection)
        #expect(throws: VerdictPolicy.FileError.self) { try VerdictPolicy.parse(Data(#"{"uncorrected_weights": [1, 2]}"#.utf8), file: "p.json") }
    }

    @Test("Reassessing under another policy or intent recomputes the verdict and keeps the measurements")
    func reassess() {
        let t = take(face: { _ in peaked("happy", 0.7) }, segments: [segment(1, 9, peaked("happy", 0.7))])
        #expect(t.verdict.decision == .keep)
        let strict = TakeAssembler(labels: six, policy: VerdictPolicy(retakeBelow: 0.99, spanBelow: 0.99)).reassess(t)
        #expect(strict.verdict.decision == .retake && strict.settings.policy.retakeBelow == 0.99)
        #expect(strict.face == t.face && strict.voice == t.voice && strict.congruence.score == t.congruence.score)
        let sad = TakeAssembler(labels: six, intended: "sad").reassess(t)
        #expect(sad.verdict.decision == .retake && sad.congruence.intended?.faceMatches == false)
        let noAudio = TakeAssembler(labels: six).assemble(take: "x", duration: 5, faceFrames: [], sampledTimes: [0, 1], otherFaces: 0,
                                                          voiceSegments: [], settings: settings(), voiceUnavailable: TakeAssembler.noAudioTrack)
        #expect(TakeAssembler(labels: six).reassess(noAudio).verdict.reasons.contains("the file has no audio track, so the voice cannot be judged"))
    }

    @Test("Policy JSON: partial files keep the other defaults; negative values are refused")
    func policyJSON() throws {
        let p = try JSONDecoder().decode(VerdictPolicy.self, from: Data(#"{"retake_below": 0.6}"#.utf8))
        #expect(p.retakeBelow == 0.6 && p.minFaceCoverage == VerdictPolicy().minFaceCoverage)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(VerdictPolicy.self, from: Data(#"{"min_confidence": -1}"#.utf8)) }
        let round = try JSONDecoder().decode(VerdictPolicy.self, from: JSONEncoder().encode(VerdictPolicy(retakeBelow: 0.42)))
        #expect(round.retakeBelow == 0.42)
        let w = try JSONDecoder().decode(VerdictPolicy.self, from: Data(#"{"probability_weights": [0.5, 2, -1, 0], "keep_above": 0.7}"#.utf8))
        #expect(w.probabilityWeights == [0.5, 2, -1, 0] && w.keepAbove == 0.7 && w.retakeBelow == VerdictPolicy().retakeBelow)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(VerdictPolicy.self, from: Data(#"{"probability_weights": [1, 2]}"#.utf8)) }
    }

    @Test("Ranking: keep, retake, unsure; within them intent first, then congruence; one reason per take")
    func ranking() {
        let a = take(face: { _ in peaked("sad", 0.5) }, segments: [segment(1, 9, peaked("sad", 0.5))], intended: "sad")
        let b = take(face: { _ in peaked("sad", 0.8) }, segments: [segment(1, 9, peaked("sad", 0.8))], intended: "sad")
        let c = take(face: { _ in nil }, segments: [segment(1, 9, peaked("sad", 0.9))], intended: "sad")
        let d = take(face: { _ in peaked("happy", 0.9) }, segments: [segment(1, 9, peaked("sad", 0.9))], intended: "sad")
        var takes = [d, a, b, c]
        takes[0].take = "d"; takes[1].take = "a"; takes[2].take = "b"; takes[3].take = "c"
        let r = TakeRanking.rank(takes)
        #expect(r.map(\.take) == ["b", "a", "d", "c"])
        #expect(r.map(\.rank) == [1, 2, 3, 4])
        #expect(r[2].reason.hasPrefix("retake: "))
        #expect(r[3].reason.hasPrefix("cannot judge: no face"))
        #expect(r[0].reason.hasPrefix("keep: intended sad: face 0.80, voice 0.80"))
    }

    @Test("JSON keys follow the documented schema")
    func schema() throws {
        let t = take(face: { _ in peaked("happy", 0.7) }, segments: [segment(1, 8, peaked("sad", 0.6))])
        let enc = JSONEncoder()
        enc.outputFormatting = .sortedKeys
        let obj = try JSONSerialization.jsonObject(with: enc.encode(t)) as! [String: Any]
        for k in ["take", "duration", "face", "voice", "congruence", "verdict"] { #expect(obj[k] != nil, "\(k)") }
        let face = obj["face"] as! [String: Any], voice = obj["voice"] as! [String: Any]
        for k in ["coverage", "emotion", "probabilities", "frames"] { #expect(face[k] != nil && voice[k] != nil || k == "frames") }
        let frame = (face["frames"] as! [[String: Any]])[0]
        #expect(frame["t"] != nil && frame["box"] != nil && (frame["probabilities"] as? [String: Double])?["happy"] != nil)
        let seg = (voice["segments"] as! [[String: Any]])[0]
        #expect(seg["start"] as? Double == 1 && seg["end"] as? Double == 8 && seg["probabilities"] != nil)
        let c = obj["congruence"] as! [String: Any], v = obj["verdict"] as! [String: Any]
        #expect(c["agree"] as? Bool == false && c["score"] is Double && c["probability"] is Double)
        let affect = c["affect"] as! [String: Any]
        #expect((affect["face"] as? [String: Double])?["valence"] != nil && affect["valence_gap"] is Double && affect["arousal_agree"] is Bool)
        let cseg = (c["segments"] as! [[String: Any]])[0]
        #expect(cseg["probability"] is Double && cseg["affect"] is [String: Any])
        #expect(v["decision"] as? String == "retake" && v["reasons"] is [String] && v["spans"] is [[String: Any]])
        #expect(try JSONDecoder().decode(TakeAnalysis.self, from: enc.encode(t)) == t)
    }
}

@Suite("Congruence probability, circumplex, reason consistency")
struct ProbabilityTests {
    @Test("Circumplex points: a pure emotion is its table point, a mixture the weighted mean; gaps and agreement per axis")
    func circumplex() throws {
        let happy = try #require(Circumplex.point(["happy": 1]))
        #expect(happy == AffectPoint(valence: 0.40, arousal: 0.20))
        let mix = try #require(Circumplex.point(["happy": 0.5, "sad": 0.5, "unknown": 3]))
        #expect(abs(mix.valence) < 1e-12 && abs(mix.arousal) < 1e-12)
        // Happy over sad: opposite valence. Fear over sad: both negative, arousal apart.
        let hs = try #require(Circumplex.agreement(face: ["happy": 1], voice: ["sad": 1], tolerance: 0.3))
        #expect(!hs.valenceAgree && abs(hs.valenceGap - 0.8) < 1e-12 && hs.arousalAgree == false)
        let fs = try #require(Circumplex.agreement(face: ["fear": 1], voice: ["sad": 1], tolerance: 0.3))
        #expect(fs.valenceAgree && abs(fs.valenceGap - 0.24) < 1e-12 && !fs.arousalAgree)
        #expect(Circumplex.agreement(face: [:], voice: ["sad": 1], tolerance: 0.3) == nil)
    }

    @Test("With Bayes weights the probability is (K−1)s / ((K−1)s + 1 − s) for the match s")
    func bayes() throws {
        let labels = ["angry", "fear", "happy", "neutral", "sad"]
        let f: EmotionProbabilities = ["angry": 0.1, "fear": 0.2, "happy": 0.4, "neutral": 0.2, "sad": 0.1]
        let v: EmotionProbabilities = ["angry": 0.3, "fear": 0.1, "happy": 0.2, "neutral": 0.1, "sad": 0.3]
        let x = try #require(CongruenceProbability.features(face: f, voice: v, labels: labels))
        let s = 0.1 * 0.3 + 0.2 * 0.1 + 0.4 * 0.2 + 0.2 * 0.1 + 0.1 * 0.3
        #expect(abs(x.match - s) < 1e-12)
        let p = CongruenceProbability.probability(x, weights: CongruenceProbability.bayesWeights(labels: 5))
        #expect(abs(p - 4 * s / (4 * s + 1 - s)) < 1e-12)
        // The valence/arousal weights lower it when the points are apart.
        let penalised = CongruenceProbability.probability(x, weights: [log(4), 1, -3, -3])
        #expect(penalised < p)
    }

    @Test("Confusion correction: a model that calls fear 'sad' half the time makes a 'sad' output partly fear")
    func confusion() throws {
        let labels = ["fear", "sad"]
        // true fear: 10 predicted fear, 10 predicted sad; true sad: 0 fear, 20 sad. Add-one: fear row 11/22, 11/22; sad row 1/22, 21/22.
        let c = ConfusionPrior(labels: labels, rows: [[10, 10], [0, 20]])
        let post = c.posterior([0, 1], over: labels)
        // P(true = fear | pred = sad) = 0.5 / (0.5 + 21/22)
        let expected = 0.5 / (0.5 + 21.0 / 22)
        #expect(abs(post[0] - expected) < 1e-12 && abs(post[0] + post[1] - 1) < 1e-12)
        // Labels the matrix does not know: the output is kept.
        #expect(ConfusionPrior(labels: ["fear"], rows: [[1]]).posterior([0.3, 0.7], over: labels) == [0.3, 0.7])
        // Corrected congruence of a sad voice over a fear face is higher than uncorrected.
        let raw = try #require(CongruenceProbability.features(face: ["fear": 1], voice: ["sad": 1], labels: labels))
        let fixed = try #require(CongruenceProbability.features(face: ["fear": 1], voice: ["sad": 1], labels: labels, voiceConfusion: c))
        #expect(fixed.match > raw.match)
    }

    @Test("The consistency checker catches a wrong number, a wrong comparison, a wrong decision word and a wrong 'both read'")
    func checker() {
        let t = take(face: { _ in peaked("happy", 0.7) }, segments: [segment(1, 8, peaked("happy", 0.6))])
        #expect(ReasonConsistency.problems(t).isEmpty)
        var wrongNumber = t
        wrongNumber.verdict.reasons[0] = t.verdict.reasons[0].replacingOccurrences(of: "face happy 0.70", with: "face happy 0.75")
        #expect(ReasonConsistency.problems(wrongNumber).contains { $0.contains("face happy 0.75") })
        var wrongP = t
        wrongP.congruence.probability = (t.congruence.probability ?? 0) + 0.1
        #expect(!ReasonConsistency.problems(wrongP).isEmpty)
        var wrongWord = t
        wrongWord.verdict.decision = .retake
        #expect(ReasonConsistency.problems(wrongWord).contains { $0.contains("does not start with the decision") })
        var wrongTop = t
        wrongTop.voice.emotion = "sad"
        #expect(ReasonConsistency.problems(wrongTop).contains { $0.contains("says both read happy") })
        var falseComparison = t
        falseComparison.verdict.reasons[0] += "; 0.40 ≥ 0.65"
        #expect(ReasonConsistency.problems(falseComparison).contains { $0.contains("is false") })
        var noReason = t
        noReason.verdict.reasons = []
        #expect(!ReasonConsistency.problems(noReason).isEmpty)
    }

    /// The benchmark's analyses (`takesense bench congruence` writes them), when they are there.
    static let benchAnalyses = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".build-bench/congruence/analyses.json")

    @Test("Every verdict of the congruence benchmark explains itself with the numbers it shows",
          .enabled(if: FileManager.default.fileExists(atPath: benchAnalyses.path),
                   ".build-bench/congruence/analyses.json absent (run `takesense bench congruence`): skipping"))
    func benchmarkReasons() throws {
        let takes = try JSONDecoder().decode(TakeComparison.self, from: Data(contentsOf: Self.benchAnalyses)).takes
        #expect(takes.count >= 300)
        var bad: [String] = []
        for t in takes {
            // As written by the benchmark, and judged again by this code with the default policy.
            for a in [t, TakeAssembler(labels: t.labels).reassess(t)] {
                bad += ReasonConsistency.problems(a).map { "\(t.take): \($0)" }
            }
        }
        #expect(bad.isEmpty, "\(bad.count) problems, e.g. \(bad.prefix(5))")
    }
}
