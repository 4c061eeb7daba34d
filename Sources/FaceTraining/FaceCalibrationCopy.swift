import FaceEmotion
import Foundation
import Torch

extension FaceCalibration {
    /// What `takesense calibrate face` does, in words (its help).
    public static let about = """
    The model's test-time-averaged logits on --data are divided by one temperature fitted by minimising \
    the negative log-likelihood. Reported figures are 2-fold cross-fitted (stratified halves from --seed: \
    each half is scored with the temperature fitted on the other), before and after; the temperature \
    written to --output is then fitted on all of --data, with the confusion matrix (rows: truth, \
    columns: prediction, in the model's label order), as metadata takesense.calibration.temperature, \
    .confusion and .fit_on. The weights are copied unchanged (same float type).
    """

    /// `takesense calibrate face`: fits `classifier`'s temperature on `faces` (read from `data`) and writes
    /// a calibrated copy of `source` to `output`: the temperature, confusion and what they were fitted on
    /// as metadata, the weights unchanged in the source's float type (a float16 shipped file stays
    /// float16), the source's other metadata (epoch, recipe, training data) kept.
    public static func writeCalibratedCopy(_ classifier: FaceClassifier, source: URL, faces: FaceTensors, data: String,
                                           fitOn: String?, seed: UInt64, to output: URL) throws -> Result {
        classifier.temperature = 1
        classifier.confusion = nil
        // Fit first (the description quotes the cross-fitted figures), then record what it was fit on.
        let r = try calibrate(classifier, on: faces, description: "", seed: seed)
        classifier.calibrationFitOn = fitOn.map { "\($0); " } ?? ""
        classifier.calibrationFitOn! += String(
            format: "%@: %d faces, %@ test-time averaging; temperature fit on all of them; 2-fold cross-fitted (seed %d) ECE %.4f -> %.4f, NLL %.4f -> %.4f",
            data, faces.count, classifier.testTimeAugmentation.rawValue, Int(seed), r.eceBefore, r.eceAfter, r.nllBefore, r.nllAfter)
        let stored = try Checkpoint.loadSafetensors(source).values.map(\.dtype)
        let floatType: DType? = stored.contains(.float16) ? .float16 : stored.contains(.bfloat16) ? .bfloat16 : nil
        let own = classifier.metadata
        let kept = try Checkpoint.safetensorsMetadata(source).filter { own[$0.key] == nil && !$0.key.hasPrefix("takesense.calibration.") }
        try classifier.save(to: output, floatType: floatType, extra: kept)
        return r
    }
}

extension FaceCalibration.Result {
    /// What `takesense calibrate face` prints: faces, accuracy and test-time augmentation, the table, the file written.
    public func lines(testTimeAugmentation: FaceTestTimeAugmentation, output: String) -> [String] {
        [String(format: "%d faces, accuracy %.4f, test-time augmentation %@", samples, accuracy, testTimeAugmentation.rawValue), table,
         "wrote \(output) (temperature \(temperature))"]
    }

    /// ECE and NLL before, after (2-fold cross-fitted) and in-sample, as a Markdown table.
    public var table: String {
        let r = self
        var lines: [String] = []
        lines.append("| | ECE (15 bins) | NLL |")
        lines.append("|---|---:|---:|")
        lines.append(String(format: "| before (temperature 1) | %.4f | %.4f |", r.eceBefore, r.nllBefore))
        lines.append(String(format: "| after, 2-fold cross-fitted (half temperatures %@) | %.4f | %.4f |",
                     r.foldTemperatures.map { String(format: "%.4f", $0) }.joined(separator: ", "), r.eceAfter, r.nllAfter))
        lines.append(String(format: "| after, in-sample (temperature %.4f, stored) | %.4f | %.4f |", r.temperature, r.eceInSample, r.nllInSample))
        return lines.joined(separator: "\n")
    }
}
