import Foundation

/// A single association measure (phi, Cramér's V), NaN with a `reason` when it is undefined.
/// JSON encoding writes a NaN `value` as `null`.
public struct AssociationResult: Sendable, Equatable, Codable {
    /// The measure; NaN when undefined.
    public var value: Double
    /// Why `value` is NaN; `nil` for a valid result.
    public var reason: String?

    /// `true` when the measure was computed (`reason == nil`).
    public var isValid: Bool { reason == nil }

    public init(value: Double, reason: String? = nil) {
        self.value = value
        self.reason = reason
    }

    static func invalid(_ reason: String) -> AssociationResult {
        AssociationResult(value: .nan, reason: reason)
    }

    enum CodingKeys: String, CodingKey { case value, reason }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        value = try c.decodeNaNSafe(forKey: .value)
        reason = try c.decodeIfPresent(String.self, forKey: .reason)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeNaNSafe(value, forKey: .value)
        try c.encodeIfPresent(reason, forKey: .reason)
    }
}

// MARK: - Phi and Cramér's V

/// Signed phi coefficient of a 2×2 table `[[a, b], [c, d]]`:
/// `(ad - bc) / sqrt((a+b)(c+d)(a+c)(b+d))`.
///
/// Positive when the two "first" categories go together. |phi| equals
/// `sqrt(chi2 / n)` with the uncorrected chi-square, and equals Cramér's V for a 2×2 table.
/// NaN with a reason if the table is not 2×2, has invalid counts, or a margin is zero.
public func phiCoefficient(_ table: [[Double]]) -> AssociationResult {
    if let problem = validateTable(table) { return .invalid(problem) }
    guard table.count == 2, table[0].count == 2 else {
        return .invalid("phi needs a 2×2 table, got \(table.count)×\(table[0].count)")
    }
    return phiCoefficient(a: table[0][0], b: table[0][1], c: table[1][0], d: table[1][1])
}

/// Signed phi coefficient of the 2×2 table `[[a, b], [c, d]]`; see ``phiCoefficient(_:)``.
public func phiCoefficient(a: Double, b: Double, c: Double, d: Double) -> AssociationResult {
    if let problem = validateTable([[a, b], [c, d]]) { return .invalid(problem) }
    let margins = [("first row", a + b), ("second row", c + d), ("first column", a + c), ("second column", b + d)]
    if let empty = margins.first(where: { $0.1 == 0 }) {
        return .invalid("phi is undefined: the \(empty.0) of the 2×2 table is all zero (one variable is constant)")
    }
    let denominator = (margins[0].1 * margins[1].1).squareRoot() * (margins[2].1 * margins[3].1).squareRoot()
    let value = (a * d - b * c) / denominator
    return AssociationResult(value: min(1, max(-1, value)))
}

/// Cramér's V, `sqrt(chi2 / (n · min(rows - 1, columns - 1)))`, with the chi-square statistic
/// **without** Yates' correction — `scipy.stats.contingency.association(table, method="cramer")`.
///
/// With `dropEmpty: true` all-zero rows/columns are removed first (and the shape used in the
/// denominator is that of the pruned table); otherwise such a table gives NaN with a reason,
/// as do tables with a single row or column. The result is clamped to [0, 1] (it can only
/// leave that interval by rounding).
public func cramersV(_ table: [[Double]], dropEmpty: Bool = false) -> AssociationResult {
    let test = chi2Contingency(table: table, correction: false, dropEmpty: dropEmpty)
    guard test.isValid, !test.expected.isEmpty else {
        return .invalid("Cramér's V is undefined: \(test.reason ?? "the chi-square test failed")")
    }
    let rows = test.expected.count
    let columns = test.expected[0].count
    let n = numpySum(table.flatMap { $0 })  // dropping all-zero rows/columns does not change n
    let phi2 = test.statistic / n
    let value = (phi2 / Double(min(rows - 1, columns - 1))).squareRoot()
    return AssociationResult(value: min(1, max(0, value)))
}

