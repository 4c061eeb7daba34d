import Datasets
import Foundation
import Training
import VoiceEmotion

/// What `takesense train voice` and `evaluate voice` print and run besides parsing their options.
extension DatasetSpec {
    /// The corpora given as `name=DIR` (`--data`, repeatable); at least one.
    public static func corpora(_ arguments: [String]) throws -> [DatasetSpec] {
        let specs = try arguments.map { try DatasetSpec(parsing: $0) }
        guard !specs.isEmpty else { throw RecipeError("--data: give at least one corpus, e.g. ravdess=/data/RAVDESS") }
        return specs
    }
}

extension VoiceTrainingRun.Outcome {
    /// The run's reports and figures: validation and held-out test reports with the best epoch (fine-tuning), or
    /// the time spent (a statistics head, evaluated by cross-validation instead); `export` is the exported file.
    public func lines(export: String?, seconds: Double) -> [String] {
        var lines: [String] = []
        guard let valReport = validation else {
            if let export { lines.append("exported the model (encoder float16, head float32) to \(export)") }
            return lines + [String(format: "trained in %.1f minutes in all", seconds / 60)]
        }
        lines += ["validation (\(validationSpeakers)):", valReport.text]
        if let testReport = test {
            lines += ["held-out test (\(testSpeakers)):", testReport.text]
            lines.append(String(format: "test accuracy %.4f, macro-F1 %.4f", testReport.accuracy, testReport.macro_f1))
        }
        if let export { lines.append("exported the best model (float16) to \(export)") }
        lines.append(String(format: "best epoch %d; validation accuracy %.4f, macro-F1 %.4f; %.1f minutes in all",
                            bestEpoch, valReport.accuracy, valReport.macro_f1, seconds / 60))
        return lines
    }
}

extension VoiceEvaluation {
    /// `takesense evaluate voice`: `voice` on every clip of the corpora (only `speakers` when given; each padded to 30 s
    /// with `pad30s`), with a progress line on standard error. Returns the report and the lines that show it: the per-class report, the
    /// calibration (ECE, NLL at the model's temperature), accuracy, macro-F1 and speed.
    /// `predictions`: also write every clip's probabilities as CSV (``predictionsCSV(_:samples:)``).
    public static func run(_ voice: VoiceEmotionModel, corpora: [DatasetSpec], speakers: String?,
                           pad30s: Bool, predictions csv: URL? = nil) throws -> (report: EvaluationReport, lines: [String]) {
        if pad30s { voice.padTo30s = true }
        let clips = try clips(corpora, labels: voice.labels, speakers: speakers)
        let predictions = try predictWithProgress(voice, clips)
        if let csv { try Data(predictionsCSV(predictions, samples: clips.samples).utf8).write(to: csv, options: .atomic) }
        let (report, seconds) = (try predictions.report(), predictions.seconds)
        let audioSeconds = Double(clips.audio.reduce(0) { $0 + $1.count }) / 16000
        return (report, [
            report.text,
            String(format: "calibration: ECE (15 bins) %.4f, NLL %.4f at temperature %.4f%@", predictions.expectedCalibrationError,
                   predictions.negativeLogLikelihood, voice.temperature, voice.temperature == 1 ? " (uncalibrated)" : ""),
            String(format: "accuracy %.4f, macro-F1 %.4f on %d clips; %.1f s of audio in %.1f s (%.0fx real time, %.0f ms per clip%@)",
                   report.accuracy, report.macro_f1, report.samples, audioSeconds, seconds, audioSeconds / max(seconds, 1e-9),
                   1000 * seconds / Double(max(report.samples, 1)), pad30s ? ", padded to 30 s" : ""),
        ])
    }
}

extension VoiceCrossValidation {
    /// `takesense evaluate voice --cv K`: the statistics of the corpora's clips (only `speakers`) under the frozen
    /// `encoder` (computed or read from `cache`), then speaker-independent K-fold cross-validation of `recipe`.
    public static func run(encoder: URL, corpora: [DatasetSpec], speakers: String?, cache: URL?, copies: Int, augmentSeed: UInt64,
                           recipe: StatisticsHeadRecipe, k: Int, crossCorpus: Bool, log: @escaping (String) -> Void) throws -> Result {
        let table = try VoiceStatisticsTable.compute(encoder: encoder, corpora: corpora, speakers: speakers, labels: defaultEmotionLabels,
                                                     cache: cache, copies: copies, augmentSeed: augmentSeed, log: log)
        log("cross-validation, \(k) folds: \(recipe.summary)")
        return try run(encoderCheckpoint: encoder, table: table, recipe: recipe, k: k, crossCorpus: crossCorpus, log: log)
    }
}
