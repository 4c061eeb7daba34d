import Foundation
import Media
import TensorFiles
import Torch

/// MTCNN (Zhang et al., 2016) on TakeSense's engine, a port of facenet-pytorch's `detect_face`: an
/// image pyramid (factor 0.709) through P-Net, non-maximum suppression within and across scales,
/// box regression and square-ing, then R-Net on 24x24 crops and O-Net on 48x48 crops (thresholds
/// 0.6, 0.7, 0.7), each followed by suppression and regression. Box arithmetic runs in float32 as in
/// facenet-pytorch, so boxes agree with it to a fraction of a pixel.
///
/// The picture is first shrunk so that its longest side is at most `detectionSize` (pixel-area
/// averaging); `minFaceSize` is in pixels of that shrunk picture. Gray pictures are replicated to RGB.
public final class MTCNNDetector: FaceDetecting {
    public struct Configuration: Sendable, Equatable {
        /// Smallest face side searched for, in pixels of the detection picture (facenet-pytorch: 20).
        public var minFaceSize: Double
        /// Face-probability thresholds of P-Net, R-Net and O-Net.
        public var thresholds: [Double]
        /// Pyramid scale step.
        public var factor: Double
        /// Longest side of the detection picture (pictures already smaller are used as they are); nil: native size.
        public var detectionSize: Int?

        public init(minFaceSize: Double = 40, thresholds: [Double] = [0.6, 0.7, 0.7], factor: Double = 0.709,
                    detectionSize: Int? = 640) {
            self.minFaceSize = minFaceSize
            self.thresholds = thresholds
            self.factor = factor
            self.detectionSize = detectionSize
        }

        /// facenet-pytorch's `MTCNN()` defaults on the full picture: minimum face 20 px, native size.
        public static let facenet = Configuration(minFaceSize: 20, detectionSize: nil)
    }

    public let name = "mtcnn"
    public var minimumFaceSize: Double { configuration.minFaceSize }
    public let networks: MTCNNNetworks
    public let configuration: Configuration

    /// Loads the three networks from `weights` (Models/mtcnn.safetensors: keys `pnet.*`, `rnet.*`, `onet.*`).
    /// - Throws: `MediaError` naming the weights file or the bad parameter.
    public convenience init(weights: URL, configuration: Configuration = .init()) throws {
        let networks = try MTCNNNetworks()
        guard FileManager.default.fileExists(atPath: weights.path) else { throw MediaError.fileNotFound(weights.path) }
        // A file that says it is another kind of model (the metadata contract) is refused by name.
        if let kind = (try? SafeTensorsFile(contentsOf: weights)).flatMap({ ModelMetadata($0.metadata).inferredKind }), kind != .faceDetector {
            throw MediaError.corrupt(weights.path, reason: "not MTCNN weights: its metadata says it is a \(kind.rawValue) model")
        }
        do {
            try networks.load(contentsOf: weights)
        } catch let error as TorchError {
            throw MediaError.corrupt(weights.path, reason: "not MTCNN weights: \(Self.stripPath(error.message, weights.path))")
        } catch {
            throw MediaError.corrupt(weights.path, reason: "not MTCNN weights: \(Self.stripPath("\(error)", weights.path))")
        }
        try self.init(networks: networks, configuration: configuration, name: weights.path)
    }

    /// Uses networks already loaded.
    public init(networks: MTCNNNetworks, configuration: Configuration = .init(), name: String = "mtcnn") throws {
        guard configuration.minFaceSize >= 1, configuration.minFaceSize.isFinite else {
            throw MediaError.invalidArgument(name, reason: "minimum face size must be at least 1 pixel, got \(configuration.minFaceSize)")
        }
        guard configuration.thresholds.count == 3, configuration.thresholds.allSatisfy({ (0..<1).contains($0) }) else {
            throw MediaError.invalidArgument(name, reason: "expected three thresholds in [0, 1), got \(configuration.thresholds)")
        }
        guard configuration.factor > 0.1, configuration.factor < 1 else {
            throw MediaError.invalidArgument(name, reason: "pyramid factor must be in (0.1, 1), got \(configuration.factor)")
        }
        if let d = configuration.detectionSize, d < 12 {
            throw MediaError.invalidArgument(name, reason: "detection size must be at least 12 pixels, got \(d)")
        }
        self.networks = networks.eval()
        self.configuration = configuration
    }

    private static func stripPath(_ message: String, _ path: String) -> String {
        message.hasPrefix(path + ": ") ? String(message.dropFirst(path.count + 2)) : message
    }

