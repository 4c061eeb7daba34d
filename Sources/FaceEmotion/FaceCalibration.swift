import Datasets
import Foundation
import Stats
import Torch

/// Temperature scaling of a face model (Guo et al. 2017) with figures that cannot flatter: the
/// temperature is fitted on one half of the labelled faces and ECE/NLL are measured on the other half
/// (2-fold cross-fitting, every face scored by the temperature fitted without it); the temperature
/// stored in the model is then fitted on all of them.
public enum FaceCalibration {
    public struct Result: Codable, Sendable, Equatable {
        /// Fitted on every face: what the model file stores.
        public var temperature: Double
        /// Fitted on each half alone (half order): the spread shows how stable the fit is.
        public var foldTemperatures: [Double]
        public var samples: Int
        /// Before calibration (temperature 1) and after (cross-fitted), 15-bin ECE and mean NLL.
        public var eceBefore: Double
        public var eceAfter: Double
        public var nllBefore: Double
        public var nllAfter: Double
        /// The same figures on all faces with the all-faces temperature (optimistic: in-sample).
        public var eceInSample: Double
        public var nllInSample: Double
        /// Accuracy of the test-time-averaged predictions (temperature does not change the argmax).
        public var accuracy: Double
        /// Rows = truth, columns = prediction, in the model's label order.
        public var confusion: [[Int]]
    }

    /// Uncalibrated, test-time-averaged logits of every face, in data order.
    public static func logits(_ classifier: FaceClassifier, _ data: FaceTensors) throws -> [[Double]] {
        var out: [[Double]] = []
        out.reserveCapacity(data.count)
        for start in stride(from: 0, to: data.count, by: 256) {
            let index = try Tensor((start..<min(start + 256, data.count)).map(Int64.init))
            let gray = try data.images.indexSelect(dim: 0, index: index).to(.float32) / 255.0
            let l = try classifier.logits(gray: gray).to(.float64)
            let k = l.size(1)
            let flat = try l.toArray(Double.self)
            for i in 0..<l.size(0) { out.append(Array(flat[(i * k)..<((i + 1) * k)])) }
        }
        return out
    }

    /// Two folds from a seeded shuffle, stratified by class (each fold gets half of every class).
    public static func folds(targets: [Int], seed: UInt64) -> [[Int]] {
        var rng = SplitMix64(seed: seed)
        var folds: [[Int]] = [[], []]
        for c in Set(targets).sorted() {
            var members = targets.indices.filter { targets[$0] == c }
            for i in stride(from: members.count - 1, to: 0, by: -1) { members.swapAt(i, rng.nextInt(below: i + 1)) }
            for (j, m) in members.enumerated() { folds[j % 2].append(m) }
        }
        return folds.map { $0.sorted() }
    }

    /// Cross-fitted calibration figures (Stats.Calibration.crossFitted on stratified halves) and the
    /// all-faces temperature, from logits and targets.
    public static func fit(logits: [[Double]], targets: [Int], seed: UInt64 = 42) -> Result {
        let classes = logits.first?.count ?? 0
        let split = folds(targets: targets, seed: seed)
        var second = [Bool](repeating: false, count: targets.count)
        for i in split[1] { second[i] = true }
        let crossFitted = Calibration.crossFitted(logits: logits, targets: targets, fold: second)
        // Each half's own temperature, only to show how stable the fit is.
        let foldTemperatures = split.map { idx in Calibration.fitTemperature(logits: idx.map { logits[$0] }, targets: idx.map { targets[$0] }) }
        let inSample = Calibration.report(logits: logits, targets: targets, temperature: crossFitted.temperature)
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: classes), count: classes)
        var correct = 0
        for (row, truth) in zip(logits, targets) {
            let predicted = row.indices.max { row[$0] < row[$1] } ?? 0
            confusion[truth][predicted] += 1
            if predicted == truth { correct += 1 }
        }
        return Result(
            temperature: crossFitted.temperature, foldTemperatures: foldTemperatures, samples: targets.count,
            eceBefore: crossFitted.eceBefore, eceAfter: crossFitted.eceAfter,
            nllBefore: crossFitted.nllBefore, nllAfter: crossFitted.nllAfter,
            eceInSample: inSample.eceAfter, nllInSample: inSample.nllAfter,
            accuracy: Double(correct) / Double(max(1, targets.count)), confusion: confusion)
    }

    /// Calibrates `classifier` on `data` in place (temperature, confusion, what it was fitted on) and
    /// returns the figures. The model's test-time augmentation is what gets calibrated.
    public static func calibrate(_ classifier: FaceClassifier, on data: FaceTensors, description: String, seed: UInt64 = 42) throws -> Result {
        guard data.labels == classifier.labels else { throw TorchError("calibration data labels \(data.labels) differ from the model's \(classifier.labels)") }
        let result = fit(logits: try logits(classifier, data), targets: data.targets, seed: seed)
        classifier.temperature = result.temperature
        classifier.confusion = result.confusion
        classifier.calibrationFitOn = description
        return result
    }
}
