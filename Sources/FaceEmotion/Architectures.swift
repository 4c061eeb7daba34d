import Foundation
import Torch

/// The face-model families TakeSense can build, by name (`--arch`).
public enum FaceArchitecture: Sendable, Equatable, CustomStringConvertible {
    case resnet(ResNet.Depth)
    case vgg(VGG.Depth, batchNorm: Bool)
    case efficientNet(Int)
    /// A VGG-style network for small grayscale faces that trains in an hour on two CPU cores.
    case ferNet(width: Int)

    public init(name: String) throws {
        let n = name.lowercased()
        if let d = ResNet.Depth.allCases.first(where: { "resnet\($0.rawValue)" == n }) { self = .resnet(d); return }
        for d in VGG.Depth.allCases {
            if n == "vgg\(d.rawValue)" { self = .vgg(d, batchNorm: false); return }
            if n == "vgg\(d.rawValue)_bn" || n == "vgg\(d.rawValue)-bn" { self = .vgg(d, batchNorm: true); return }
        }
        if n.hasPrefix("efficientnet_b") || n.hasPrefix("efficientnet-b"), let k = Int(n.dropFirst(14)), (0...6).contains(k) {
            self = .efficientNet(k); return
        }
        if n == "fernet" { self = .ferNet(width: 64); return }
        // Width is bounded: the network's size grows with width² (fernet-256 is ~150 MB of weights), and an
        // unchecked width read from a file overflowed `width * 8` or allocated gigabytes.
        if n.hasPrefix("fernet-"), let w = Int(n.dropFirst(7)) {
            guard FERNet.widths.contains(w) else { throw TorchError("fernet width \(w) is outside \(FERNet.widths.lowerBound)...\(FERNet.widths.upperBound)") }
            self = .ferNet(width: w); return
        }
        throw TorchError("unknown face architecture '\(name)' (resnet18|34|50, vgg11|13|16|19[_bn], efficientnet_b0..b6, fernet[-WIDTH])")
    }

    public var description: String {
        switch self {
        case .resnet(let d): return "resnet\(d.rawValue)"
        case .vgg(let d, let bn): return "vgg\(d.rawValue)\(bn ? "_bn" : "")"
        case .efficientNet(let k): return "efficientnet_b\(k)"
        case .ferNet(let w): return w == 64 ? "fernet" : "fernet-\(w)"
        }
    }

    /// Builds the network with a `classes`-way head for `inputChannels`.
    public func build(classes: Int, inputChannels: Int) throws -> any UnaryLayer {
        switch self {
        case .resnet(let d): return try ResNet(d, classes: classes, inputChannels: inputChannels)
        case .vgg(let d, let bn): return try VGG(d, batchNorm: bn, classes: classes, inputChannels: inputChannels)
        case .efficientNet(let k): return try EfficientNet(k, classes: classes, inputChannels: inputChannels)
        case .ferNet(let w): return try FERNet(width: w, classes: classes, inputChannels: inputChannels)
        }
    }
}

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
