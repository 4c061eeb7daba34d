import Foundation
import Testing

@testable import Stats

@Suite("Logistic regression and selective classification")
struct LogisticRegressionTests {
    struct Case: Decodable { var name: String; var x: [[Double]]; var y: [Bool]; var l2: Double; var weights: [Double] }
    struct File: Decodable { var cases: [Case] }

    @Test("Newton fit matches scipy's BFGS minimum of the same penalised loss")
    func againstScipy() throws {
        for c in try loadFixture("logistic.json", as: File.self).cases {
            let w = try #require(LogisticRegression.fit(x: c.x, y: c.y, l2: c.l2))
            for (a, b) in zip(w, c.weights) { #expect(abs(a - b) < 1e-5, "\(c.name): \(w) vs \(c.weights)") }
        }
    }

    @Test("Rows of different lengths are refused")
    func badInput() {
        #expect(LogisticRegression.fit(x: [[1, 2], [1]], y: [true, false]) == nil)
        #expect(LogisticRegression.fit(x: [], y: []) == nil)
    }

    @Test("Balanced accuracy leaves abstentions out; the curve decides the items farthest from the cut first")
    func selective() {
        let d: [Bool?] = [true, true, false, nil, false, true]
        let y = [true, true, true, true, false, false]
        // positives decided: 3 (2 right); negatives decided: 2 (1 right)
        #expect(abs(SelectiveClassification.balancedAccuracy(decisions: d, positives: y) - (2.0 / 3 + 0.5) / 2) < 1e-12)
        let scores = [0.9, 0.8, 0.55, 0.45, 0.1, 0.2]
        let curve = SelectiveClassification.accuracyCoverage(scores: scores, positives: [true, true, false, true, false, false],
                                                             threshold: 0.5, coverages: [1, 4.0 / 6])
        // All six: positives 0.9, 0.8 right, 0.45 wrong; negatives 0.1, 0.2 right, 0.55 wrong.
        #expect(abs(curve[0].balancedAccuracy - 2.0 / 3) < 1e-12)
        // The two nearest the cut (0.55, 0.45) left out: all right.
        #expect(curve[1].balancedAccuracy == 1 && abs(curve[1].coverage - 4.0 / 6) < 1e-12)
        let band = SelectiveClassification.band(scores: scores, positives: [true, true, false, true, false, false], threshold: 0.5, minCoverage: 0.6)
        #expect(band?.balancedAccuracy == 1 && band!.low <= 0.45 && band!.high > 0.55 && band!.coverage >= 0.6)
    }
}
