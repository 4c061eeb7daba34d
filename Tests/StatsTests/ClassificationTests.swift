import Foundation
import Testing

@testable import Stats

struct ClassificationFixture: Decodable {
    struct Row: Decodable {
        var name: String
        var precision: Double
        var recall: Double
        var f1: Double
        var support: Int
    }

    struct Case: Decodable {
        var name: String
        var yTrue: [String]
        var yPred: [String]
        var intLabels: Bool
        var labels: [String]?
        var targetNames: [String]?
        var digits: Int
        var text: String
        var rows: [Row]
        var accuracyRow: Double?
        var confusion: [[Int]]
        var accuracy: Double
    }

    var cases: [Case]
}

@Suite("Classification metrics against scikit-learn")
struct ClassificationTests {
    static func report(_ c: ClassificationFixture.Case) throws -> (ClassificationReport, ConfusionMatrix, Double) {
        if c.intLabels {
            let t = c.yTrue.map { Int($0)! }, p = c.yPred.map { Int($0)! }
            let labels = c.labels?.map { Int($0)! }
            return (try classificationReport(yTrue: t, yPred: p, labels: labels, targetNames: c.targetNames),
                    try confusionMatrix(yTrue: t, yPred: p, labels: labels),
                    try accuracyScore(yTrue: t, yPred: p))
        }
        return (try classificationReport(yTrue: c.yTrue, yPred: c.yPred, labels: c.labels, targetNames: c.targetNames),
                try confusionMatrix(yTrue: c.yTrue, yPred: c.yPred, labels: c.labels),
                try accuracyScore(yTrue: c.yTrue, yPred: c.yPred))
    }

    @Test("classification_report text, numbers, confusion matrix and accuracy")
    func matchesSklearn() throws {
        let fixture: ClassificationFixture = try loadFixture("classification.json")
        #expect(fixture.cases.count >= 6)
        for c in fixture.cases {
            let (report, matrix, accuracy) = try Self.report(c)
            #expect(report.text(digits: c.digits) == c.text, "\(c.name):\n\(report.text(digits: c.digits))\nvs\n\(c.text)")
            #expect(matrix.counts == c.confusion, "\(c.name)")
            #expect(isClose(accuracy, c.accuracy, relative: 1e-15), "\(c.name)")
            #expect(report.microIsAccuracy == (c.accuracyRow != nil), "\(c.name)")
            if let accuracyRow = c.accuracyRow {
                #expect(isClose(report.accuracy ?? .nan, accuracyRow, relative: 1e-15), "\(c.name)")
            }
            var rows = report.classes.map { ($0.label, $0.precision, $0.recall, $0.f1, $0.support) }
            if !report.microIsAccuracy {
                let m = report.microAverage
                rows.append(("micro avg", m.precision, m.recall, m.f1, m.support))
            }
            for (name, m) in [("macro avg", report.macroAverage), ("weighted avg", report.weightedAverage)] {
                rows.append((name, m.precision, m.recall, m.f1, m.support))
            }
            #expect(rows.count == c.rows.count, "\(c.name)")
            for (mine, theirs) in zip(rows, c.rows) {
                #expect(mine.0 == theirs.name)
                #expect(isClose(mine.1, theirs.precision, relative: 1e-14), "\(c.name) \(theirs.name) precision")
                #expect(isClose(mine.2, theirs.recall, relative: 1e-14), "\(c.name) \(theirs.name) recall")
                #expect(isClose(mine.3, theirs.f1, relative: 1e-14), "\(c.name) \(theirs.name) f1")
                #expect(mine.4 == theirs.support, "\(c.name) \(theirs.name) support")
            }
        }
    }

    @Test("zero division gives 0, like scikit-learn's default")
    func zeroDivision() throws {
        let report = try classificationReport(yTrue: ["a", "a", "b", "b"], yPred: ["a", "a", "a", "a"], labels: ["a", "b", "c"])
        let b = report.classes[1], c = report.classes[2]
        #expect(b.precision == 0 && b.recall == 0 && b.f1 == 0 && b.support == 2)  // never predicted
        #expect(c.precision == 0 && c.recall == 0 && c.f1 == 0 && c.support == 0)  // never occurs
        #expect(report.classes[0].precision == 0.5 && report.classes[0].recall == 1)
        #expect(report.accuracy == 0.5)
        #expect(report.macroAverage.precision == 0.5 / 3)
        let empty = try classificationReport(yTrue: [String](), yPred: [])
        #expect(empty.classes.isEmpty && empty.accuracy == 0)
        #expect(try accuracyScore(yTrue: [Int](), yPred: []) == 0)
        // Weighted average with all supports zero falls back to the plain mean.
        let none = try classificationReport(yTrue: ["a"], yPred: ["b"], labels: ["b"])
        #expect(none.weightedAverage.precision == 0 && none.microIsAccuracy == false)
    }

    @Test("input errors throw")
    func errors() {
        #expect(throws: StatsError.lengthMismatch(2, 1)) {
            try classificationReport(yTrue: ["a", "b"], yPred: ["a"])
        }
        #expect(throws: StatsError.targetNamesMismatch(labels: 2, targetNames: 1)) {
            try classificationReport(yTrue: [0, 1], yPred: [0, 1], targetNames: ["zero"])
        }
        #expect(throws: StatsError.lengthMismatch(1, 0)) {
            try confusionMatrix(yTrue: [1], yPred: [])
        }
    }

    @Test("confusion matrix layout: rows are truth, columns predictions")
    func confusionLayout() throws {
        let m = try confusionMatrix(yTrue: ["cat", "cat", "dog", "bird"], yPred: ["dog", "cat", "dog", "cat"])
        #expect(m.labels == ["bird", "cat", "dog"])
        #expect(m.counts == [[0, 1, 0], [0, 1, 1], [0, 0, 1]])
        #expect(m.total == 4)
        #expect(m.accuracy == 0.5)
        let report = try classificationReport(yTrue: ["cat", "cat", "dog", "bird"], yPred: ["dog", "cat", "dog", "cat"])
        #expect(report.description == report.text(digits: 2))
        #expect(report.text(digits: 3).contains("0.500"))
    }
}
