import Torch

/// torchvision's ResNet (`torchvision.models.resnet18/34/50`) with identical parameter names, so a
/// torchvision state dict (`resnet34-b627a593.pth` or a safetensors conversion) loads as is.
public final class ResNet: Module, UnaryLayer {
    public enum Depth: Int, Sendable, CaseIterable {
        case resnet18 = 18, resnet34 = 34, resnet50 = 50

        var blocks: [Int] {
            switch self {
            case .resnet18: return [2, 2, 2, 2]
            case .resnet34, .resnet50: return [3, 4, 6, 3]
            }
        }
        var bottleneck: Bool { self == .resnet50 }
    }

    public let conv1: Conv2d
    public let bn1: BatchNorm2d
    public let layer1: Sequential, layer2: Sequential, layer3: Sequential, layer4: Sequential
    public let fc: Linear
    public let depth: Depth

    /// - Parameters:
    ///   - inputChannels: 3 for RGB (or grayscale replicated, as the study did), 1 for a grayscale stem.
    ///   - classes: size of the `fc` head.
    public init(_ depth: Depth, classes: Int = 1000, inputChannels: Int = 3) throws {
        self.depth = depth
        conv1 = try Conv2d(inputChannels, 64, kernelSize: 7, stride: 2, padding: 3, bias: false)
        bn1 = try BatchNorm2d(64)
        var inplanes = 64
        func stage(_ planes: Int, _ count: Int, stride: Int) throws -> Sequential {
            var blocks: [any UnaryLayer] = []
            for i in 0..<count {
                let s = i == 0 ? stride : 1
                if depth.bottleneck {
                    blocks.append(try Bottleneck(inplanes, planes, stride: s))
                    inplanes = planes * Bottleneck.expansion
                } else {
                    blocks.append(try BasicBlock(inplanes, planes, stride: s))
                    inplanes = planes
                }
            }
            return Sequential(blocks)
        }
        let b = depth.blocks
        layer1 = try stage(64, b[0], stride: 1)
        layer2 = try stage(128, b[1], stride: 2)
        layer3 = try stage(256, b[2], stride: 2)
        layer4 = try stage(512, b[3], stride: 2)
        fc = try Linear(inplanes, classes)
        super.init()
        // torchvision's initialisation: He-normal convolutions, unit batch norms.
        for (_, m) in namedModules() {
            if let conv = m as? Conv2d { try Init.kaimingNormalFanOut(conv.weight) }
        }
    }

    /// Features before the classifier: (N, 512·expansion).
    public func features(_ x: Tensor) throws -> Tensor {
        var y = try bn1(conv1(x)).relu()
        y = try Functional.maxPool2d(y, kernel: (3, 3), stride: (2, 2), padding: (1, 1))
        y = try layer4(layer3(layer2(layer1(y))))
        return try Functional.adaptiveAvgPool2d(y, outputSize: (1, 1)).flatten(start: 1)
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor { try fc(features(x)) }
}

public final class BasicBlock: Module, UnaryLayer {
    public let conv1: Conv2d, bn1: BatchNorm2d, conv2: Conv2d, bn2: BatchNorm2d
    public let downsample: Sequential?

    public init(_ inplanes: Int, _ planes: Int, stride: Int = 1) throws {
        conv1 = try Conv2d(inplanes, planes, kernelSize: 3, stride: stride, padding: 1, bias: false)
        bn1 = try BatchNorm2d(planes)
        conv2 = try Conv2d(planes, planes, kernelSize: 3, padding: 1, bias: false)
        bn2 = try BatchNorm2d(planes)
        downsample = stride != 1 || inplanes != planes
            ? Sequential([try Conv2d(inplanes, planes, kernelSize: 1, stride: stride, bias: false), try BatchNorm2d(planes)])
            : nil
        super.init()
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        let out = try bn2(conv2(bn1(conv1(x)).relu()))
        let identity = try downsample?(x) ?? x
        return try (out + identity).relu()
    }
}

public final class Bottleneck: Module, UnaryLayer {
    public static let expansion = 4
    public let conv1: Conv2d, bn1: BatchNorm2d, conv2: Conv2d, bn2: BatchNorm2d, conv3: Conv2d, bn3: BatchNorm2d
    public let downsample: Sequential?

    public init(_ inplanes: Int, _ planes: Int, stride: Int = 1) throws {
        let out = planes * Self.expansion
        conv1 = try Conv2d(inplanes, planes, kernelSize: 1, bias: false)
        bn1 = try BatchNorm2d(planes)
        conv2 = try Conv2d(planes, planes, kernelSize: 3, stride: stride, padding: 1, bias: false)
        bn2 = try BatchNorm2d(planes)
        conv3 = try Conv2d(planes, out, kernelSize: 1, bias: false)
        bn3 = try BatchNorm2d(out)
        downsample = stride != 1 || inplanes != out
            ? Sequential([try Conv2d(inplanes, out, kernelSize: 1, stride: stride, bias: false), try BatchNorm2d(out)])
            : nil
        super.init()
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        var y = try bn1(conv1(x)).relu()
        y = try bn2(conv2(y)).relu()
        y = try bn3(conv3(y))
        let identity = try downsample?(x) ?? x
        return try (y + identity).relu()
    }
}
