import Foundation
import Testing

@testable import Stats
import TakeSenseTestSupport

struct ContingencyFixture: Decodable {
    struct Chi2Case: Decodable {
        var name: String
        var table: [[Double]]
        var correction: Bool
        var droppedRows: [Int]
        var droppedColumns: [Int]
        var scipyRaises: Bool
        var statistic: Double?
        var pvalue: Double?
        var dof: Int
        var expected: [[Double?]]
    }

    struct AssociationCase: Decodable {
        var name: String
        var table: [[Double]]
        var cramer: Double?
        var bergsma: Double?
        var phi: Double?
    }

    var chi2: [Chi2Case]
    var association: [AssociationCase]
}

func randomTable(rows: Int, columns: Int, using rng: inout SeededRandom) -> [[Double]] {
    (0..<rows).map { _ in (0..<columns).map { _ in Double(Int.random(in: 1...40, using: &rng)) } }
}

@Suite("chi2Contingency against scipy.stats.chi2_contingency")
struct ContingencyTests {
    let fixture: ContingencyFixture

    init() throws {
        fixture = try loadFixture("contingency.json")
    }

    @Test("fixture tables: statistic, p-value, dof, expected to 1e-9 relative")
    func matchesScipy() {
        var bad = Mismatches()
        for c in fixture.chi2 {
            let result = chi2Contingency(table: c.table, correction: c.correction, dropEmpty: c.scipyRaises)
            let label = "\(c.name) (correction \(c.correction))"
            if c.scipyRaises {
                // Without dropping, an all-zero row/column is reported, not computed (scipy raises).
                let strict = chi2Contingency(table: c.table, correction: c.correction)
                bad.check(strict.statistic.isNaN && strict.pValue.isNaN && (strict.reason ?? "").contains("all zero"),
                          "\(label): expected NaN + 'all zero' reason without dropEmpty, got \(strict)")
                bad.check(result.droppedRows == c.droppedRows && result.droppedColumns == c.droppedColumns,
                          "\(label): dropped \(result.droppedRows)/\(result.droppedColumns), expected \(c.droppedRows)/\(c.droppedColumns)")
            }
            bad.check(result.dof == c.dof, "\(label): dof \(result.dof) != \(c.dof)")
            if c.dof == 0 {
                // scipy returns (0, 1.0) for a table with a single row or column; we return NaN + reason.
                bad.check(result.statistic.isNaN && result.reason != nil, "\(label): dof 0 should be NaN with a reason")
                continue
            }
            bad.check(result.isValid, "\(label): unexpected reason \(result.reason ?? "")")
            bad.check(isClose(result.statistic, c.statistic),
                      "\(label): statistic \(result.statistic) vs \(c.statistic!) rel \(relativeError(result.statistic, c.statistic))")
            bad.check(isClose(result.pValue, c.pvalue),
                      "\(label): p \(result.pValue) vs \(c.pvalue!) rel \(relativeError(result.pValue, c.pvalue))")
            bad.check(result.correctionApplied == (c.correction && c.dof == 1), "\(label): correctionApplied")
            let flatExpected = result.expected.flatMap { $0 }
            let flatReference = c.expected.flatMap { $0 }
            bad.check(flatExpected.count == flatReference.count
                      && zip(flatExpected, flatReference).allSatisfy { isClose($0, $1) },
                      "\(label): expected frequencies differ")
        }
        #expect(fixture.chi2.count >= 50)
        #expect(fixture.chi2.contains { $0.scipyRaises })
        #expect(bad.count == 0, "\(bad.summary)")
    }

    @Test("Yates correction never exceeds |observed - expected| (scipy gh-13875)")
    func yatesClipping() {
        // Expected 3.0625 etc.: every |o - e| = 0.0625 < 0.5, so the corrected statistic is 0.
        let clipped = chi2Contingency(table: [[3, 4], [4, 5]])
        #expect(clipped.correctionApplied)
        #expect(clipped.statistic == 0)
        #expect(clipped.pValue == 1)
        let plain = chi2Contingency(table: [[3, 4], [4, 5]], correction: false)
        #expect(plain.statistic > 0)
        #expect(!plain.correctionApplied)
        // Yates only applies to dof == 1.
        let rect = chi2Contingency(table: [[10, 10, 20], [20, 20, 20]], correction: true)
        #expect(!rect.correctionApplied)
        #expect(rect.statistic == chi2Contingency(table: [[10, 10, 20], [20, 20, 20]], correction: false).statistic)
        // Textbook value: [[10, 20], [30, 40]] with Yates, (|ad - bc| - n/2)² n / (r1 r2 c1 c2).
        let yates = chi2Contingency(table: [[10, 20], [30, 40]])
        let n = 100.0
        let manual = pow(abs(10.0 * 40 - 20 * 30) - n / 2, 2) * n / (30 * 70 * 40 * 60)
        #expect(isClose(yates.statistic, manual, relative: 1e-13))
    }

    @Test("statistic and p-value are invariant under relabelling rows/columns and transposition")
    func permutationInvariance() {
        var rng = SeededRandom(seed: 42)
        for trial in 0..<60 {
            let rows = Int.random(in: 2...6, using: &rng)
            let columns = Int.random(in: 2...6, using: &rng)
            let table = randomTable(rows: rows, columns: columns, using: &rng)
            let rowOrder = Array(0..<rows).shuffled(using: &rng)
            let columnOrder = Array(0..<columns).shuffled(using: &rng)
            let permuted = rowOrder.map { i in columnOrder.map { j in table[i][j] } }
            let transposed = (0..<columns).map { j in (0..<rows).map { i in table[i][j] } }
            let correction = trial % 2 == 0
            let base = chi2Contingency(table: table, correction: correction)
            for other in [chi2Contingency(table: permuted, correction: correction),
                          chi2Contingency(table: transposed, correction: correction)] {
                #expect(other.dof == base.dof)
                #expect(isClose(other.statistic, base.statistic, relative: 1e-12), "trial \(trial)")
                #expect(isClose(other.pValue, base.pValue, relative: 1e-10), "trial \(trial)")
            }
            let permutedExpected = chi2Contingency(table: permuted, correction: correction).expected
            for (a, i) in rowOrder.enumerated() {
                for (b, j) in columnOrder.enumerated() {
                    #expect(isClose(permutedExpected[a][b], base.expected[i][j], relative: 1e-14))
                }
            }
        }
    }

