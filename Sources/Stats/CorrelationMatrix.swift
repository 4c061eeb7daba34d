import Foundation

/// A named column of observations, e.g. the "happy" probability of the face classifier per scene,
/// or a one-hot indicator (0/1) "voice=angry".
public struct NamedVariable: Sendable, Hashable, Codable {
    public var name: String
    public var values: [Double]

    public init(name: String, values: [Double]) {
        self.name = name
        self.values = values
    }

    /// A 0/1 indicator variable from booleans.
    public init(name: String, indicator: [Bool]) {
        self.init(name: name, values: indicator.map { $0 ? 1 : 0 })
    }
}

/// One-hot encodes a categorical variable: one 0/1 ``NamedVariable`` per category, named
/// `prefix + category` (e.g. `"face=" + "happy"`).
///
/// - Parameters:
///   - values: the category of each observation.
///   - categories: the categories, in order; defaults to the sorted distinct values. Categories
///     that never occur give an all-zero (constant) indicator.
///   - prefix: prepended to every variable name.
public func oneHotEncode(_ values: [String], categories: [String]? = nil, prefix: String = "") -> [NamedVariable] {
    let categories = categories ?? Array(Set(values)).sorted()
    return categories.map { category in
        NamedVariable(name: prefix + category, indicator: values.map { $0 == category })
    }
}

/// A square matrix indexed by variable names on both axes (coefficients or p-values).
///
/// **JSON:** `{"variables": [...], "matrix": [[...]]}` where a NaN (or infinite) cell is written
/// as `null` — JSON has no NaN — and `null` is read back as NaN. So an undefined correlation
/// (constant variable) survives a round trip as NaN and never makes `JSONEncoder` throw.
public struct CorrelationMatrix: Sendable, Equatable, Codable {
    /// Row/column names, in order.
    public var variables: [String]
    /// `matrix[i][j]` relates `variables[i]` and `variables[j]`.
    public var matrix: [[Double]]

    public init(variables: [String], matrix: [[Double]]) {
        self.variables = variables
        self.matrix = matrix
    }

    /// Equal names and cells, NaN equal to NaN (an undefined cell stays undefined through a JSON round trip).
    public static func == (a: CorrelationMatrix, b: CorrelationMatrix) -> Bool {
        a.variables == b.variables && a.matrix.count == b.matrix.count
            && zip(a.matrix, b.matrix).allSatisfy { r, s in r.count == s.count && zip(r, s).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) } }
    }

    /// The cell for two variable names, or nil if either is unknown.
    public subscript(_ row: String, _ column: String) -> Double? {
        guard let i = variables.firstIndex(of: row), let j = variables.firstIndex(of: column) else { return nil }
        return matrix[i][j]
    }

    enum CodingKeys: String, CodingKey { case variables, matrix }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        variables = try c.decode([String].self, forKey: .variables)
        matrix = try c.decodeNaNSafeMatrix(forKey: .matrix)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(variables, forKey: .variables)
        try c.encodeNaNSafeMatrix(matrix, forKey: .matrix)
    }
}

/// Pairwise association of a set of variables: coefficients, p-values and notes explaining the
/// NaN cells. Both matrices are symmetric.
public struct CorrelationAnalysis: Sendable, Equatable, Codable {
    /// Pearson r or phi; diagonal 1 for every variable that is not constant, NaN otherwise.
    public var coefficients: CorrelationMatrix
    /// Two-sided p-values (Pearson) or chi-square p-values (phi).
    public var pValues: CorrelationMatrix
    /// One human-readable line per problem (constant variable, length mismatch, non-binary value…).
    public var notes: [String]

    public init(coefficients: CorrelationMatrix, pValues: CorrelationMatrix, notes: [String]) {
        self.coefficients = coefficients
        self.pValues = pValues
        self.notes = notes
    }
}

