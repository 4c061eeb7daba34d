import Foundation
import Testing

@testable import Stats
import TakeSenseTestSupport

struct PearsonFixture: Decodable {
    struct Case: Decodable {
        var name: String
        var x: [Double]
        var y: [Double]
        var r: Double?
        var pvalue: Double?
    }

    var cases: [Case]
}

@Suite("Phi, Cramér's V and Pearson r against scipy")
struct AssociationTests {
    @Test("Cramér's V = scipy association(method='cramer'); Bergsma's correction; signed phi")
    func associationFixture() throws {
        let fixture: ContingencyFixture = try loadFixture("contingency.json")
        var bad = Mismatches()
        for c in fixture.association {
            let v = cramersV(c.table)
            bad.check(isClose(v.value, c.cramer), "\(c.name): V \(v.value) vs \(c.cramer!)")
            let corrected = cramersVBiasCorrected(c.table)
            bad.check(isClose(corrected.value, c.bergsma), "\(c.name): bias-corrected V \(corrected.value) vs \(String(describing: c.bergsma))")
            bad.check((c.bergsma == nil) == (corrected.reason != nil), "\(c.name): reason iff NaN")
            if let phi = c.phi {
                let result = phiCoefficient(c.table)
                bad.check(isClose(result.value, phi), "\(c.name): phi \(result.value) vs \(phi)")
                // For a 2×2 table, |phi| is Cramér's V.
                bad.check(isClose(abs(result.value), c.cramer), "\(c.name): |phi| != V")
            }
        }
        #expect(fixture.association.count >= 20)
        #expect(fixture.association.contains { $0.phi != nil && $0.phi! < 0 })
        #expect(fixture.association.contains { $0.bergsma == nil })
        #expect(bad.count == 0, "\(bad.summary)")
    }

    @Test("Cramér's V lies in [0, 1]: 0 for independence, 1 for a perfect association")
    func cramersVRange() {
        var rng = SeededRandom(seed: 7)
        for _ in 0..<100 {
            let table = randomTable(rows: Int.random(in: 2...7, using: &rng), columns: Int.random(in: 2...7, using: &rng), using: &rng)
            let v = cramersV(table).value
            let corrected = cramersVBiasCorrected(table).value
            #expect(v >= 0 && v <= 1)
            #expect(corrected >= 0 && corrected <= 1)
            // |phi|² = chi2 / n for 2×2 sub-tables.
            let sub = [[table[0][0], table[0][1]], [table[1][0], table[1][1]]]
            let chi2 = chi2Contingency(table: sub, correction: false).statistic
            let n = sub.flatMap { $0 }.reduce(0, +)
            #expect(isClose(pow(phiCoefficient(sub).value, 2), chi2 / n, relative: 1e-12))
        }
        // Independence: an outer product of margins.
        let independent: [[Double]] = [[2, 4, 6], [10, 20, 30], [5, 10, 15]]
        #expect(cramersV(independent).value < 1e-7)
        #expect(cramersVBiasCorrected(independent).value == 0)
        // Perfect association: a permutation matrix of counts.
        let perfect: [[Double]] = [[0, 12, 0], [9, 0, 0], [0, 0, 15]]
        #expect(isClose(cramersV(perfect).value, 1, relative: 1e-12))
        #expect(isClose(cramersVBiasCorrected(perfect).value, 1, relative: 1e-12))
        // Rectangular perfect association: 2 rows × 4 columns.
        #expect(isClose(cramersV([[5, 7, 0, 0], [0, 0, 3, 9]]).value, 1, relative: 1e-12))
    }

