import Datasets
import Foundation
import Media
import Torch

/// Face images decoded once into one uint8 tensor (N, 1, H, W) with class indices: FER2013's 28,709
/// training faces take 66 MB this way, so training never touches the disk again.
public struct FaceTensors: @unchecked Sendable {
    public let images: Tensor
    public let targets: [Int]
    public let labels: [String]
    /// Samples whose label is not in the label set, by label.
    public let skipped: [String: Int]

    public var count: Int { targets.count }

    public init(images: Tensor, targets: [Int], labels: [String], skipped: [String: Int] = [:]) {
        self.images = images
        self.targets = targets
        self.labels = labels
        self.skipped = skipped
    }

    /// Loads an image-folder tree (`ROOT/<class>/*.jpg`) or a FER2013 Kaggle CSV (optionally one
    /// usage only), resizing every face to `side`×`side` grayscale.
    public static func load(_ path: String, labels: LabelSet, side: Int = 48, usage: FER2013Usage? = nil) throws -> FaceTensors {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DatasetError.missingDirectory(path: path)
        }
        let options = LoadOptions(labels: labels)
        let names = labels.names
        if !isDirectory.boolValue {
            let csv = try FER2013CSV.load(path: path, options: options)
            let rows = csv.samples.filter { usage == nil || $0.usage == usage }
            guard !rows.isEmpty else { throw DatasetError.noRecognisedFiles(path: path, expected: "FER2013 rows of the requested usage") }
            var pixels = [UInt8]()
            pixels.reserveCapacity(rows.count * 48 * 48)
            for row in rows { pixels += row.pixels }
            var images = try Tensor(pixels, shape: [rows.count, 1, 48, 48])
            if side != 48 {
                images = try Functional.interpolateBilinear(images.to(.float32), size: (side, side), antialias: side < 48).round().clamp(min: 0, max: 255).to(
                    .uint8)
            }
            let targets = rows.map { labels.index(of: $0.label)! }
            return FaceTensors(images: images, targets: targets, labels: names, skipped: csv.skipped)
        }
        let folder = try ImageFolder.load(root: path, options: options)
        let samples = usage == nil ? folder.samples : folder.samples.filter { $0.usage == nil || $0.usage == usage }
        guard !samples.isEmpty else { throw DatasetError.noRecognisedFiles(path: path, expected: "images in class folders") }
        let n = samples.count, area = side * side
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: n * area)
        defer { buffer.deallocate() }
        let failure = LockedError()
        let base = UncheckedPointer(buffer.baseAddress!)
        DispatchQueue.concurrentPerform(iterations: n) { i in
            do {
                let image = try ImageDecoder.decode(samples[i].url, format: .gray, size: .exact(width: side, height: side))
                image.pixels.withUnsafeBufferPointer { src in
                    (base.pointer + i * area).update(from: src.baseAddress!, count: area)
                }
            } catch {
                failure.set(error)
            }
        }
        if let error = failure.value { throw error }
        let images = try Tensor(bytes: UnsafeRawBufferPointer(buffer), shape: [n, 1, side, side], dtype: .uint8)
        return FaceTensors(images: images, targets: samples.map { labels.index(of: $0.label)! }, labels: names, skipped: folder.skipped)
    }
}

final class LockedError: @unchecked Sendable {
    private let lock = NSLock()
    private var error: Error?
    func set(_ e: Error) { lock.lock(); if error == nil { error = e }; lock.unlock() }
    var value: Error? { lock.lock(); defer { lock.unlock() }; return error }
}

struct UncheckedPointer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<UInt8>
    init(_ p: UnsafeMutablePointer<UInt8>) { pointer = p }
}