/// Pearson correlation matrix and p-value matrix of named variables, each cell being
/// ``pearsonR(_:_:)`` of the pair (so each matches `scipy.stats.pearsonr`).
///
/// The diagonal is exactly 1 with p-value 0 (the p-value of r = 1) for a non-constant variable,
/// and NaN for a constant one. Pairs whose coefficient is undefined are NaN, explained in `notes`.
public func pearsonMatrix(_ variables: [NamedVariable]) -> CorrelationAnalysis {
    let k = variables.count
    var r = Array(repeating: Array(repeating: Double.nan, count: k), count: k)
    var p = r
    var notes: [String] = []
    let diagonal = variables.map { pearsonR($0.values, $0.values) }
    for i in 0..<k {
        if diagonal[i].isValid {
            r[i][i] = 1
            p[i][i] = pearsonPValue(r: 1, n: diagonal[i].n)
        } else {
            notes.append("\(variables[i].name): \(diagonal[i].reason ?? "undefined")")
        }
        for j in (i + 1)..<max(i + 1, k) {
            let result = pearsonR(variables[i].values, variables[j].values)
            r[i][j] = result.r
            r[j][i] = result.r
            p[i][j] = result.pValue
            p[j][i] = result.pValue
            // A constant variable is reported once, on the diagonal.
            if let reason = result.reason, diagonal[i].isValid, diagonal[j].isValid {
                notes.append("\(variables[i].name) × \(variables[j].name): \(reason)")
            }
        }
    }
    let names = variables.map(\.name)
    return CorrelationAnalysis(
        coefficients: CorrelationMatrix(variables: names, matrix: r),
        pValues: CorrelationMatrix(variables: names, matrix: p),
        notes: notes)
}

/// Phi-coefficient matrix and pairwise chi-square p-value matrix of one-hot (0/1) variables.
///
/// For each pair (i, j) the 2×2 table `[[n11, n10], [n01, n00]]` (counts of
/// `(value_i, value_j)` = (1,1), (1,0), (0,1), (0,0)) gives the signed
/// ``phiCoefficient(_:)`` and the p-value of ``chi2Contingency(table:correction:dropEmpty:)``
/// with Yates' correction when `yatesCorrection` is true (scipy's default). The diagonal is the
/// same computation for a variable against itself: phi = 1 and the p-value of that perfectly
/// associated table. A variable that is constant (e.g. an emotion never predicted), contains
/// values other than 0 and 1, or has a different length gives NaN cells, explained in `notes`.
public func phiMatrix(_ variables: [NamedVariable], yatesCorrection: Bool = true) -> CorrelationAnalysis {
    let k = variables.count
    var phi = Array(repeating: Array(repeating: Double.nan, count: k), count: k)
    var p = phi
    var notes: [String] = []
    let expectedLength = variables.first?.values.count ?? 0
    var usable = Array(repeating: true, count: k)
    for (i, variable) in variables.enumerated() {
        if variable.values.count != expectedLength {
            usable[i] = false
            notes.append("\(variable.name): has \(variable.values.count) values, expected \(expectedLength)")
        } else if let bad = variable.values.first(where: { $0 != 0 && $0 != 1 }) {
            usable[i] = false
            notes.append("\(variable.name): not a 0/1 indicator (contains \(bad))")
        } else if variable.values.allSatisfy({ $0 == variable.values.first }) {
            usable[i] = false
            let what = variable.values.isEmpty ? "is empty" : "is constant (\(variable.values[0] == 1 ? "always 1" : "never 1"))"
            notes.append("\(variable.name): \(what), so phi and the chi-square test are undefined")
        }
    }
    for i in 0..<k where usable[i] {
        for j in i..<k where usable[j] {
            let table = twoByTwo(variables[i].values, variables[j].values)
            let coefficient = phiCoefficient(table)
            let test = chi2Contingency(table: table, correction: yatesCorrection)
            phi[i][j] = i == j ? 1 : coefficient.value
            phi[j][i] = phi[i][j]
            p[i][j] = test.pValue
            p[j][i] = test.pValue
            if let reason = coefficient.reason ?? test.reason {
                notes.append("\(variables[i].name) × \(variables[j].name): \(reason)")
            }
        }
    }
    let names = variables.map(\.name)
    return CorrelationAnalysis(
        coefficients: CorrelationMatrix(variables: names, matrix: phi),
        pValues: CorrelationMatrix(variables: names, matrix: p),
        notes: notes)
}

/// `[[n11, n10], [n01, n00]]` for two 0/1 sequences of equal length.
func twoByTwo(_ x: [Double], _ y: [Double]) -> [[Double]] {
    var n11 = 0.0, n10 = 0.0, n01 = 0.0, n00 = 0.0
    for (a, b) in zip(x, y) {
        switch (a == 1, b == 1) {
        case (true, true): n11 += 1
        case (true, false): n10 += 1
        case (false, true): n01 += 1
        case (false, false): n00 += 1
        }
    }
    return [[n11, n10], [n01, n00]]
}
