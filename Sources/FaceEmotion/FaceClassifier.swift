import Foundation
import Torch
import TensorFiles

/// Test-time augmentation: which views of each face are averaged (as logits) before the softmax.
public enum FaceTestTimeAugmentation: String, Codable, Sendable, CaseIterable {
    /// The face once (the centre window for crop-trained models).
    case none
    /// The face and its mirror image.
    case flip
    /// Crop-trained models: the centre and four corner windows, each also mirrored (ten views).
    case tenCrop = "ten-crop"
}

/// A trained face-emotion model with everything needed to use it: architecture, label set, the crop
/// transform, test-time augmentation and calibration, all read from the safetensors metadata it was
/// saved with.
public final class FaceClassifier {
    /// The `takesense.kind` of face-emotion models (files written before the metadata contract say
    /// `kind: takesense.face-emotion`, which is read as this).
    public static let kind = ModelMetadata.Kind.faceEmotion.rawValue
    /// Metadata keys of the calibration (written by `takesense calibrate face`).
    public static let temperatureKey = ModelMetadata.Key.temperature
    public static let confusionKey = ModelMetadata.Key.confusion
    public static let fitOnKey = ModelMetadata.Key.fitOn

    public let network: any UnaryLayer
    public let architecture: FaceArchitecture
    public let labels: [String]
    public let preprocessing: FacePreprocessing
    public var testTimeAugmentation: FaceTestTimeAugmentation
    /// Logits are divided by this before the softmax (temperature scaling; 1 = uncalibrated).
    public var temperature: Double = 1
    /// The confusion matrix the calibration was measured with (rows: truth, columns: prediction, in
    /// `labels` order), when the file carries one: how this model's errors fall, for the verdict.
    public var confusion: [[Int]]?
    /// What the temperature was fitted on (free text from the metadata).
    public var calibrationFitOn: String?

    /// Average the predictions of each face and its mirror image (kept for callers of the first API).
    public var flipAveraging: Bool {
        get { testTimeAugmentation != .none }
        set { testTimeAugmentation = newValue ? (preprocessing.cropSize == nil ? .flip : .tenCrop) : .none }
    }

    public init(architecture: FaceArchitecture, labels: [String], preprocessing: FacePreprocessing,
                testTimeAugmentation: FaceTestTimeAugmentation) throws {
        self.architecture = architecture
        self.labels = labels
        self.preprocessing = preprocessing
        self.testTimeAugmentation = testTimeAugmentation
        network = try architecture.build(classes: labels.count, inputChannels: preprocessing.channels)
    }

    public convenience init(architecture: FaceArchitecture, labels: [String], preprocessing: FacePreprocessing, flipAveraging: Bool = true) throws {
        try self.init(architecture: architecture, labels: labels, preprocessing: preprocessing,
                      testTimeAugmentation: flipAveraging ? .flip : .none)
    }

