import Foundation

// Layers with PyTorch's parameter names and PyTorch's default initialisation: parameters are created
// in PyTorch's order and drawn from libtorch's generator with the same bounds, so after
// `Torch.manualSeed(s)` a layer holds the same values as `torch.manual_seed(s); nn.Layer(...)`.

/// PyTorch's `torch.nn.init` functions, computing bounds exactly as Python does so that seeded
/// initialisation draws the same values.
public enum Init {
    /// kaiming_uniform_(w, a=sqrt(5)) and the matching bias bound, as nn.Linear/nn.ConvNd.reset_parameters.
    public static func linearLike(weight: Tensor, bias: Tensor?, fanIn: Int) throws {
        let a = 5.0.squareRoot()
        let gain = (2.0 / (1 + a * a)).squareRoot()
        let std = gain / Double(fanIn).squareRoot()
        let bound = 3.0.squareRoot() * std
        try weight.uniform(-bound, bound)
        if let bias {
            let b = fanIn > 0 ? 1 / Double(fanIn).squareRoot() : 0
            try bias.uniform(-b, b)
        }
    }

    /// kaiming_normal_(w, mode="fan_out", nonlinearity="relu"), torchvision's convolution init.
    public static func kaimingNormalFanOut(_ w: Tensor) throws {
        let shape = w.shape
        let receptive = shape.dropFirst(2).reduce(1, *)
        let fanOut = shape[0] * receptive
        try w.normal(mean: 0, std: 2.0.squareRoot() / Double(fanOut).squareRoot())
    }

    /// xavier_uniform_ with gain 1.
    public static func xavierUniform(_ w: Tensor, fanIn: Int, fanOut: Int) throws {
        let std = (2.0 / Double(fanIn + fanOut)).squareRoot()
        let a = 3.0.squareRoot() * std
        try w.uniform(-a, a)
    }

    /// An uninitialised float32 tensor that records gradients.
    public static func parameter(_ shape: [Int]) throws -> Tensor {
        try Tensor.empty(shape).requiresGrad(true)
    }
}

/// y = x Wᵀ + b.
public final class Linear: Module, UnaryLayer {
    public let weight: Tensor
    public let bias: Tensor?
    public let inFeatures: Int, outFeatures: Int

    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true) throws {
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        weight = try Init.parameter([outFeatures, inFeatures])
        self.bias = bias ? try Init.parameter([outFeatures]) : nil
        super.init()
        try Init.linearLike(weight: weight, bias: self.bias, fanIn: inFeatures)
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        try Functional.linear(x, weight: weight, bias: bias)
    }
}

/// 1-D convolution over (N, C, L).
public final class Conv1d: Module, UnaryLayer {
    public let weight: Tensor
    public let bias: Tensor?
    public let stride: Int, padding: Int, dilation: Int, groups: Int

    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                dilation: Int = 1, groups: Int = 1, bias: Bool = true) throws {
        guard groups > 0, inChannels % groups == 0, outChannels % groups == 0 else {
            throw TorchError("Conv1d: in_channels \(inChannels) and out_channels \(outChannels) must be divisible by groups \(groups)")
        }
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.groups = groups
        weight = try Init.parameter([outChannels, inChannels / groups, kernelSize])
        self.bias = bias ? try Init.parameter([outChannels]) : nil
        super.init()
        try Init.linearLike(weight: weight, bias: self.bias, fanIn: inChannels / groups * kernelSize)
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        try Functional.conv1d(x, weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation, groups: groups)
    }
}

/// 2-D convolution over (N, C, H, W).
public final class Conv2d: Module, UnaryLayer {
    public let weight: Tensor
    public let bias: Tensor?
    public let stride: (Int, Int), padding: (Int, Int), dilation: (Int, Int), groups: Int

    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: (Int, Int), stride: (Int, Int) = (1, 1),
                padding: (Int, Int) = (0, 0), dilation: (Int, Int) = (1, 1), groups: Int = 1, bias: Bool = true) throws {
        guard groups > 0, inChannels % groups == 0, outChannels % groups == 0 else {
            throw TorchError("Conv2d: in_channels \(inChannels) and out_channels \(outChannels) must be divisible by groups \(groups)")
        }
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.groups = groups
        weight = try Init.parameter([outChannels, inChannels / groups, kernelSize.0, kernelSize.1])
        self.bias = bias ? try Init.parameter([outChannels]) : nil
        super.init()
        try Init.linearLike(weight: weight, bias: self.bias, fanIn: inChannels / groups * kernelSize.0 * kernelSize.1)
    }

    /// Square kernel, stride, padding and dilation.
    public convenience init(_ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                            dilation: Int = 1, groups: Int = 1, bias: Bool = true) throws {
        try self.init(inChannels, outChannels, kernelSize: (kernelSize, kernelSize), stride: (stride, stride),
                      padding: (padding, padding), dilation: (dilation, dilation), groups: groups, bias: bias)
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        try Functional.conv2d(x, weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation, groups: groups)
    }
}

