import Foundation
import TakeSenseBench
import Testing

@testable import Faces
import Media

/// Both detectors on real faces: FER2013 faces composed into 640x360 frames at several sizes and
/// positions on plain, noisy and gradient backgrounds, and frames with no face at all.
@Suite("Face detectors on real faces")
struct DetectorTests {
    static let sides = [72, 110, 160, 230]

    /// Frames with one FER face each (several sizes, positions, backgrounds) and their ground truth.
    static func faceFrames() throws -> [(PixelBuffer, [FaceBox])] {
        let faces = try FERFaces.load(count: 8)
        var composer = SceneComposer(width: 640, height: 360, seed: 7)
        var out: [(PixelBuffer, [FaceBox])] = []
        for (i, face) in faces.enumerated() {
            let background = SceneComposer.Background.allCases[i % 3]
            let (frame, boxes) = try composer.compose(faces: [(face, sides[i % sides.count])], on: background)
            out.append((frame, boxes))
        }
        return out
    }

    static func emptyFrames() throws -> [PixelBuffer] {
        var composer = SceneComposer(width: 640, height: 360, seed: 11)
        return try SceneComposer.Background.allCases.flatMap { bg in
            try (0..<2).map { _ in try composer.compose(faces: [], on: bg).frame }
        }
    }

    func check(_ detector: any FaceDetecting, minFound: Int) throws {
        let frames = try Self.faceFrames()
        var found = 0, falsePositives = 0
        for (frame, truth) in frames {
            let boxes = try detector.detect(in: frame)
            let m = DetectionMatching.match(detections: boxes, truth: truth)
            found += m.found
            falsePositives += m.falsePositives
        }
        #expect(found >= minFound, "\(detector.name) found \(found) of \(frames.count) FER faces")
        #expect(falsePositives <= 1, "\(detector.name): \(falsePositives) false positives on face frames")
        for frame in try Self.emptyFrames() {
            let boxes = try detector.detect(in: frame)
            #expect(boxes.isEmpty, "\(detector.name) fired on an empty frame: \(boxes)")
        }
    }

    @Test(.enabled(if: Paths.fer2013 != nil, noFER)) func haarFindsFERFaces() throws {
        try Detectors.with { try check(Detectors.haar, minFound: 6) }
    }

    @Test(.enabled(if: Paths.fer2013 != nil, noFER)) func mtcnnFindsFERFaces() throws {
        try Detectors.with { try check(Detectors.mtcnn, minFound: 6) }
    }

    /// The committed public-domain photograph (no dataset needed).
    @Test func bothFindTheAstronaut() throws {
        let picture = PixelBuffer(try ImageDecoder.decode(Paths.fixtures.appendingPathComponent("mtcnn/frames/astronaut_256.png"), format: .rgb))
        let expected = FaceBox(x1: 90.6, y1: 31.6, x2: 133.9, y2: 86.1)
        let haar = try HaarCascadeDetector(configuration: .init(minFaceSize: 24))
        let mtcnn = try MTCNNDetector(networks: Detectors.mtcnn.networks, configuration: .init(minFaceSize: 20))
        for detector in [haar, mtcnn] as [any FaceDetecting] {
            let boxes = try detector.detect(in: picture)
            #expect(boxes.count == 1, "\(detector.name): \(boxes)")
            if let b = boxes.first { #expect(b.iou(expected) > 0.4, "\(detector.name): \(b)") }
        }
        // Gray input works too and gives the same face.
        let gray = try haar.detect(in: picture.gray())
        #expect(gray.count == 1)
    }

    @Test func boxesScaleBackFromTheDetectionPicture() throws {
        // Haar on a 4x enlarged copy with the default 640 px detection size finds the face at 4x.
        let picture = PixelBuffer(try ImageDecoder.decode(Paths.fixtures.appendingPathComponent("mtcnn/frames/astronaut_256.png"), format: .gray))
        let big = try picture.resized(width: 1024, height: 1024)
        let small = try HaarCascadeDetector(configuration: .init(minFaceSize: 24, detectionSize: nil)).detect(in: picture)
        let large = try HaarCascadeDetector(configuration: .init(minFaceSize: 24, detectionSize: 256)).detect(in: big)
        let a = try #require(small.first), b = try #require(large.first)
        #expect(b.iou(a.scaled(by: 4)) > 0.8, "\(b) vs \(a.scaled(by: 4))")
    }

    /// Between full detections the take pipeline searches only near tracked faces: a face that moved
    /// by a quarter of its size is found again, and an empty neighbourhood gives nothing.
    @Test(.enabled(if: Paths.fer2013 != nil, noFER)) func nearSearchFollowsAMovedFace() throws {
        let face = try FERFaces.load(count: 1, offset: 3)[0]
        var background = SceneComposer(width: 640, height: 360, seed: 5)
        var pixels = background.background(.gradient)
        func paste(at x0: Int, _ y0: Int, side: Int) throws -> PixelBuffer {
            var canvas = pixels
            let f = try face.resized(width: side, height: side)
            for y in 0..<side { for x in 0..<side { canvas[(y0 + y) * 640 + x0 + x] = f.pixels[y * side + x] } }
            return try PixelBuffer(width: 640, height: 360, format: .gray, pixels: canvas)
        }
        let before = try paste(at: 200, 100, side: 150), after = try paste(at: 237, 110, side: 150)
        let truth = FaceBox(x: 237, y: 110, width: 150, height: 150)
        try Detectors.with {
            for detector in [Detectors.haar, Detectors.mtcnn] as [any FaceDetecting] {
                let first = try #require(try detector.detect(in: before).first, "\(detector.name) found no face")
                let again = try detector.detect(in: after, near: first)
                #expect(again.count == 1, "\(detector.name): \(again)")
                if let b = again.first { #expect(b.iou(truth) > 0.4, "\(detector.name): \(b) vs \(truth)") }
                pixels = background.background(.plain)
                let empty = try PixelBuffer(width: 640, height: 360, format: .gray, pixels: pixels)
                #expect(try detector.detect(in: empty, near: first).isEmpty, "\(detector.name) found a face near an empty spot")
            }
        }
    }

    @Test func grayCropsEqualReplicatedRGB() throws {
        let picture = PixelBuffer(try ImageDecoder.decode(Paths.fixtures.appendingPathComponent("mtcnn/frames/astronaut_256.png"), format: .gray))
        let c = MTCNNDetector.Candidate(x1: 80.4, y1: 20.7, x2: 150.2, y2: 90.5, score: 1)
        let edge = MTCNNDetector.Candidate(x1: -10, y1: 200, x2: 60, y2: 270, score: 1)
        let (_, a) = try MTCNNDetector.crops(picture, [c, edge], size: 24)
        let (_, b) = try MTCNNDetector.crops(picture.rgb(), [c, edge], size: 24)
        #expect(a.shape == [2, 3, 24, 24])
        #expect(try a.floats() == b.floats())
    }

    @Test func matchingCountsFoundAndFalsePositives() {
        let truth = [FaceBox(x: 0, y: 0, width: 100, height: 100), FaceBox(x: 300, y: 0, width: 50, height: 50)]
        let detections = [FaceBox(x: 10, y: 5, width: 100, height: 100), FaceBox(x: 600, y: 300, width: 40, height: 40)]
        let m = DetectionMatching.match(detections: detections, truth: truth)
        #expect(m.found == 1)
        #expect(m.falsePositives == 1)
    }
}
