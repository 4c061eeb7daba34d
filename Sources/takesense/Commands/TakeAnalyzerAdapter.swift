import ArgumentParser
import Dailies
import Datasets
import Director
import Faces
import Foundation
import Media
import Reports
import SceneAnalysis

// THE ADAPTER TO SWAP (issue 16 ↔ issue 13): `batch` and `watch` reach the analysis only through
// `Dailies.TakeAnalyzing`. Until the library's `TakeSense` entry point lands, this file builds today's
// `SceneAnalyzer` (as `analyze` does) and fingerprints its settings and model files. After the merge,
// `TakeSense` conforms to `TakeAnalyzing` (it has `fingerprint` and `analyze(_:) async throws`) and
// `AnalysisOptions.makeAnalyzer()` returns it, built from a `TakeSenseConfiguration`; nothing else changes.

/// `analyze`'s analysis options, for the commands that analyse many takes (`batch`, `watch`).
struct AnalysisOptions: ParsableArguments {
    @Option(help: "The emotion the director wants (angry, disgust, fear, happy, neutral, sad).") var intended: String?
    @Option(help: "Face frames sampled per second, or 'all'.") var faceFPS: String = "5"
    @Option(help: "needed (default: the decoder skips frames the face sampling does not use) or all (decode every frame).")
    var decode: DecodeMode = .needed
    @Option(help: "Face-emotion model (default: the bundled Models/face-emotion.safetensors).") var faceModel: String?
    @Option(help: "Voice-emotion model (default: the bundled Models/voice-emotion.safetensors).") var voiceModel: String?
    @Option(help: "segments (voice-activity detection, default) or study (whole track, first 30 s).") var voiceRule: VoiceRule = .segments
    @Option(help: "Verdict thresholds as JSON (snake_case keys; unspecified keys keep their defaults).") var policy: String?
    @Option(help: "Retake when the take's congruence probability is below this (also the span and keep thresholds).") var retakeBelow: Double?
    @Option(help: "Unsure when the main face is seen in less than this share of sampled frames.") var minFaceCoverage: Double?
    @Option(help: "Unsure with less speech than this many seconds.") var minSpeech: Double?
    @OptionGroup var detection: DetectorOptions
    @OptionGroup var engine: EngineOptions

    func validate() throws {
        if faceFPS != "all", Double(faceFPS).map({ $0 > 0 && $0.isFinite }) != true {
            throw ValidationError("--face-fps must be a positive number or 'all', got '\(faceFPS)'")
        }
        for (name, value, upper) in [("--retake-below", retakeBelow, 1.0), ("--min-face-coverage", minFaceCoverage, 1.0),
                                     ("--min-speech", minSpeech, 86_400.0)] {
            if let value, !(value.isFinite && value >= 0 && value <= upper) {
                throw Failure("\(name) must be a number between 0 and \(upper == 1 ? "1" : "86400"), got \(value)")
            }
        }
    }

    /// The same settings `analyze` builds from the same options.
    func sceneOptions() throws -> SceneAnalysisOptions {
        var policy = VerdictPolicy()
        if let file = self.policy {
            let data: Data
            do { data = try SmallInputFile.read(file, maxBytes: 1 << 20) } catch { throw Failure("\(error)") }
            do { policy = try VerdictPolicy.parse(data, file: file) } catch { throw Failure("\(error)") }
        }
        if let retakeBelow { policy.retakeBelow = retakeBelow; policy.keepAbove = retakeBelow; policy.spanBelow = retakeBelow }
        if let minFaceCoverage { policy.minFaceCoverage = minFaceCoverage }
        if let minSpeech { policy.minSpeechSeconds = minSpeech }
        var intendedName: String?
        if let intended {
            let e = Emotion(intended)
            guard e.isKnown else { throw Failure("--intended: unknown emotion '\(intended)'") }
            intendedName = e.rawValue
        }
        var options = SceneAnalysisOptions(faceFPS: faceFPS == "all" ? nil : Double(faceFPS), voiceRule: voiceRule, policy: policy,
                                           intended: intendedName)
        options.decode = decode
        return options
    }

    func makeAnalyzer() throws -> any TakeAnalyzing {
        try engine.apply()
        let options = try sceneOptions()
        let analyzer = try AnalyzeRunner.makeAnalyzer(faceModel: faceModel, voiceModel: voiceModel, detection: detection, options: options)
        return SceneTakeAnalyzer(analyzer: analyzer, fingerprint: try fingerprint(options))
    }

    /// SHA-256 over the settings that change an analysis and the bytes of every model file it reads.
    func fingerprint(_ options: SceneAnalysisOptions) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let policyJSON = String(decoding: try encoder.encode(options.policy), as: UTF8.self)
        var parts = [
            "takesense-analysis/1", "face_fps=\(options.faceFPS.map { "\($0)" } ?? "all")", "voice_rule=\(options.voiceRule.rawValue)",
            "decode=\(options.decode)", "intended=\(options.intended ?? "-")", "policy=\(policyJSON)",
            "crop_margin=\(options.cropMargin)", "thumbnails=\(options.thumbnails)",
            "detector=\(detection.detector.rawValue) size=\(detection.detectionSize) min_face=\(detection.minFace)",
        ]
        var models = [try BundledModels.face(faceModel), try BundledModels.voice(voiceModel)]
        switch detection.detector {
        case .mtcnn: models.append(try BundledModels.mtcnn(detection.mtcnnWeights))
        case .haar: models.append(detection.cascade.map { URL(fileURLWithPath: $0) } ?? HaarCascadeDetector.defaultCascade)
        }
        for url in models {
            do { parts.append("model=\(try ContentHash.file(url))") } catch { throw Failure("\(error)") }
        }
        return ContentHash.hex(Data(parts.joined(separator: "\n").utf8))
    }
}

/// Today's `SceneAnalyzer` behind `TakeAnalyzing`: one take at a time (the analyzer runs its own threads).
final class SceneTakeAnalyzer: TakeAnalyzing, @unchecked Sendable {
    private let analyzer: SceneAnalyzer
    private let lock = NSLock()
    let fingerprint: String

    init(analyzer: SceneAnalyzer, fingerprint: String) {
        self.analyzer = analyzer
        self.fingerprint = fingerprint
    }

    func analyze(_ url: URL) async throws -> TakeAnalysis {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                self.lock.lock()
                defer { self.lock.unlock() }
                continuation.resume(with: Result { try self.analyzer.analyze(url) })
            }
        }
    }
}

/// Runs async work from a synchronous command (the command tree is synchronous).
func runBlocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    let box = BlockingResult<T>(), done = DispatchSemaphore(value: 0)
    Task {
        do { box.result = .success(try await body()) } catch { box.result = .failure(error) }
        done.signal()
    }
    done.wait()
    return try box.result!.get()
}

/// The result handed from the task to the waiting thread (written before the semaphore is signalled).
private final class BlockingResult<T>: @unchecked Sendable {
    var result: Result<T, any Error>?
}

/// Lets Ctrl-C and `kill` (SIGINT, SIGTERM) end a long-running command: a process started by a thread that
/// blocks them (a test runner's, a worker pool's) inherits the mask, and the signals would stay pending forever.
func acceptTerminationSignals() {
    var set = sigset_t()
    sigemptyset(&set)
    sigaddset(&set, SIGINT)
    sigaddset(&set, SIGTERM)
    pthread_sigmask(SIG_UNBLOCK, &set, nil)
}
