import Foundation

/// Binary logistic regression fit by Newton's method (iteratively reweighted least squares) with an
/// optional L2 penalty on every weight but the first (the intercept, when the first column is all ones):
/// the minimiser of  Σᵢ log(1 + exp(−yᵢ·w·xᵢ)) + (l2 / 2)·Σⱼ₍≥₁₎ wⱼ²  with yᵢ ∈ {−1, +1}
/// (scikit-learn's `LogisticRegression(C = 1 / l2)` with `fit_intercept=False` and an unpenalised first column).
public enum LogisticRegression {
    /// Weights for rows `x` (each the same length, the first entry 1 for an intercept) and labels `y`;
    /// nil when the rows are empty or of different lengths.
    public static func fit(x: [[Double]], y: [Bool], l2: Double = 1e-3, iterations: Int = 100) -> [Double]? {
        guard let d = x.first?.count, d > 0, x.count == y.count, x.allSatisfy({ $0.count == d && $0.allSatisfy(\.isFinite) }) else { return nil }
        var w = [Double](repeating: 0, count: d)
        for _ in 0..<iterations {
            var g = [Double](repeating: 0, count: d)
            var h = [[Double]](repeating: [Double](repeating: 0, count: d), count: d)
            for (xi, yi) in zip(x, y) {
                let p = probability(w, xi)
                let r = p - (yi ? 1 : 0), s = max(p * (1 - p), 1e-12)
                for j in 0..<d {
                    g[j] += r * xi[j]
                    for k in 0..<d { h[j][k] += s * xi[j] * xi[k] }
                }
            }
            for j in 1..<d {
                g[j] += l2 * w[j]
                h[j][j] += l2
            }
            for j in 0..<d { h[j][j] += 1e-10 }
            guard let step = solve(h, g) else { return nil }
            for j in 0..<d { w[j] -= step[j] }
            if step.map(abs).max() ?? 0 < 1e-10 { break }
        }
        return w
    }

    /// σ(w·x).
    public static func probability(_ w: [Double], _ x: [Double]) -> Double {
        let z = zip(w, x).reduce(0) { $0 + $1.0 * $1.1 }
        return 1 / (1 + exp(-z))
    }

    /// Solves a·s = b by Gaussian elimination with partial pivoting; nil when singular.
    static func solve(_ a: [[Double]], _ b: [Double]) -> [Double]? {
        var m = a, v = b
        let n = v.count
        for c in 0..<n {
            guard let p = (c..<n).max(by: { abs(m[$0][c]) < abs(m[$1][c]) }), abs(m[p][c]) > 1e-300 else { return nil }
            m.swapAt(c, p)
            v.swapAt(c, p)
            for r in (c + 1)..<n {
                let f = m[r][c] / m[c][c]
                for k in c..<n { m[r][k] -= f * m[c][k] }
                v[r] -= f * v[c]
            }
        }
        var s = [Double](repeating: 0, count: n)
        for r in stride(from: n - 1, through: 0, by: -1) {
            var t = v[r]
            for k in (r + 1)..<n { t -= m[r][k] * s[k] }
            s[r] = t / m[r][r]
        }
        return s
    }
}

/// Selective classification: a verdict that may abstain.
public enum SelectiveClassification {
    /// Balanced accuracy (mean of the two classes' recalls) of the decided items: `decision` true = positive,
    /// false = negative, nil = abstained. NaN when a class has no decided item.
    public static func balancedAccuracy(decisions: [Bool?], positives: [Bool]) -> Double {
        var tp = 0, fn = 0, tn = 0, fp = 0
        for (d, p) in zip(decisions, positives) {
            guard let d else { continue }
            switch (p, d) {
            case (true, true): tp += 1
            case (true, false): fn += 1
            case (false, false): tn += 1
            case (false, true): fp += 1
            }
        }
        guard tp + fn > 0, tn + fp > 0 else { return .nan }
        return (Double(tp) / Double(tp + fn) + Double(tn) / Double(tn + fp)) / 2
    }

    /// The accuracy–coverage curve: for each share in `coverages`, decide only that share of the items, those
    /// whose score is farthest from `threshold` (ties by order), and give the balanced accuracy of the decided.
    public static func accuracyCoverage(scores: [Double], positives: [Bool], threshold: Double,
                                        coverages: [Double]) -> [(coverage: Double, balancedAccuracy: Double)] {
        let order = scores.indices.sorted { abs(scores[$0] - threshold) > abs(scores[$1] - threshold) }
        return coverages.map { c in
            let n = Int((c * Double(scores.count)).rounded())
            var decisions = [Bool?](repeating: nil, count: scores.count)
            for i in order.prefix(n) { decisions[i] = scores[i] >= threshold }
            return (Double(n) / Double(max(1, scores.count)), balancedAccuracy(decisions: decisions, positives: positives))
        }
    }

    /// The abstention band [low, high) around which items are left undecided: among bands whose ends are
    /// midpoints between sorted scores (containing `threshold`), the one with the best balanced accuracy of the
    /// decided items while deciding at least `minCoverage` of them (ties: the narrower band).
    public static func band(scores: [Double], positives: [Bool], threshold: Double,
                            minCoverage: Double) -> (low: Double, high: Double, coverage: Double, balancedAccuracy: Double)? {
        let sorted = Array(Set(scores)).sorted()
        guard !sorted.isEmpty else { return nil }
        var cuts = [sorted[0] - 1e-9]
        for k in 0..<(sorted.count - 1) { cuts.append((sorted[k] + sorted[k + 1]) / 2) }
        cuts.append(sorted[sorted.count - 1] + 1e-9)
        let lows = cuts.filter { $0 <= threshold }, highs = cuts.filter { $0 >= threshold }
        var best: (low: Double, high: Double, coverage: Double, balancedAccuracy: Double)?
        for lo in lows {
            for hi in highs {
                let decisions: [Bool?] = scores.map { $0 >= hi ? true : $0 < lo ? false : nil }
                let decided = decisions.filter { $0 != nil }.count
                let coverage = Double(decided) / Double(scores.count)
                guard coverage >= minCoverage else { continue }
                let ba = balancedAccuracy(decisions: decisions, positives: positives)
                guard ba.isFinite else { continue }
                if best == nil || ba > best!.balancedAccuracy + 1e-12
                    || (abs(ba - best!.balancedAccuracy) <= 1e-12 && hi - lo < best!.high - best!.low) {
                    best = (lo, hi, coverage, ba)
                }
            }
        }
        return best
    }
}
