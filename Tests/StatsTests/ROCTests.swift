import Foundation
import Testing

@testable import Stats

@Suite("ROC AUC and threshold choice")
struct ROCTests {
    /// The definition itself: over all positive/negative pairs, 1 when the positive scores higher, ½ on ties.
    func pairwiseAUC(_ s: [Double], _ y: [Bool]) -> Double {
        var sum = 0.0, n = 0.0
        for i in s.indices where y[i] {
            for j in s.indices where !y[j] {
                sum += s[i] > s[j] ? 1 : (s[i] == s[j] ? 0.5 : 0)
                n += 1
            }
        }
        return sum / n
    }

    @Test("AUC equals the pairwise definition on random scores with many ties")
    func auc() {
        var rng = SystemRandomNumberGenerator()
        for trial in 0..<100 {
            let n = 2 + trial % 40
            let s = (0..<n).map { _ in Double(Int.random(in: 0...6, using: &rng)) / 6 }
            var y = (0..<n).map { _ in Bool.random(using: &rng) }
            y[0] = true; y[1] = false
            let r = rocAUC(scores: s, positives: y)
            #expect(abs(r.value - pairwiseAUC(s, y)) < 1e-12)
        }
        #expect(rocAUC(scores: [0.9, 0.8, 0.1], positives: [true, true, false]).value == 1)
        #expect(rocAUC(scores: [0.1, 0.8, 0.9], positives: [true, false, false]).value == 0)
        #expect(rocAUC(scores: [0.5, 0.5], positives: [true, false]).value == 0.5)
    }

    @Test("Degenerate input: one class only, a NaN score, mismatched lengths → NaN with a reason")
    func degenerate() {
        #expect(rocAUC(scores: [0.1, 0.2], positives: [true, true]).reason != nil)
        #expect(rocAUC(scores: [0.1, .nan], positives: [true, false]).value.isNaN)
        #expect(rocAUC(scores: [0.1], positives: [true, false]).reason?.contains("length") == true)
        #expect(bestThreshold(scores: [0.1], positives: [true]) == nil)
    }

    @Test("Best threshold separates separable scores perfectly and sits between the classes")
    func threshold() {
        let r = bestThreshold(scores: [0.9, 0.8, 0.7, 0.3, 0.2], positives: [true, true, true, false, false])!
        #expect(r.balancedAccuracy == 1)
        #expect(r.threshold > 0.3 && r.threshold <= 0.7)
        let mixed = bestThreshold(scores: [0.9, 0.4, 0.6, 0.1], positives: [true, true, false, false])!
        #expect(abs(mixed.balancedAccuracy - 0.75) < 1e-12)
    }
}
