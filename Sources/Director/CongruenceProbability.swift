import Foundation

/// A classifier's known errors: counts (or rates) of true emotion (rows) × predicted emotion (columns), e.g.
/// a model's out-of-fold confusion matrix (`takesense.calibration.confusion` in its metadata) or one counted
/// on a calibration set. Used to read a model's output as evidence about the true emotion (Bayes).
public struct ConfusionPrior: Codable, Sendable, Equatable {
    public var labels: [String]
    public var rows: [[Double]]

    public init(labels: [String], rows: [[Double]]) {
        self.labels = labels
        self.rows = rows
    }

    /// Posterior over the true emotion (over `over`) given the model's output distribution `p` (over `over`):
    /// Σₖ p(k) · P(true = t | predicted = k), where P(true | predicted = k) is column k of the matrix restricted
    /// to `over`, with add-one smoothing, under a uniform prior over true emotions (each row normalised first,
    /// so the corpus's class balance does not leak in). Labels the matrix does not know keep the raw output.
    public func posterior(_ p: [Double], over: [String]) -> [Double] {
        let index = over.map { labels.firstIndex(of: $0) }
        guard index.allSatisfy({ $0 != nil }), rows.count == labels.count, rows.allSatisfy({ $0.count == labels.count }) else { return p }
        let idx = index.map { $0! }
        // P(pred = k | true = t) over the shared labels, smoothed.
        var like = [[Double]](repeating: [Double](repeating: 0, count: over.count), count: over.count)
        for (ti, t) in idx.enumerated() {
            let row = idx.map { max(0, rows[t][$0]) + 1 }
            let s = row.reduce(0, +)
            like[ti] = row.map { $0 / s }
        }
        var out = [Double](repeating: 0, count: over.count)
        for k in over.indices where p[k] > 0 {
            let column = over.indices.map { like[$0][k] }
            let s = column.reduce(0, +)
            guard s > 0 else { continue }
            for t in over.indices { out[t] += p[k] * column[t] / s }
        }
        let total = out.reduce(0, +)
        return total > 0 ? out.map { $0 / total } : p
    }
}

/// The few numbers the congruence probability is computed from.
public struct CongruenceFeatures: Sendable, Equatable {
    /// Σₑ P(face = e) · P(voice = e): the chance that independent draws from the two distributions name the
    /// same emotion (after the confusion correction, when the models' confusion matrices are known).
    public var match: Double
    public var valenceGap: Double
    public var arousalGap: Double

    /// The logistic model's inputs: [1, logit(match), valence gap, arousal gap].
    public var vector: [Double] {
        let m = min(1 - 1e-6, max(1e-6, match))
        return [1, log(m / (1 - m)), valenceGap, arousalGap]
    }
}

/// P(face and voice express the same emotion | what was seen and heard).
///
/// With K equally likely emotions and half the takes congruent a priori, Bayes gives
/// P(same) = σ(log(K − 1) + logit(match)) when the two distributions are calibrated posteriors; the default
/// model generalises that to σ(w · [1, logit(match), valence gap, arousal gap]) with weights fit by logistic
/// regression on the calibration half of `takesense bench congruence` (policy key `probability_weights`), after
/// take-level temperatures (policy keys `face_temperature`, `voice_temperature`) fit there by log-loss.
public enum CongruenceProbability {
    /// The features of a face and a voice distribution over `labels`; the confusion priors, when given,
    /// turn each model's output into a posterior over the true emotion first.
    /// The temperatures, when not 1, first rescale each distribution as softmax(log p / T) (T < 1 sharpens).
    public static func features(face: EmotionProbabilities, voice: EmotionProbabilities, labels: [String],
                                faceConfusion: ConfusionPrior? = nil, voiceConfusion: ConfusionPrior? = nil,
                                faceTemperature: Double = 1, voiceTemperature: Double = 1) -> CongruenceFeatures? {
        guard var f = Distributions.normalised(face, over: labels), var v = Distributions.normalised(voice, over: labels) else { return nil }
        f = tempered(f, faceTemperature)
        v = tempered(v, voiceTemperature)
        if let faceConfusion { f = faceConfusion.posterior(f, over: labels) }
        if let voiceConfusion { v = voiceConfusion.posterior(v, over: labels) }
        let match = zip(f, v).reduce(0) { $0 + $1.0 * $1.1 }
        let fp = Circumplex.point(Distributions.dictionary(f, labels: labels)) ?? AffectPoint(valence: 0, arousal: 0)
        let vp = Circumplex.point(Distributions.dictionary(v, labels: labels)) ?? AffectPoint(valence: 0, arousal: 0)
        return CongruenceFeatures(match: match, valenceGap: abs(fp.valence - vp.valence), arousalGap: abs(fp.arousal - vp.arousal))
    }

    /// softmax(log p / t): p^(1/t) renormalised (p unchanged for t = 1 or t ≤ 0).
    public static func tempered(_ p: [Double], _ t: Double) -> [Double] {
        guard t > 0, t != 1 else { return p }
        let m = p.max() ?? 0
        guard m > 0 else { return p }
        let q = p.map { $0 > 0 ? pow($0 / m, 1 / t) : 0 }
        let s = q.reduce(0, +)
        return q.map { $0 / s }
    }

    /// σ(w · features.vector); `weights` has four entries.
    public static func probability(_ x: CongruenceFeatures, weights: [Double]) -> Double {
        let z = zip(weights, x.vector).reduce(0) { $0 + $1.0 * $1.1 }
        return 1 / (1 + exp(-z))
    }

    /// The Bayes weights for K equally likely emotions (no valence/arousal terms).
    public static func bayesWeights(labels: Int) -> [Double] { [log(Double(max(2, labels) - 1)), 1, 0, 0] }
}
