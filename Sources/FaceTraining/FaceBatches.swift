import Datasets
import FaceEmotion
import Foundation
import Torch
import Training

/// Batches of preprocessed faces for training or evaluation. Training order and augmentation come
/// from a generator seeded by (seed, epoch), so runs are reproducible and resumable.
public struct FaceBatches: BatchSource, @unchecked Sendable {
    public let data: FaceTensors
    public let preprocessing: FacePreprocessing
    public let augmentation: FaceAugmentation?
    public let shuffle: Bool
    public let seed: UInt64
    let targetTensor: Tensor

    public init(_ data: FaceTensors, preprocessing: FacePreprocessing, augmentation: FaceAugmentation? = nil,
                shuffle: Bool = false, seed: UInt64 = 0) throws {
        self.data = data
        self.preprocessing = preprocessing
        self.augmentation = augmentation
        self.shuffle = shuffle
        self.seed = seed
        targetTensor = try Tensor(data.targets.map(Int64.init))
    }

    public var count: Int { data.count }
    public var targets: [Int] { data.targets }

    public func batches(epoch: Int, batchSize: Int) throws -> AnyIterator<Result<Batch, Error>> {
        var order = Array(0..<count)
        var rng = SplitMix64.derived(seed: seed &+ UInt64(epoch), name: "face-batches")
        if shuffle { rng.shuffle(&order) }
        var start = 0
        let size = max(1, batchSize)
        return AnyIterator {
            guard start < order.count else { return nil }
            let slice = order[start..<min(start + size, order.count)]
            start += size
            return Result {
                let index = try Tensor(slice.map(Int64.init))
                var x = try data.images.indexSelect(dim: 0, index: index).to(.float32) / 255.0
                if let augmentation { x = try augmentation.apply(x, rng: &rng) }
                // Random-crop augmentation already produced the network's input size: normalise only.
                let inputs = augmentation?.cropOutput != nil ? try preprocessing.normalise(x) : try preprocessing.apply(x)
                return Batch(inputs: inputs, targets: try targetTensor.indexSelect(dim: 0, index: index))
            }
        }
    }
}
