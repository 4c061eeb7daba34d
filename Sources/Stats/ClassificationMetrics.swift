import Foundation

/// Counts of (true label, predicted label) pairs, like `sklearn.metrics.confusion_matrix`:
/// `counts[i][j]` is the number of samples whose true label is `labels[i]` and whose predicted
/// label is `labels[j]`.
public struct ConfusionMatrix: Sendable, Hashable, Codable {
    /// Display names of the labels (`String(describing:)` of each label), in matrix order.
    public var labels: [String]
    /// Rows: true label; columns: predicted label.
    public var counts: [[Int]]

    public init(labels: [String], counts: [[Int]]) {
        self.labels = labels
        self.counts = counts
    }

    /// Number of samples counted.
    public var total: Int { counts.reduce(0) { $0 + $1.reduce(0, +) } }

    /// Fraction of counted samples on the diagonal (0 when nothing was counted).
    public var accuracy: Double {
        let total = total
        guard total > 0 else { return 0 }
        let correct = counts.indices.reduce(0) { $0 + ($1 < counts[$1].count ? counts[$1][$1] : 0) }
        return Double(correct) / Double(total)
    }
}

/// Confusion matrix of paired true and predicted labels, like
/// `sklearn.metrics.confusion_matrix(y_true, y_pred, labels=labels)`.
///
/// - Parameter labels: the labels to index the matrix, in order; defaults to the sorted union of
///   the labels present. With an explicit list, samples whose true or predicted label is not in
///   it are not counted (as in scikit-learn).
/// - Throws: ``StatsError/lengthMismatch(_:_:)`` if `yTrue` and `yPred` differ in length.
public func confusionMatrix<Label: Hashable & Comparable>(yTrue: [Label], yPred: [Label], labels: [Label]? = nil) throws -> ConfusionMatrix {
    guard yTrue.count == yPred.count else { throw StatsError.lengthMismatch(yTrue.count, yPred.count) }
    let labels = labels ?? Array(Set(yTrue).union(yPred)).sorted()
    var index: [Label: Int] = [:]
    for (i, label) in labels.enumerated() where index[label] == nil { index[label] = i }
    var counts = Array(repeating: Array(repeating: 0, count: labels.count), count: labels.count)
    for (t, p) in zip(yTrue, yPred) {
        if let i = index[t], let j = index[p] { counts[i][j] += 1 }
    }
    return ConfusionMatrix(labels: labels.map { String(describing: $0) }, counts: counts)
}

/// Fraction of samples whose prediction equals the truth, like `sklearn.metrics.accuracy_score`
/// (0 for empty input).
/// - Throws: ``StatsError/lengthMismatch(_:_:)`` if the inputs differ in length.
public func accuracyScore<Label: Equatable>(yTrue: [Label], yPred: [Label]) throws -> Double {
    guard yTrue.count == yPred.count else { throw StatsError.lengthMismatch(yTrue.count, yPred.count) }
    guard !yTrue.isEmpty else { return 0 }
    let correct = zip(yTrue, yPred).reduce(0) { $0 + ($1.0 == $1.1 ? 1 : 0) }
    return Double(correct) / Double(yTrue.count)
}

/// Precision, recall, F1 and support of one class.
public struct ClassMetrics: Sendable, Hashable, Codable {
    /// Display name (the target name if given, else `String(describing:)` of the label).
    public var label: String
    /// tp / (tp + fp); 0 when nothing was predicted as this class.
    public var precision: Double
    /// tp / (tp + fn); 0 when the class never occurs.
    public var recall: Double
    /// 2tp / (2tp + fp + fn); 0 when the class neither occurs nor is predicted.
    public var f1: Double
    /// Number of samples whose true label is this class.
    public var support: Int

    public init(label: String, precision: Double, recall: Double, f1: Double, support: Int) {
        self.label = label
        self.precision = precision
        self.recall = recall
        self.f1 = f1
        self.support = support
    }
}