    @Test("phi is signed and undefined for a constant variable")
    func phiSign() {
        #expect(phiCoefficient([[10, 0], [0, 10]]).value == 1)
        #expect(phiCoefficient([[0, 10], [10, 0]]).value == -1)
        #expect(isClose(phiCoefficient(a: 10, b: 20, c: 30, d: 40).value, (400.0 - 600) / (30 * 70 * 40 * 60.0).squareRoot(), relative: 1e-14))
        let constant = phiCoefficient([[5, 5], [0, 0]])
        #expect(constant.value.isNaN)
        #expect(constant.reason?.contains("second row") == true)
        #expect(phiCoefficient([[1, 2, 3], [4, 5, 6]]).reason?.contains("2×2") == true)
        #expect(phiCoefficient([[1, .nan], [2, 3]]).value.isNaN)
    }

    @Test("pearsonR: r and two-sided p to 1e-9 relative of scipy.stats.pearsonr")
    func pearsonFixture() throws {
        let fixture: PearsonFixture = try loadFixture("pearson.json")
        var bad = Mismatches()
        for c in fixture.cases {
            let result = pearsonR(c.x, c.y)
            bad.check(isClose(result.r, c.r), "\(c.name): r \(result.r) vs \(String(describing: c.r)) rel \(relativeError(result.r, c.r))")
            bad.check(
                isClose(result.pValue, c.pvalue),
                "\(c.name): p \(result.pValue) vs \(String(describing: c.pvalue)) rel \(relativeError(result.pValue, c.pvalue))")
            bad.check(result.isValid == (c.r != nil), "\(c.name): reason should be set exactly when r is NaN")
            bad.check(result.n == c.x.count, "\(c.name): n")
        }
        #expect(fixture.cases.contains { $0.x.count == 3 })
        #expect(fixture.cases.contains { ($0.pvalue ?? 1) < 1e-100 })  // near-perfect correlation
        #expect(bad.count == 0, "\(bad.summary)")
    }

    @Test("pearsonR edge cases: n == 2, constant, too short, mismatched, NaN, infinity")
    func pearsonEdges() {
        let two = pearsonR([1, 2], [5, 3])
        #expect(two.r == -1 && two.pValue == 1 && two.isValid)
        for (x, y, fragment) in [
            ([1.0, 1, 1], [1.0, 2, 3], "x is constant"),
            ([1.0, 2, 3], [4.0, 4, 4], "y is constant"),
            ([2.0, 2], [3.0, 3], "x and y are constant"),
            ([1.0], [2.0], "at least 2"),
            ([], [], "at least 2"),
            ([1.0, 2, 3], [1.0, 2], "different lengths"),
            ([1.0, .nan, 3], [1.0, 2, 3], "NaN"),
            ([1.0, .infinity, 3], [1.0, 2, 3], "infinite"),
        ] {
            let result = pearsonR(x, y)
            #expect(result.r.isNaN && result.pValue.isNaN, "\(x) \(y)")
            #expect(result.reason?.contains(fragment) == true, "\(result.reason ?? "nil") should mention \(fragment)")
        }
        // Huge values do not overflow (scipy scales by the largest deviation first).
        let big = pearsonR([-5e210, 5e210, 3e200, -3e200], [1, 2, 3, 4])
        #expect(big.isValid && abs(big.r) <= 1)
    }

    @Test("pearsonR symmetry and affine invariance")
    func pearsonProperties() {
        var rng = SeededRandom(seed: 99)
        for _ in 0..<50 {
            let n = Int.random(in: 3...40, using: &rng)
            let x = (0..<n).map { _ in Double.random(in: -3...3, using: &rng) }
            let y = x.map { $0 * 0.5 + Double.random(in: -2...2, using: &rng) }
            let r = pearsonR(x, y)
            #expect(r.r >= -1 && r.r <= 1 && r.pValue >= 0 && r.pValue <= 1)
            #expect(isClose(pearsonR(y, x).r, r.r, relative: 1e-12))
            #expect(isClose(pearsonR(x.map { -2 * $0 + 7 }, y).r, -r.r, relative: 1e-12))
            #expect(isClose(pearsonR(x.map { -2 * $0 + 7 }, y).pValue, r.pValue, relative: 1e-9))
        }
    }
}
