import Foundation
import Stats
import Testing

@testable import Correlation
import TakeSenseTestSupport

@Suite("Properties: symmetry, ranges, invariance")
struct PropertyTests {
    static let seeds: [UInt64] = [1, 7, 42, 2024, 99_991]

    @Test(arguments: seeds)
    func matricesAreSymmetricWithUnitDiagonal(seed: UInt64) {
        let report = CorrelationStudy.run(randomTable(seed: seed, scenes: 60))
        for m in [report.phi, report.pairwiseP, report.pearson, report.pearsonP] {
            #expect(m.variables.count == 12)
            #expect(m.matrix.count == 12 && m.matrix.allSatisfy { $0.count == 12 })
            #expect(isSymmetric(m))
        }
        for i in 0..<12 {
            let phi = report.phi.matrix[i][i]
            #expect(phi.isNaN || phi == 1)
            #expect(report.pearson.matrix[i][i] == 1)
        }
    }

    @Test(arguments: seeds)
    func valuesStayInRange(seed: UInt64) {
        let report = CorrelationStudy.run(randomTable(seed: seed, scenes: 40))
        for v in report.phi.matrix.flatMap({ $0 }) + report.pearson.matrix.flatMap({ $0 }) where !v.isNaN {
            #expect(v >= -1 && v <= 1)
        }
        for p in report.pairwiseP.matrix.flatMap({ $0 }) + report.pearsonP.matrix.flatMap({ $0 }) + [report.chiSquare.pValue] where !p.isNaN {
            #expect(p >= 0 && p <= 1)
        }
        #expect(report.cramersV >= 0 && report.cramersV <= 1)
        #expect(report.cramersVCorrected >= 0 && report.cramersVCorrected <= 1)
        #expect(report.chiSquare.statistic >= 0)
        if let cls = report.classification {
            for m in [cls.imgPred, cls.speechPred] {
                #expect(m.accuracy >= 0 && m.accuracy <= 1)
                #expect(m.macroF1 >= 0 && m.macroF1 <= 1)
                #expect(m.confusionMatrix.total == cls.scenes)
            }
        }
    }

    /// Reordering the labels permutes the matrices and leaves every number unchanged.
    @Test(arguments: seeds)
    func invariantUnderReorderingLabels(seed: UInt64) {
        let table = randomTable(seed: seed, scenes: 50)
        let order = [3, 0, 5, 1, 4, 2]
        let reordered = SceneTable(labels: order.map { table.labels[$0] }, rows: table.rows.map { r in
            var r = r
            r.imgProbabilities = order.map { r.imgProbabilities[$0] }
            r.speechProbabilities = order.map { r.speechProbabilities[$0] }
            return r
        })
        let a = CorrelationStudy.run(table), b = CorrelationStudy.run(reordered)
        expectSameNumbers(a, b, rename: { $0 })
    }

    /// Renaming the emotions (a bijection) changes names only.
    @Test(arguments: seeds)
    func invariantUnderRenamingLabels(seed: UInt64) {
        let table = randomTable(seed: seed, scenes: 50)
        let names = ["angry": "zorn", "disgust": "ekel", "fear": "angst", "happy": "freude", "neutral": "ruhe", "sad": "trauer"]
        let renamed = SceneTable(labels: table.labels.map { names[$0]! }, rows: table.rows.map { r in
            var r = r
            r.imgPred = r.imgPred.map { names[$0]! }
            r.speechPred = r.speechPred.map { names[$0]! }
            r.truth = r.truth.map { names[$0]! }
            return r
        })
        let a = CorrelationStudy.run(table), b = CorrelationStudy.run(renamed)
        expectSameNumbers(a, b, rename: { v in
            var v = v
            for (old, new) in names where v.hasSuffix("_" + old) { v = String(v.dropLast(old.count)) + new }
            return v
        })
        #expect(a.classification?.imgPred.accuracy == b.classification?.imgPred.accuracy)
        #expect(a.classification?.speechPred.macroF1 == b.classification?.speechPred.macroF1)
    }

    /// Swapping face and voice transposes the table: the same chi-square, V and (renamed) matrices.
    @Test(arguments: seeds)
    func symmetricInTheModalities(seed: UInt64) {
        let table = randomTable(seed: seed, scenes: 50)
        let swapped = SceneTable(labels: table.labels, rows: table.rows.map {
            SceneRow(scene: $0.scene, imgPred: $0.speechPred, speechPred: $0.imgPred,
                     imgProbabilities: $0.speechProbabilities, speechProbabilities: $0.imgProbabilities, truth: $0.truth)
        })
        let a = CorrelationStudy.run(table), b = CorrelationStudy.run(swapped)
        expectSameNumbers(a, b, rename: { v in
            v.hasPrefix("img_pred_") ? "speech_pred_" + v.dropFirst("img_pred_".count)
                : v.hasPrefix("speech_pred_") ? "img_pred_" + v.dropFirst("speech_pred_".count) : v
        })
        #expect(a.chiSquare.counts == transpose(b.chiSquare.counts))
    }

