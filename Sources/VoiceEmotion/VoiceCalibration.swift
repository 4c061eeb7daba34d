import Foundation
import Stats

/// Temperature scaling of a voice model, fitted on the out-of-fold logits of a cross-validation of
/// its recipe (`evaluate voice --cv`), and the metadata keys that carry it in the model file.
public enum VoiceCalibration {
    public static let temperatureKey = "takesense.calibration.temperature"
    public static let confusionKey = "takesense.calibration.confusion"
    public static let fitOnKey = "takesense.calibration.fit_on"

    public struct Fit: Codable, Sendable {
        public var temperature: Double
        /// ECE (15 bins) and NLL of the out-of-fold predictions at T = 1 and at the temperature; the
        /// "after" figures are cross-fitted (T fitted on the folds of one half of the speakers,
        /// measured on the other half, and the reverse), so they are not measured on what T was fitted on.
        public var eceBefore: Double
        public var eceAfter: Double
        public var nllBefore: Double
        public var nllAfter: Double
        /// ECE and NLL at the temperature fitted on all out-of-fold clips, measured on the same clips (optimistic).
        public var eceAfterInSample: Double
        public var nllAfterInSample: Double
        public var samples: Int
        public var confusion: [[Int]]
        public var fitOn: String

        /// The model-file metadata: the temperature as a decimal string, the out-of-fold confusion as a
        /// JSON array of arrays (rows truth, columns prediction, in the model's label order), what it was fitted on.
        public var metadata: [String: String] {
            let confusionJSON = "[" + confusion.map { "[" + $0.map(String.init).joined(separator: ",") + "]" }.joined(separator: ",") + "]"
            return [temperatureKey: String(temperature), confusionKey: confusionJSON, fitOnKey: fitOn]
        }
    }

    /// Fits T on every out-of-fold clip of `cv`.
    public static func fit(_ cv: VoiceCrossValidation.Result) throws -> Fit {
        let t = Calibration.fitTemperature(logits: cv.oof_logits, targets: cv.oof_targets)
        let inSample = Calibration.report(logits: cv.oof_logits, targets: cv.oof_targets, temperature: t)
        // Halves by fold: even folds against odd folds (whole speakers on each side).
        let crossed = Calibration.crossFitted(logits: cv.oof_logits, targets: cv.oof_targets, fold: cv.oof_folds.map { $0 % 2 == 1 })
        let speakers = cv.folds.flatMap(\.speakers).sorted()
        let extra = cv.extra_training.isEmpty ? "" : " (each fold also trained on \(cv.extra_training.joined(separator: ",")))"
        return Fit(temperature: t, eceBefore: inSample.eceBefore, eceAfter: crossed.eceAfter, nllBefore: inSample.nllBefore,
                   nllAfter: crossed.nllAfter, eceAfterInSample: inSample.eceAfter, nllAfterInSample: inSample.nllAfter,
                   samples: cv.oof_targets.count, confusion: cv.confusion,
                   fitOn: "out-of-fold logits of a \(cv.folds.count)-fold speaker-independent CV over \(cv.cv_corpus) speakers "
                       + "\(speakers.joined(separator: ","))\(extra), \(cv.oof_targets.count) clips; recipe: \(cv.recipe.summary)")
    }
}
