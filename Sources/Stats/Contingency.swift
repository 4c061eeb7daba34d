import Foundation

/// Errors thrown by the few entry points of this module that take paired inputs
/// (the statistics themselves report problems through NaN results with a `reason`).
public enum StatsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Two sequences that must be paired element by element have different lengths.
    case lengthMismatch(Int, Int)
    /// `targetNames` does not have one name per label.
    case targetNamesMismatch(labels: Int, targetNames: Int)

    public var description: String {
        switch self {
        case let .lengthMismatch(a, b):
            return "paired inputs have different lengths (\(a) and \(b))"
        case let .targetNamesMismatch(labels, names):
            return "\(names) target names given for \(labels) labels"
        }
    }
}

// MARK: - Chi-square test of independence

/// Result of ``chi2Contingency(table:correction:dropEmpty:)``, mirroring
/// `scipy.stats.chi2_contingency`'s `(statistic, pvalue, dof, expected_freq)`.
///
/// When the test is undefined (empty or ragged table, negative or non-finite counts, a zero
/// total, an all-zero row or column left in the table, a single row or column) `statistic` and
/// `pValue` are NaN and `reason` says why. JSON encoding writes NaN and ±∞ as `null`.
public struct ChiSquareResult: Sendable, Equatable, Codable {
    /// Pearson's chi-square statistic (Yates-corrected when ``correctionApplied``).
    public var statistic: Double
    /// Upper-tail probability of `statistic` under χ²(`dof`).
    public var pValue: Double
    /// Degrees of freedom, (rows - 1)(columns - 1) of the table actually tested.
    public var dof: Int
    /// Expected frequencies under independence, row total × column total / grand total
    /// (of the table actually tested; empty when they cannot be computed).
    public var expected: [[Double]]
    /// Whether Yates' continuity correction was applied (only when asked and `dof == 1`).
    public var correctionApplied: Bool
    /// Indices (in the input table) of the all-zero rows removed when `dropEmpty` was set.
    public var droppedRows: [Int]
    /// Indices (in the input table) of the all-zero columns removed when `dropEmpty` was set.
    public var droppedColumns: [Int]
    /// Why the statistic is NaN; `nil` for a valid result.
    public var reason: String?

    /// `true` when the test was computed (`reason == nil`).
    public var isValid: Bool { reason == nil }

    public init(
        statistic: Double, pValue: Double, dof: Int, expected: [[Double]], correctionApplied: Bool,
        droppedRows: [Int] = [], droppedColumns: [Int] = [], reason: String? = nil
    ) {
        self.statistic = statistic
        self.pValue = pValue
        self.dof = dof
        self.expected = expected
        self.correctionApplied = correctionApplied
        self.droppedRows = droppedRows
        self.droppedColumns = droppedColumns
        self.reason = reason
    }

    static func invalid(_ reason: String, dof: Int = 0, expected: [[Double]] = [], droppedRows: [Int] = [], droppedColumns: [Int] = []) -> ChiSquareResult {
        ChiSquareResult(
            statistic: .nan, pValue: .nan, dof: dof, expected: expected, correctionApplied: false,
            droppedRows: droppedRows, droppedColumns: droppedColumns, reason: reason)
    }

    enum CodingKeys: String, CodingKey {
        case statistic, pValue, dof, expected, correctionApplied, droppedRows, droppedColumns, reason
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        statistic = try c.decodeNaNSafe(forKey: .statistic)
        pValue = try c.decodeNaNSafe(forKey: .pValue)
        dof = try c.decode(Int.self, forKey: .dof)
        expected = try c.decodeNaNSafeMatrix(forKey: .expected)
        correctionApplied = try c.decode(Bool.self, forKey: .correctionApplied)
        droppedRows = try c.decodeIfPresent([Int].self, forKey: .droppedRows) ?? []
        droppedColumns = try c.decodeIfPresent([Int].self, forKey: .droppedColumns) ?? []
        reason = try c.decodeIfPresent(String.self, forKey: .reason)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeNaNSafe(statistic, forKey: .statistic)
        try c.encodeNaNSafe(pValue, forKey: .pValue)
        try c.encode(dof, forKey: .dof)
        try c.encodeNaNSafeMatrix(expected, forKey: .expected)
        try c.encode(correctionApplied, forKey: .correctionApplied)
        try c.encode(droppedRows, forKey: .droppedRows)
        try c.encode(droppedColumns, forKey: .droppedColumns)
        try c.encodeIfPresent(reason, forKey: .reason)
    }
}

