import ArgumentParser
import Foundation
import TakeSenseBench

// `takesense bench faces` and `takesense bench media`: the face-detection and media-pipeline
// benchmarks recorded in BENCHMARKS.md.

struct FacesBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "faces",
        abstract: "Haar cascade vs MTCNN on FER2013 faces composed into frames: recall, false positives, speed.",
        discussion: FaceDetectionBenchmark.about
    )

    @OptionGroup var engine: EngineOptions
    @Option(help: "FER2013 image folders (default: shared/data/fer2013).") var data: String?
    @Option(help: "Frames with faces.") var faceFrames = 150
    @Option(help: "Frames without faces.") var emptyFrames = 60
    @Option(help: "Frames timed per size and detector.") var timedFrames = 20
    @Option var seed: UInt64 = 2013
    @Option(help: "Detection picture size (longest side).") var detectionSize = 640
    @Option(help: "Smallest face side in detection pixels.") var minFace = 40
    @Option(help: "MTCNN weights.") var mtcnnWeights: String?
    @Flag(help: "Only the speed table.") var timingOnly = false
    @Option(help: "OpenCV worker threads for the Haar cascade (default: OpenCV's own choice).") var opencvThreads: Int?

    func run() throws {
        try engine.apply()
        try oneLine {
            var bench = FaceDetectionBenchmark(fer2013: try SharedData.fer2013(data, repository: BundledModels.repository),
                                               mtcnnWeights: try BundledModels.mtcnn(mtcnnWeights))
            bench.faceFrames = faceFrames
            bench.emptyFrames = emptyFrames
            bench.timedFrames = timedFrames
            bench.seed = seed
            bench.detectionSize = detectionSize
            bench.minFace = minFace
            bench.timingOnly = timingOnly
            bench.opencvThreads = opencvThreads
            print(try bench.run().markdown)
        }
    }
}

struct MediaBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "media",
        abstract: "Face pipeline on a 1080p25 H.264 take (5 fps sampling, detection, tracking, crops) vs ffmpeg's full decode.",
        discussion: MediaBenchmark.about
    )

    @OptionGroup var engine: EngineOptions
    @OptionGroup var detection: DetectorOptions
    @Option(help: "An existing take (default: generate one).") var take: String?
    @Option(help: "FER2013 image folders, for the generated take's face.") var data: String?
    @Option(help: "Frames per second to sample.") var fps = 5.0
    @Option(help: "Alternating rounds.") var rounds = 3
    @Option(help: "Also run a take this many minutes long (0: skip).") var longMinutes = 10
    @Option(help: "Where generated takes go (default: a temporary folder, removed afterwards).") var workDir: String?
    @Option(help: "Face picture for the generated take (default: a frontal FER2013 validation face).") var face: String?
    @Flag(help: "Also time the frame reader alone.") var breakdown = false
    @Option(help: "Read frames shrunk to this longest side (0: native size); crops come from these frames.") var frameSize = 640
    @Option(help: "Seconds between whole-frame detections (0: every sampled frame); in between, only around tracked faces.")
    var fullDetectionInterval = 2.0

    func run() throws {
        try engine.apply()
        try oneLine {
            var bench = MediaBenchmark(detector: try detection.make(), detectorDescription: "\(detection.detector.rawValue) on \(detection.detectionSize) px")
            bench.take = take
            bench.face = { [face, data] in
                try face ?? (SharedData.fer2013(data, repository: BundledModels.repository) + "/validation/happy/PublicTest_10130075.jpg")
            }
            bench.fps = fps
            bench.rounds = rounds
            bench.longMinutes = longMinutes
            bench.workDir = workDir
            bench.breakdown = breakdown
            bench.frameSize = frameSize
            bench.fullDetectionInterval = fullDetectionInterval
            print(try bench.run { print($0) }.markdown)
        }
    }
}
