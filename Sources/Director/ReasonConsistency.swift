import Foundation

/// Checks that a verdict's reasons agree with the numbers of the analysis they explain: the first reason
/// names the decision and, for keep and retake on congruence, shows the probability it was decided on; every
/// "EMOTION 0.62" / "EMOTION (0.62)" said of the face or the voice is that modality's probability (of the take,
/// or of the span's segment); every "P(same emotion) 0.83" is the congruence probability; every valence or
/// arousal figure is the circumplex point; every comparison "0.83 ≥ 0.65", "0.18 < 0.40" and
/// "0.52 is between 0.40 and 0.65" holds; "both read X" and "despite different top emotions" match the top emotions.
/// Numbers are compared as shown (two decimals, so within 0.005 plus rounding slack).
public enum ReasonConsistency {
    /// The problems found in `analysis` (empty when the reasons agree with the numbers).
    public static func problems(_ analysis: TakeAnalysis) -> [String] {
        var out: [String] = []
        let v = analysis.verdict
        guard let first = v.reasons.first else {
            return v.decision == .unsure ? ["an unsure verdict without a reason"] : ["a \(v.decision.rawValue) verdict without a reason"]
        }
        if !first.hasPrefix(v.decision.rawValue + ": ") {
            out.append("the first reason does not start with the decision \"\(v.decision.rawValue): \": \(first)")
        }
        let c = analysis.congruence
        if v.decision != .unsure {
            let onIntent = first.contains("intended")
            if !onIntent, !first.contains("P(same emotion)") {
                out.append("the first reason of a \(v.decision.rawValue) does not show P(same emotion): \(first)")
            }
        }
        let faceTop = analysis.face.emotion, voiceTop = analysis.voice.emotion
        if first.contains("despite different top emotions"), faceTop == voiceTop {
            out.append("says different top emotions, but face and voice both top \(faceTop ?? "-")")
        }
        if let m = first.firstMatch(of: /both read (\w+) \(/), faceTop != String(m.1) || voiceTop != String(m.1) {
            out.append("says both read \(m.1), but the face tops \(faceTop ?? "-") and the voice \(voiceTop ?? "-")")
        }
        for r in v.reasons {
            out += check(r, labels: analysis.labels, face: analysis.face.probabilities, voice: analysis.voice.probabilities,
                         probability: c.probability, affect: c.affect).map { "\($0) in \"\(r)\"" }
        }
        for s in v.spans {
            guard let seg = c.segments.first(where: { abs($0.start - s.start) < 1e-9 && abs($0.end - s.end) < 1e-9 }) else {
                out.append("span \(s.text) matches no speech segment")
                continue
            }
            out += check(s.reason, labels: analysis.labels, face: seg.face ?? [:], voice: seg.voice, probability: seg.probability, affect: seg.affect)
                .map { "\($0) in span \"\(s.text)\"" }
        }
        // The decision itself against the probability and the policy.
        if let p = c.probability, v.decision == .keep, p < max(analysis.settings.policy.keepAbove, analysis.settings.policy.retakeBelow) - 1e-12 {
            out.append(String(format: "kept with P(same emotion) %.3f below keep_above", p))
        }
        return out
    }

    /// Numbers in one reason against the distributions, probability and circumplex points they describe.
    static func check(_ text: String, labels: [String], face: EmotionProbabilities, voice: EmotionProbabilities,
                      probability: Double?, affect: AffectAgreement?) -> [String] {
        var out: [String] = []
        // A number shown with d decimals is the value rounded to d decimals (half a unit, plus float slack).
        func same(_ shown: some StringProtocol, _ actual: Double?) -> Bool {
            guard let value = Double(String(shown)), let actual else { return false }
            let decimals = shown.split(separator: ".").last.map(\.count) ?? 0
            return abs(actual - value) <= 0.5 * pow(10, -Double(decimals)) + 1e-9
        }
        // Comparisons.
        for m in text.matches(of: /(\d+\.\d+) (<|≥) (\d+\.\d+)/) {
            let a = Double(m.1)!, b = Double(m.3)!
            if (m.2 == "<" && !(a < b)) || (m.2 == "≥" && !(a >= b)) { out.append("\"\(m.0)\" is false") }
        }
        for m in text.matches(of: /(\d+\.\d+) is between (\d+\.\d+) and (\d+\.\d+)/) {
            let a = Double(m.1)!, lo = Double(m.2)!, hi = Double(m.3)!
            if !(a >= lo && a <= hi) { out.append("\"\(m.0)\" is false") }
        }
        for m in text.matches(of: /P\(same emotion\) (\d+\.\d+)/) where !same(m.1, probability) {
            out.append("P(same emotion) \(m.1) but the probability is \(probability.map { String(format: "%.3f", $0) } ?? "none")")
        }
        // Walk the words: "face"/"voice" set the modality, "valence"/"arousal" the axis; an emotion followed by a
        // number is that modality's probability; a modality followed by a signed number is its point on the axis.
        var modality: String?, axis: String?
        let tokens = text.replacingOccurrences(of: "(", with: " ").replacingOccurrences(of: ")", with: " ")
            .replacingOccurrences(of: ",", with: " ").replacingOccurrences(of: ";", with: " ; ").replacingOccurrences(of: ":", with: " ")
            .split(separator: " ").map(String.init)
        for (k, t) in tokens.enumerated() {
            let nextNumber = k + 1 < tokens.count ? Double(tokens[k + 1]) : nil
            if t == ";" { axis = nil }
            if t == "face" || t == "voice" {
                modality = t
                if nextNumber != nil, let axis, tokens[k + 1].hasPrefix("+") || tokens[k + 1].hasPrefix("-") {
                    let point = t == "face" ? affect?.face : affect?.voice
                    let actual = axis == "valence" ? point?.valence : point?.arousal
                    if !same(tokens[k + 1], actual) {
                        out.append("\(t) \(axis) \(tokens[k + 1]) but it is \(actual.map { String(format: "%.3f", $0) } ?? "none")")
                    }
                }
            }
            if t == "valence" || t == "arousal" { axis = t }
            if labels.contains(t), nextNumber != nil, let modality {
                let actual = (modality == "face" ? face : voice)[t]
                if !same(tokens[k + 1], actual) {
                    out.append("\(modality) \(t) \(tokens[k + 1]) but it is \(actual.map { String(format: "%.3f", $0) } ?? "none")")
                }
            }
        }
        return out
    }
}
