import Foundation
import Torch

/// How a face model wants its crops: owned by the model and saved in its metadata, so the detector
/// and tracker upstream never hard-code a transform.
public struct FacePreprocessing: Codable, Sendable, Equatable {
    /// Square input side in pixels: faces are resized to this.
    public var inputSize: Int
    /// 1 = grayscale stem; 3 = grayscale replicated to three channels (as the study did for ResNet34).
    public var channels: Int
    /// Normalisation after scaling pixels to [0, 1].
    public var mean: Double
    public var std: Double
    /// When set, the network sees `cropSize`×`cropSize` windows of the `inputSize` face: it was trained
    /// on random crops, and inference takes the centre window or averages several (ten-crop).
    /// Absent in models written before crop training existed (they see the whole face).
    public var cropSize: Int?

    public init(inputSize: Int = 48, channels: Int = 1, mean: Double = 0.5, std: Double = 0.25, cropSize: Int? = nil) {
        self.inputSize = inputSize
        self.channels = channels
        self.mean = mean
        self.std = std
        self.cropSize = cropSize
    }

    /// The study's transform: 224 px, three channels, mean 0.485, std 0.229.
    public static let study = FacePreprocessing(inputSize: 224, channels: 3, mean: 0.485, std: 0.229)

    /// The side of what the network itself sees.
    public var networkSize: Int { cropSize ?? inputSize }

    /// (N, 1, H, W) grayscale in [0, 1] → the whole face at `inputSize`, normalised (crops are taken
    /// from this by `FaceClassifier`).
    public func apply(_ gray: Tensor) throws -> Tensor {
        var x = gray
        if x.size(2) != inputSize || x.size(3) != inputSize {
            let down = x.size(2) > inputSize
            x = try Functional.interpolateBilinear(x, size: (inputSize, inputSize), antialias: down)
        }
        return try normalise(x)
    }

    /// Normalisation and channel replication only, for grayscale already at the network's size (the
    /// random crops of training).
    public func normalise(_ gray: Tensor) throws -> Tensor {
        var x = try (gray - mean) / std
        if channels == 3 { x = try x.expand([x.size(0), 3, x.size(2), x.size(3)]) }
        return x
    }

    /// Grayscale 8-bit crops (row-major, each `side`×`side`) → the model's input.
    public func apply(crops: [[UInt8]], side: Int) throws -> Tensor {
        let flat = crops.flatMap { $0 }
        let t = try Tensor(flat, shape: [crops.count, 1, side, side]).to(.float32) / 255.0
        return try apply(t)
    }

    /// The window at (`top`, `left`) of side `cropSize` (or the whole input when crops are off).
    func window(_ x: Tensor, top: Int, left: Int) throws -> Tensor {
        guard let c = cropSize, c < x.size(2) || c < x.size(3) else { return x }
        return try x.slice(dim: 2, start: top, end: top + c).slice(dim: 3, start: left, end: left + c)
    }

    /// Top-left corners of the centre window and, for ten-crop, the four corner windows.
    func windowOrigins(tenCrop: Bool, height: Int, width: Int) -> [(Int, Int)] {
        guard let c = cropSize else { return [(0, 0)] }
        let centre = ((height - c) / 2, (width - c) / 2)
        guard tenCrop else { return [centre] }
        return [centre, (0, 0), (0, width - c), (height - c, 0), (height - c, width - c)]
    }
}
