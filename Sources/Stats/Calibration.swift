import Foundation

/// Probability calibration of a classifier: temperature scaling (Guo et al., 2017, "On Calibration of
/// Modern Neural Networks") and the two figures that say whether probabilities mean what they say,
/// expected calibration error and negative log-likelihood.
///
/// The face and voice models store the fitted temperature in their files' metadata, so every
/// consumer (analyze, evaluate, the library) divides logits by the same T.
public enum Calibration {
    /// Softmax of `logits / temperature`, computed stably (max subtracted).
    public static func softmax(_ logits: [Double], temperature: Double = 1) -> [Double] {
        guard let m = logits.max(), !logits.isEmpty else { return [] }
        let scaled = logits.map { exp(($0 - m) / temperature) }
        let sum = scaled.reduce(0, +)
        return scaled.map { $0 / sum }
    }

    /// The temperature T > 0 that minimises the mean negative log-likelihood of
    /// softmax(logits / T) on the targets.
    ///
    /// Solved in β = 1/T, where the loss Σ logsumexp(β·z) − β·z_y is convex (a log-sum-exp of linear
    /// functions), so Newton's method with bisection safeguards finds the global minimum. β is kept in
    /// [1e-3, 1e3] (T between 0.001 and 1000): logits that separate the training data perfectly would
    /// otherwise drive T to 0.
    public static func fitTemperature(logits: [[Double]], targets: [Int]) -> Double {
        guard !logits.isEmpty else { return 1 }
        var lo = 1e-3, hi = 1e3
        var beta = 1.0
        for _ in 0..<100 {
            let (g, h) = derivatives(logits: logits, targets: targets, beta: beta)
            // The derivative is increasing in β (convexity): keep the bracket of its sign change.
            if g > 0 { hi = beta } else { lo = beta }
            var next = h > 0 ? beta - g / h : .nan
            if !(next > lo && next < hi) { next = (lo + hi) / 2 }
            if abs(next - beta) <= 1e-12 * max(1, beta) { beta = next; break }
            beta = next
            if hi - lo <= 1e-12 * max(1, beta) { break }
        }
        return 1 / beta
    }

    /// First and second derivative of the mean NLL in β.
    private static func derivatives(logits: [[Double]], targets: [Int], beta: Double) -> (Double, Double) {
        var g = 0.0, h = 0.0
        for (z, y) in zip(logits, targets) {
            let p = softmax(z.map { $0 * beta })
            var mean = 0.0, second = 0.0
            for (pk, zk) in zip(p, z) { mean += pk * zk; second += pk * zk * zk }
            g += mean - (z.indices.contains(y) ? z[y] : 0)
            h += second - mean * mean
        }
        let n = Double(logits.count)
        return (g / n, h / n)
    }

    /// Mean negative log-likelihood (natural log) of the targets' probabilities; a probability of 0
    /// (or a target outside the row) counts as 1e-300 so the figure stays finite. Rows and targets are
    /// paired as far as both go.
    public static func negativeLogLikelihood(probabilities: [[Double]], targets: [Int]) -> Double {
        guard !targets.isEmpty else { return .nan }
        var total = 0.0
        for (p, y) in zip(probabilities, targets) { total -= log(max(p.indices.contains(y) ? p[y] : 0, 1e-300)) }
        return total / Double(targets.count)
    }

    /// One bin of a reliability diagram: the samples whose top probability falls in (lower, upper].
    public struct Bin: Codable, Sendable, Equatable {
        public var lower: Double
        public var upper: Double
        public var count: Int
        /// Mean top probability of the bin's samples (NaN when empty).
        public var confidence: Double
        /// Share of the bin's samples whose top class is right (NaN when empty).
        public var accuracy: Double
    }