    public func detect(in picture: PixelBuffer) throws -> [FaceBox] {
        let (small, scale) = try picture.fitting(maxDimension: configuration.detectionSize ?? 0)
        let boxes = try detectNative(small)
        return largestFirst(scale == 1 ? boxes : boxes.map { $0.scaled(by: scale) })
    }

    /// Between full detections (tracking): MTCNN's last stage alone on the tracked box, as MTCNN-based
    /// trackers do: the box made square, its 48x48 crop through O-Net, kept if the face probability
    /// passes the third threshold, refined by O-Net's regression. One O-Net pass instead of the pyramid.
    public func detect(in picture: PixelBuffer, near box: FaceBox) throws -> [FaceBox] {
        guard box.width > 0, box.height > 0, box.x.isFinite, box.y.isFinite else { return [] }
        let c = Self.square(Candidate(x1: Float(box.x), y1: Float(box.y), x2: Float(box.maxX), y2: Float(box.maxY), score: Float(box.score)))
        return try Torch.noGrad {
            let (kept, crops) = try Self.crops(picture, [c], size: 48)
            guard let k = kept.first else { return [] }
            let (reg, marks, probs) = try networks.onet(crops)
            let r = try reg.floats(), l = try marks.floats(), p = try probs.floats()
            guard p[1] > Float(configuration.thresholds[2]) else { return [] }
            let wi = k.x2 - k.x1 + 1, hi = k.y2 - k.y1 + 1
            let points = (0..<5).map { j in FacePoint(x: Double(wi * l[j] + k.x1 - 1), y: Double(hi * l[5 + j] + k.y1 - 1)) }
            let refined = Self.regress(Candidate(x1: k.x1, y1: k.y1, x2: k.x2, y2: k.y2, score: p[1], reg: (r[0], r[1], r[2], r[3])))
            return [FaceBox(x1: Double(refined.x1), y1: Double(refined.y1), x2: Double(refined.x2), y2: Double(refined.y2),
                            score: Double(refined.score), landmarks: points)]
        }
    }

    /// The full pipeline on `picture` as it is (no shrinking), in facenet-pytorch's order.
    public func detectNative(_ picture: PixelBuffer) throws -> [FaceBox] {
        try Torch.noGrad { try run(picture.rgb()) }
    }

    // MARK: Pipeline

    /// A candidate: corners, score and (until consumed) the regression offsets, all float32 as in facenet-pytorch.
    struct Candidate {
        var x1: Float, y1: Float, x2: Float, y2: Float, score: Float
        var reg: (Float, Float, Float, Float) = (0, 0, 0, 0)
    }

    private func run(_ rgb: PixelBuffer) throws -> [FaceBox] {
        let h = rgb.height, w = rgb.width
        let t = configuration.thresholds
        // (1, H, W, 3) uint8 → (1, 3, H, W) float32 (channels-last strides, as facenet-pytorch's permute).
        let image = try Tensor(rgb.pixels, shape: [1, h, w, 3]).permute([0, 3, 1, 2]).to(.float32)

        // Stage 1: the pyramid through P-Net.
        let m = 12.0 / configuration.minFaceSize
        var minl = Double(min(h, w)) * m
        var scales: [Double] = []
        var s = m
        while minl >= 12 {
            scales.append(s)
            s *= configuration.factor
            minl *= configuration.factor
        }
        var candidates: [Candidate] = []
        for scale in scales {
            let hs = Int(Double(h) * scale + 1), ws = Int(Double(w) * scale + 1)
            let data = try (Functional.adaptiveAvgPool2d(image, outputSize: (hs, ws)) - 127.5) * 0.0078125
            let (reg, probs) = try networks.pnet(data)
            let found = try generateBoxes(regression: reg, probabilities: probs, scale: scale, threshold: t[0])
            candidates += Self.nms(found, threshold: 0.5, mode: .union).map { found[$0] }
        }
        candidates = Self.nms(candidates, threshold: 0.7, mode: .union).map { candidates[$0] }
        candidates = candidates.map { c in
            let rw = c.x2 - c.x1, rh = c.y2 - c.y1
            return Candidate(x1: c.x1 + c.reg.0 * rw, y1: c.y1 + c.reg.1 * rh, x2: c.x2 + c.reg.2 * rw,
                             y2: c.y2 + c.reg.3 * rh, score: c.score)
        }
        candidates = candidates.map(Self.square)

        // Stage 2: R-Net on 24x24 crops.
        if !candidates.isEmpty {
            let (kept, crops) = try Self.crops(rgb, candidates, size: 24)
            candidates = kept
            if !candidates.isEmpty {
                let (reg, probs) = try networks.rnet(crops)
                let r = try reg.floats(), p = try probs.floats()
                var passed: [Candidate] = []
                for (i, c) in candidates.enumerated() where p[2 * i + 1] > Float(t[1]) {
                    passed.append(Candidate(x1: c.x1, y1: c.y1, x2: c.x2, y2: c.y2, score: p[2 * i + 1],
                                            reg: (r[4 * i], r[4 * i + 1], r[4 * i + 2], r[4 * i + 3])))
                }
                candidates = Self.nms(passed, threshold: 0.7, mode: .union).map { passed[$0] }
                candidates = candidates.map(Self.regress).map(Self.square)
            }
        }

        // Stage 3: O-Net on 48x48 crops, with landmarks.
        var results: [(Candidate, [FacePoint])] = []
        if !candidates.isEmpty {
            let (kept, crops) = try Self.crops(rgb, candidates, size: 48)
            if !kept.isEmpty {
                let (reg, marks, probs) = try networks.onet(crops)
                let r = try reg.floats(), l = try marks.floats(), p = try probs.floats()
                var passed: [Candidate] = []
                var points: [[FacePoint]] = []
                for (i, c) in kept.enumerated() where p[2 * i + 1] > Float(t[2]) {
                    let wi = c.x2 - c.x1 + 1, hi = c.y2 - c.y1 + 1
                    points.append((0..<5).map { k in
                        FacePoint(x: Double(wi * l[10 * i + k] + c.x1 - 1), y: Double(hi * l[10 * i + 5 + k] + c.y1 - 1))
                    })
                    passed.append(Self.regress(Candidate(x1: c.x1, y1: c.y1, x2: c.x2, y2: c.y2, score: p[2 * i + 1],
                                                         reg: (r[4 * i], r[4 * i + 1], r[4 * i + 2], r[4 * i + 3]))))
                }
                results = Self.nms(passed, threshold: 0.7, mode: .minimum).map { (passed[$0], points[$0]) }
            }
        }
        return results.map { c, points in
            FaceBox(x1: Double(c.x1), y1: Double(c.y1), x2: Double(c.x2), y2: Double(c.y2), score: Double(c.score), landmarks: points)
        }
    }

