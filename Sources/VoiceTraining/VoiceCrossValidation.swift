import Datasets
import Foundation
import Torch
import Training
import VoiceEmotion

/// Speaker-independent k-fold cross-validation of a statistics-head recipe, plus cross-corpus
/// figures: what `takesense evaluate voice --cv K` runs and writes.
///
/// The folds split the speakers of one corpus (RAVDESS by default): males and females are each
/// sorted and dealt round-robin into the K folds, so with RAVDESS actors 01–20 and K = 10 every
/// fold holds one male and one female actor. Clips of the other corpora given (TESS) are added to
/// the training set of every fold and never tested on in the CV. Every clip of the CV corpus is
/// predicted exactly once, by the model that did not hear its speaker (out-of-fold).
public enum VoiceCrossValidation {
    /// Evaluation and cross-validation in words (the `takesense evaluate voice` help).
    public static let about = """
    Clips whose emotion is outside the model's label set (RAVDESS calm and surprised for the six classes) are \
    skipped and counted. --pad-30s zero-pads every clip to 30 s before the encoder, as the study did \
    (the default runs each clip at its true length). The report ends with the expected calibration error \
    (15 bins) and the negative log-likelihood of the model's (temperature-scaled) probabilities.
    --cv K instead cross-validates a statistics-head recipe on the frozen encoder --init: the speakers of the \
    first corpus (RAVDESS) are dealt into K folds (males and females round-robin: K = 10 on actors 01-20 gives \
    one of each per fold), the other corpora (TESS) join every fold's training set; it prints and writes \
    (--json) mean ± sd over folds of accuracy and macro-F1, per-class F1, the summed confusion, the \
    out-of-fold logits and a temperature fitted on them; --cross-corpus adds RAVDESS→TESS, TESS→RAVDESS and \
    each TESS speaker left out. The encoder's statistics are cached per corpus in --cache.
    """

    public struct MeanSD: Codable, Sendable {
        public var mean: Double
        /// Sample standard deviation (n − 1) over the folds.
        public var sd: Double

        public init(_ values: [Double]) {
            let n = Double(values.count)
            let m = values.reduce(0, +) / max(n, 1)
            mean = m
            let ss = values.reduce(0) { $0 + ($1 - m) * ($1 - m) }
            sd = values.count > 1 ? (ss / (n - 1)).squareRoot() : 0
        }
    }

    public struct Fold: Codable, Sendable {
        public var speakers: [String]
        public var clips: Int
        public var accuracy: Double
        public var macro_f1: Double
    }

    /// Train on some speakers, test on others (another corpus, or the other TESS speaker).
    public struct Transfer: Codable, Sendable {
        public var name: String
        public var train: String
        public var test: String
        public var clips: Int
        public var accuracy: Double
        public var macro_f1: Double
        public var per_class_f1: [String: Double]
        public var confusion: [[Int]]
    }

    public struct Result: Codable, Sendable {
        public var recipe: StatisticsHeadRecipe
        public var labels: [String]
        public var cv_corpus: String
        public var extra_training: [String]
        public var folds: [Fold]
        public var accuracy: MeanSD
        public var macro_f1: MeanSD
        /// Per-class F1 of the pooled out-of-fold predictions.
        public var per_class_f1: [String: Double]
        /// Summed (= pooled out-of-fold) confusion, rows truth, columns prediction, in `labels` order.
        public var confusion: [[Int]]
        public var pooled_accuracy: Double
        public var pooled_macro_f1: Double
        public var cross_corpus: [Transfer]
        /// Out-of-fold logits and targets of the CV corpus's clips (what calibration is fitted on).
        public var oof_logits: [[Double]]
        public var oof_targets: [Int]
        public var oof_paths: [String]
        /// The fold (0-based) of each out-of-fold clip.
        public var oof_folds: [Int]
        public var seconds: Double
        /// Temperature scaling fitted on the out-of-fold logits (``VoiceCalibration/fit(_:)``).
        public var calibration: VoiceCalibration.Fit?
    }

