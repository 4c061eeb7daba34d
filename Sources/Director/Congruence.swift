import Foundation

/// Distributions over emotions and how far two of them agree.
public enum Distributions {
    /// `p` restricted to `labels` (missing = 0) and renormalised to sum to 1; nil when nothing is left.
    public static func normalised(_ p: EmotionProbabilities, over labels: [String]) -> [Double]? {
        let v = labels.map { max(0, p[$0] ?? 0) }
        let s = v.reduce(0, +)
        guard s > 0, s.isFinite else { return nil }
        return v.map { $0 / s }
    }

    /// The labelled dictionary of a vector.
    public static func dictionary(_ v: [Double], labels: [String]) -> EmotionProbabilities {
        Dictionary(uniqueKeysWithValues: zip(labels, v))
    }

    /// The label with the highest probability (the first on ties); nil for an empty distribution.
    public static func top(_ p: EmotionProbabilities, labels: [String]) -> (label: String, probability: Double)? {
        var best: (String, Double)?
        for l in labels { if let v = p[l], best == nil || v > best!.1 { best = (l, v) } }
        return best.map { ($0.0, $0.1) }
    }

    /// Weighted mean of distributions (weights ≥ 0, not all 0), over `labels`.
    public static func mean(_ items: [(p: EmotionProbabilities, weight: Double)], labels: [String]) -> EmotionProbabilities? {
        var sum = [Double](repeating: 0, count: labels.count)
        var total = 0.0
        for item in items where item.weight > 0 {
            guard let v = normalised(item.p, over: labels) else { continue }
            for i in sum.indices { sum[i] += item.weight * v[i] }
            total += item.weight
        }
        guard total > 0 else { return nil }
        return dictionary(sum.map { $0 / total }, labels: labels)
    }

    /// Jensen-Shannon divergence in bits (0 = identical, 1 = disjoint support) of two distributions
    /// over the same labels (each renormalised first).
    public static func jensenShannon(_ p: [Double], _ q: [Double]) -> Double {
        precondition(p.count == q.count, "distributions over different label sets")
        let sp = p.reduce(0, +), sq = q.reduce(0, +)
        var d = 0.0
        for i in p.indices {
            let a = p[i] / sp, b = q[i] / sq, m = (a + b) / 2
            if a > 0 { d += 0.5 * a * log2(a / m) }
            if b > 0 { d += 0.5 * b * log2(b / m) }
        }
        return min(1, max(0, d))
    }

    /// 1 − JSD: TakeSense's congruence score (1 = face and voice carry the same distribution).
    public static func congruenceScore(_ p: [Double], _ q: [Double]) -> Double {
        1 - jensenShannon(p, q)
    }
}