/// Batch normalisation over the channel dimension (dimension 1), as nn.BatchNorm1d/2d.
open class BatchNorm: Module, UnaryLayer {
    public let weight: Tensor?
    public let bias: Tensor?
    @Buffer public var running_mean: Tensor
    @Buffer public var running_var: Tensor
    @Buffer public var num_batches_tracked: Tensor
    public let eps: Double
    /// nil means a cumulative moving average, as PyTorch's momentum=None.
    public let momentum: Double?
    let expectedRanks: Set<Int>

    init(_ features: Int, eps: Double, momentum: Double?, affine: Bool, ranks: Set<Int>) throws {
        self.eps = eps
        self.momentum = momentum
        expectedRanks = ranks
        weight = affine ? try Tensor.ones([features]).requiresGrad(true) : nil
        bias = affine ? try Tensor.zeros([features]).requiresGrad(true) : nil
        running_mean = try Tensor.zeros([features])
        running_var = try Tensor.ones([features])
        num_batches_tracked = try Tensor.zeros([], dtype: .int64)
        super.init()
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        guard expectedRanks.contains(x.rank) else {
            throw TorchError("\(type(of: self)): expected \(expectedRanks.sorted().map(String.init).joined(separator: " or "))D input (got \(x.rank)D input)")
        }
        var factor = momentum ?? 0
        if training {
            try Torch.noGrad { try num_batches_tracked.addInPlace(Tensor(scalar: Int64(1))) }
            if momentum == nil { factor = 1 / Double(try num_batches_tracked.itemInt()) }
        }
        return try Functional.batchNorm(x, runningMean: running_mean, runningVar: running_var, weight: weight, bias: bias,
                                        training: training, momentum: factor, eps: eps)
    }
}

public final class BatchNorm1d: BatchNorm {
    public init(_ features: Int, eps: Double = 1e-5, momentum: Double? = 0.1, affine: Bool = true) throws {
        try super.init(features, eps: eps, momentum: momentum, affine: affine, ranks: [2, 3])
    }
}

public final class BatchNorm2d: BatchNorm {
    public init(_ features: Int, eps: Double = 1e-5, momentum: Double? = 0.1, affine: Bool = true) throws {
        try super.init(features, eps: eps, momentum: momentum, affine: affine, ranks: [4])
    }
}

/// Layer normalisation over the trailing `normalizedShape` dimensions.
public final class LayerNorm: Module, UnaryLayer {
    public let weight: Tensor?
    public let bias: Tensor?
    public let normalizedShape: [Int]
    public let eps: Double

    public init(_ normalizedShape: [Int], eps: Double = 1e-5, elementwiseAffine: Bool = true) throws {
        self.normalizedShape = normalizedShape
        self.eps = eps
        weight = elementwiseAffine ? try Tensor.ones(normalizedShape).requiresGrad(true) : nil
        bias = elementwiseAffine ? try Tensor.zeros(normalizedShape).requiresGrad(true) : nil
        super.init()
    }

    public convenience init(_ features: Int, eps: Double = 1e-5) throws { try self.init([features], eps: eps) }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        try Functional.layerNorm(x, normalizedShape: normalizedShape, weight: weight, bias: bias, eps: eps)
    }
}

/// Group normalisation over (N, C, ...).
public final class GroupNorm: Module, UnaryLayer {
    public let weight: Tensor?
    public let bias: Tensor?
    public let groups: Int
    public let eps: Double

    public init(groups: Int, channels: Int, eps: Double = 1e-5, affine: Bool = true) throws {
        guard groups > 0, channels % groups == 0 else {
            throw TorchError("GroupNorm: num_channels \(channels) must be divisible by num_groups \(groups)")
        }
        self.groups = groups
        self.eps = eps
        weight = affine ? try Tensor.ones([channels]).requiresGrad(true) : nil
        bias = affine ? try Tensor.zeros([channels]).requiresGrad(true) : nil
        super.init()
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        try Functional.groupNorm(x, groups: groups, weight: weight, bias: bias, eps: eps)
    }
}