    /// The K folds of `speakers` (speaker → gender): males and females each sorted and dealt round-robin.
    public static func folds(speakers: [String: Gender?], k: Int) throws -> [[String]] {
        guard k >= 2 else { throw TorchError("cross-validation: --cv needs at least 2 folds") }
        guard speakers.count >= k else { throw TorchError("cross-validation: \(speakers.count) speakers cannot make \(k) folds") }
        var folds = [[String]](repeating: [], count: k)
        var next = 0
        for group in [Gender?.some(.male), .some(.female), nil] {
            for s in speakers.filter({ $0.value == group }).map(\.key).sorted() {
                folds[next % k].append(s)
                next += 1
            }
        }
        return folds.map { $0.sorted() }
    }

    /// Runs the CV over the speakers of `cvCorpus` in `table`, and (with `crossCorpus`) the transfers
    /// between RAVDESS and TESS when both are in the table.
    public static func run(encoderCheckpoint: URL, table: VoiceStatisticsTable, recipe: StatisticsHeadRecipe, k: Int,
                           cvCorpus: Corpus = .ravdess, crossCorpus: Bool = false,
                           log: ((String) -> Void)? = nil) throws -> Result {
        let start = Date()
        let cvRows = table.samples.indices.filter { table.samples[$0].corpus == cvCorpus }
        guard !cvRows.isEmpty else { throw TorchError("cross-validation: no \(cvCorpus) clips") }
        let extraRows = table.samples.indices.filter { table.samples[$0].corpus != cvCorpus }
        var genders: [String: Gender?] = [:]
        for r in cvRows { genders[table.samples[r].speaker] = table.samples[r].gender }
        let folds = try folds(speakers: genders, k: k)
        var oofLogits = [[Double]](repeating: [], count: table.count)
        var foldResults: [Fold] = []
        for (f, speakers) in folds.enumerated() {
            let held = Set(speakers)
            let test = cvRows.filter { held.contains(table.samples[$0].speaker) }
            let train = cvRows.filter { !held.contains(table.samples[$0].speaker) } + extraRows
            let model = try StatisticsHeadTraining.train(encoderCheckpoint: encoderCheckpoint, table: table, rows: train, recipe: recipe)
            let logits = try StatisticsHeadTraining.logits(model, table: table, rows: test)
            for (i, r) in test.enumerated() { oofLogits[r] = logits[i] }
            let report = try EvaluationReport(truth: test.map { table.targets[$0] }, predicted: logits.map(argmax), labels: table.labels)
            foldResults.append(Fold(speakers: speakers, clips: test.count, accuracy: report.accuracy, macro_f1: report.macro_f1))
            log?(String(format: "fold %d/%d (%@): %d clips, accuracy %.4f, macro-F1 %.4f", f + 1, k,
                        speakers.joined(separator: ","), test.count, report.accuracy, report.macro_f1))
        }
        let pooled = try EvaluationReport(truth: cvRows.map { table.targets[$0] }, predicted: cvRows.map { argmax(oofLogits[$0]) },
                                          labels: table.labels)
        var transfers: [Transfer] = []
        if crossCorpus { transfers = try crossCorpusTransfers(encoderCheckpoint: encoderCheckpoint, table: table, recipe: recipe, log: log) }
        var result = Result(
            recipe: recipe, labels: table.labels, cv_corpus: cvCorpus.rawValue,
            extra_training: Array(Set(extraRows.map { table.samples[$0].speakerRef.description })).sorted(),
            folds: foldResults, accuracy: MeanSD(foldResults.map(\.accuracy)), macro_f1: MeanSD(foldResults.map(\.macro_f1)),
            per_class_f1: pooled.per_class.mapValues(\.f1), confusion: pooled.confusion,
            pooled_accuracy: pooled.accuracy, pooled_macro_f1: pooled.macro_f1, cross_corpus: transfers,
            oof_logits: cvRows.map { oofLogits[$0] }, oof_targets: cvRows.map { table.targets[$0] },
            oof_paths: cvRows.map { table.samples[$0].path },
            oof_folds: cvRows.map { r in folds.firstIndex { $0.contains(table.samples[r].speaker) }! }, seconds: Date().timeIntervalSince(start),
            calibration: nil)
        result.calibration = try VoiceCalibration.fit(result)
        return result
    }