    @Test("the statistic grows with association and the p-value falls")
    func monotone() {
        var last = -1.0
        var lastP = 2.0
        for k in stride(from: 0.0, through: 40, by: 5) {
            let result = chi2Contingency(table: [[50 + k, 50 - k], [50 - k, 50 + k]], correction: false)
            #expect(result.statistic > last || k == 0)
            #expect(result.pValue < lastP)
            last = result.statistic
            lastP = result.pValue
        }
    }

    @Test("degenerate tables give NaN with a reason, never a crash",
          arguments: [
              [[Double]](), [[]], [[1, 2], [3]], [[1, .nan], [3, 4]], [[1, -2], [3, 4]], [[1, .infinity], [3, 4]],
              [[0, 0], [0, 0]], [[1, 2, 3]], [[1], [2], [3]], [[4, 0], [6, 0]], [[0, 0, 0], [1, 2, 3]],
          ])
    func degenerate(table: [[Double]]) {
        for dropEmpty in [false, true] {
            let result = chi2Contingency(table: table, dropEmpty: dropEmpty)
            #expect(result.statistic.isNaN)
            #expect(result.pValue.isNaN)
            #expect(!result.isValid)
            #expect((result.reason ?? "").count > 10)
        }
        #expect(cramersV(table).value.isNaN)
        #expect(cramersV(table).reason != nil)
        #expect(cramersVBiasCorrected(table).value.isNaN)
    }

    @Test("dropping empty rows and columns reports what was dropped")
    func dropEmpty() {
        let table: [[Double]] = [[4, 0, 6], [0, 0, 0], [3, 0, 9], [5, 0, 1]]
        let pruned = dropEmptyRowsAndColumns(table)
        #expect(pruned.table == [[4, 6], [3, 9], [5, 1]])
        #expect(pruned.droppedRows == [1])
        #expect(pruned.droppedColumns == [1])
        #expect(pruned.keptRows == [0, 2, 3])
        #expect(pruned.keptColumns == [0, 2])
        #expect(pruned.droppedAnything)
        #expect(!dropEmptyRowsAndColumns([[1, 2], [3, 4]]).droppedAnything)

        let strict = chi2Contingency(table: table)
        #expect(strict.reason?.contains("row 1 is all zero") == true)
        let dropped = chi2Contingency(table: table, dropEmpty: true)
        #expect(dropped.isValid)
        #expect(dropped.dof == 2)
        #expect(dropped.droppedRows == [1] && dropped.droppedColumns == [1])
        #expect(dropped.statistic == chi2Contingency(table: [[4, 6], [3, 9], [5, 1]]).statistic)
    }

    @Test("labelled crosstab of face vs voice labels, with an emotion never seen")
    func labelledCrosstab() throws {
        let emotions = ["angry", "disgust", "happy", "sad"]
        let face = ["happy", "happy", "sad", "angry", "happy", "sad", "angry", "happy", "sad", "happy"]
        let voice = ["happy", "sad", "sad", "angry", "happy", "sad", "happy", "happy", "angry", "happy"]
        let table = try ContingencyTable(rowValues: face, columnValues: voice, rowLabels: emotions, columnLabels: emotions)
        #expect(table.counts[2] == [0, 0, 4, 1])  // face happy
        #expect(table.counts.flatMap { $0 }.reduce(0, +) == 10)
        let (pruned, droppedRows, droppedColumns) = table.droppingEmptyRowsAndColumns()
        #expect(droppedRows == ["disgust"])
        #expect(droppedColumns == ["disgust"])
        #expect(pruned.rowLabels == ["angry", "happy", "sad"])
        #expect(pruned.counts == [[1, 1, 0], [0, 4, 1], [1, 0, 2]])
        #expect(table.chiSquareTest().reason?.contains("all zero") == true)
        #expect(table.chiSquareTest(dropEmpty: true).statistic == pruned.chiSquareTest().statistic)
        #expect(throws: StatsError.lengthMismatch(2, 1)) {
            try ContingencyTable(rowValues: ["a", "b"], columnValues: ["a"])
        }
        let inferred = try ContingencyTable(rowValues: face, columnValues: voice)
        #expect(inferred.rowLabels == ["angry", "happy", "sad"])
    }

    @Test("ChiSquareResult encodes NaN as null and decodes it back")
    func nanSafeCoding() throws {
        let invalid = chi2Contingency(table: [[0, 0], [1, 2]])
        let json = String(decoding: try JSONEncoder().encode(invalid), as: UTF8.self)
        #expect(json.contains("\"statistic\":null"))
        #expect(json.contains("\"pValue\":null"))
        let decoded = try JSONDecoder().decode(ChiSquareResult.self, from: Data(json.utf8))
        #expect(decoded.statistic.isNaN && decoded.reason == invalid.reason)
        let valid = chi2Contingency(table: [[10, 20], [30, 40]])
        let back = try JSONDecoder().decode(ChiSquareResult.self, from: JSONEncoder().encode(valid))
        #expect(back == valid)
    }
}