/// Bias-corrected Cramér's V of Bergsma (2013, J. Korean Stat. Soc. 42:323–328):
///
///     phi2~ = max(0, chi2/n - (k-1)(r-1)/(n-1))
///     k~ = k - (k-1)²/(n-1),   r~ = r - (r-1)²/(n-1)
///     V~ = sqrt(phi2~ / min(k~ - 1, r~ - 1))
///
/// with the uncorrected chi-square. NaN with a reason where the plain V is, or when n ≤ 1 or
/// the corrected denominator is not positive (too few observations for the table's size).
public func cramersVBiasCorrected(_ table: [[Double]], dropEmpty: Bool = false) -> AssociationResult {
    let test = chi2Contingency(table: table, correction: false, dropEmpty: dropEmpty)
    guard test.isValid, !test.expected.isEmpty else {
        return .invalid("bias-corrected Cramér's V is undefined: \(test.reason ?? "the chi-square test failed")")
    }
    let r = Double(test.expected.count)
    let k = Double(test.expected[0].count)
    let n = numpySum(table.flatMap { $0 })
    guard n > 1 else { return .invalid("bias-corrected Cramér's V needs more than one observation (n = \(n))") }
    let phi2 = test.statistic / n
    let phi2Corrected = max(0, phi2 - (k - 1) * (r - 1) / (n - 1))
    let kCorrected = k - (k - 1) * (k - 1) / (n - 1)
    let rCorrected = r - (r - 1) * (r - 1) / (n - 1)
    let denominator = min(kCorrected - 1, rCorrected - 1)
    guard denominator > 0 else {
        return .invalid(
            "bias-corrected Cramér's V is undefined: n = \(n) is too small for a \(Int(r))×\(Int(k)) table (corrected min(k-1, r-1) = \(denominator) ≤ 0)")
    }
    return AssociationResult(value: min(1, (phi2Corrected / denominator).squareRoot()))
}

// MARK: - Pearson correlation

/// Result of ``pearsonR(_:_:)``: `scipy.stats.pearsonr`'s `(statistic, pvalue)` plus the sample
/// size and, when the coefficient is undefined, the reason. JSON writes NaN as `null`.
public struct PearsonResult: Sendable, Equatable, Codable {
    /// Pearson's correlation coefficient, in [-1, 1]; NaN when undefined.
    public var r: Double
    /// Two-sided p-value for the null hypothesis of no correlation (normal data).
    public var pValue: Double
    /// Number of pairs.
    public var n: Int
    /// Why `r` is NaN; `nil` for a valid result.
    public var reason: String?

    /// `true` when the coefficient was computed (`reason == nil`).
    public var isValid: Bool { reason == nil }

    public init(r: Double, pValue: Double, n: Int, reason: String? = nil) {
        self.r = r
        self.pValue = pValue
        self.n = n
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey { case r, pValue, n, reason }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        r = try c.decodeNaNSafe(forKey: .r)
        pValue = try c.decodeNaNSafe(forKey: .pValue)
        n = try c.decode(Int.self, forKey: .n)
        reason = try c.decodeIfPresent(String.self, forKey: .reason)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeNaNSafe(r, forKey: .r)
        try c.encodeNaNSafe(pValue, forKey: .pValue)
        try c.encode(n, forKey: .n)
        try c.encodeIfPresent(reason, forKey: .reason)
    }
}

