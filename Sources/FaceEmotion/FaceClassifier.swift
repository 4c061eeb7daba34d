import Foundation
import Torch
import TensorFiles

/// A trained face-emotion model with everything needed to use it: architecture, label set and the
/// crop transform, all read from the safetensors metadata it was saved with.
public final class FaceClassifier {
    public static let kind = "takesense.face-emotion"

    public let network: any UnaryLayer
    public let architecture: FaceArchitecture
    public let labels: [String]
    public let preprocessing: FacePreprocessing
    /// Average the predictions of each face and its mirror image (test-time augmentation).
    public var flipAveraging: Bool

    public init(architecture: FaceArchitecture, labels: [String], preprocessing: FacePreprocessing, flipAveraging: Bool = true) throws {
        self.architecture = architecture
        self.labels = labels
        self.preprocessing = preprocessing
        self.flipAveraging = flipAveraging
        network = try architecture.build(classes: labels.count, inputChannels: preprocessing.channels)
    }

    /// Metadata that lets `init(contentsOf:)` rebuild this classifier.
    public var metadata: [String: String] {
        let prep = (try? JSONEncoder().encode(preprocessing)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return ["kind": Self.kind, "architecture": architecture.description, "labels": labels.joined(separator: ","),
                "preprocessing": prep, "flip_averaging": flipAveraging ? "1" : "0"]
    }

    /// Loads a model written by `takesense train face` (or `save(to:)`). The metadata is validated against
    /// bounds and the file's tensor shapes first (`FaceModelSpec`), the weights after loading must be finite.
    public convenience init(contentsOf url: URL) throws {
        let file = try SafeTensorsFile(contentsOf: url)
        let spec = try FaceModelSpec(metadata: file.metadata, shapes: file.shapes, file: url.path)
        try self.init(architecture: spec.architecture, labels: spec.labels, preprocessing: spec.preprocessing,
                      flipAveraging: spec.flipAveraging)
        try network.load(contentsOf: url)
        if let bad = try network.firstNonFiniteTensor() { throw TorchError("\(url.path): tensor '\(bad)' holds NaN or infinite values") }
        network.eval()
    }

    public func save(to url: URL, floatType: DType? = nil, extra: [String: String] = [:]) throws {
        try network.save(to: url, metadata: metadata.merging(extra) { $1 }, floatType: floatType)
    }

    /// Logits for preprocessed inputs (with flip averaging of logits when enabled).
    public func logits(_ input: Tensor) throws -> Tensor {
        guard flipAveraging else { return try network(input) }
        return try (network(input) + network(input.flip([3]))) / 2.0
    }

    /// Class probabilities (N, labels) for grayscale faces (N, 1, H, W) in [0, 1].
    public func probabilities(gray: Tensor) throws -> Tensor {
        network.eval()
        return try Torch.noGrad { try logits(preprocessing.apply(gray)).softmax(dim: 1) }
    }
}
