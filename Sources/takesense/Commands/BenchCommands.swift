import ArgumentParser
import FaceEmotion
import Foundation
import TakeSenseBench
import TakeSenseKit

// `takesense bench ...`: the benchmarks recorded in BENCHMARKS.md. Each command parses its options into the
// benchmark's settings (TakeSenseBench) and prints its Markdown table.

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks against reference implementations, run in the same session; prints ratios.",
        subcommands: [EngineBench.self, FacesBench.self, MediaBench.self, AnalyzeBench.self, CongruenceBench.self, FaceModelBench.self, BatchBench.self]
    )
}

struct EngineBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine",
        abstract: "ResNet34, a Whisper-tiny-shaped encoder and a CNN training step, against python3-torch.",
        discussion: EngineBenchmark.about
    )

    @OptionGroup var engine: EngineOptions
    @Option(help: "Python with Debian's python3-torch.") var python = "/usr/bin/python3"
    @Option(help: "The reference script.") var script = "Scripts/bench_engine.py"
    @Option(help: "Alternating rounds per row.") var rounds = 3
    @Flag(help: "Skip the Python reference (Swift timings only).") var swiftOnly = false
    @Option(help: "Only rows whose name contains this text (e.g. bf16, fernet).") var only: String?

    func run() throws {
        try engine.apply()
        print(try EngineBenchmark(python: swiftOnly ? nil : python, script: script, rounds: rounds, only: only).run().markdown)
    }
}

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
        let bench = FaceDetectionBenchmark(fer2013: try SharedData.fer2013(data, repository: BundledModels.repository),
                                           mtcnnWeights: try BundledModels.mtcnn(mtcnnWeights), faceFrames: faceFrames,
                                           emptyFrames: emptyFrames, timedFrames: timedFrames, seed: seed, detectionSize: detectionSize,
                                           minFace: minFace, timingOnly: timingOnly, opencvThreads: opencvThreads)
        print(try bench.run().markdown)
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
        let bench = MediaBenchmark(detector: try detection.configuration.makeDetector(),
                                   detectorDescription: "\(detection.detector.rawValue) on \(detection.detectionSize) px", take: take,
                                   face: { [face, data] in try face ?? SharedData.frontalFace(fer: data, repository: BundledModels.repository) },
                                   fps: fps, rounds: rounds, longMinutes: longMinutes, workDir: workDir, breakdown: breakdown, frameSize: frameSize,
                                   fullDetectionInterval: fullDetectionInterval)
        print(try bench.run { print($0) }.markdown)
    }
}

/// `takesense bench analyze`: the whole of `takesense analyze` against ffmpeg's decode of the same take.
struct AnalyzeBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "takesense analyze end to end on a 60 s 1080p25 take with a face and speech (H.264, HEVC, ProRes, DNxHR), vs `ffmpeg -i take -f null -`.",
        discussion: AnalyzeBenchmark.about
    )

    @OptionGroup var engine: EngineOptions
    @OptionGroup var detection: DetectorOptions
    @Option(help: "An existing take (default: generate one).") var take: String?
    @Option(help: "FER2013 image folders, for the generated take's face.") var data: String?
    @Option(help: "RAVDESS speech folder, for the generated take's voice (default: next to FER2013).") var ravdess: String?
    @Option(help: "Alternating rounds.") var rounds = 3
    @Option(help: "Also run a take this many minutes long (0: skip).") var longMinutes = 10
    @Option(help: "Where generated takes go (kept; reused when present).") var workDir = ".build-bench/analyze"
    @Option(help: "Codecs of the 60 s take, comma-separated: h264 (libx264 default GOP, with B-frames), hevc, prores (422), dnxhr (SQ).")
    var codecs = "h264,hevc,prores,dnxhr"

    func run() throws {
        try engine.apply()
        let bench = AnalyzeBenchmark(makeAnalyzer: { [detection] in
            try TakeSense.makeAnalyzer(detection.configuration).0
        }, detectorName: detection.detector.rawValue, take: take, sources: { [data, ravdess] in
            try SharedData.faceAndVoice(fer: data, ravdess: ravdess, repository: BundledModels.repository)
        }, rounds: rounds, longMinutes: longMinutes, workDir: workDir, codecs: codecs)
        print(try bench.run { print($0) }.markdown)
    }
}