/// A lookup table of vectors, initialised from N(0, 1) like nn.Embedding.
public final class Embedding: Module, UnaryLayer {
    public let weight: Tensor
    public let paddingIndex: Int?

    public init(_ count: Int, _ dimension: Int, paddingIndex: Int? = nil) throws {
        weight = try Init.parameter([count, dimension])
        self.paddingIndex = paddingIndex
        super.init()
        try weight.normal(mean: 0, std: 1)
        if let p = paddingIndex { try Torch.noGrad { try weight[p].fill(0) } }
    }

    public func callAsFunction(_ indices: Tensor) throws -> Tensor {
        try Functional.embedding(indices, weight: weight)
    }
}

/// Zeroes elements with probability `p` in training mode and rescales the rest.
public final class Dropout: Module, UnaryLayer {
    public let p: Double
    public init(_ p: Double = 0.5) throws {
        guard (0...1).contains(p) else { throw TorchError("dropout probability has to be between 0 and 1, but got \(p)") }
        self.p = p
        super.init()
    }
    public func callAsFunction(_ x: Tensor) throws -> Tensor { try Functional.dropout(x, p: p, training: training) }
}

/// A chain of layers named "0", "1", ... as in nn.Sequential.
public final class Sequential: Module, UnaryLayer {
    public let layers: [any UnaryLayer]
    override public var flattensArrays: Bool { true }

    public init(_ layers: [any UnaryLayer]) {
        self.layers = layers
        super.init()
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        var y = x
        for layer in layers { y = try layer(y) }
        return y
    }
}

/// A plain list of modules named "0", "1", ... (nn.ModuleList).
public final class ModuleList<Element: Module>: Module {
    public let items: [Element]
    override public var flattensArrays: Bool { true }
    public init(_ items: [Element]) {
        self.items = items
        super.init()
    }
    public subscript(_ i: Int) -> Element { items[i] }
    public var count: Int { items.count }
}

// Parameter-free layers, so that Sequential indices match PyTorch's (VGG's `features.3` etc.).

public final class ReLU: Module, UnaryLayer {
    public override init() { super.init() }
    public func callAsFunction(_ x: Tensor) throws -> Tensor { try x.relu() }
}

public final class GELU: Module, UnaryLayer {
    public let approximate: Bool
    public init(approximate: Bool = false) {
        self.approximate = approximate
        super.init()
    }
    public func callAsFunction(_ x: Tensor) throws -> Tensor { try x.gelu(approximate: approximate) }
}

public final class SiLU: Module, UnaryLayer {
    public override init() { super.init() }
    public func callAsFunction(_ x: Tensor) throws -> Tensor { try x.silu() }
}

public final class Sigmoid: Module, UnaryLayer {
    public override init() { super.init() }
    public func callAsFunction(_ x: Tensor) throws -> Tensor { try x.sigmoid() }
}

public final class Identity: Module, UnaryLayer {
    public override init() { super.init() }
    public func callAsFunction(_ x: Tensor) throws -> Tensor { x }
}

public final class Flatten: Module, UnaryLayer {
    public let start: Int, end: Int
    public init(start: Int = 1, end: Int = -1) {
        self.start = start
        self.end = end
        super.init()
    }
    public func callAsFunction(_ x: Tensor) throws -> Tensor { try x.flatten(start: start, end: end) }
}

public final class MaxPool2d: Module, UnaryLayer {
    public let kernel: (Int, Int), stride: (Int, Int), padding: (Int, Int), ceilMode: Bool
    public init(kernelSize: Int, stride: Int? = nil, padding: Int = 0, ceilMode: Bool = false) {
        kernel = (kernelSize, kernelSize)
        self.stride = (stride ?? kernelSize, stride ?? kernelSize)
        self.padding = (padding, padding)
        self.ceilMode = ceilMode
        super.init()
    }
    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        try Functional.maxPool2d(x, kernel: kernel, stride: stride, padding: padding, ceilMode: ceilMode)
    }
}

public final class AdaptiveAvgPool2d: Module, UnaryLayer {
    public let outputSize: (Int, Int)
    public init(_ outputSize: (Int, Int)) {
        self.outputSize = outputSize
        super.init()
    }
    public func callAsFunction(_ x: Tensor) throws -> Tensor { try Functional.adaptiveAvgPool2d(x, outputSize: outputSize) }
}
