import Foundation
import Testing

@testable import Stats
import TakeSenseTestSupport

@Suite("Correlation matrices")
struct CorrelationMatrixTests {
    static func emotionLabels(count: Int, seed: UInt64, categories: [String]) -> [String] {
        var rng = SeededRandom(seed: seed)
        return (0..<count).map { _ in categories.randomElement(using: &rng)! }
    }

    static func checkShape(_ analysis: CorrelationAnalysis, size: Int) {
        #expect(analysis.coefficients.variables.count == size)
        #expect(analysis.coefficients.matrix.count == size)
        #expect(analysis.pValues.variables == analysis.coefficients.variables)
        for i in 0..<size {
            #expect(analysis.coefficients.matrix[i].count == size)
            for j in 0..<size {
                let c = analysis.coefficients.matrix[i][j], p = analysis.pValues.matrix[i][j]
                let cT = analysis.coefficients.matrix[j][i], pT = analysis.pValues.matrix[j][i]
                #expect(c == cT || (c.isNaN && cT.isNaN), "not symmetric at (\(i), \(j))")
                #expect(p == pT || (p.isNaN && pT.isNaN), "p not symmetric at (\(i), \(j))")
                #expect(c.isNaN || (c >= -1 && c <= 1))
                #expect(p.isNaN || (p >= 0 && p <= 1))
            }
        }
    }

    @Test("Pearson matrix: symmetric, unit diagonal, cells equal pairwise pearsonR")
    func pearsonMatrixProperties() {
        var rng = SeededRandom(seed: 3)
        let n = 40
        let base = (0..<n).map { _ in Double.random(in: 0...1, using: &rng) }
        let variables = [
            NamedVariable(name: "face.happy", values: base),
            NamedVariable(name: "voice.happy", values: base.map { $0 + Double.random(in: -0.2...0.2, using: &rng) }),
            NamedVariable(name: "face.sad", values: base.map { 1 - $0 + Double.random(in: -0.5...0.5, using: &rng) }),
            NamedVariable(name: "noise", values: (0..<n).map { _ in Double.random(in: 0...1, using: &rng) }),
        ]
        let analysis = pearsonMatrix(variables)
        Self.checkShape(analysis, size: 4)
        #expect(analysis.notes.isEmpty)
        for i in 0..<4 {
            #expect(analysis.coefficients.matrix[i][i] == 1)
            #expect(analysis.pValues.matrix[i][i] == 0)
            for j in 0..<4 where j != i {
                let pair = pearsonR(variables[i].values, variables[j].values)
                #expect(analysis.coefficients.matrix[i][j] == pair.r)
                #expect(analysis.pValues.matrix[i][j] == pair.pValue)
            }
        }
        #expect((analysis.coefficients["face.happy", "voice.happy"] ?? .nan) > 0.8)
        #expect((analysis.coefficients["face.happy", "face.sad"] ?? .nan) < 0)
        #expect(analysis.coefficients["face.happy", "nope"] == nil)
    }

    @Test("Pearson matrix: a constant variable gives a NaN row and one note")
    func pearsonMatrixConstant() {
        let analysis = pearsonMatrix([
            NamedVariable(name: "a", values: [1, 2, 3, 4]),
            NamedVariable(name: "flat", values: [2, 2, 2, 2]),
            NamedVariable(name: "b", values: [4, 3, 1, 2]),
        ])
        Self.checkShape(analysis, size: 3)
        #expect(analysis.coefficients.matrix[1].allSatisfy { $0.isNaN })
        #expect(analysis.pValues.matrix[1].allSatisfy { $0.isNaN })
        #expect(!analysis.coefficients.matrix[0][2].isNaN)
        #expect(analysis.notes.count == 1)
        #expect(analysis.notes.first?.contains("flat") == true)
    }

