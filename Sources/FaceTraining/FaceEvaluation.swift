import FaceEmotion
import Foundation
import Torch
import Training

/// Evaluating face-emotion models (alone or as a weighted ensemble) on labelled faces: what
/// `takesense evaluate face` runs, and what the model card's test reproduces.
public enum FaceEvaluation {
    /// Weighted average of the members' probabilities over every face; the report's classes are `data.labels`.
    /// With `degradation`, every face is degraded first (the robustness measurement).
    public static func evaluate(_ members: [(FaceClassifier, Double)], _ data: FaceTensors,
                                degradation: FaceDegradation? = nil) throws -> EvaluationReport {
        var predicted: [Int] = []
        let total = members.reduce(0) { $0 + $1.1 }
        for start in stride(from: 0, to: data.count, by: 256) {
            let index = try Tensor((start..<min(start + 256, data.count)).map(Int64.init))
            var gray = try data.images.indexSelect(dim: 0, index: index).to(.float32) / 255.0
            if let degradation { gray = try degradation.apply(gray) }
            var probs: Tensor?
            for (classifier, weight) in members {
                let p = try classifier.probabilities(gray: gray) * (weight / total)
                probs = try probs.map { try $0 + p } ?? p
            }
            predicted += try probs!.argmax(dim: 1).toArray(Int64.self).map(Int.init)
        }
        return try EvaluationReport(truth: data.targets, predicted: predicted, labels: data.labels, skipped: data.skipped)
    }

    public static func evaluate(_ classifier: FaceClassifier, _ data: FaceTensors, degradation: FaceDegradation? = nil) throws -> EvaluationReport {
        try evaluate([(classifier, 1)], data, degradation: degradation)
    }
}

extension FaceEvaluation {
    /// The robustness table of `evaluate face --robustness` (Markdown): accuracy and macro-F1 on the faces
    /// as stored (`baseline`) and degraded as video degrades them (JPEG-like blocking, blur, down-up scaling, gamma).
    public static func robustnessTable(_ members: [(FaceClassifier, Double)], _ data: FaceTensors, baseline: EvaluationReport) throws -> String {
        var lines = ["| input | accuracy | macro-F1 | accuracy change |", "|---|---:|---:|---:|",
                     String(format: "| as stored (8-bit JPEG from FER2013) | %.4f | %.4f | — |", baseline.accuracy, baseline.macro_f1)]
        for d in FaceDegradation.standardSet {
            let r = try evaluate(members, data, degradation: d)
            lines.append(String(format: "| %@ | %.4f | %.4f | %+.4f |", d.description, r.accuracy, r.macro_f1, r.accuracy - baseline.accuracy))
        }
        return lines.joined(separator: "\n")
    }
}
