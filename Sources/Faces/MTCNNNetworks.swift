import Foundation
import Torch

// MTCNN's three networks (Zhang et al., 2016) with facenet-pytorch's parameter names, so that its
// pretrained state dicts (`pnet.pt`, `rnet.pt`, `onet.pt`, prefixed `pnet.`, `rnet.`, `onet.` in
// Models/mtcnn.safetensors) load key for key.

/// nn.PReLU(channels): max(0, x) + weight · min(0, x), one slope per channel (dimension 1).
public final class PReLU: Module, UnaryLayer {
    public let weight: Tensor

    public init(_ channels: Int, initial: Double = 0.25) throws {
        weight = try Tensor.full([channels], initial).requiresGrad(true)
        super.init()
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        guard x.rank >= 2, x.size(1) == weight.size(0) else {
            throw TorchError("PReLU: expected \(weight.size(0)) channels in dimension 1, got input of shape \(x.shape)")
        }
        var shape = [Int](repeating: 1, count: x.rank)
        shape[1] = weight.size(0)
        let slope = try weight.reshape(shape)
        return try Torch.where(x.gt(0), x, x * slope)
    }
}

/// P-Net: the fully convolutional proposal network (12x12 receptive field, stride 2).
public final class PNet: Module {
    public let conv1: Conv2d, prelu1: PReLU, pool1: MaxPool2d
    public let conv2: Conv2d, prelu2: PReLU
    public let conv3: Conv2d, prelu3: PReLU
    public let conv4_1: Conv2d, conv4_2: Conv2d

    /// Throws only when libtorch cannot allocate the layers (the shapes are constants).
    public init(_ untrained: Void = ()) throws {
        conv1 = try Conv2d(3, 10, kernelSize: 3)
        prelu1 = try PReLU(10)
        pool1 = MaxPool2d(kernelSize: 2, stride: 2, ceilMode: true)
        conv2 = try Conv2d(10, 16, kernelSize: 3)
        prelu2 = try PReLU(16)
        conv3 = try Conv2d(16, 32, kernelSize: 3)
        prelu3 = try PReLU(32)
        conv4_1 = try Conv2d(32, 2, kernelSize: 1)
        conv4_2 = try Conv2d(32, 4, kernelSize: 1)
        super.init()
    }

    /// (N, 3, H, W) normalised pixels → box regression (N, 4, H', W') and face probabilities (N, 2, H', W').
    public func callAsFunction(_ x: Tensor) throws -> (regression: Tensor, probabilities: Tensor) {
        var y = try pool1(prelu1(conv1(x)))
        y = try prelu3(conv3(prelu2(conv2(y))))
        return (try conv4_2(y), try conv4_1(y).softmax(dim: 1))
    }
}

/// R-Net: refines P-Net's candidates on 24x24 crops.
public final class RNet: Module {
    public let conv1: Conv2d, prelu1: PReLU, pool1: MaxPool2d
    public let conv2: Conv2d, prelu2: PReLU, pool2: MaxPool2d
    public let conv3: Conv2d, prelu3: PReLU
    public let dense4: Linear, prelu4: PReLU
    public let dense5_1: Linear, dense5_2: Linear

    public init(_ untrained: Void = ()) throws {
        conv1 = try Conv2d(3, 28, kernelSize: 3)
        prelu1 = try PReLU(28)
        pool1 = MaxPool2d(kernelSize: 3, stride: 2, ceilMode: true)
        conv2 = try Conv2d(28, 48, kernelSize: 3)
        prelu2 = try PReLU(48)
        pool2 = MaxPool2d(kernelSize: 3, stride: 2, ceilMode: true)
        conv3 = try Conv2d(48, 64, kernelSize: 2)
        prelu3 = try PReLU(64)
        dense4 = try Linear(576, 128)
        prelu4 = try PReLU(128)
        dense5_1 = try Linear(128, 2)
        dense5_2 = try Linear(128, 4)
        super.init()
    }

    /// (N, 3, 24, 24) → regression (N, 4), probabilities (N, 2).
    public func callAsFunction(_ x: Tensor) throws -> (regression: Tensor, probabilities: Tensor) {
        var y = try pool1(prelu1(conv1(x)))
        y = try pool2(prelu2(conv2(y)))
        y = try prelu3(conv3(y))
        // The Caffe original flattens in (W, H, C) order: facenet-pytorch permutes to match its weights.
        y = try y.permute([0, 3, 2, 1]).contiguous().reshape([y.size(0), -1])
        y = try prelu4(dense4(y))
        return (try dense5_2(y), try dense5_1(y).softmax(dim: 1))
    }
}

/// O-Net: the final stage on 48x48 crops, with five facial landmarks.
public final class ONet: Module {
    public let conv1: Conv2d, prelu1: PReLU, pool1: MaxPool2d
    public let conv2: Conv2d, prelu2: PReLU, pool2: MaxPool2d
    public let conv3: Conv2d, prelu3: PReLU, pool3: MaxPool2d
    public let conv4: Conv2d, prelu4: PReLU
    public let dense5: Linear, prelu5: PReLU
    public let dense6_1: Linear, dense6_2: Linear, dense6_3: Linear

    public init(_ untrained: Void = ()) throws {
        conv1 = try Conv2d(3, 32, kernelSize: 3)
        prelu1 = try PReLU(32)
        pool1 = MaxPool2d(kernelSize: 3, stride: 2, ceilMode: true)
        conv2 = try Conv2d(32, 64, kernelSize: 3)
        prelu2 = try PReLU(64)
        pool2 = MaxPool2d(kernelSize: 3, stride: 2, ceilMode: true)
        conv3 = try Conv2d(64, 64, kernelSize: 3)
        prelu3 = try PReLU(64)
        pool3 = MaxPool2d(kernelSize: 2, stride: 2, ceilMode: true)
        conv4 = try Conv2d(64, 128, kernelSize: 2)
        prelu4 = try PReLU(128)
        dense5 = try Linear(1152, 256)
        prelu5 = try PReLU(256)
        dense6_1 = try Linear(256, 2)
        dense6_2 = try Linear(256, 4)
        dense6_3 = try Linear(256, 10)
        super.init()
    }

    /// (N, 3, 48, 48) → regression (N, 4), landmarks (N, 10: five x then five y), probabilities (N, 2).
    public func callAsFunction(_ x: Tensor) throws -> (regression: Tensor, landmarks: Tensor, probabilities: Tensor) {
        var y = try pool1(prelu1(conv1(x)))
        y = try pool2(prelu2(conv2(y)))
        y = try pool3(prelu3(conv3(y)))
        y = try prelu4(conv4(y))
        y = try y.permute([0, 3, 2, 1]).contiguous().reshape([y.size(0), -1])
        y = try prelu5(dense5(y))
        return (try dense6_2(y), try dense6_3(y), try dense6_1(y).softmax(dim: 1))
    }
}

/// The three networks together; state-dict keys `pnet.*`, `rnet.*`, `onet.*`.
public final class MTCNNNetworks: Module {
    public let pnet: PNet
    public let rnet: RNet
    public let onet: ONet

    public init(_ untrained: Void = ()) throws {
        pnet = try PNet()
        rnet = try RNet()
        onet = try ONet()
        super.init()
        eval()
    }
}