    /// The order of the scenes does not matter.
    @Test(arguments: seeds)
    func invariantUnderShufflingScenes(seed: UInt64) {
        let table = randomTable(seed: seed, scenes: 45)
        var rng = SeededRandom(seed: seed &+ 1)
        var rows = table.rows
        for i in stride(from: rows.count - 1, to: 0, by: -1) { rows.swapAt(i, rng.int(i + 1)) }
        expectSameNumbers(CorrelationStudy.run(table), CorrelationStudy.run(SceneTable(labels: table.labels, rows: rows)), rename: { $0 })
    }

    /// phi of two one-hot variables is Pearson's r of their 0/1 values.
    @Test(arguments: seeds)
    func phiIsPearsonOfIndicators(seed: UInt64) {
        let table = randomTable(seed: seed, scenes: 70)
        let report = CorrelationStudy.run(table)
        let img = table.rows.map { $0.imgPred! }, speech = table.rows.map { $0.speechPred! }
        for f in table.labels {
            for v in table.labels {
                let x = img.map { $0 == f ? 1.0 : 0.0 }, y = speech.map { $0 == v ? 1.0 : 0.0 }
                let r = pearsonR(x, y)
                let phi = report.phi["img_pred_one_hot_\(f)", "speech_pred_one_hot_\(v)"]!
                #expect(r.isValid ? close(phi, r.r, tolerance: 1e-12) : phi.isNaN, "\(f) x \(v): phi \(phi), r \(r.r)")
            }
        }
    }

    /// Turning Yates' correction off changes only the 2x2 p-values, and only upwards in significance.
    @Test func yatesCorrectionIsSwitchable() {
        let table = randomTable(seed: 5, scenes: 60)
        let on = CorrelationStudy.run(table), off = CorrelationStudy.run(table, options: .init(yatesCorrection: false))
        #expect(on.options.yatesCorrection && !off.options.yatesCorrection)
        #expect(on.phi == off.phi && on.pearson == off.pearson)
        #expect(close(on.chiSquare.statistic, off.chiSquare.statistic))  // dof > 1: no correction either way
        var smaller = 0
        for i in 0..<12 {
            for j in 0..<12 where i != j {
                let a = on.pairwiseP.matrix[i][j], b = off.pairwiseP.matrix[i][j]
                guard !a.isNaN else { continue }
                #expect(b <= a + 1e-15)
                if b < a { smaller += 1 }
            }
        }
        #expect(smaller > 0)
    }

    func expectSameNumbers(_ a: CorrelationReport, _ b: CorrelationReport, rename: (String) -> String,
                           sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(a.scenes == b.scenes, sourceLocation: sourceLocation)
        #expect(close(a.chiSquare.statistic, b.chiSquare.statistic, tolerance: 1e-12), sourceLocation: sourceLocation)
        #expect(close(a.chiSquare.pValue, b.chiSquare.pValue, tolerance: 1e-12), sourceLocation: sourceLocation)
        #expect(a.chiSquare.dof == b.chiSquare.dof, sourceLocation: sourceLocation)
        #expect(close(a.cramersV, b.cramersV, tolerance: 1e-12), sourceLocation: sourceLocation)
        #expect(close(a.cramersVCorrected, b.cramersVCorrected, tolerance: 1e-12), sourceLocation: sourceLocation)
        for (ma, mb) in [(a.phi, b.phi), (a.pairwiseP, b.pairwiseP), (a.pearson, b.pearson), (a.pearsonP, b.pearsonP)] {
            for x in ma.variables {
                for y in ma.variables {
                    let va = ma[x, y]!, vb = mb[rename(x), rename(y)]
                    #expect(vb != nil && (sameValue(va, vb!) || close(vb!, va, tolerance: 1e-12)),
                            "\(x) x \(y): \(va) vs \(String(describing: vb))", sourceLocation: sourceLocation)
                }
            }
        }
    }

    func transpose(_ m: [[Int]]) -> [[Int]] {
        guard let first = m.first else { return m }
        return first.indices.map { j in m.map { $0[j] } }
    }
}
