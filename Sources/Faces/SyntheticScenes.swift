import Foundation
import Media

/// Test and benchmark frames: real face pictures (e.g. FER2013's 48x48 crops) composed into larger
/// frames at chosen sizes and positions on plain, noisy or gradient backgrounds, with the pasted
/// regions as ground truth. Deterministic for a given seed.
public struct SceneComposer: Sendable {
    public enum Background: String, Sendable, CaseIterable, Codable {
        /// One gray level.
        case plain
        /// A gray level with Gaussian-like pixel noise (σ ≈ 20).
        case noisy
        /// A smooth diagonal gradient.
        case gradient
        /// Clutter: 40 random rectangles and discs of random gray levels over a noisy background, whose
        /// edges and corners provoke false detections.
        case clutter
    }

    public let width: Int
    public let height: Int
    private var rng: SplitMix64

    public init(width: Int, height: Int, seed: UInt64) {
        self.width = width
        self.height = height
        rng = SplitMix64(seed: seed)
    }

    /// A uniform random number in [0, 1).
    public mutating func uniform() -> Double { Double(rng.next() >> 11) / Double(1 << 53) }

    /// A random integer in `range`.
    public mutating func integer(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(rng.next() % UInt64(range.count))
    }

    /// A gray background.
    public mutating func background(_ kind: Background) -> [UInt8] {
        let level = 40 + integer(in: 0...170)
        switch kind {
        case .plain:
            return [UInt8](repeating: UInt8(level), count: width * height)
        case .noisy:
            var out = [UInt8](repeating: 0, count: width * height)
            for i in out.indices {
                // Sum of four uniforms: roughly Gaussian, σ ≈ 20.
                let u = (uniform() + uniform() + uniform() + uniform() - 2) * 40
                out[i] = UInt8(clamping: Int((Double(level) + u).rounded()))
            }
            return out
        case .clutter:
            var out = [UInt8](repeating: UInt8(level), count: width * height)
            for _ in 0..<40 {
                let value = UInt8(integer(in: 0...255))
                let w = integer(in: 8...max(8, width / 4)), h = integer(in: 8...max(8, height / 4))
                let x0 = integer(in: 0...(width - 1)), y0 = integer(in: 0...(height - 1))
                let disc = integer(in: 0...1) == 1
                for y in y0..<min(height, y0 + h) {
                    for x in x0..<min(width, x0 + w) {
                        if disc {
                            let dx = (Double(x - x0) + 0.5) / Double(w) - 0.5, dy = (Double(y - y0) + 0.5) / Double(h) - 0.5
                            if dx * dx + dy * dy > 0.25 { continue }
                        }
                        out[y * width + x] = value
                    }
                }
            }
            for i in out.indices {
                out[i] = UInt8(clamping: Int(out[i]) + Int(((uniform() + uniform() - 1) * 16).rounded()))
            }
            return out
        case .gradient:
            let other = 40 + integer(in: 0...170)
            var out = [UInt8](repeating: 0, count: width * height)
            let span = Double(width + height)
            for y in 0..<height {
                for x in 0..<width {
                    let t = Double(x + y) / span
                    out[y * width + x] = UInt8(clamping: Int(Double(level) * (1 - t) + Double(other) * t))
                }
            }
            return out
        }
    }

    /// Composes `faces` (gray pictures) at the given sides into a frame: each is resized (bilinear)
    /// to `side` x `side` and pasted at a random position that does not overlap the others (a face
    /// that does not fit is left out). Returns the frame and the pasted boxes.
    public mutating func compose(faces: [(picture: PixelBuffer, side: Int)], on background: Background) throws -> (frame: PixelBuffer, boxes: [FaceBox]) {
        var canvas = self.background(background)
        var boxes: [FaceBox] = []
        for (picture, side) in faces {
            guard side >= 8, side < width, side < height else { continue }
            var placed: FaceBox?
            for _ in 0..<50 {
                let x = integer(in: 0...(width - side)), y = integer(in: 0...(height - side))
                let candidate = FaceBox(x: Double(x), y: Double(y), width: Double(side), height: Double(side))
                let spaced = boxes.allSatisfy { b in
                    candidate.maxX + 8 < b.x || b.maxX + 8 < candidate.x || candidate.maxY + 8 < b.y || b.maxY + 8 < candidate.y
                }
                if spaced {
                    placed = candidate
                    break
                }
            }
            guard let box = placed else { continue }
            let face = try picture.gray().resized(width: side, height: side)
            let x0 = Int(box.x), y0 = Int(box.y)
            for y in 0..<side {
                for x in 0..<side { canvas[(y0 + y) * width + x0 + x] = face.pixels[y * side + x] }
            }
            boxes.append(box)
        }
        return (try PixelBuffer(width: width, height: height, format: .gray, pixels: canvas), boxes)
    }
}

/// SplitMix64: a small, fast, seedable generator (Steele, Lea and Flood, 2014).
struct SplitMix64: Sendable {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Matching detections to ground truth for recall and false positives.
public enum DetectionMatching {
    /// Greedy one-to-one matching by IoU (at least `minIoU`): (ground-truth boxes found, detections
    /// that match no ground truth).
    public static func match(detections: [FaceBox], truth: [FaceBox], minIoU: Double = 0.3) -> (found: Int, falsePositives: Int) {
        var pairs: [(Double, Int, Int)] = []
        for (i, d) in detections.enumerated() {
            for (j, t) in truth.enumerated() {
                let iou = d.iou(t)
                if iou >= minIoU { pairs.append((iou, i, j)) }
            }
        }
        pairs.sort { $0.0 > $1.0 }
        var usedD = Set<Int>(), usedT = Set<Int>()
        for (_, i, j) in pairs where !usedD.contains(i) && !usedT.contains(j) {
            usedD.insert(i)
            usedT.insert(j)
        }
        return (usedT.count, detections.count - usedD.count)
    }
}