/// An averaged row of a classification report.
public struct AveragedMetrics: Sendable, Hashable, Codable {
    public var precision: Double
    public var recall: Double
    public var f1: Double
    /// Total support of the classes in the report.
    public var support: Int

    public init(precision: Double, recall: Double, f1: Double, support: Int) {
        self.precision = precision
        self.recall = recall
        self.f1 = f1
        self.support = support
    }
}

/// The numbers of `sklearn.metrics.classification_report`, with its text layout available
/// through ``text(digits:)``.
///
/// Zero division follows scikit-learn's default (`zero_division="warn"`): an undefined precision,
/// recall or F1 is 0. With no samples at all every score is 0.
public struct ClassificationReport: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Per-class rows, in label order.
    public var classes: [ClassMetrics]
    /// Micro average over the reported classes. When the report covers every label present
    /// (``microIsAccuracy``), its precision, recall and F1 all equal the accuracy.
    public var microAverage: AveragedMetrics
    /// Unweighted mean of the per-class scores.
    public var macroAverage: AveragedMetrics
    /// Mean of the per-class scores weighted by support (plain mean if all supports are 0).
    public var weightedAverage: AveragedMetrics
    /// Whether the micro average is the accuracy (true unless an explicit `labels` list leaves
    /// out a label that occurs); decides whether the text shows an "accuracy" or "micro avg" line.
    public var microIsAccuracy: Bool

    public init(classes: [ClassMetrics], microAverage: AveragedMetrics, macroAverage: AveragedMetrics,
                weightedAverage: AveragedMetrics, microIsAccuracy: Bool) {
        self.classes = classes
        self.microAverage = microAverage
        self.macroAverage = macroAverage
        self.weightedAverage = weightedAverage
        self.microIsAccuracy = microIsAccuracy
    }

    /// The accuracy when the report covers all labels present, else nil.
    public var accuracy: Double? { microIsAccuracy ? microAverage.f1 : nil }

    /// The report with two decimals, like `print(classification_report(...))`.
    public var description: String { text() }

    /// Renders the report exactly in the layout of `sklearn.metrics.classification_report`
    /// (`digits` decimals, default 2): a header, one line per class, a blank line, then the
    /// accuracy (or micro avg), macro avg and weighted avg lines. Each line ends with a newline.
    public func text(digits: Int = 2) -> String {
        let digits = max(0, digits)
        let longestLastLineHeading = "weighted avg"
        let nameWidth = classes.map { $0.label.unicodeScalars.count }.max() ?? 0
        let width = max(nameWidth, longestLastLineHeading.count, digits)
        func right(_ s: String, _ w: Int) -> String {
            let n = s.unicodeScalars.count
            return n >= w ? s : String(repeating: " ", count: w - n) + s
        }
        func number(_ v: Double) -> String { right(String(format: "%.\(digits)f", v), 9) }
        func row(_ name: String, _ p: Double, _ r: Double, _ f: Double, _ s: Int) -> String {
            right(name, width) + " " + " " + number(p) + " " + number(r) + " " + number(f) + " " + right(String(s), 9) + "\n"
        }
        var report = right("", width) + " "
        for header in ["precision", "recall", "f1-score", "support"] { report += " " + right(header, 9) }
        report += "\n\n"
        for c in classes { report += row(c.label, c.precision, c.recall, c.f1, c.support) }
        report += "\n"
        if microIsAccuracy {
            let blank = String(repeating: " ", count: 9)
            report += right("accuracy", width) + " " + " " + blank + " " + blank + " " + number(microAverage.f1)
                + " " + right(String(microAverage.support), 9) + "\n"
        } else {
            let m = microAverage
            report += row("micro avg", m.precision, m.recall, m.f1, m.support)
        }
        for (name, m) in [("macro avg", macroAverage), ("weighted avg", weightedAverage)] {
            report += row(name, m.precision, m.recall, m.f1, m.support)
        }
        return report
    }
}

