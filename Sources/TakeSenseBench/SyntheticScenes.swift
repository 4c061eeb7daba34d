import Faces
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

/// A take-like moving face for the congruence benchmark: a few still face pictures (e.g. FER2013 crops of
/// different people) shown in turn, each with small head motion (sway and roll), over a backdrop seen by a
/// camera that slowly pushes in and drifts, under changing light, encoded like a camera would (H.264).
/// Everything comes from a seed, so a benchmark rebuilds the same takes. The result is an ffmpeg filter graph
/// (inputs: 0 = backdrop, 1...n = the pictures looped as video), so the ffmpeg CLI renders and encodes the take.
public struct MovingFaceTake: Sendable, Equatable {
    public var width = 640
    public var height = 360
    public var fps = 25
    public var duration: Double
    /// Face side in pixels before the camera's zoom.
    public var side: Int
    /// Top-left of the face at the start (before sway).
    public var x: Int
    public var y: Int
    /// Sway amplitude in pixels (x, y) and periods in seconds: the head moving while speaking.
    public var swayX: Double, swayY: Double, swayPeriodX: Double, swayPeriodY: Double
    /// Head roll amplitude in radians and its period.
    public var roll: Double, rollPeriod: Double
    /// Drift of the face over the whole take, in pixels (the actor moving in frame).
    public var driftX: Double, driftY: Double
    /// Camera push-in: the zoom at the end of the take (1 = none).
    public var zoomEnd: Double
    /// Lighting: brightness swing (eq brightness units, −1...1) and period; contrast swing.
    public var brightness: Double, lightPeriod: Double, contrast: Double
    /// H.264 constant rate factor (higher = more compression).
    public var crf: Int
    public var phase: Double

    /// Seeded parameters for a take of `duration` seconds in a 640x360 frame.
    public init(duration: Double, composer: inout SceneComposer) {
        self.duration = duration
        side = composer.integer(in: 130...175)
        x = composer.integer(in: 150...(640 - 150 - side))
        y = composer.integer(in: 40...(360 - 40 - side))
        swayX = 3 + 6 * composer.uniform()
        swayY = 2 + 4 * composer.uniform()
        swayPeriodX = 1.6 + 2 * composer.uniform()
        swayPeriodY = 1.2 + 2 * composer.uniform()
        roll = 0.03 + 0.07 * composer.uniform()
        rollPeriod = 1.8 + 2 * composer.uniform()
        driftX = (composer.uniform() - 0.5) * 60
        driftY = (composer.uniform() - 0.5) * 30
        zoomEnd = 1 + 0.15 * composer.uniform()
        brightness = 0.04 + 0.10 * composer.uniform()
        lightPeriod = 1.5 + 3 * composer.uniform()
        contrast = 0.05 + 0.15 * composer.uniform()
        crf = composer.integer(in: 24...32)
        phase = 6.283 * composer.uniform()
    }

    /// The filter graph for `pictures` face pictures shown in equal turns; output label `[v]`.
    public func filterGraph(pictures: Int) -> String {
        precondition(pictures >= 1)
        func f(_ v: Double) -> String { String(format: "%.4f", v) }
        let frames = max(1, Int((duration * Double(fps)).rounded()))
        // The rotated picture is larger than the face (its diagonal): offset so the face's centre follows the path.
        let diag = Int((Double(side) * 2.0.squareRoot()).rounded(.up))
        let off = (diag - side) / 2
        var g = "[0]noise=alls=10:allf=t,format=rgba[bg0];"
        for i in 0..<pictures {
            g += "[\(i + 1)]scale=\(side):\(side):flags=bicubic,format=rgba,"
                + "rotate=a='\(f(roll))*sin(2*PI*t/\(f(rollPeriod))+\(f(phase)))':c=none:ow=\(diag):oh=\(diag)[f\(i)];"
        }
        let px = "\(x - off)+\(f(driftX))*t/\(f(duration))+\(f(swayX))*sin(2*PI*t/\(f(swayPeriodX))+\(f(phase)))"
        let py = "\(y - off)+\(f(driftY))*t/\(f(duration))+\(f(swayY))*sin(2*PI*t/\(f(swayPeriodY)))"
        for i in 0..<pictures {
            let a = duration * Double(i) / Double(pictures), b = duration * Double(i + 1) / Double(pictures)
            let enable = i == 0 ? "lt(t,\(f(b)))" : i == pictures - 1 ? "gte(t,\(f(a)))" : "between(t,\(f(a)),\(f(b)))"
            g += "[bg\(i)][f\(i)]overlay=x='\(px)':y='\(py)':enable='\(enable)'[bg\(i + 1)];"
        }
        // Camera: a slow push-in towards the centre, then the light swinging.
        g += "[bg\(pictures)]format=yuv420p,zoompan=z='1+\(f(zoomEnd - 1))*in/\(frames)':d=1:x='iw/2-(iw/zoom/2)':y='ih/2-(ih/zoom/2)'"
            + ":s=\(width)x\(height):fps=\(fps),"
            + "eq=brightness='\(f(brightness))*sin(2*PI*t/\(f(lightPeriod)))':contrast='1+\(f(contrast))*sin(2*PI*t/\(f(lightPeriod * 1.7)))':eval=frame,"
            + "format=yuv420p[v]"
        return g
    }

    /// The ffmpeg CLI arguments rendering the take from `pictures` and `audio` into `output` (H.264 + AAC).
    public func ffmpegArguments(pictures: [String], audio: String, output: String) -> [String] {
        var args = ["-f", "lavfi", "-i", "color=c=0x3a4250:s=\(width)x\(height):r=\(fps):d=\(String(format: "%.3f", duration))"]
        for p in pictures { args += ["-loop", "1", "-framerate", "\(fps)", "-t", String(format: "%.3f", duration), "-i", p] }
        args += ["-i", audio, "-filter_complex", filterGraph(pictures: pictures.count), "-map", "[v]", "-map", "\(pictures.count + 1):a",
                 "-c:v", "libx264", "-preset", "veryfast", "-crf", "\(crf)", "-c:a", "aac", "-b:a", "96k",
                 "-t", String(format: "%.3f", duration), output]
        return args
    }
}