    /// Reliability diagram with `bins` equal-width bins over the top probability, as Guo et al.: a
    /// sample with confidence c falls in bin i when i/bins < c ≤ (i+1)/bins.
    public static func reliability(probabilities: [[Double]], targets: [Int], bins: Int = 15) -> [Bin] {
        let bins = max(1, bins)
        var count = [Int](repeating: 0, count: bins)
        var confidence = [Double](repeating: 0, count: bins)
        var correct = [Double](repeating: 0, count: bins)
        for (p, y) in zip(probabilities, targets) {
            guard let (top, c) = p.enumerated().max(by: { $0.element < $1.element }).map({ ($0.offset, $0.element) }) else { continue }
            // ceil(c·bins) − 1 is the bin whose half-open interval (lower, upper] holds c.
            let i = min(bins - 1, max(0, Int((c * Double(bins)).rounded(.up)) - 1))
            count[i] += 1
            confidence[i] += c
            correct[i] += top == y ? 1 : 0
        }
        return (0..<bins).map { i in
            Bin(lower: Double(i) / Double(bins), upper: Double(i + 1) / Double(bins), count: count[i],
                confidence: count[i] > 0 ? confidence[i] / Double(count[i]) : .nan,
                accuracy: count[i] > 0 ? correct[i] / Double(count[i]) : .nan)
        }
    }

    /// Expected calibration error: Σ over bins of (bin share) · |accuracy − confidence|.
    public static func expectedCalibrationError(probabilities: [[Double]], targets: [Int], bins: Int = 15) -> Double {
        guard !targets.isEmpty else { return .nan }
        let n = Double(targets.count)
        return reliability(probabilities: probabilities, targets: targets, bins: bins)
            .filter { $0.count > 0 }
            .reduce(0) { $0 + Double($1.count) / n * abs($1.accuracy - $1.confidence) }
    }

    /// Figures of one set of predictions before and after a temperature.
    public struct Report: Codable, Sendable, Equatable {
        public var temperature: Double
        public var samples: Int
        public var eceBefore: Double
        public var eceAfter: Double
        public var nllBefore: Double
        public var nllAfter: Double
    }

    /// ECE and NLL of `logits` at temperature 1 and at `temperature`.
    public static func report(logits: [[Double]], targets: [Int], temperature: Double, bins: Int = 15) -> Report {
        figures(logits: logits, after: logits.map { softmax($0, temperature: temperature) }, targets: targets,
                temperature: temperature, bins: bins)
    }

    /// The report of `after` (calibrated probabilities) against the plain softmax of `logits`.
    private static func figures(logits: [[Double]], after: [[Double]], targets: [Int], temperature: Double, bins: Int) -> Report {
        let before = logits.map { softmax($0) }
        return Report(temperature: temperature, samples: targets.count,
                      eceBefore: expectedCalibrationError(probabilities: before, targets: targets, bins: bins),
                      eceAfter: expectedCalibrationError(probabilities: after, targets: targets, bins: bins),
                      nllBefore: negativeLogLikelihood(probabilities: before, targets: targets),
                      nllAfter: negativeLogLikelihood(probabilities: after, targets: targets))
    }

    /// Two-fold cross-fitting, so the reported figures are never measured on the data the temperature
    /// was fit on: the samples are split into two halves by `fold` (true = second half), a
    /// temperature is fit on each half and applied to the other, and the figures are computed over
    /// all samples with their out-of-half probabilities. The returned temperature is the one fit on
    /// all samples (what a model file stores).
    public static func crossFitted(logits: [[Double]], targets: [Int], fold: [Bool], bins: Int = 15) -> Report {
        let n = min(logits.count, targets.count, fold.count)
        let (logits, targets, fold) = (Array(logits.prefix(n)), Array(targets.prefix(n)), Array(fold.prefix(n)))
        let a = fold.indices.filter { !fold[$0] }, b = fold.indices.filter { fold[$0] }
        let ta = fitTemperature(logits: a.map { logits[$0] }, targets: a.map { targets[$0] })
        let tb = fitTemperature(logits: b.map { logits[$0] }, targets: b.map { targets[$0] })
        let after = logits.indices.map { softmax(logits[$0], temperature: fold[$0] ? ta : tb) }
        return figures(logits: logits, after: after, targets: targets,
                       temperature: fitTemperature(logits: logits, targets: targets), bins: bins)
    }
}
