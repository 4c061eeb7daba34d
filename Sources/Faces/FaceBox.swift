import Foundation

/// A point in picture coordinates.
public struct FacePoint: Sendable, Equatable, Codable {
    public var x: Double
    public var y: Double
    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}

/// A detected face: an axis-aligned box in the pixel coordinates of the picture given to the detector
/// (x to the right, y down, (x, y) the top-left corner), a confidence and, for MTCNN, five landmarks
/// (left eye, right eye, nose, left and right mouth corners).
public struct FaceBox: Sendable, Equatable, Codable, CustomStringConvertible {
    public var x: Double
    public var y: Double
    public var width: Double
    public var height: Double
    /// The detector's confidence: MTCNN's O-Net face probability; for the Haar cascade, the number of
    /// neighbouring raw detections merged into this one.
    public var score: Double
    public var landmarks: [FacePoint]?

    public init(x: Double, y: Double, width: Double, height: Double, score: Double = 1, landmarks: [FacePoint]? = nil) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
        self.score = score
        self.landmarks = landmarks
    }

    /// From corners (x1, y1, x2, y2).
    public init(x1: Double, y1: Double, x2: Double, y2: Double, score: Double = 1, landmarks: [FacePoint]? = nil) {
        self.init(x: x1, y: y1, width: x2 - x1, height: y2 - y1, score: score, landmarks: landmarks)
    }

    public var maxX: Double { x + width }
    public var maxY: Double { y + height }
    public var centerX: Double { x + width / 2 }
    public var centerY: Double { y + height / 2 }
    public var area: Double { max(0, width) * max(0, height) }
    /// The geometric mean of width and height.
    public var size: Double { (max(0, width) * max(0, height)).squareRoot() }

    /// Intersection over union with `other` (0 when either box is empty).
    public func iou(_ other: FaceBox) -> Double {
        let w = min(maxX, other.maxX) - max(x, other.x)
        let h = min(maxY, other.maxY) - max(y, other.y)
        guard w > 0, h > 0 else { return 0 }
        let inter = w * h
        let union = area + other.area - inter
        return union > 0 ? inter / union : 0
    }

    /// The box (and landmarks) with every coordinate multiplied by `factor`.
    public func scaled(by factor: Double) -> FaceBox {
        FaceBox(x: x * factor, y: y * factor, width: width * factor, height: height * factor, score: score,
                landmarks: landmarks?.map { FacePoint(x: $0.x * factor, y: $0.y * factor) })
    }

    public var description: String {
        String(format: "(%.1f, %.1f, %.1fx%.1f, score %.3f)", x, y, width, height, score)
    }
}
