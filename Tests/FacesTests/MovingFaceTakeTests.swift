import Foundation
import TakeSenseBench
import Testing

@testable import Faces
import TakeSenseTestSupport

/// The congruence benchmark's take generator: a real face rendered by the ffmpeg CLI with head sway, roll,
/// drift, camera push-in and changing light is still found by MTCNN in nearly every frame, and moves.
@Suite struct MovingFaceTakeTests {
    @Test("Seeded parameters are reproducible and within their ranges")
    func seeded() {
        var a = SceneComposer(width: 2, height: 2, seed: 3), b = SceneComposer(width: 2, height: 2, seed: 3)
        let x = MovingFaceTake(duration: 3, composer: &a), y = MovingFaceTake(duration: 3, composer: &b)
        #expect(x == y)
        #expect((130...175).contains(x.side) && x.x >= 150 && x.x + x.side <= 490 && (24...32).contains(x.crf))
        #expect(x.zoomEnd >= 1 && x.zoomEnd <= 1.15 && x.roll <= 0.1)
        let graph = x.filterGraph(pictures: 3)
        #expect(graph.contains("rotate=") && graph.contains("zoompan=") && graph.contains("eq=brightness=") && graph.hasSuffix("[v]"))
        #expect(graph.components(separatedBy: "overlay=").count - 1 == 3)
    }

    @Test(.enabled(if: FFmpegCLI.path != nil, "ffmpeg not found; skipping the rendered-take test"))
    func rendered() throws {
        let photo = Paths.fixtures.appendingPathComponent("mtcnn/frames/astronaut_256.png")
        let face = Paths.temporary("moving-face.png"), audio = Paths.temporary("moving-tone.wav"), video = Paths.temporary("moving-take.mp4")
        defer { for u in [face, audio, video] { try? FileManager.default.removeItem(at: u) } }
        try FFmpegCLI.run(["-i", photo.path, "-vf", "crop=110:110:58:8,format=gray", face.path])
        try FFmpegCLI.run(["-f", "lavfi", "-i", "sine=frequency=220:duration=3", "-ar", "16000", audio.path])
        var composer = SceneComposer(width: 2, height: 2, seed: 11)
        var motion = MovingFaceTake(duration: 3, composer: &composer)
        motion.zoomEnd = 1.12
        try FFmpegCLI.run(motion.ffmpegArguments(pictures: [face.path, face.path, face.path], audio: audio.path, output: video.path))

        let analyzer = TakeFaceAnalyzer(
            detector: try MTCNNDetector(weights: Paths.mtcnnWeights), options: .init(sampling: 5, crop: FaceCropper(size: 48, margin: 0.2)))
        let result = try analyzer.analyze(video) { _ in }
        #expect(result.frames == 15 && result.frameWidth == 640)
        let main = try #require(result.mainTrack)
        #expect(main.count >= 13, "main face seen in \(main.count) of 15 frames")
        // It moves (sway and drift) and grows (the push-in).
        let xs = main.observations.map(\.box.centerX), ws = main.observations.map(\.box.width)
        #expect(xs.max()! - xs.min()! > 3, "\(xs)")
        #expect(ws.last! / ws.first! > 1.04, "\(ws)")
    }
}