/// Random geometric and photometric augmentation of grayscale face batches, drawn from a seeded
/// generator (reproducible, and independent of libtorch's generator that dropout uses).
public struct FaceAugmentation: Codable, Sendable, Equatable {
    public var horizontalFlip = 0.5
    public var verticalFlip = 0.0
    public var rotationDegrees = 10.0
    public var scale = 0.1
    public var translate = 0.1
    public var brightness = 0.2
    public var contrast = 0.2
    /// Probability of erasing a random rectangle (Zhong et al.'s random erasing).
    public var erase = 0.5
    /// Random-crop training: the output is `cropOutput`×`cropOutput`, sampled from a square window of
    /// side `cropMinSide...cropMaxSide` input pixels (the scale jitter) placed at random inside the face.
    /// nil = the output keeps the input's size (whole-face training).
    public var cropOutput: Int? = nil
    public var cropMinSide: Int? = nil
    public var cropMaxSide: Int? = nil
    /// Probability that a face is degraded as video degrades it (`FaceDegradation`), before the geometric
    /// steps: JPEG-like blocking, defocus, motion blur or a small face scaled up, one of the four at random
    /// with a strength drawn per batch. Crops in `analyze` come from compressed, moving, often small faces
    /// in video frames; FER2013's pictures are sharp and framed (the card's robustness table).
    public var degrade = 0.0

    public init() {}

    /// The degradations `degrade` draws from, one strength per batch: JPEG-like quality 10–60, Gaussian
    /// blur sigma 0.5–1.5 px (in quarter pixels), motion blur 3–7 px, down-up scaling to 16–32 px.
    public static let degradationChoices: [[FaceDegradation]] = [
        (10...60).map { .jpeg(quality: $0) },
        [0.5, 0.75, 1, 1.25, 1.5].map { .gaussianBlur(sigma: $0) },
        (3...7).map { .motionBlur(length: $0) },
        (16...32).map { .downUp(side: $0) },
    ]

    /// The `crop` recipe's augmentation (after Khaireddin & Chen 2021): random 40–44 px windows of the
    /// 48 px face resampled to 40 px, horizontal flip, rotation ±10°, brightness/contrast ±20 %, random
    /// erasing (p 0.5). No extra shift or scale: the window position and side are the shift and scale.
    public static func crops(output: Int = 40, sides: ClosedRange<Int> = 40...44) -> FaceAugmentation {
        var a = FaceAugmentation()
        a.scale = 0
        a.translate = 0
        a.cropOutput = output
        a.cropMinSide = sides.lowerBound
        a.cropMaxSide = sides.upperBound
        return a
    }

    /// Milder geometry and no erasing: for small networks, which the default under-fits
    /// (training accuracy stays below validation's ceiling).
    public static var light: FaceAugmentation {
        var a = FaceAugmentation()
        a.brightness = 0.1
        a.contrast = 0.1
        a.erase = 0
        return a
    }

    /// The study's augmentation: random horizontal and vertical flips only.
    public static var study: FaceAugmentation {
        var a = FaceAugmentation()
        a.verticalFlip = 0.5
        a.rotationDegrees = 0
        a.scale = 0
        a.translate = 0
        a.brightness = 0
        a.contrast = 0
        a.erase = 0
        return a
    }

