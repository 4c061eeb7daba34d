import Foundation
import Torch

/// The six emotions shared with the face classifier, in the study's order.
public let defaultEmotionLabels = ["angry", "disgust", "fear", "happy", "neutral", "sad"]

/// How a classifier averages its hidden states over time.
public enum TemporalPooling: String, Codable, Sendable {
    /// Mean over each clip's own frames (padding in a batch is left out). TakeSense's default.
    case trueLength
    /// Mean over every frame, padding included: transformers' behaviour without an attention mask,
    /// and what the study did with clips zero-padded to 30 s.
    case allFrames
}

/// A speech emotion classifier over 16 kHz mono clips: what the trainer and the CLI drive, whatever
/// the backbone (Whisper, Wav2Vec2, HuBERT).
public protocol SpeechEmotionClassifier: Module {
    /// Class names, in logit order.
    var labels: [String] { get }
    /// Logits (clips, labels) for a batch of 16 kHz clips of any lengths.
    func logits(clips: [[Float]]) throws -> Tensor
}

extension SpeechEmotionClassifier {
    /// Class probabilities for one clip, in `labels` order.
    public func probabilities(_ clip: [Float]) throws -> [Float] {
        try Torch.noGrad { try logits(clips: [clip]).softmax(dim: -1)[0].floats() }
    }
}

/// Pieces shared by the classification heads (transformers' `*ForSequenceClassification` /
/// `WhisperForAudioClassification`: optional softmax-weighted layer sum, projector, mean, classifier).
package enum ClassifierHead {
    /// Σ softmax(w)_i · h_i over the hidden states (each (N, T, D)).
    package static func weightedSum(_ hidden: [Tensor], weights: Tensor) throws -> Tensor {
        guard weights.count == hidden.count else {
            throw TorchError("layer_weights has \(weights.count) entries for \(hidden.count) hidden states")
        }
        let stacked = try Torch.stack(hidden, dim: 1)  // (N, L, T, D)
        let w = try weights.softmax(dim: -1).reshape([1, hidden.count, 1, 1])
        return try (stacked * w).sum(dim: 1)
    }

    /// Mean over time of (N, T, D); with `lengths`, over the first lengths[i] frames of each item.
    package static func meanPool(_ x: Tensor, lengths: [Int]?) throws -> Tensor {
        guard let lengths else { return try x.mean(dim: 1) }
        let (n, t) = (x.size(0), x.size(1))
        guard lengths.count == n else { throw TorchError("pooling: \(lengths.count) lengths for a batch of \(n)") }
        let clipped = lengths.map { Swift.max(1, Swift.min(t, $0)) }
        let mask = try Tensor.arange(t).unsqueeze(0).lt(Tensor(clipped.map(Int64.init)).unsqueeze(1))  // (N, T)
        let m = try mask.to(x.dtype).unsqueeze(2)
        return try (x * m).sum(dim: 1) / Tensor(clipped.map(Float.init)).unsqueeze(1)
    }

    package static func metadataJSON(_ object: Any) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    package static func parseJSON(_ text: String?, file: URL, key: String) throws -> Any? {
        guard let text else { return nil }
        do { return try JSONSerialization.jsonObject(with: Data(text.utf8)) } catch {
            throw TorchError("\(file.path): metadata '\(key)' is not valid JSON")
        }
    }

    /// Labels from a Hugging Face config's `id2label` ({"0": "angry", ...}), in index order.
    package static func labels(fromId2Label object: Any?) -> [String]? {
        guard let map = object as? [String: Any], !map.isEmpty else { return nil }
        var out = [String](repeating: "", count: map.count)
        for (k, v) in map {
            guard let i = Int(k), out.indices.contains(i), let name = v as? String else { return nil }
            out[i] = name
        }
        return out
    }

    /// The Hugging Face `config.json` next to a checkpoint file, if any.
    package static func siblingConfig(of url: URL) throws -> [String: Any]? {
        let config = url.deletingLastPathComponent().appendingPathComponent("config.json")
        guard FileManager.default.fileExists(atPath: config.path) else { return nil }
        guard let object = try JSONSerialization.jsonObject(with: Data(contentsOf: config)) as? [String: Any] else {
            throw TorchError("\(config.path): not a JSON object")
        }
        return object
    }
}