/// Chi-square test of independence of the variables in a two-way contingency table, exactly as
/// `scipy.stats.chi2_contingency(table, correction=correction)` (Pearson statistic, `lambda_=None`).
///
/// - Expected frequencies are `rowSum[i] * colSum[j] / total`.
/// - `dof = (rows - 1) * (columns - 1)`.
/// - Yates' continuity correction is applied only when `correction` is true **and** `dof == 1`
///   (a 2×2 table). As in scipy (gh-13875), each observed count moves by
///   `min(0.5, |expected - observed|)` towards its expected value, so the correction never
///   overshoots: a cell within 0.5 of its expectation contributes exactly 0.
/// - The p-value is ``chi2SF(_:dof:)`` of the statistic.
///
/// Where scipy raises (negative counts, an expected frequency of zero because a row or column is
/// all zero) or returns an uninformative `(0, 1.0, 0)` (one row or one column), this returns NaN
/// statistic and p-value with a `reason`. With `dropEmpty: true` all-zero rows and columns are
/// first removed (see ``dropEmptyRowsAndColumns(_:)``) and listed in the result; this is how a
/// label that never occurs (say, no scene was classified "disgust") is handled.
///
/// Counts may be non-integer (weights); they must be finite and non-negative.
public func chi2Contingency(table: [[Double]], correction: Bool = true, dropEmpty: Bool = false) -> ChiSquareResult {
    if let problem = validateTable(table) { return .invalid(problem) }

    var observed = table
    var droppedRows: [Int] = []
    var droppedColumns: [Int] = []
    if dropEmpty {
        let pruned = dropEmptyRowsAndColumns(table)
        observed = pruned.table
        droppedRows = pruned.droppedRows
        droppedColumns = pruned.droppedColumns
        if observed.isEmpty || observed[0].isEmpty {
            return .invalid("the table is empty after dropping all-zero rows and columns (total count is zero)",
                            droppedRows: droppedRows, droppedColumns: droppedColumns)
        }
    }

    let rows = observed.count
    let columns = observed[0].count
    let rowSums = observed.map { numpySum($0) }
    // NumPy sums along the non-contiguous axis row by row, i.e. sequentially.
    let columnSums = (0..<columns).map { j in observed.reduce(0.0) { $0 + $1[j] } }
    let total = numpySum(observed.flatMap { $0 })
    if !(total > 0) {
        return .invalid("the table's total count is zero", droppedRows: droppedRows, droppedColumns: droppedColumns)
    }
    if !total.isFinite {
        return .invalid("the table's total count overflows", droppedRows: droppedRows, droppedColumns: droppedColumns)
    }
    let expected = rowSums.map { r in columnSums.map { c in r * c / total } }
    let dof = (rows - 1) * (columns - 1)

    if let i = rowSums.firstIndex(of: 0) {
        return .invalid(
            "row \(i) is all zero, so its expected frequencies are zero and the test is undefined; drop empty rows and columns first (dropEmpty: true)",
            dof: dof, expected: expected, droppedRows: droppedRows, droppedColumns: droppedColumns)
    }
    if let j = columnSums.firstIndex(of: 0) {
        return .invalid(
            "column \(j) is all zero, so its expected frequencies are zero and the test is undefined; drop empty rows and columns first (dropEmpty: true)",
            dof: dof, expected: expected, droppedRows: droppedRows, droppedColumns: droppedColumns)
    }
    if let (i, j) = firstIndex(in: expected, where: { $0 == 0 }) {
        return .invalid(
            "expected frequency underflows to zero at (\(i), \(j))",
            dof: dof, expected: expected, droppedRows: droppedRows, droppedColumns: droppedColumns)
    }
    if dof == 0 {
        let shape = rows == 1 ? "a single row" : "a single column"
        return .invalid(
            "the table has \(shape) (\(rows)×\(columns)\(dropEmpty ? " after dropping empty rows/columns" : "")), so there is no association to test (scipy "
                + "would report statistic 0, p = 1)",
            dof: 0, expected: expected, droppedRows: droppedRows, droppedColumns: droppedColumns)
    }

    let applyYates = correction && dof == 1
    var terms: [Double] = []
    terms.reserveCapacity(rows * columns)
    for i in 0..<rows {
        for j in 0..<columns {
            var o = observed[i][j]
            let e = expected[i][j]
            if applyYates {
                let diff = e - o
                let direction: Double = diff > 0 ? 1 : (diff < 0 ? -1 : 0)
                let magnitude = min(0.5, abs(diff))
                o = o + magnitude * direction
            }
            let deviation = o - e
            terms.append(deviation * deviation / e)
        }
    }
    let statistic = numpySum(terms)
    return ChiSquareResult(
        statistic: statistic, pValue: chi2SF(statistic, dof: Double(dof)), dof: dof, expected: expected,
        correctionApplied: applyYates, droppedRows: droppedRows, droppedColumns: droppedColumns, reason: nil)
}