    /// facenet-pytorch's generateBoundingBox: cells whose face probability is ≥ `threshold`, mapped back
    /// to the picture (stride 2, cell 12), in row-major order.
    private func generateBoxes(regression reg: Tensor, probabilities probs: Tensor, scale: Double, threshold: Double) throws -> [Candidate] {
        let ph = probs.size(2), pw = probs.size(3)
        let p = try probs.select(dim: 1, index: 1).floats()  // (1, H', W')
        let thr = Float(threshold)
        var cells: [(Int, Int, Float)] = []
        for y in 0..<ph {
            for x in 0..<pw where p[y * pw + x] >= thr { cells.append((x, y, p[y * pw + x])) }
        }
        guard !cells.isEmpty else { return [] }
        let r = try reg.floats()  // (1, 4, H', W')
        let plane = ph * pw
        // q1 = floor((2 * (x, y) + 1) / scale), q2 = floor((2 * (x, y) + 12) / scale), in float32 through libtorch.
        let bb = try Tensor(cells.flatMap { [Float($0.0), Float($0.1)] }, shape: [cells.count, 2])
        let q1 = try ((bb * 2 + 1) / scale).floor().floats()
        let q2 = try ((bb * 2 + 12) / scale).floor().floats()
        return cells.enumerated().map { i, cell in
            let o = cell.1 * pw + cell.0
            return Candidate(x1: q1[2 * i], y1: q1[2 * i + 1], x2: q2[2 * i], y2: q2[2 * i + 1], score: cell.2,
                             reg: (r[o], r[plane + o], r[2 * plane + o], r[3 * plane + o]))
        }
    }

    /// facenet-pytorch's bbreg: offsets scaled by the box size + 1.
    static func regress(_ c: Candidate) -> Candidate {
        let w = c.x2 - c.x1 + 1, h = c.y2 - c.y1 + 1
        return Candidate(x1: c.x1 + c.reg.0 * w, y1: c.y1 + c.reg.1 * h, x2: c.x2 + c.reg.2 * w, y2: c.y2 + c.reg.3 * h,
                         score: c.score)
    }

    /// facenet-pytorch's rerec: the square with side max(w, h) on the same centre.
    static func square(_ c: Candidate) -> Candidate {
        let h = c.y2 - c.y1, w = c.x2 - c.x1
        let l = max(w, h)
        let x1 = c.x1 + w * 0.5 - l * 0.5, y1 = c.y1 + h * 0.5 - l * 0.5
        return Candidate(x1: x1, y1: y1, x2: x1 + l, y2: y1 + l, score: c.score, reg: c.reg)
    }