/// Per-class precision, recall, F1 and support with micro, macro and weighted averages, like
/// `sklearn.metrics.classification_report(y_true, y_pred, labels=labels, target_names=targetNames)`.
///
/// - Parameters:
///   - labels: the classes to report, in order; defaults to the sorted union of labels present.
///     As in scikit-learn, a false positive of a reported class counts even when the true label
///     is not reported, and when a present label is left out the report shows "micro avg"
///     instead of "accuracy".
///   - targetNames: display names for `labels` (one each); defaults to `String(describing:)`.
/// - Throws: ``StatsError/lengthMismatch(_:_:)`` or ``StatsError/targetNamesMismatch(labels:targetNames:)``.
public func classificationReport<Label: Hashable & Comparable>(
    yTrue: [Label], yPred: [Label], labels: [Label]? = nil, targetNames: [String]? = nil
) throws -> ClassificationReport {
    guard yTrue.count == yPred.count else { throw StatsError.lengthMismatch(yTrue.count, yPred.count) }
    let present = Array(Set(yTrue).union(yPred)).sorted()
    let selected = labels ?? present
    if let targetNames, targetNames.count != selected.count {
        throw StatsError.targetNamesMismatch(labels: selected.count, targetNames: targetNames.count)
    }
    let selectedSet = Set(selected)
    let microIsAccuracy = labels == nil || selectedSet.isSuperset(of: present)

    // Sufficient statistics over every sample (also those whose label is not reported).
    var truePositives: [Label: Int] = [:]
    var predicted: [Label: Int] = [:]
    var actual: [Label: Int] = [:]
    for (t, p) in zip(yTrue, yPred) {
        actual[t, default: 0] += 1
        predicted[p, default: 0] += 1
        if t == p { truePositives[t, default: 0] += 1 }
    }

    func divide(_ numerator: Double, _ denominator: Double) -> Double {
        denominator == 0 ? 0 : numerator / denominator
    }

    var classes: [ClassMetrics] = []
    var tpSum = 0, predSum = 0, trueSum = 0
    for (i, label) in selected.enumerated() {
        let tp = truePositives[label] ?? 0
        let nPred = predicted[label] ?? 0
        let nTrue = actual[label] ?? 0
        tpSum += tp
        predSum += nPred
        trueSum += nTrue
        classes.append(ClassMetrics(
            label: targetNames?[i] ?? String(describing: label),
            precision: divide(Double(tp), Double(nPred)),
            recall: divide(Double(tp), Double(nTrue)),
            f1: divide(2 * Double(tp), Double(nTrue + nPred)),
            support: nTrue))
    }

    let totalSupport = classes.reduce(0) { $0 + $1.support }
    let micro = AveragedMetrics(
        precision: divide(Double(tpSum), Double(predSum)),
        recall: divide(Double(tpSum), Double(trueSum)),
        f1: divide(2 * Double(tpSum), Double(trueSum + predSum)),
        support: totalSupport)

    func mean(_ values: [Double]) -> Double { values.isEmpty ? 0 : numpySum(values) / Double(values.count) }
    let macro = AveragedMetrics(
        precision: mean(classes.map(\.precision)), recall: mean(classes.map(\.recall)),
        f1: mean(classes.map(\.f1)), support: totalSupport)

    let weights = classes.map { Double($0.support) }
    let weightSum = numpySum(weights)
    func weightedMean(_ values: [Double]) -> Double {
        guard weightSum != 0 else { return mean(values) }
        return numpySum(zip(values, weights).map { $0 * $1 }) / weightSum
    }
    let weighted = AveragedMetrics(
        precision: weightedMean(classes.map(\.precision)), recall: weightedMean(classes.map(\.recall)),
        f1: weightedMean(classes.map(\.f1)), support: totalSupport)

    return ClassificationReport(
        classes: classes, microAverage: micro, macroAverage: macro, weightedAverage: weighted,
        microIsAccuracy: microIsAccuracy)
}
