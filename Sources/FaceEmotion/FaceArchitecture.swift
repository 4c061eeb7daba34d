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