    /// Crops of the candidates (clipped to the picture as facenet-pytorch's pad), resized by area
    /// averaging (adaptive average pooling, as F.interpolate(mode="area")) to size x size and normalised
    /// ((x - 127.5) / 128), as one (N, 3, size, size) tensor; candidates whose clipped box is empty are
    /// dropped. Computed here rather than with one libtorch call per crop: pixels are integers, so the
    /// window sums are exact and the result equals libtorch's (sum / kh / kw in float32).
    static func crops(_ picture: PixelBuffer, _ candidates: [Candidate], size: Int) throws -> ([Candidate], Tensor) {
        let w = picture.width, h = picture.height
        let gray = picture.format == .gray
        var kept: [Candidate] = []
        var data: [Float] = []
        data.reserveCapacity(candidates.count * 3 * size * size)
        picture.pixels.withUnsafeBufferPointer { px in
            for c in candidates {
                let x = max(1, Int(c.x1.rounded(.towardZero))), y = max(1, Int(c.y1.rounded(.towardZero)))
                let ex = min(w, Int(c.x2.rounded(.towardZero))), ey = min(h, Int(c.y2.rounded(.towardZero)))
                guard ey > y - 1, ex > x - 1 else { continue }
                let cw = ex - x + 1, ch = ey - y + 1  // rows y-1..<ey, columns x-1..<ex
                let base = data.count
                data.append(contentsOf: repeatElement(0, count: 3 * size * size))
                for oy in 0..<size {
                    let r0 = (oy * ch) / size, r1 = ((oy + 1) * ch + size - 1) / size
                    for ox in 0..<size {
                        let c0 = (ox * cw) / size, c1 = ((ox + 1) * cw + size - 1) / size
                        var sum = (0, 0, 0)
                        if gray {
                            for r in r0..<r1 {
                                var o = (y - 1 + r) * w + (x - 1 + c0)
                                for _ in c0..<c1 {
                                    sum.0 += Int(px[o])
                                    o += 1
                                }
                            }
                            sum.1 = sum.0
                            sum.2 = sum.0
                        } else {
                            for r in r0..<r1 {
                                var o = ((y - 1 + r) * w + (x - 1 + c0)) * 3
                                for _ in c0..<c1 {
                                    sum.0 += Int(px[o])
                                    sum.1 += Int(px[o + 1])
                                    sum.2 += Int(px[o + 2])
                                    o += 3
                                }
                            }
                        }
                        let kh = Float(r1 - r0), kw = Float(c1 - c0)
                        let plane = size * size, at = base + oy * size + ox
                        data[at] = (Float(sum.0) / kh / kw - 127.5) * 0.0078125
                        data[at + plane] = (Float(sum.1) / kh / kw - 127.5) * 0.0078125
                        data[at + 2 * plane] = (Float(sum.2) / kh / kw - 127.5) * 0.0078125
                    }
                }
                kept.append(c)
            }
        }
        return (kept, try Tensor(data, shape: [kept.count, 3, size, size]))
    }

    enum Overlap { case union, minimum }

    /// Greedy non-maximum suppression, highest score first; returns kept indices in that order.
    /// `.union`: torchvision's nms (areas w·h, suppress IoU > threshold); `.minimum`: facenet-pytorch's
    /// numpy "Min" (areas (w+1)·(h+1), suppress intersection / smaller area > threshold).
    static func nms(_ boxes: [Candidate], threshold: Float, mode: Overlap) -> [Int] {
        guard !boxes.isEmpty else { return [] }
        let order = boxes.indices.sorted { boxes[$0].score != boxes[$1].score ? boxes[$0].score > boxes[$1].score : $0 < $1 }
        let plus: Float = mode == .minimum ? 1 : 0
        let areas = boxes.map { ($0.x2 - $0.x1 + plus) * ($0.y2 - $0.y1 + plus) }
        var suppressed = [Bool](repeating: false, count: boxes.count)
        var keep: [Int] = []
        for (n, i) in order.enumerated() where !suppressed[i] {
            keep.append(i)
            let a = boxes[i]
            for j in order[(n + 1)...] where !suppressed[j] {
                let b = boxes[j]
                let iw = max(0, min(a.x2, b.x2) - max(a.x1, b.x1) + plus)
                let ih = max(0, min(a.y2, b.y2) - max(a.y1, b.y1) + plus)
                let inter = iw * ih
                let o = mode == .minimum ? inter / min(areas[i], areas[j]) : inter / (areas[i] + areas[j] - inter)
                if o > threshold { suppressed[j] = true }
            }
        }
        return keep
    }
}
