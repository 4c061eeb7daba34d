import ArgumentParser
import Datasets
import Director
import FaceEmotion
import Faces
import Foundation
import Media
import Reports
import SceneAnalysis
import TakeSenseKit
import Torch
import Training
import VoiceEmotion

/// `takesense analyze`: the main job.
struct AnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Tell whether the face and the voice of each take carry the same emotion: keep, retake or unsure.",
        discussion: """
        Face: frames sampled (--face-fps, default 5; 'all' = every frame), the main face detected and tracked, each \
        crop classified; the scene's face distribution is the mean over frames. Voice: speech found by a voice-activity \
        detector on the 16 kHz track, each segment classified; the scene's voice distribution is the duration-weighted \
        mean (--voice-rule study: the whole track's first 30 s as one prediction, as in the study). Congruence = \
        1 − Jensen-Shannon divergence of the two distributions, per segment and per take. Thresholds: --policy FILE \
        (JSON with snake_case keys, see README) or the options below. Several takes are ranked best first.
        """
    )

    @Argument(help: "Video files of takes (any format FFmpeg reads).") var takes: [String]
    @Option(help: "Write the analysis as JSON (one take: an object; several: {takes, ranking}); '-' for standard output.") var json: String?
    @Option(help: "Write per-frame and per-segment CSV tables into this folder.") var csv: String?
    @Option(help: "Write a self-contained HTML report.") var html: String?
    @Option(help: """
        Export the spans as markers in editing formats, comma-separated: edl, xml (FCP 7: Premiere, Resolve), fcpxml (Final Cut Pro), \
        otio, avid, srt, vtt, csv (<take>.retakes.<ext> each, in --markers-dir).
        """)
    var markers: String?
    @Option(help: "The timecode of each take's first frame, HH:MM:SS:FF (HH:MM:SS;FF drop-frame), instead of the file's own (tmcd track / timecode tag).")
    var startTimecode: String?
    @Option(help: "Folder for marker files (default: the current folder).") var markersDir: String?
    @Flag(help: "No progress bar.") var quiet = false
    @OptionGroup var analysis: AnalysisOptions

    func validate() throws {
        if let markers {
            do { _ = try MarkerFormat.list(markers) } catch { throw ValidationError("\(error)") }
        }
        if let startTimecode {
            // The syntax now; the frame number is checked against each take's own rate once it is known.
            do { _ = try SMPTETimecode(startTimecode, rate: FrameRate(numerator: 120)) } catch {
                throw ValidationError("--start-timecode: \(error)")
            }
        }
        // Every take's analysis is kept until the set is ranked and written.
        guard takes.count <= Self.maxTakes else {
            throw Failure("\(takes.count) takes in one run, more than the \(Self.maxTakes) accepted; analyse them in smaller sets")
        }
    }

    func run() throws {
        // Outputs that would replace a take, a model or the policy are refused before any work.
        let protection = InputProtection(inputs: takes + analysis.inputFiles)
        try ReportOutputs.checkOutputs(takes: takes, json: json, csv: csv, html: html,
                                       markers: try markers.map { try MarkerFormat.list($0) } ?? [],
                                       markersDir: markersDir, protecting: protection)
        let takeSense = try analysis.makeTakeSense()
        var results: [TakeAnalysis] = []
        var failures: [String] = []
        let progress = SharedProgressLine(enabled: !quiet)
        for (i, path) in takes.enumerated() {
            let url = URL(fileURLWithPath: path)
            let label = takes.count > 1 ? "[\(i + 1)/\(takes.count)] \(url.lastPathComponent)" : url.lastPathComponent
            let started = Date()
            do {
                var analysis = try waitFor {
                    try await takeSense.analyze(url) { p in
                        progress.update(label, fraction: p.fraction, detail: p.stage.rawValue, elapsed: Date().timeIntervalSince(started))
                    }
                }
                analysis.take = path
                if let startTimecode {
                    let rate = analysis.effectiveSourceTimecode.rate
                    do {
                        analysis = analysis.withSpanTimecodes(SourceTimecode(start: try SMPTETimecode(startTimecode, rate: rate), origin: .override))
                    } catch {
                        throw Failure("--start-timecode: \(error) (the take runs at \(rate))")
                    }
                }
                results.append(analysis)
            } catch {
                failures.append(AnalyzeRunner.oneLine(error, file: path))
            }
            progress.finish()
        }
        let comparison = TakeComparison(takes: results, ranking: TakeRanking.rank(results))
        if !results.isEmpty {
            // With `--json -` standard output carries the JSON alone; the summary goes to standard error.
            let summary = TextSummary.comparison(comparison)
            if json == "-" { FileHandle.standardError.write(Data((summary + "\n").utf8)) } else { print(summary) }
            try writeOutputs(comparison, protecting: protection)
        }
        for f in failures { FileHandle.standardError.write(Data("error: \(f)\n".utf8)) }
        if !failures.isEmpty { throw ExitCode(1) }
    }

    /// Most takes in one `analyze` run (resource bound, README "Limits").
    static let maxTakes = 1_000

    func writeOutputs(_ c: TakeComparison, protecting protection: InputProtection) throws {
        // Marker files count on each take's own source timecode and rate; `fps` only covers a take without a rate.
        let fps = c.takes.compactMap(\.frameRate).first.map { Int($0.rounded()) } ?? 25
        let formats = try markers.map { try MarkerFormat.list($0) } ?? []
        let written = try ReportOutputs.write(c, json: json, csv: csv, html: html, markers: formats, markersDir: markersDir, fps: max(1, fps),
                                              protecting: protection)
        for url in written where json != "-" { FileHandle.standardError.write(Data("wrote \(url.path)\n".utf8)) }
    }
}

