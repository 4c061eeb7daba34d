import Foundation
import Testing

@testable import Faces
import Media
import TakeSenseTestSupport

@Suite("Face tracking")
struct TrackerTests {
    func box(_ x: Double, _ y: Double, _ s: Double) -> FaceBox { FaceBox(x: x, y: y, width: s, height: s) }

    @Test func idsStayStableAcrossMotionAndMisses() {
        let tracker = FaceTracker()
        var ids: [[Int]] = []
        for k in 0..<20 {
            let t = Double(k) * 0.2
            var boxes = [box(100 + Double(k) * 6, 80, 120)]  // drifting right
            if k % 4 != 3 { boxes.append(box(500, 100 + Double(k) * 2, 60)) }  // missed every 4th frame
            ids.append(tracker.update(boxes, timestamp: t, frameIndex: k))
        }
        #expect(tracker.tracks.count == 2)
        #expect(ids.allSatisfy { $0[0] == 1 })
        #expect(ids.filter { $0.count == 2 }.allSatisfy { $0[1] == 2 })
        #expect(tracker.tracks[1].count == 15)
        #expect(tracker.mainTrack?.id == 1)
    }

    @Test func orderOfDetectionsDoesNotMatter() {
        let tracker = FaceTracker()
        tracker.update([box(0, 0, 100), box(400, 0, 100)], timestamp: 0, frameIndex: 0)
        let ids = tracker.update([box(405, 2, 98), box(3, 1, 102)], timestamp: 0.2, frameIndex: 1)
        #expect(ids == [2, 1])
    }

    @Test func fastMotionWithinHalfAFaceIsTheSameFace() {
        let tracker = FaceTracker()
        tracker.update([box(100, 100, 100)], timestamp: 0, frameIndex: 0)
        // IoU about 0.2 (moved 0.45 of a face), same size: still track 1.
        #expect(tracker.update([box(145, 100, 100)], timestamp: 0.2, frameIndex: 1) == [1])
        // A jump of a whole face is a new face.
        #expect(tracker.update([box(300, 100, 100)], timestamp: 0.4, frameIndex: 2) == [2])
    }

    @Test func sizeChangeBeyondTheRatioStartsANewTrack() {
        let tracker = FaceTracker()
        tracker.update([box(100, 100, 100)], timestamp: 0, frameIndex: 0)
        // Same centre, twice the size: a different face (e.g. someone stepping in front).
        #expect(tracker.update([box(50, 50, 200)], timestamp: 0.2, frameIndex: 1) == [2])
    }

    @Test func gapsLongerThanMaxGapEndATrack() {
        let tracker = FaceTracker(configuration: .init(maxGap: 1.0))
        tracker.update([box(100, 100, 100)], timestamp: 0, frameIndex: 0)
        #expect(tracker.update([box(100, 100, 100)], timestamp: 0.8, frameIndex: 4) == [1])
        #expect(tracker.update([box(100, 100, 100)], timestamp: 2.5, frameIndex: 12) == [2])
    }

    @Test func mainTrackIsMostPersistentThenLargest() {
        // A large face for 5 frames, a smaller one for 20: persistence wins.
        var tracker = FaceTracker()
        for k in 0..<20 {
            var boxes = [box(400, 100, 80)]
            if k < 5 { boxes.append(box(0, 0, 200)) }
            tracker.update(boxes, timestamp: Double(k) * 0.2, frameIndex: k)
        }
        #expect(tracker.mainTrack?.id == 2)  // the large face got id 1 (largest first), the persistent one 2
        #expect(tracker.otherTracks.map(\.id) == [1])
        // Two faces present all along (a dialogue): the larger is the main face.
        tracker = FaceTracker()
        for k in 0..<20 {
            let boxes = k == 7 ? [box(400, 100, 150)] : [box(0, 0, 100), box(400, 100, 150)]
            tracker.update(boxes, timestamp: Double(k) * 0.2, frameIndex: k)
        }
        #expect(tracker.mainTrack?.medianSize == 150)
        #expect(tracker.otherTracks.count == 1)
        // One-off detections are not counted as other faces.
        tracker = FaceTracker()
        for k in 0..<10 {
            let boxes = k == 4 ? [box(0, 0, 100), box(500, 300, 40)] : [box(0, 0, 100)]
            tracker.update(boxes, timestamp: Double(k) * 0.2, frameIndex: k)
        }
        #expect(tracker.tracks.count == 2)
        #expect(tracker.otherTracks.isEmpty)
        #expect(FaceTracker().mainTrack == nil)
    }

    /// A generated take: the (public-domain) astronaut's face drifting over a flat background for 4 s and
    /// a smaller, mirrored copy for the middle 1.2 s, sampled at 5 fps; with either detector.
    @Test(.enabled(if: FFmpegCLI.path != nil, "ffmpeg not found; skipping the generated-take test"),
          arguments: [FaceDetectors.Kind.haar, .mtcnn])
    func generatedVideo(kind: FaceDetectors.Kind) throws {
        let photo = Paths.fixtures.appendingPathComponent("mtcnn/frames/astronaut_256.png")
        let video = Paths.temporary("take-\(kind.rawValue).mp4")
        defer { try? FileManager.default.removeItem(at: video) }
        try FFmpegCLI.run([
            "-f", "lavfi", "-i", "color=c=0x506070:size=640x360:rate=25:duration=4",
            "-loop", "1", "-i", photo.path,
            "-filter_complex", "[1]crop=90:90:68:14,split[p][q];[p]scale=160:160[a];[q]hflip,scale=100:100[b];"
                + "[0][a]overlay=x='100+20*t':y=80[v];[v][b]overlay=x=470:y=200:enable='between(t,1.4,2.6)'",
            "-t", "4", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", video.path,
        ])
        let detector: any FaceDetecting = kind == .haar ? try HaarCascadeDetector() : try MTCNNDetector(weights: Paths.mtcnnWeights)
        let analyzer = TakeFaceAnalyzer(detector: detector, options: .init(sampling: 5, crop: FaceCropper(size: 48, margin: 0.2)))
        var frames = 0
        let result = try analyzer.analyze(video) { _ in frames += 1 }
        #expect(result.frames == 20 && frames == 20)
        #expect(result.frameWidth == 640 && result.nativeWidth == 640 && result.nativeScale == 1)
        let main = try #require(result.mainTrack)
        #expect(main.id == 1)
        #expect(main.count >= 18, "\(kind): main face seen in \(main.count) of 20 frames\n\(result.summary.text)")
        #expect(result.otherFaces == 1, "\(kind): \(result.summary.text)")
        #expect(result.maxFacesInFrame == 2)
        #expect(result.tracks.count == 2, "\(kind): \(result.summary.text)")
        #expect(result.mainCrops.count == main.count)
        #expect(result.mainCrops.allSatisfy { $0.picture.width == 48 && $0.picture.height == 48 && $0.picture.format == .gray })
        #expect(result.mainCrops.map(\.timestamp) == main.observations.map(\.timestamp))
        // The face drifts right by 20 px/s: the track's boxes follow it.
        let xs = main.observations.map(\.box.centerX)
        #expect(xs.last! - xs.first! > 40 && xs.last! - xs.first! < 110, "\(xs)")
    }
}
