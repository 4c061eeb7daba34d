import Foundation
import Torch

/// VGG-style CNN for 48×48 faces: four stages of two 3×3 conv–BN–ReLU layers (widths w, 2w, 4w, 8w),
/// max-pooling between stages, global average pooling, dropout and a linear head.
public final class FERNet: Module, UnaryLayer {
    public let features: Sequential
    public let classifier: Sequential

    /// Widths `FaceArchitecture(name:)` accepts.
    public static let widths = 8...256

    public init(width: Int = 64, classes: Int = 6, inputChannels: Int = 1, dropout: Double = 0.3) throws {
        guard Self.widths.contains(width), (1...FaceModelSpec.maxLabels).contains(classes), (1...4).contains(inputChannels) else {
            throw TorchError("FERNet: width \(width), \(classes) classes or \(inputChannels) input channels out of range")
        }
        var layers: [any UnaryLayer] = []
        var c = inputChannels
        for (stage, w) in [width, width * 2, width * 4, width * 8].enumerated() {
            for _ in 0..<2 {
                layers += [try Conv2d(c, w, kernelSize: 3, padding: 1, bias: false), try BatchNorm2d(w), ReLU()]
                c = w
            }
            if stage < 3 { layers.append(MaxPool2d(kernelSize: 2)) }
        }
        features = Sequential(layers)
        classifier = Sequential([Flatten(), try Dropout(dropout), try Linear(c, classes)])
        super.init()
        for (_, m) in namedModules() {
            if let conv = m as? Conv2d { try Init.kaimingNormalFanOut(conv.weight) }
        }
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        let f = try Functional.adaptiveAvgPool2d(features(x), outputSize: (1, 1))
        return try classifier(f)
    }
}
