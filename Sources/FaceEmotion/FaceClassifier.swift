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
        let prep = String(decoding: try! JSONEncoder().encode(preprocessing), as: UTF8.self)
        return ["kind": Self.kind, "architecture": architecture.description, "labels": labels.joined(separator: ","),
                "preprocessing": prep, "flip_averaging": flipAveraging ? "1" : "0"]
    }

    /// Loads a model written by `takesense train face` (or `save(to:)`).
    public convenience init(contentsOf url: URL) throws {
        let meta = try SafeTensorsFile(contentsOf: url).metadata
        guard meta["kind"] == Self.kind, let arch = meta["architecture"], let labels = meta["labels"], let prep = meta["preprocessing"] else {
            throw TorchError("\(url.path): not a TakeSense face-emotion model (its metadata lacks kind/architecture/labels/preprocessing)")
        }
        let preprocessing: FacePreprocessing
        do { preprocessing = try JSONDecoder().decode(FacePreprocessing.self, from: Data(prep.utf8)) } catch {
            throw TorchError("\(url.path): unreadable preprocessing metadata")
        }
        try self.init(architecture: try FaceArchitecture(name: arch), labels: labels.split(separator: ",").map(String.init),
                      preprocessing: preprocessing, flipAveraging: meta["flip_averaging"] != "0")
        try network.load(contentsOf: url)
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
