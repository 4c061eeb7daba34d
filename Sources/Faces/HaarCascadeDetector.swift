import COpenCV
import Foundation
import Media

/// OpenCV's Viola–Jones Haar cascade (`haarcascade_frontalface_default.xml`), the detector the study
/// used: the picture is turned gray and shrunk so that its longest side is at most `detectionSize`,
/// then `detectMultiScale(scaleFactor: 1.1, minNeighbors: 5, minSize: 40)` runs on it and the boxes
/// are scaled back to the picture's coordinates.
public final class HaarCascadeDetector: FaceDetecting {
    /// Where Debian's `opencv-data` installs the cascades.
    public static let defaultCascade = URL(fileURLWithPath: "/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml")

    public struct Configuration: Sendable, Equatable {
        /// Pyramid step between scales.
        public var scaleFactor: Double
        /// Raw detections that must overlap for a face to be kept (higher: fewer false positives).
        public var minNeighbors: Int
        /// Smallest face side, in pixels of the shrunk detection picture.
        public var minFaceSize: Int
        /// Longest side of the detection picture (pictures already smaller are used as they are); nil: native size.
        public var detectionSize: Int?
        /// Equalise the histogram first (OpenCV's face-detection sample does; the study did not).
        public var equalizeHistogram: Bool

        public init(scaleFactor: Double = 1.1, minNeighbors: Int = 5, minFaceSize: Int = 40, detectionSize: Int? = 640,
                    equalizeHistogram: Bool = false) {
            self.scaleFactor = scaleFactor
            self.minNeighbors = minNeighbors
            self.minFaceSize = minFaceSize
            self.detectionSize = detectionSize
            self.equalizeHistogram = equalizeHistogram
        }
    }

    public let name = "haar"
    public var minimumFaceSize: Double { Double(configuration.minFaceSize) }
    public let configuration: Configuration
    public let cascadeURL: URL
    private let cascade: cv_cascade

    /// Loads the cascade.
    /// - Throws: `MediaError` naming the cascade file (missing, not a cascade) or the bad parameter.
    public init(cascade url: URL = HaarCascadeDetector.defaultCascade, configuration: Configuration = .init()) throws {
        let path = url.path
        guard configuration.scaleFactor > 1, configuration.scaleFactor.isFinite else {
            throw MediaError.invalidArgument(path, reason: "scale factor must be greater than 1, got \(configuration.scaleFactor)")
        }
        guard configuration.minNeighbors >= 0 else {
            throw MediaError.invalidArgument(path, reason: "minNeighbors must not be negative, got \(configuration.minNeighbors)")
        }
        guard configuration.minFaceSize > 0 else {
            throw MediaError.invalidArgument(path, reason: "minimum face size must be positive, got \(configuration.minFaceSize)")
        }
        if let d = configuration.detectionSize, d < 24 {
            throw MediaError.invalidArgument(path, reason: "detection size must be at least 24 pixels, got \(d)")
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw MediaError.fileNotFound(path)
        }
        guard !isDirectory.boolValue else { throw MediaError.unreadable(path, reason: "is a directory") }
        guard let handle = cv_cascade_load(path) else {
            throw MediaError.corrupt(path, reason: "not a Haar cascade OpenCV can load: \(OpenCV.lastError)")
        }
        cascade = handle
        cascadeURL = url
        self.configuration = configuration
    }

    deinit { cv_cascade_free(cascade) }

    public func detect(in picture: PixelBuffer) throws -> [FaceBox] {
        let gray = picture.gray()
        let (small, scale) = try gray.fitting(maxDimension: configuration.detectionSize ?? 0)
        let c = configuration
        var capacity = 64
        while true {
            var rects = [Int32](repeating: 0, count: 4 * capacity)
            var neighbours = [Int32](repeating: 0, count: capacity)
            let n = small.pixels.withUnsafeBufferPointer { px in
                cv_cascade_detect(cascade, px.baseAddress, Int32(small.width), Int32(small.height), Int32(small.width),
                                  c.scaleFactor, Int32(c.minNeighbors), Int32(c.minFaceSize), Int32(c.minFaceSize), 0, 0,
                                  c.equalizeHistogram ? 1 : 0, &rects, &neighbours, Int32(capacity))
            }
            guard n >= 0 else {
                throw MediaError.invalidArgument(cascadeURL.path, reason: "detection failed: \(OpenCV.lastError)")
            }
            if Int(n) > capacity {
                capacity = Int(n)
                continue
            }
            let boxes = (0..<Int(n)).map { i in
                FaceBox(x: Double(rects[4 * i]), y: Double(rects[4 * i + 1]), width: Double(rects[4 * i + 2]),
                        height: Double(rects[4 * i + 3]), score: Double(neighbours[i])).scaled(by: scale)
            }
            return largestFirst(boxes)
        }
    }
}
