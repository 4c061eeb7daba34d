import Foundation
import Torch

/// How a face model wants its crops: owned by the model and saved in its metadata, so the detector
/// and tracker upstream never hard-code a transform.
public struct FacePreprocessing: Codable, Sendable, Equatable {
    /// Square input side in pixels.
    public var inputSize: Int
    /// 1 = grayscale stem; 3 = grayscale replicated to three channels (as the study did for ResNet34).
    public var channels: Int
    /// Normalisation after scaling pixels to [0, 1].
    public var mean: Double
    public var std: Double

    public init(inputSize: Int = 48, channels: Int = 1, mean: Double = 0.5, std: Double = 0.25) {
        self.inputSize = inputSize
        self.channels = channels
        self.mean = mean
        self.std = std
    }

    /// The study's transform: 224 px, three channels, mean 0.485, std 0.229.
    public static let study = FacePreprocessing(inputSize: 224, channels: 3, mean: 0.485, std: 0.229)

    /// (N, 1, H, W) grayscale in [0, 1] → the model's input.
    public func apply(_ gray: Tensor) throws -> Tensor {
        var x = gray
        if x.size(2) != inputSize || x.size(3) != inputSize {
            let down = x.size(2) > inputSize
            x = try Functional.interpolateBilinear(x, size: (inputSize, inputSize), antialias: down)
        }
        x = try (x - mean) / std
        if channels == 3 { x = try x.expand([x.size(0), 3, inputSize, inputSize]) }
        return x
    }

    /// Grayscale 8-bit crops (row-major, each `side`×`side`) → the model's input.
    public func apply(crops: [[UInt8]], side: Int) throws -> Tensor {
        let flat = crops.flatMap { $0 }
        let t = try Tensor(flat, shape: [crops.count, 1, side, side]).to(.float32) / 255.0
        return try apply(t)
    }
}
