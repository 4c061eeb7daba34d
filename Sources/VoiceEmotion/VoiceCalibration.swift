import Foundation

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

        public init(temperature: Double, eceBefore: Double, eceAfter: Double, nllBefore: Double, nllAfter: Double,
                    eceAfterInSample: Double, nllAfterInSample: Double, samples: Int, confusion: [[Int]], fitOn: String) {
            self.temperature = temperature
            self.eceBefore = eceBefore
            self.eceAfter = eceAfter
            self.nllBefore = nllBefore
            self.nllAfter = nllAfter
            self.eceAfterInSample = eceAfterInSample
            self.nllAfterInSample = nllAfterInSample
            self.samples = samples
            self.confusion = confusion
            self.fitOn = fitOn
        }

        /// The model-file metadata: the temperature as a decimal string, the out-of-fold confusion as a
        /// JSON array of arrays (rows truth, columns prediction, in the model's label order), what it was fitted on.
        public var metadata: [String: String] {
            let confusionJSON = "[" + confusion.map { "[" + $0.map(String.init).joined(separator: ",") + "]" }.joined(separator: ",") + "]"
            return [temperatureKey: String(temperature), confusionKey: confusionJSON, fitOnKey: fitOn]
        }
    }
}
