import Foundation
import Torch

/// The face-model families TakeSense can build, by name (`--arch`).
public enum FaceArchitecture: Sendable, Equatable, CustomStringConvertible {
    case resnet(ResNet.Depth)
    case vgg(VGG.Depth, batchNorm: Bool)
    case efficientNet(Int)
    /// A VGG-style network for small grayscale faces that trains in an hour on two CPU cores.
    case ferNet(width: Int)
    /// Several of the above averaged as one model (`FaceEnsembleNetwork`), named
    /// `ensemble:ARCH/CROP/TTA/WEIGHT+...` (`takesense models face-ensemble` writes these files).
    case ensemble([FaceEnsembleMember])

    static let ensemblePrefix = "ensemble:"

    /// Several networks averaged in one file (built from trained members, never trained as one).
    public var isEnsemble: Bool {
        if case .ensemble = self { return true }
        return false
    }

    public init(name: String) throws {
        let n = name.lowercased()
        if n.hasPrefix(Self.ensemblePrefix) { self = .ensemble(try FaceEnsembleMember.parse(ensemble: n)); return }
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
        throw TorchError("unknown face architecture '\(name)' (resnet18|34|50, vgg11|13|16|19[_bn], efficientnet_b0..b6, fernet[-WIDTH], ensemble:...)")
    }

    public var description: String {
        switch self {
        case .resnet(let d): return "resnet\(d.rawValue)"
        case .vgg(let d, let bn): return "vgg\(d.rawValue)\(bn ? "_bn" : "")"
        case .efficientNet(let k): return "efficientnet_b\(k)"
        case .ferNet(let w): return w == 64 ? "fernet" : "fernet-\(w)"
        case .ensemble(let members): return Self.ensemblePrefix + members.map(\.description).joined(separator: "+")
        }
    }

    /// The shapes of the first convolution and the classifier's last linear layer, by state-dict name, for a
    /// `classes`-way head on `inputChannels`: what a model file must store for this architecture. Checked
    /// before `build`, so a small file whose metadata claims a large network is refused before the network
    /// is allocated (`ArchitectureParityTests` checks these against torchvision's state dicts).
    public func signature(classes: Int, inputChannels: Int) -> [(name: String, shape: [Int])] {
        switch self {
        case .resnet(let d):
            return [("conv1.weight", [64, inputChannels, 7, 7]), ("fc.weight", [classes, 512 * (d.bottleneck ? Bottleneck.expansion : 1)])]
        case .vgg:
            return [("features.0.weight", [64, inputChannels, 3, 3]), ("classifier.6.weight", [classes, 4096])]
        case .efficientNet(let k):
            let (stem, last) = EfficientNet.stemAndLastChannels(variant: k)
            return [("features.0.0.weight", [stem, inputChannels, 3, 3]), ("classifier.1.weight", [classes, last])]
        case .ferNet(let w):
            return [("features.0.weight", [w, inputChannels, 3, 3]), ("classifier.2.weight", [classes, 8 * w])]
        case .ensemble(let members):
            return members.enumerated().flatMap { i, m in
                m.architecture.signature(classes: classes, inputChannels: inputChannels).map { ("members.\(i).\($0.name)", $0.shape) }
            }
        }
    }

    /// Builds the network with a `classes`-way head for `inputChannels`.
    public func build(classes: Int, inputChannels: Int) throws -> any UnaryLayer {
        switch self {
        case .resnet(let d): return try ResNet(d, classes: classes, inputChannels: inputChannels)
        case .vgg(let d, let bn): return try VGG(d, batchNorm: bn, classes: classes, inputChannels: inputChannels)
        case .efficientNet(let k): return try EfficientNet(k, classes: classes, inputChannels: inputChannels)
        case .ferNet(let w): return try FERNet(width: w, classes: classes, inputChannels: inputChannels)
        case .ensemble(let members): return try FaceEnsembleNetwork(specs: members, classes: classes, inputChannels: inputChannels)
        }
    }
}