/// Pearson correlation coefficient and two-sided p-value, computed as `scipy.stats.pearsonr`
/// does (scipy ≥ 1.9):
///
/// - centred data scaled by their largest magnitude before taking norms (no overflow),
///   `r = Σ (xm/‖xm‖)(ym/‖ym‖)` clipped to [-1, 1];
/// - p = 2 · `betaincc(n/2 - 1, n/2 - 1, (|r| + 1)/2)`: under H0, r follows a beta distribution
///   on (-1, 1) with a = b = n/2 - 1 (equivalent to Student's t with n - 2 dof);
/// - n == 2: r is rounded to exactly ±1 and p = 1.
///
/// Returns NaN (and a reason) for inputs of different lengths, n < 2, NaN or infinite values,
/// or a constant input (scipy warns `ConstantInputWarning` and returns NaN there).
public func pearsonR(_ x: [Double], _ y: [Double]) -> PearsonResult {
    let n = x.count
    guard x.count == y.count else {
        return PearsonResult(r: .nan, pValue: .nan, n: min(x.count, y.count),
                             reason: "x and y have different lengths (\(x.count) and \(y.count))")
    }
    guard n >= 2 else {
        return PearsonResult(r: .nan, pValue: .nan, n: n, reason: "Pearson's r needs at least 2 pairs, got \(n)")
    }
    if x.contains(where: { $0.isNaN }) || y.contains(where: { $0.isNaN }) {
        return PearsonResult(r: .nan, pValue: .nan, n: n, reason: "the input contains NaN")
    }
    if x.contains(where: { $0.isInfinite }) || y.contains(where: { $0.isInfinite }) {
        return PearsonResult(r: .nan, pValue: .nan, n: n, reason: "the input contains an infinite value")
    }
    let xConstant = x.allSatisfy { $0 == x[0] }
    let yConstant = y.allSatisfy { $0 == y[0] }
    if xConstant || yConstant {
        let which = xConstant && yConstant ? "x and y are" : (xConstant ? "x is" : "y is")
        return PearsonResult(r: .nan, pValue: .nan, n: n,
                             reason: "\(which) constant, so the correlation coefficient is not defined")
    }

    let xUnit = unitCentered(x)
    let yUnit = unitCentered(y)
    guard let xUnit, let yUnit else {
        return PearsonResult(r: .nan, pValue: .nan, n: n, reason: "the input overflows")
    }
    var dot = 0.0
    for i in 0..<n { dot += xUnit[i] * yUnit[i] }
    var r = min(1, max(-1, dot))
    if n == 2 {
        r = r.rounded()
        return PearsonResult(r: r, pValue: 1, n: n)
    }
    return PearsonResult(r: r, pValue: pearsonPValue(r: r, n: n), n: n)
}

/// (x - mean) / ‖x - mean‖, scaled as scipy does; nil if not finite.
private func unitCentered(_ x: [Double]) -> [Double]? {
    let mean = numpySum(x) / Double(x.count)
    let centered = x.map { $0 - mean }
    let largest = centered.reduce(0.0) { max($0, abs($1)) }
    var sumOfSquares = 0.0
    for v in centered {
        let scaled = v / largest
        sumOfSquares += scaled * scaled
    }
    let norm = largest * sumOfSquares.squareRoot()
    let unit = centered.map { $0 / norm }
    return unit.allSatisfy(\.isFinite) ? unit : nil
}

/// Two-sided p-value of a Pearson correlation `r` from `n` pairs, as `scipy.stats.pearsonr`
/// computes it: `2 * betaincc(n/2 - 1, n/2 - 1, (|r| + 1)/2)`.
///
/// The arithmetic is the same as scipy's, including forming `(|r| + 1)/2` before taking the
/// complement, so results agree to ~1e-15 relative even when p is tiny (|r| near 1).
/// Returns 1 for n == 2, NaN for n < 2 or NaN r.
public func pearsonPValue(r: Double, n: Int) -> Double {
    if r.isNaN || n < 2 { return .nan }
    if n == 2 { return 1 }
    let ab = Double(n) / 2 - 1
    let x = (abs(min(1, max(-1, r))) - (-1)) / 2
    return 2 * SpecialFunctions.complementedRegularizedIncompleteBeta(ab, ab, x: x)
}