extension VoiceRule: ExpressibleByArgument {}
extension DecodeMode: ExpressibleByArgument {}

/// Building the analyzer from the bundled or given models (the library's `TakeSense.makeAnalyzer`); used by
/// `correlate` and the benchmarks, which drive `SceneAnalyzer` themselves.
enum AnalyzeRunner {
    static func makeAnalyzer(faceModel: String?, voiceModel: String?, detection: DetectorOptions,
                             options: SceneAnalysisOptions) throws -> SceneAnalyzer {
        var configuration = TakeSenseConfiguration()
        configuration.faceModel = faceModel
        configuration.voiceModel = voiceModel
        detection.apply(to: &configuration)
        let (stages, files) = try TakeSense.makeAnalyzer(configuration)
        // Rebuilt with the caller's options, so that they are checked against the models (e.g. the intended emotion).
        return try SceneAnalyzer(face: stages.face, voice: stages.voice, detector: stages.detector, options: options,
                                 faceModelName: files.face.lastPathComponent, voiceModelName: files.voice.lastPathComponent)
    }

    /// Analyses videos with the default models and settings (for `correlate` on videos).
    static func analyzeForCorrelation(_ urls: [URL]) throws -> [TakeAnalysis] {
        let analyzer = try makeAnalyzer(faceModel: nil, voiceModel: nil, detection: try DetectorOptions.parse([]), options: .init())
        return try urls.map { url in
            do { return try analyzer.analyze(url) } catch { throw Failure(oneLine(error, file: url.path)) }
        }
    }

    /// One line naming the file and the problem.
    static func oneLine(_ error: any Error, file: String) -> String {
        let text = String(describing: error)
        let line = text.split(separator: "\n").first.map(String.init) ?? text
        return line.contains(file) ? line : "\(file): \(line)"
    }

    static func describe(decoding error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let c): return c.debugDescription
        case DecodingError.typeMismatch(_, let c), DecodingError.valueNotFound(_, let c):
            return "\(c.codingPath.map(\.stringValue).joined(separator: ".")): \(c.debugDescription)"
        case DecodingError.keyNotFound(let k, _): return "missing key \(k.stringValue)"
        default: return "\(error)"
        }
    }
}

/// The progress line, updated from the analysis task while this thread waits for it.
final class SharedProgressLine: @unchecked Sendable {
    // Guarded by `lock`: the analysis task writes while the command's thread may finish the line.
    private let lock = NSLock()
    private var line = ProgressLine()

    init(enabled: Bool) { line.enabled = enabled }

    func update(_ label: String, fraction: Double, detail: String, elapsed: Double) {
        lock.lock()
        defer { lock.unlock() }
        line.update(label, fraction: fraction, detail: detail, elapsed: elapsed)
    }

    func finish() {
        lock.lock()
        defer { lock.unlock() }
        line.finish()
    }
}

/// Runs async library code from a synchronous command: the commands run on the main thread, outside the
/// cooperative pool, so the task keeps every pool thread (the face and the voice pass run side by side).
func waitFor<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    let done = DispatchSemaphore(value: 0)
    nonisolated(unsafe) var outcome: Result<T, any Error>?
    Task {
        do { outcome = .success(try await body()) } catch { outcome = .failure(error) }
        done.signal()
    }
    done.wait()
    // The semaphore orders the task's write before this read.
    return try outcome!.get()
}
