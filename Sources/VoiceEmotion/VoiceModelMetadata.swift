import Foundation
import TensorFiles
import Torch

/// The sizes a Whisper classifier file claims, checked against sane bounds and against the file's own tensor
/// shapes before any network is built (a file claiming 500 layers used to allocate 3.7 GB before failing).
public enum WhisperModelCheck {
    /// Bounds well above Whisper large (32 layers, 1280 wide, 20 heads, 5120 ffn, 128 mel bins, 1500 positions).
    public static let layers = 0...64, width = 2...4_096, heads = 1...64, ffn = 1...16_384, melBins = 1...256
    public static let positions = 1...4_096, projection = 0...4_096, labels = 1_000

    /// One line naming the field when a size is out of bounds.
    public static func bounds(_ c: WhisperConfig, projectionSize: Int, outputLayer: Int?) -> String? {
        func out(_ key: String, _ v: Int, _ r: ClosedRange<Int>) -> String? {
            r.contains(v) ? nil : "'\(key)' \(v) is outside \(r.lowerBound)...\(r.upperBound)"
        }
        if let m = out("encoder_layers", c.layers, layers) ?? out("d_model", c.dModel, width) ?? out("encoder_attention_heads", c.heads, heads)
            ?? out("encoder_ffn_dim", c.ffnDim, ffn) ?? out("num_mel_bins", c.melBins, melBins)
            ?? out("max_source_positions", c.maxSourcePositions, positions) ?? out("classifier_proj_size", projectionSize, projection) {
            return m
        }
        guard c.dModel % 2 == 0, c.dModel % c.heads == 0 else { return "'d_model' \(c.dModel) must be even and divisible by the \(c.heads) heads" }
        if let k = outputLayer, !(0...c.layers).contains(k) { return "'output_layer' \(k) is outside 0...\(c.layers)" }
        return nil
    }

    /// Checks the metadata's sizes against the tensors stored (names as `WhisperClassifier` saves them).
    public static func check(_ c: WhisperConfig, projectionSize: Int, weightedLayerSum: Bool, labelCount: Int,
                             head: WhisperHead = .projectedMean, poolStd: Bool = true,
                             shapes: [String: [Int]], file: String) throws {
        func expect(_ name: String, _ shape: [Int], because field: String) throws {
            let found = shapes[name]
            guard found == shape else {
                throw TorchError("\(file): metadata '\(field)' implies tensor '\(name)' of shape \(shape), but the file has \(found.map { "\($0)" } ?? "none")")
            }
        }
        try expect("encoder.conv1.weight", [c.dModel, c.melBins, 3], because: "takesense.config")
        try expect("encoder.embed_positions.weight", [c.maxSourcePositions, c.dModel], because: "takesense.config")
        var stored = Set<Int>()
        for name in shapes.keys where name.hasPrefix("encoder.layers.") {
            if let n = Int(name.dropFirst("encoder.layers.".count).prefix { $0 != "." }) { stored.insert(n) }
        }
        guard stored == Set(0..<c.layers) else {
            throw TorchError("\(file): metadata 'takesense.config' says encoder_layers \(c.layers), but the file stores \(stored.count) layers")
        }
        if c.layers > 0 { try expect("encoder.layers.0.fc1.weight", [c.ffnDim, c.dModel], because: "takesense.config") }
        switch head {
        case .projectedMean:
            try expect("projector.weight", [projectionSize, c.dModel], because: "takesense.config")
            try expect("classifier.weight", [labelCount, projectionSize], because: "takesense.labels")
        case .statistics:
            // Mean (and standard deviation) of a hidden state, standardised, then an optional projector.
            let width = poolStd ? 2 * c.dModel : c.dModel
            try expect("normalizer.mean", weightedLayerSum ? [c.layers + 1, width] : [width], because: "takesense.config")
            if projectionSize > 0 {
                try expect("projector.weight", [projectionSize, width], because: "takesense.config")
                try expect("classifier.weight", [labelCount, projectionSize], because: "takesense.labels")
            } else {
                try expect("classifier.weight", [labelCount, width], because: "takesense.labels")
            }
        }
        if weightedLayerSum { try expect("layer_weights", [c.layers + 1], because: "takesense.config") }
    }
}