    /// Augments (N, 1, H, W) floats in [0, 1].
    public func apply(_ x: Tensor, rng: inout SplitMix64) throws -> Tensor {
        let n = x.size(0)
        func uniform(_ r: inout SplitMix64, _ a: Double) -> Double { (Double(r.next() >> 11) / Double(1 << 53) * 2 - 1) * a }
        func chance(_ r: inout SplitMix64, _ p: Double) -> Bool { p > 0 && Double(r.next() >> 11) / Double(1 << 53) < p }
        var theta = [Float]()
        var gains = [Float](), offsets = [Float]()
        var eraseMask = [Float]()
        let inH = x.size(2)
        let h = cropOutput ?? x.size(2), w = cropOutput ?? x.size(3)
        var needsErase = false
        for _ in 0..<n {
            let angle = uniform(&rng, rotationDegrees) * Double.pi / 180
            var s = 1 + uniform(&rng, scale)
            let fx: Double = chance(&rng, horizontalFlip) ? -1 : 1
            let fy: Double = chance(&rng, verticalFlip) ? -1 : 1
            var tx = uniform(&rng, translate) * 2, ty = uniform(&rng, translate) * 2
            if cropOutput != nil {
                // A window of `side` input pixels covers side/inH of the input's [-1, 1] extent; its
                // centre may move by the rest, so the window stays inside the face.
                let lo = cropMinSide ?? h, hi = max(lo, cropMaxSide ?? lo)
                let side = Double(lo) + Double(rng.next() % UInt64(hi - lo + 1))
                let extent = min(1, side / Double(inH))
                s /= extent
                tx += uniform(&rng, 1 - extent)
                ty += uniform(&rng, 1 - extent)
            }
            // Output pixel → input location: rotate and scale about the centre, then flip.
            // input = R(angle) · diag(fx, fy) · output / s + t
            theta += [Float(fx * cos(angle) / s), Float(-fy * sin(angle) / s), Float(tx),
                      Float(fx * sin(angle) / s), Float(fy * cos(angle) / s), Float(ty)]
            gains.append(Float(1 + uniform(&rng, contrast)))
            offsets.append(Float(uniform(&rng, brightness)))
            var mask = [Float](repeating: 1, count: h * w)
            if chance(&rng, erase) {
                needsErase = true
                let eh = Int(Double(h) * (0.15 + 0.25 * abs(uniform(&rng, 1)))), ew = Int(Double(w) * (0.15 + 0.25 * abs(uniform(&rng, 1))))
                let y0 = Int(rng.next() % UInt64(max(1, h - eh))), x0 = Int(rng.next() % UInt64(max(1, w - ew)))
                for yy in y0..<(y0 + eh) { for xx in x0..<(x0 + ew) { mask[yy * w + xx] = 0 } }
            }
            eraseMask += mask
        }
        var y = x
        if degrade > 0 {
            // Each face keeps its pixels or takes one of four degraded versions of the batch (masks).
            var choice = [Int](repeating: -1, count: n)
            for i in 0..<n where chance(&rng, degrade) { choice[i] = Int(rng.next() % UInt64(Self.degradationChoices.count)) }
            if choice.contains(where: { $0 >= 0 }) {
                var mixed = try y * Tensor(choice.map { $0 < 0 ? Float(1) : 0 }, shape: [n, 1, 1, 1])
                for (kind, strengths) in Self.degradationChoices.enumerated() where choice.contains(kind) {
                    let degraded = try strengths[Int(rng.next() % UInt64(strengths.count))].apply(y)
                    mixed = try mixed + degraded * Tensor(choice.map { $0 == kind ? Float(1) : 0 }, shape: [n, 1, 1, 1])
                }
                y = mixed
            }
        }
        let geometric = rotationDegrees > 0 || scale > 0 || translate > 0 || horizontalFlip > 0 || verticalFlip > 0 || cropOutput != nil
        if geometric {
            let grid = try Functional.affineGrid(Tensor(theta, shape: [n, 2, 3]), size: [n, x.size(1), h, w])
            y = try Functional.gridSample(y, grid: grid, padding: .border)
        }
        if brightness > 0 || contrast > 0 {
            let g = try Tensor(gains, shape: [n, 1, 1, 1]), o = try Tensor(offsets, shape: [n, 1, 1, 1])
            let mean = try y.mean(dims: [1, 2, 3], keepDim: true)
            y = try ((y - mean) * g + mean + o).clamp(min: 0, max: 1)
        }
        if needsErase {
            y = try y * Tensor(eraseMask, shape: [n, 1, h, w])
        }
        return y
    }
}

extension FaceTensors {
    /// A random split (the study's 80/20 FER2013-selected protocol), reproducible from `seed`.
    public func split(validationFraction: Double, seed: UInt64) throws -> (train: FaceTensors, validation: FaceTensors) {
        var order = Array(0..<count)
        var rng = SplitMix64.derived(seed: seed, name: "fer2013-selected")
        rng.shuffle(&order)
        let nValid = Int((Double(count) * validationFraction).rounded())
        let valid = Array(order.prefix(nValid)).sorted(), train = Array(order.dropFirst(nValid)).sorted()
        func subset(_ idx: [Int]) throws -> FaceTensors {
            FaceTensors(images: try images.indexSelect(dim: 0, index: Tensor(idx.map(Int64.init))), targets: idx.map { targets[$0] },
                        labels: labels, skipped: skipped)
        }
        return (try subset(train), try subset(valid))
    }
}