    @Test("phi matrix of one-hot emotions: symmetric, unit diagonal, chi-square p-values, empty category")
    func phiMatrixProperties() {
        let emotions = ["angry", "disgust", "happy", "neutral", "sad"]
        let seen = ["angry", "happy", "neutral", "sad"]  // "disgust" never predicted
        let face = Self.emotionLabels(count: 80, seed: 11, categories: seen)
        var voice = Self.emotionLabels(count: 80, seed: 12, categories: seen)
        for i in stride(from: 0, to: 80, by: 2) { voice[i] = face[i] }  // agree half of the time
        let variables = oneHotEncode(face, categories: emotions, prefix: "face=")
            + oneHotEncode(voice, categories: emotions, prefix: "voice=")
        #expect(variables.count == 10)
        #expect(variables[0].name == "face=angry")

        for yates in [true, false] {
            let analysis = phiMatrix(variables, yatesCorrection: yates)
            Self.checkShape(analysis, size: 10)
            for i in 0..<10 {
                let usable = !variables[i].name.hasSuffix("disgust")
                #expect(analysis.coefficients.matrix[i][i].isNaN != usable)
                if usable {
                    #expect(analysis.coefficients.matrix[i][i] == 1)
                } else {
                    #expect(analysis.coefficients.matrix[i].allSatisfy { $0.isNaN })
                }
                for j in 0..<10 where usable && !variables[j].name.hasSuffix("disgust") {
                    // The upper triangle is computed and mirrored.
                    let table = twoByTwo(variables[min(i, j)].values, variables[max(i, j)].values)
                    #expect(analysis.pValues.matrix[i][j] == chi2Contingency(table: table, correction: yates).pValue)
                    if i != j {
                        #expect(analysis.coefficients.matrix[i][j] == phiCoefficient(table).value)
                    }
                }
            }
            // Two categories of the same variable exclude each other: negative phi.
            #expect((analysis.coefficients["face=angry", "face=happy"] ?? .nan) < 0)
            // Face and voice agree on purpose: same emotion, positive phi.
            #expect((analysis.coefficients["face=happy", "voice=happy"] ?? .nan) > 0.3)
            #expect(analysis.notes.filter { $0.contains("disgust") }.count == 2)
        }
        let withYates = phiMatrix(variables, yatesCorrection: true).pValues["face=happy", "voice=happy"]!
        let without = phiMatrix(variables, yatesCorrection: false).pValues["face=happy", "voice=happy"]!
        #expect(withYates > without)  // the continuity correction is conservative
    }

    @Test("phi matrix rejects non-binary and mismatched variables with notes")
    func phiMatrixInvalid() {
        let analysis = phiMatrix([
            NamedVariable(name: "ok", values: [1, 0, 1, 0]),
            NamedVariable(name: "score", values: [0.2, 1, 0, 1]),
            NamedVariable(name: "short", values: [1, 0]),
            NamedVariable(name: "ok2", indicator: [true, true, false, false]),
        ])
        #expect(analysis.coefficients.matrix[1].allSatisfy { $0.isNaN })
        #expect(analysis.coefficients.matrix[2].allSatisfy { $0.isNaN })
        #expect(analysis.coefficients["ok", "ok2"] == 0)
        #expect(analysis.notes.contains { $0.contains("score") && $0.contains("0/1") })
        #expect(analysis.notes.contains { $0.contains("short") })
        #expect(phiMatrix([]).coefficients.matrix.isEmpty)
    }

    @Test("CorrelationMatrix JSON: NaN is written as null and read back as NaN")
    func nanSafeJSON() throws {
        let matrix = CorrelationMatrix(variables: ["a", "b"], matrix: [[1, .nan], [.nan, 1]])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(matrix), as: UTF8.self)
        #expect(json == #"{"matrix":[[1,null],[null,1]],"variables":["a","b"]}"#)
        let decoded = try JSONDecoder().decode(CorrelationMatrix.self, from: Data(json.utf8))
        #expect(decoded.variables == ["a", "b"])
        #expect(decoded.matrix[0][1].isNaN && decoded.matrix[1][1] == 1)
        let analysis = pearsonMatrix([NamedVariable(name: "x", values: [1, 1, 1]), NamedVariable(name: "y", values: [1, 2, 3])])
        let roundTrip = try JSONDecoder().decode(CorrelationAnalysis.self, from: JSONEncoder().encode(analysis))
        #expect(roundTrip.notes == analysis.notes)
        #expect(roundTrip.coefficients.matrix[0][0].isNaN && roundTrip.coefficients.matrix[1][1] == 1)
    }
}
