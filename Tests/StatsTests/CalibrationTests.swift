import Foundation
import Testing

@testable import Stats
import TakeSenseTestSupport

/// Temperature scaling, ECE and NLL against scipy (Scripts/make_calibration_fixture.py).
@Suite struct CalibrationTests {
    struct Case: Decodable {
        let name: String
        let logits: [[Double]]
        let targets: [Int]
        let temperature: Double
        let nll_before: Double
        let nll_after: Double
        let ece_before: Double
        let ece_after: Double
        let ece_before_10: Double
    }
    struct Fixture: Decodable { let cases: [Case] }

    static let cases: [Case] = (try? loadFixture("calibration.json", as: Fixture.self).cases) ?? []

    @Test func fixtureLoads() { #expect(Self.cases.count == 4) }

    @Test(arguments: cases.map(\.name))
    func matchesScipy(name: String) throws {
        let c = try #require(Self.cases.first { $0.name == name })
        let t = Calibration.fitTemperature(logits: c.logits, targets: c.targets)
        // scipy's bounded minimiser stops at xatol 1e-12 in log T; the NLL is flat at its minimum, so
        // compare T to 1e-6 relative and the NLL it reaches to 1e-9.
        #expect(abs(t - c.temperature) <= 1e-6 * c.temperature, "T \(t) vs scipy \(c.temperature)")
        let report = Calibration.report(logits: c.logits, targets: c.targets, temperature: c.temperature)
        #expect(isClose(report.nllBefore, c.nll_before))
        #expect(isClose(report.nllAfter, c.nll_after))
        #expect(isClose(report.eceBefore, c.ece_before))
        #expect(isClose(report.eceAfter, c.ece_after))
        let before = c.logits.map { Calibration.softmax($0) }
        #expect(isClose(Calibration.expectedCalibrationError(probabilities: before, targets: c.targets, bins: 10), c.ece_before_10))
        // The fitted T is at least as good as scipy's in NLL (it is the same minimum).
        let own = Calibration.report(logits: c.logits, targets: c.targets, temperature: t)
        #expect(own.nllAfter <= c.nll_after + 1e-12)
    }

    @Test func temperatureUndoesAKnownScaling() {
        // Logits of a calibrated model multiplied by 4 need T = 4 back: sample targets from the
        // model's own probabilities (seeded) and fit.
        var rng = SeededRandom(seed: 7)
        var logits: [[Double]] = [], targets: [Int] = []
        for _ in 0..<4000 {
            let z = (0..<5).map { _ in rng.gaussian() * 1.5 }
            let p = Calibration.softmax(z)
            var u = rng.uniform(), y = 0
            while y < 4, u > p[y] { u -= p[y]; y += 1 }
            logits.append(z.map { $0 * 4 })
            targets.append(y)
        }
        let t = Calibration.fitTemperature(logits: logits, targets: targets)
        #expect(abs(t - 4) < 0.35, "fitted \(t)")
    }

    @Test func perfectlySeparableLogitsStayBounded() {
        let logits = [[5.0, 0, 0], [0, 5, 0], [0, 0, 5]]
        let t = Calibration.fitTemperature(logits: logits, targets: [0, 1, 2])
        #expect(t.isFinite && t > 0 && t <= 1e-3 * 1.0000001)
    }

    @Test func reliabilityBinsAreHalfOpenAbove() {
        // With 3 bins, a confidence of exactly 1/3 belongs to the first bin, (0, 1/3].
        let bins = Calibration.reliability(probabilities: [[1.0 / 3, 1.0 / 3, 1.0 / 3], [0.9, 0.1, 0]], targets: [0, 1], bins: 3)
        #expect(bins.map(\.count) == [1, 0, 1])
        #expect(bins[2].accuracy == 0)
        #expect(bins[0].accuracy == 1)
        #expect(bins[1].confidence.isNaN)
    }

    @Test func crossFittingNeverUsesTheSameHalf() {
        // Two halves with opposite miscalibration: each half's T is wrong for the other, so the
        // cross-fitted ECE after must be worse than fitting and measuring on the same data.
        let a = Self.cases[0], b = Self.cases[1]
        let logits = a.logits + b.logits, targets = a.targets + b.targets
        let fold = a.targets.map { _ in false } + b.targets.map { _ in true }
        let crossed = Calibration.crossFitted(logits: logits, targets: targets, fold: fold)
        let t = Calibration.fitTemperature(logits: logits, targets: targets)
        #expect(crossed.temperature == t)
        let pooledNLL = Calibration.report(logits: logits, targets: targets, temperature: t).nllAfter
        #expect(crossed.nllAfter > pooledNLL)
    }
}
