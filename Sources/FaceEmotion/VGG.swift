import Torch

/// torchvision's VGG11/13/16/19, with or without batch norm, with identical parameter names
/// (`features.N`, `classifier.N`).
public final class VGG: Module, UnaryLayer {
    public enum Depth: Int, Sendable, CaseIterable {
        case vgg11 = 11, vgg13 = 13, vgg16 = 16, vgg19 = 19

        /// Channel counts, 0 = max-pool (torchvision's cfgs "A", "B", "D", "E").
        var layout: [Int] {
            switch self {
            case .vgg11: return [64, 0, 128, 0, 256, 256, 0, 512, 512, 0, 512, 512, 0]
            case .vgg13: return [64, 64, 0, 128, 128, 0, 256, 256, 0, 512, 512, 0, 512, 512, 0]
            case .vgg16: return [64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0]
            case .vgg19: return [64, 64, 0, 128, 128, 0, 256, 256, 256, 256, 0, 512, 512, 512, 512, 0, 512, 512, 512, 512, 0]
            }
        }
    }

    public let features: Sequential
    public let classifier: Sequential

    public init(_ depth: Depth, batchNorm: Bool = false, classes: Int = 1000, inputChannels: Int = 3, dropout: Double = 0.5) throws {
        var layers: [any UnaryLayer] = []
        var c = inputChannels
        for v in depth.layout {
            if v == 0 {
                layers.append(MaxPool2d(kernelSize: 2, stride: 2))
            } else {
                layers.append(try Conv2d(c, v, kernelSize: 3, padding: 1))
                if batchNorm { layers.append(try BatchNorm2d(v)) }
                layers.append(ReLU())
                c = v
            }
        }
        features = Sequential(layers)
        classifier = Sequential([try Linear(512 * 7 * 7, 4096), ReLU(), try Dropout(dropout),
                                 try Linear(4096, 4096), ReLU(), try Dropout(dropout), try Linear(4096, classes)])
        super.init()
        // torchvision's initialisation.
        for (_, m) in namedModules() {
            if let conv = m as? Conv2d {
                try Init.kaimingNormalFanOut(conv.weight)
                try conv.bias?.fill(0)
            } else if let linear = m as? Linear {
                try linear.weight.normal(mean: 0, std: 0.01)
                try linear.bias?.fill(0)
            }
        }
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        let f = try Functional.adaptiveAvgPool2d(features(x), outputSize: (7, 7)).flatten(start: 1)
        return try classifier(f)
    }
}