/// A table with its all-zero rows and columns removed; see ``dropEmptyRowsAndColumns(_:)``.
public struct PrunedTable: Sendable, Hashable, Codable {
    /// The remaining counts (possibly empty if everything was zero).
    public var table: [[Double]]
    /// Indices of the input rows that were kept, in order.
    public var keptRows: [Int]
    /// Indices of the input columns that were kept, in order.
    public var keptColumns: [Int]
    /// Indices of the input rows that were all zero and removed.
    public var droppedRows: [Int]
    /// Indices of the input columns that were all zero and removed.
    public var droppedColumns: [Int]

    /// Whether anything was removed.
    public var droppedAnything: Bool { !droppedRows.isEmpty || !droppedColumns.isEmpty }
}

/// Removes the rows and columns whose counts are all zero (for example an emotion that neither
/// classifier ever produced), reporting which input indices were dropped. Rows shorter than the
/// first row are treated as padded with zeros.
public func dropEmptyRowsAndColumns(_ table: [[Double]]) -> PrunedTable {
    let columns = table.first?.count ?? 0
    let keptRows = table.indices.filter { i in table[i].contains { $0 != 0 } }
    let droppedRows = table.indices.filter { !keptRows.contains($0) }
    let keptColumns = (0..<columns).filter { j in table.contains { j < $0.count && $0[j] != 0 } }
    let droppedColumns = (0..<columns).filter { !keptColumns.contains($0) }
    let pruned = keptRows.map { i in keptColumns.map { j in j < table[i].count ? table[i][j] : 0 } }
    return PrunedTable(
        table: pruned, keptRows: keptRows, keptColumns: keptColumns,
        droppedRows: droppedRows, droppedColumns: droppedColumns)
}

// MARK: - Labelled tables

/// A two-way table of counts with row and column labels, e.g. face-classifier emotion (rows)
/// against voice-classifier emotion (columns) over the scenes of a film.
public struct ContingencyTable: Sendable, Hashable, Codable {
    /// Label of each row.
    public var rowLabels: [String]
    /// Label of each column.
    public var columnLabels: [String]
    /// `counts[i][j]`: number of observations with row label i and column label j.
    public var counts: [[Double]]

    /// A labelled table; labels default to "0", "1", ….
    public init(counts: [[Double]], rowLabels: [String]? = nil, columnLabels: [String]? = nil) {
        self.counts = counts
        self.rowLabels = rowLabels ?? counts.indices.map(String.init)
        self.columnLabels = columnLabels ?? (0..<(counts.first?.count ?? 0)).map(String.init)
    }

    /// Cross-tabulates paired observations (like `pandas.crosstab` / `scipy.stats.contingency.crosstab`).
    ///
    /// - Parameters:
    ///   - rowValues: the row variable of each observation (e.g. the face emotion of each scene).
    ///   - columnValues: the column variable of each observation (e.g. the voice emotion).
    ///   - rowLabels: the row categories, in order. Defaults to the sorted distinct `rowValues`.
    ///     Giving the full label set keeps categories that never occur as all-zero rows.
    ///   - columnLabels: likewise for columns.
    /// - Throws: ``StatsError/lengthMismatch(_:_:)`` if the two sequences differ in length.
    ///   Observations whose value is not among the given labels are not counted.
    public init(rowValues: [String], columnValues: [String], rowLabels: [String]? = nil, columnLabels: [String]? = nil) throws {
        guard rowValues.count == columnValues.count else {
            throw StatsError.lengthMismatch(rowValues.count, columnValues.count)
        }
        let rows = rowLabels ?? Array(Set(rowValues)).sorted()
        let columns = columnLabels ?? Array(Set(columnValues)).sorted()
        var rowIndex: [String: Int] = [:]
        for (i, label) in rows.enumerated() where rowIndex[label] == nil { rowIndex[label] = i }
        var columnIndex: [String: Int] = [:]
        for (j, label) in columns.enumerated() where columnIndex[label] == nil { columnIndex[label] = j }
        var counts = Array(repeating: Array(repeating: 0.0, count: columns.count), count: rows.count)
        for (r, c) in zip(rowValues, columnValues) {
            if let i = rowIndex[r], let j = columnIndex[c] { counts[i][j] += 1 }
        }
        self.init(counts: counts, rowLabels: rows, columnLabels: columns)
    }