    /// Without TESS → TESS; without RAVDESS → RAVDESS; RAVDESS + one TESS speaker → the other.
    static func crossCorpusTransfers(encoderCheckpoint: URL, table: VoiceStatisticsTable, recipe: StatisticsHeadRecipe,
                                     log: ((String) -> Void)?) throws -> [Transfer] {
        let ravdess = table.samples.indices.filter { table.samples[$0].corpus == .ravdess }
        let tess = table.samples.indices.filter { table.samples[$0].corpus == .tess }
        guard !ravdess.isEmpty, !tess.isEmpty else { return [] }
        var plans: [(String, String, String, [Int], [Int])] = [
            ("ravdess→tess", "RAVDESS (all actors given)", "TESS (all)", ravdess, tess),
            ("tess→ravdess", "TESS (all)", "RAVDESS (all actors given)", tess, ravdess),
        ]
        for speaker in Set(tess.map { table.samples[$0].speaker }).sorted() {
            let other = tess.filter { table.samples[$0].speaker != speaker }
            let held = tess.filter { table.samples[$0].speaker == speaker }
            guard !other.isEmpty else { continue }
            plans.append(("leave-out tess:\(speaker)", "RAVDESS + TESS without \(speaker)", "TESS \(speaker)", ravdess + other, held))
        }
        var out: [Transfer] = []
        for (name, trainName, testName, train, test) in plans {
            let model = try StatisticsHeadTraining.train(encoderCheckpoint: encoderCheckpoint, table: table, rows: train, recipe: recipe)
            let logits = try StatisticsHeadTraining.logits(model, table: table, rows: test)
            let report = try EvaluationReport(truth: test.map { table.targets[$0] }, predicted: logits.map(argmax), labels: table.labels)
            out.append(Transfer(name: name, train: trainName, test: testName, clips: test.count, accuracy: report.accuracy,
                                macro_f1: report.macro_f1, per_class_f1: report.per_class.mapValues(\.f1), confusion: report.confusion))
            log?(String(format: "%@: %d clips, accuracy %.4f, macro-F1 %.4f", name, test.count, report.accuracy, report.macro_f1))
        }
        return out
    }

    static func argmax(_ v: [Double]) -> Int { v.indices.max { v[$0] < v[$1] } ?? 0 }
}

extension VoiceCrossValidation.Result {
    /// The terminal summary of `evaluate voice --cv`: mean ± sd over folds, per-class F1, the cross-corpus
    /// tests and the calibration.
    public func summary(k: Int) -> String {
        let result = self
        var lines: [String] = []
        lines.append(String(format: "%d-fold speaker-independent CV on %@ (%d clips%@): accuracy %.4f ± %.4f, macro-F1 %.4f ± %.4f "
                                    + "(mean ± sd over folds); pooled %.4f / %.4f",
                     k, result.cv_corpus, result.oof_targets.count,
                     result.extra_training.isEmpty ? "" : "; always trained on " + result.extra_training.joined(separator: ","),
                     result.accuracy.mean, result.accuracy.sd, result.macro_f1.mean, result.macro_f1.sd,
                     result.pooled_accuracy, result.pooled_macro_f1))
        lines.append("per-class F1: " + result.labels.map { String(format: "%@ %.3f", $0, result.per_class_f1[$0] ?? 0) }.joined(separator: ", "))
        for t in result.cross_corpus {
            lines.append(String(format: "%@ (%d clips): accuracy %.4f, macro-F1 %.4f", t.name, t.clips, t.accuracy, t.macro_f1))
        }
        if let c = result.calibration {
            lines.append(String(format: "calibration: temperature %.4f; ECE (15 bins) %.4f → %.4f, NLL %.4f → %.4f "
                                        + "(after: cross-fitted between halves of the folds; in-sample %.4f / %.4f)",
                         c.temperature, c.eceBefore, c.eceAfter, c.nllBefore, c.nllAfter, c.eceAfterInSample, c.nllAfterInSample))
        }
        return lines.joined(separator: "\n")
    }
}
