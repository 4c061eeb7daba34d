import Foundation

/// Area under the ROC curve of `scores` for telling `positives` from the rest: the probability that a
/// random positive scores higher than a random negative, ties counting one half (the Mann-Whitney U
/// statistic over n₊·n₋; equal to scikit-learn's `roc_auc_score`). NaN with a reason when either class
/// is empty or a score is not finite.
public func rocAUC(scores: [Double], positives: [Bool]) -> AssociationResult {
    guard scores.count == positives.count else {
        return AssociationResult(value: .nan, reason: "scores and labels differ in length (\(scores.count) vs \(positives.count))")
    }
    guard scores.allSatisfy(\.isFinite) else { return AssociationResult(value: .nan, reason: "a score is not finite") }
    let nPos = positives.filter { $0 }.count, nNeg = positives.count - nPos
    guard nPos > 0, nNeg > 0 else { return AssociationResult(value: .nan, reason: "needs both positives and negatives") }
    // Midranks of the pooled scores; U = (sum of positive ranks) − n₊(n₊+1)/2.
    let order = scores.indices.sorted { scores[$0] < scores[$1] }
    var ranks = [Double](repeating: 0, count: scores.count)
    var i = 0
    while i < order.count {
        var j = i
        while j + 1 < order.count && scores[order[j + 1]] == scores[order[i]] { j += 1 }
        let mid = Double(i + j) / 2 + 1
        for k in i...j { ranks[order[k]] = mid }
        i = j + 1
    }
    let rankSum = zip(ranks, positives).filter { $0.1 }.reduce(0) { $0 + $1.0 }
    let u = rankSum - Double(nPos) * Double(nPos + 1) / 2
    return AssociationResult(value: u / (Double(nPos) * Double(nNeg)))
}

/// The threshold on `scores` that best separates positives (score ≥ threshold) from negatives, by
/// balanced accuracy (mean of the two classes' recalls); among equally good thresholds, the middle one.
/// Candidates are midpoints between consecutive distinct scores (and the ends).
public func bestThreshold(scores: [Double], positives: [Bool]) -> (threshold: Double, balancedAccuracy: Double)? {
    let nPos = positives.filter { $0 }.count, nNeg = positives.count - nPos
    guard nPos > 0, nNeg > 0, scores.count == positives.count, scores.allSatisfy(\.isFinite) else { return nil }
    let distinct = Array(Set(scores)).sorted()
    var candidates = [distinct[0] - 1e-9]
    for k in 0..<(distinct.count - 1) { candidates.append((distinct[k] + distinct[k + 1]) / 2) }
    candidates.append(distinct[distinct.count - 1] + 1e-9)
    var best = -1.0
    var bestCandidates: [Double] = []
    for t in candidates {
        var tp = 0, tn = 0
        for (s, p) in zip(scores, positives) {
            if p && s >= t { tp += 1 }
            if !p && s < t { tn += 1 }
        }
        let ba = (Double(tp) / Double(nPos) + Double(tn) / Double(nNeg)) / 2
        if ba > best + 1e-12 { best = ba; bestCandidates = [t] } else if abs(ba - best) <= 1e-12 { bestCandidates.append(t) }
    }
    return (bestCandidates[bestCandidates.count / 2], best)
}