/// `takesense bench congruence`: the calibration and evaluation benchmark of the verdict.
struct CongruenceBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "congruence",
        abstract: "Congruent and incongruent takes built from real faces and real voices: calibrates and evaluates the verdict.",
        discussion: CongruenceBenchmark.about
    )

    @Option(help: "FER2013 image folders (default: ../shared/data/fer2013).") var fer: String?
    @Option(help: "RAVDESS speech folder (default: ravdess/ beside the FER2013 folder).") var ravdess: String?
    @Option(help: "TESS folder (default: tess/ beside the FER2013 folder).") var tess: String?
    @Option(help: "RAVDESS actors of the calibration half.") var calibrationActors = "17,18"
    @Option(help: "RAVDESS actors of the evaluation half.") var evaluationActors = "19,20"
    @Option(help: "TESS speaker of the evaluation half (empty: none).") var tessSpeaker = "OAF"
    @Option(help: "TESS words per emotion in the evaluation half.") var tessWords = 6
    @Option(help: "Share of takes the calibrated abstention band must decide (on the calibration half).") var minCoverage = 0.85
    @Option(help: "Folder for takes and results (kept; takes already there are reused).") var workDir = ".build-bench/congruence"
    @Option var seed: UInt64 = 7
    @Flag(help: "Only build the takes and the manifest.") var generateOnly = false
    @Flag(help: "Analyse every take again even when analyses.json lists them.") var reanalyse = false
    @Option(help: "Write the summary as JSON here too.") var json: String?
    @Option(help: "Takes built (ffmpeg processes) and analysed (analyzers, each with its own models) at once.") var jobs = 3
    @OptionGroup var detection: DetectorOptions
    @OptionGroup var engine: EngineOptions

    func run() throws {
        try engine.apply()
        let repository = BundledModels.repository
        var bench = CongruenceBenchmark(makeAnalyzer: { [detection] in
            try TakeSense.makeAnalyzer(detection.configuration).0
        }, fer2013: try SharedData.fer2013(fer, repository: repository),
           ravdess: try SharedData.ravdess(ravdess, fer: fer, repository: repository), tess: tess)
        bench.calibrationActors = calibrationActors
        bench.evaluationActors = evaluationActors
        bench.tessSpeaker = tessSpeaker
        bench.tessWords = tessWords
        bench.minCoverage = minCoverage
        bench.workDir = workDir
        bench.seed = seed
        bench.generateOnly = generateOnly
        bench.reanalyse = reanalyse
        bench.json = json
        bench.jobs = jobs
        let report = try bench.run { print($0) }
        if !report.blocks.isEmpty { print(report.markdown) }
    }
}

/// `takesense bench face-model`: face-emotion inference speed (faces per second) on this machine.
struct FaceModelBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "face-model",
        abstract: "Faces per second of the face-emotion model at batch 1 and 32, against the study's ResNet34 at 224 px.",
        discussion: FaceModelBenchmark.about
    )

    @Option(help: "Face-emotion model (default: the bundled one).") var model: String?
    @OptionGroup var engine: EngineOptions

    func run() throws {
        try engine.apply()
        let shipped = try FaceClassifier(contentsOf: try BundledModels.face(model))
        let name = model == nil ? "\(shipped.architecture.description) (shipped)" : shipped.architecture.description
        print(try FaceModelBenchmark(model: shipped, name: name).run().markdown)
    }
}

/// `takesense bench batch`: throughput and memory of `batch` against one `analyze` process per take and against
/// `ffmpeg -i take -f null -` decoding (the benchmark is `BatchBenchmark` in TakeSenseBench).
struct BatchBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch",
        abstract: "Takes per hour and footage minutes per wall minute: batch vs one analyze per take vs ffmpeg decoding; peak memory over the batch.",
        discussion: BatchBenchmark.about
    )
    @Option(help: "Number of generated takes.") var takes = 20
    @Option(help: "Length of each take in seconds.") var seconds = 60.0
    @Option(help: "Frame size of the generated takes.") var size = "1920x1080"
    @Option(help: "Folder for the takes and stores (default: a new temporary folder).") var work: String?
    @Flag(help: "Also run the batch as two shard processes with one thread each (the parallelism choice).") var shards = false

    func run() throws {
        let bench = BatchBenchmark(
            executable: URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path,
            sample: SharedData.sampleTake(repository: BundledModels.repository), takes: takes, seconds: seconds, size: size, workDir: work,
            shards: shards
        )
        print(try bench.run { FileHandle.standardError.write(Data("bench batch: \($0)\n".utf8)) }.markdown)
    }
}