    /// The table without its all-zero rows and columns, and the labels that were dropped.
    public func droppingEmptyRowsAndColumns() -> (table: ContingencyTable, droppedRowLabels: [String], droppedColumnLabels: [String]) {
        let pruned = dropEmptyRowsAndColumns(counts)
        let table = ContingencyTable(
            counts: pruned.table,
            rowLabels: pruned.keptRows.map { rowLabels[$0] },
            columnLabels: pruned.keptColumns.map { columnLabels[$0] })
        return (table, pruned.droppedRows.map { rowLabels[$0] }, pruned.droppedColumns.map { columnLabels[$0] })
    }

    /// ``chi2Contingency(table:correction:dropEmpty:)`` of the counts.
    public func chiSquareTest(correction: Bool = true, dropEmpty: Bool = false) -> ChiSquareResult {
        chi2Contingency(table: counts, correction: correction, dropEmpty: dropEmpty)
    }
}

// MARK: - Helpers

/// A human-readable problem with a table, or nil when it is a non-empty rectangular table of
/// finite non-negative numbers.
func validateTable(_ table: [[Double]]) -> String? {
    guard let first = table.first, !first.isEmpty else { return "the table is empty" }
    if let i = table.firstIndex(where: { $0.count != first.count }) {
        return "the table is ragged: row \(i) has \(table[i].count) entries, row 0 has \(first.count)"
    }
    if let (i, j) = firstIndex(in: table, where: { $0.isNaN }) { return "the table contains NaN at (\(i), \(j))" }
    if let (i, j) = firstIndex(in: table, where: { $0.isInfinite }) { return "the table contains an infinite count at (\(i), \(j))" }
    if let (i, j) = firstIndex(in: table, where: { $0 < 0 }) { return "the table contains a negative count at (\(i), \(j))" }
    return nil
}

func firstIndex(in table: [[Double]], where predicate: (Double) -> Bool) -> (Int, Int)? {
    for (i, row) in table.enumerated() {
        if let j = row.firstIndex(where: predicate) { return (i, j) }
    }
    return nil
}

/// Sum in the order NumPy's `add.reduce` uses for a contiguous float64 array (pairwise summation
/// with an 8-way unrolled base case of up to 128 elements), so sums match scipy's to the last bit
/// in the common cases.
func numpySum(_ values: [Double]) -> Double {
    values.withUnsafeBufferPointer { pairwiseSum($0[...]) }
}

private func pairwiseSum(_ a: Slice<UnsafeBufferPointer<Double>>) -> Double {
    let n = a.count
    let base = a.startIndex
    if n < 8 {
        var result = 0.0
        for i in a.indices { result += a[i] }
        return result
    }
    if n <= 128 {
        var r = (0..<8).map { a[base + $0] }
        var i = 8
        while i < n - (n % 8) {
            for k in 0..<8 { r[k] += a[base + i + k] }
            i += 8
        }
        var result = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
        while i < n {
            result += a[base + i]
            i += 1
        }
        return result
    }
    var half = n / 2
    half -= half % 8
    return pairwiseSum(a[base..<(base + half)]) + pairwiseSum(a[(base + half)..<a.endIndex])
}

// MARK: - NaN-safe coding

extension KeyedEncodingContainer {
    /// Encodes a Double, writing NaN and ±∞ as `null` (JSON has no NaN).
    mutating func encodeNaNSafe(_ value: Double, forKey key: Key) throws {
        if value.isFinite { try encode(value, forKey: key) } else { try encodeNil(forKey: key) }
    }

    mutating func encodeNaNSafeMatrix(_ matrix: [[Double]], forKey key: Key) throws {
        try encode(matrix.map { $0.map { $0.isFinite ? Optional($0) : nil } }, forKey: key)
    }
}

extension KeyedDecodingContainer {
    /// Decodes a Double written by `encodeNaNSafe`: `null` or a missing key becomes NaN.
    func decodeNaNSafe(forKey key: Key) throws -> Double {
        try decodeIfPresent(Double.self, forKey: key) ?? .nan
    }

    func decodeNaNSafeMatrix(forKey key: Key) throws -> [[Double]] {
        let raw = try decodeIfPresent([[Double?]].self, forKey: key) ?? []
        return raw.map { $0.map { $0 ?? .nan } }
    }
}
