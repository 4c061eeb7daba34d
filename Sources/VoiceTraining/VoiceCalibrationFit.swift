import Stats
import VoiceEmotion

extension VoiceCalibration {
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
