import Foundation
import Torch

/// torchvision's EfficientNet-B0…B6 with identical parameter names (`features.0.0.weight`,
/// `features.1.0.block.1.fc1.weight`, `classifier.1.weight`, ...).
public final class EfficientNet: Module, UnaryLayer {
    public let features: Sequential
    public let classifier: Sequential
    public let variant: Int

    /// (width multiplier, depth multiplier, dropout) of torchvision's builders.
    static let scaling: [(Double, Double, Double)] = [
        (1.0, 1.0, 0.2), (1.0, 1.1, 0.2), (1.1, 1.2, 0.3), (1.2, 1.4, 0.3), (1.4, 1.8, 0.4), (1.6, 2.2, 0.4), (1.8, 2.6, 0.5),
    ]

    /// torchvision's _make_divisible.
    static func divisible(_ v: Double, _ divisor: Int = 8) -> Int {
        var n = max(divisor, Int(v + Double(divisor) / 2) / divisor * divisor)
        if Double(n) < 0.9 * v { n += divisor }
        return n
    }

    /// Channels of the stem convolution and of the last 1x1 convolution (the classifier's input) of B`variant`.
    static func stemAndLastChannels(variant: Int) -> (stem: Int, last: Int) {
        let width = scaling[min(max(variant, 0), scaling.count - 1)].0
        return (divisible(32 * width), 4 * divisible(320 * width))
    }

    public init(_ variant: Int, classes: Int = 1000, inputChannels: Int = 3, stochasticDepth: Double = 0.2) throws {
        guard (0...6).contains(variant) else { throw TorchError("EfficientNet-B\(variant) is not supported (B0 to B6)") }
        self.variant = variant
        let (width, depthMult, dropout) = Self.scaling[variant]
        // B5 and B6 use eps 1e-3, momentum 0.01 in their batch norms, as torchvision.
        let bnEps = variant >= 5 ? 1e-3 : 1e-5, bnMomentum = variant >= 5 ? 0.01 : 0.1
        func bn(_ c: Int) throws -> BatchNorm2d { try BatchNorm2d(c, eps: bnEps, momentum: bnMomentum) }
        func ch(_ c: Int) -> Int { Self.divisible(Double(c) * width) }
        // (expand ratio, kernel, stride, in, out, layers)
        let settings: [(Int, Int, Int, Int, Int, Int)] = [
            (1, 3, 1, 32, 16, 1), (6, 3, 2, 16, 24, 2), (6, 5, 2, 24, 40, 2), (6, 3, 2, 40, 80, 3),
            (6, 5, 1, 80, 112, 3), (6, 5, 2, 112, 192, 4), (6, 3, 1, 192, 320, 1),
        ]
        let stages = settings.map { ($0.0, $0.1, $0.2, ch($0.3), ch($0.4), Int((Double($0.5) * depthMult).rounded(.up))) }
        let totalBlocks = stages.reduce(0) { $0 + $1.5 }
        var layers: [any UnaryLayer] = [
            Sequential([try Conv2d(inputChannels, stages[0].3, kernelSize: 3, stride: 2, padding: 1, bias: false), try bn(stages[0].3), SiLU()]),
        ]
        var blockID = 0
        for (expand, kernel, stride, input, output, count) in stages {
            var stage: [any UnaryLayer] = []
            for i in 0..<count {
                let sd = stochasticDepth * Double(blockID) / Double(totalBlocks)
                stage.append(try MBConv(input: i == 0 ? input : output, output: output, expand: expand, kernel: kernel,
                                        stride: i == 0 ? stride : 1, stochasticDepth: sd, norm: bn))
                blockID += 1
            }
            layers.append(Sequential(stage))
        }
        let lastIn = stages.last!.4, lastOut = 4 * lastIn
        layers.append(Sequential([try Conv2d(lastIn, lastOut, kernelSize: 1, bias: false), try bn(lastOut), SiLU()]))
        features = Sequential(layers)
        classifier = Sequential([try Dropout(dropout), try Linear(lastOut, classes)])
        super.init()
        for (_, m) in namedModules() {
            if let conv = m as? Conv2d {
                try Init.kaimingNormalFanOut(conv.weight)
                try conv.bias?.fill(0)
            } else if let linear = m as? Linear {
                let range = 1 / Double(linear.outFeatures).squareRoot()
                try linear.weight.uniform(-range, range)
                try linear.bias?.fill(0)
            }
        }
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        let f = try Functional.adaptiveAvgPool2d(features(x), outputSize: (1, 1)).flatten(start: 1)
        return try classifier(f)
    }
}

/// Mobile inverted bottleneck with squeeze-and-excitation (torchvision's MBConv).
public final class MBConv: Module, UnaryLayer {
    public let block: Sequential
    let residual: Bool
    let stochasticDepth: Double

    init(input: Int, output: Int, expand: Int, kernel: Int, stride: Int, stochasticDepth: Double,
         norm: (Int) throws -> BatchNorm2d) throws {
        residual = stride == 1 && input == output
        self.stochasticDepth = stochasticDepth
        let expanded = EfficientNet.divisible(Double(input * expand))
        var layers: [any UnaryLayer] = []
        if expanded != input {
            layers.append(Sequential([try Conv2d(input, expanded, kernelSize: 1, bias: false), try norm(expanded), SiLU()]))
        }
        layers.append(Sequential([try Conv2d(expanded, expanded, kernelSize: kernel, stride: stride, padding: (kernel - 1) / 2,
                                             groups: expanded, bias: false), try norm(expanded), SiLU()]))
        layers.append(try SqueezeExcitation(expanded, squeeze: max(1, input / 4)))
        layers.append(Sequential([try Conv2d(expanded, output, kernelSize: 1, bias: false), try norm(output)]))
        block = Sequential(layers)
        super.init()
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        var y = try block(x)
        guard residual else { return y }
        if training && stochasticDepth > 0 {
            // Row-mode stochastic depth: drop whole samples' residual branches.
            let survival = 1 - stochasticDepth
            let keep = try Tensor.rand([x.size(0), 1, 1, 1]).lt(survival).to(y.dtype) / survival
            y = try y * keep
        }
        return try y + x
    }
}

/// Squeeze-and-excitation: channel weights from globally pooled features (torchvision's names fc1/fc2).
public final class SqueezeExcitation: Module, UnaryLayer {
    public let fc1: Conv2d, fc2: Conv2d

    init(_ channels: Int, squeeze: Int) throws {
        fc1 = try Conv2d(channels, squeeze, kernelSize: 1)
        fc2 = try Conv2d(squeeze, channels, kernelSize: 1)
        super.init()
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        let s = try fc2(fc1(Functional.adaptiveAvgPool2d(x, outputSize: (1, 1))).silu()).sigmoid()
        return try x * s
    }
}