    /// Metadata that lets `init(contentsOf:)` rebuild this classifier (calibration included when set), under the
    /// `takesense.*` keys of `ModelMetadata`.
    public var metadata: [String: String] {
        let prep = (try? JSONEncoder().encode(preprocessing)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        typealias Key = ModelMetadata.Key
        var contract = ModelMetadata()
        contract.kind = .faceEmotion
        contract.architecture = architecture.description
        contract.labels = labels
        var m = contract.entries
        m[Key.preprocessing] = prep
        m[Key.flipAveraging] = testTimeAugmentation == .none ? "0" : "1"
        m[Key.testTimeAugmentation] = testTimeAugmentation.rawValue
        if temperature != 1 || confusion != nil {
            m[Self.temperatureKey] = String(temperature)
            if let confusion {
                m[Self.confusionKey] = "[" + confusion.map { "[" + $0.map(String.init).joined(separator: ",") + "]" }.joined(separator: ",") + "]"
            }
            if let calibrationFitOn { m[Self.fitOnKey] = calibrationFitOn }
        }
        return m
    }

    /// Loads a model written by `takesense train face` (or `save(to:)`). The metadata is validated against
    /// bounds and the file's tensor shapes first (`FaceModelSpec`), the weights after loading must be finite.
    public convenience init(contentsOf url: URL) throws {
        let file = try SafeTensorsFile(contentsOf: url)
        let meta = ModelMetadata(file.metadata)
        let spec = try FaceModelSpec(metadata: file.metadata, shapes: file.shapes, file: url.path)
        let tta: FaceTestTimeAugmentation
        if let name = meta[ModelMetadata.Key.testTimeAugmentation] {
            guard let t = FaceTestTimeAugmentation(rawValue: name) else {
                throw ModelError(file: url.path, reason: "unknown \(meta.sourceKey(ModelMetadata.Key.testTimeAugmentation)) '\(name)'")
            }
            tta = t
        } else {
            tta = spec.flipAveraging ? .flip : .none
        }
        try self.init(architecture: spec.architecture, labels: spec.labels, preprocessing: spec.preprocessing, testTimeAugmentation: tta)
        if let t = meta[Self.temperatureKey] {
            guard let v = Double(t), v.isFinite, v > 0 else {
                throw ModelError(file: url.path, reason: "calibration temperature '\(t)' is not a positive number")
            }
            temperature = v
        }
        if let c = meta[Self.confusionKey] {
            guard let rows = try? JSONDecoder().decode([[Int]].self, from: Data(c.utf8)), rows.count == self.labels.count,
                  rows.allSatisfy({ $0.count == self.labels.count }) else {
                throw ModelError(file: url.path, reason: "calibration confusion matrix is not a \(self.labels.count)x\(self.labels.count) JSON array of arrays")
            }
            confusion = rows
        }
        calibrationFitOn = meta[Self.fitOnKey]
        try network.load(contentsOf: url)
        if let bad = try network.firstNonFiniteTensor() { throw ModelError(file: url.path, reason: "tensor '\(bad)' holds NaN or infinite values") }
        network.eval()
    }

    public func save(to url: URL, floatType: DType? = nil, extra: [String: String] = [:]) throws {
        try network.save(to: url, metadata: metadata.merging(extra) { $1 }, floatType: floatType)
    }

    /// Uncalibrated logits for preprocessed whole faces (N, C, inputSize, inputSize): the mean of the
    /// logits of the views `tta` selects (default: the model's own setting).
    public func logits(_ input: Tensor, tta: FaceTestTimeAugmentation? = nil) throws -> Tensor {
        try Self.averagedLogits(of: network, input: input, windows: preprocessing, tta: tta ?? testTimeAugmentation)
    }

    /// The mean logits of `network` over the views `mode` selects of `input`, windows cut as `preprocessing`
    /// says (also each member's views in a `FaceEnsembleNetwork`).
    static func averagedLogits(of network: any UnaryLayer, input: Tensor, windows preprocessing: FacePreprocessing,
                               tta mode: FaceTestTimeAugmentation) throws -> Tensor {
        let origins = preprocessing.windowOrigins(tenCrop: mode == .tenCrop, height: input.size(2), width: input.size(3))
        var views: [Tensor] = []
        for (top, left) in origins {
            let w = try preprocessing.window(input, top: top, left: left)
            views.append(w)
            if mode != .none { views.append(try w.flip([3])) }
        }
        if views.count > 2 {
            // Ten-crop: views batched together up to about 64 images per pass — one pass of ten small
            // batches beats ten tiny passes (analyze classifies a few faces at a time), while a pass of
            // several hundred images runs slower per image than a few of 64 (`bench face-model`).
            let n = input.size(0), perPass = max(1, 64 / max(n, 1))
            var sum: Tensor?
            for start in stride(from: 0, to: views.count, by: perPass) {
                let group = Array(views[start..<min(start + perPass, views.count)])
                let out = try network(group.count == 1 ? group[0] : Torch.cat(group, dim: 0))
                let partial = try out.reshape([group.count, n, out.size(1)]).sum(dims: [0])
                sum = try sum.map { try $0 + partial } ?? partial
            }
            return try sum! / Double(views.count)
        }
        // One pass per view (the same batch shape as training's evaluation); the sum in view order, then
        // the mean — for flip averaging exactly the (a + b) / 2 of earlier releases.
        var sum = try network(views[0])
        for v in views.dropFirst() { sum = try sum + network(v) }
        return views.count == 1 ? sum : try sum / Double(views.count)
    }

    /// Calibrated class probabilities (N, labels) for grayscale faces (N, 1, H, W) in [0, 1]: the softmax
    /// of the test-time-averaged logits divided by `temperature`.
    public func probabilities(gray: Tensor) throws -> Tensor {
        network.eval()
        return try Torch.noGrad { try (logits(preprocessing.apply(gray)) / temperature).softmax(dim: 1) }
    }

    /// Uncalibrated test-time-averaged logits for grayscale faces in [0, 1] (what calibration fits).
    public func logits(gray: Tensor) throws -> Tensor {
        network.eval()
        return try Torch.noGrad { try logits(preprocessing.apply(gray)) }
    }
}
