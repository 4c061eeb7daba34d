import Datasets
import FaceEmotion
import Foundation
import Training

/// What `takesense evaluate face` and `calibrate face` read besides their options: the models and the faces.
extension FaceEvaluation {
    /// The model files an `ensemble` list (`a.safetensors:0.6,b.safetensors:0.4`) names, for the output guard.
    public static func files(ensemble: String) -> [String] {
        ensemble.split(separator: ",").map { String($0.split(separator: ":").first ?? "") }
    }

    /// The weighted models to evaluate: `ensemble` (`a.safetensors:0.6,b.safetensors:0.4`), else the one `model`
    /// file with weight 1; `tta` (none, flip or ten-crop) replaces each model's own test-time augmentation. The
    /// members must share one label set.
    public static func members(ensemble: String?, model: () throws -> URL, tta: String?) throws -> [(FaceClassifier, Double)] {
        var members: [(FaceClassifier, Double)] = []
        if let ensemble {
            for part in ensemble.split(separator: ",") {
                let pieces = part.split(separator: ":")
                guard pieces.count == 2, let w = Double(pieces[1]) else { throw RecipeError("--ensemble: expected FILE:WEIGHT, got '\(part)'") }
                members.append((try FaceClassifier(contentsOf: URL(fileURLWithPath: String(pieces[0]))), w))
            }
        } else {
            members.append((try FaceClassifier(contentsOf: try model()), 1))
        }
        if let tta {
            guard let mode = FaceTestTimeAugmentation(rawValue: tta) else { throw RecipeError("--tta: unknown mode '\(tta)' (none, flip or ten-crop)") }
            for (m, _) in members { m.testTimeAugmentation = mode }
        }
        guard members.allSatisfy({ $0.0.labels == members[0].0.labels }) else { throw RecipeError("--ensemble: the models have different label sets") }
        return members
    }
}

extension FaceTensors {
    /// The 48-pixel faces of an image-folder tree or a FER2013 CSV (only the rows of `usage`: Training, PublicTest,
    /// PrivateTest) with the model's `labels`.
    public static func load(_ path: String, modelLabels labels: [String], usage: String?) throws -> FaceTensors {
        let usageFilter = try usage.map { u -> FER2013Usage in
            guard let v = FER2013Usage(name: u) else { throw RecipeError("--usage: unknown FER2013 usage '\(u)'") }
            return v
        }
        return try load(path, labels: try LabelSet(names: labels), side: 48, usage: usageFilter)
    }
}
