import Director
import FaceEmotion
import Faces
import Foundation
import VoiceActivity
import SceneAnalysis
import TensorFiles
import Torch
import VoiceEmotion

/// TakeSense as a library: one configuration in, one analysis per take out.
///
///     import TakeSenseKit
///
///     let takeSense = try TakeSense(configuration: .init())      // the bundled models, MTCNN, 5 face frames/s
///     let take = try await takeSense.analyze(URL(fileURLWithPath: "take.mov"))
///     print(take.verdict.decision, take.congruence.probability)
///
/// An actor: the face stages hold libtorch and OpenCV state, so one analysis runs at a time per instance
/// (inside it the face and voice passes run side by side). Make several instances to analyse in parallel.
public actor TakeSense {
    public nonisolated let configuration: TakeSenseConfiguration
    /// The model files the analyses use.
    public nonisolated let modelFiles: TakeSenseModelFiles
    /// The emotions compared (those both models know, in the face model's order).
    public nonisolated let labels: [String]
    private let analyzer: SceneAnalyzer
    private nonisolated let fingerprintCache: FingerprintCache

    /// Loads the models and the detector the configuration names. Throws a `ModelError` naming the file for a
    /// missing or bad model file, a `ReportError` for a bad policy file.
    public init(configuration: TakeSenseConfiguration = .init()) throws {
        self.configuration = configuration
        if let threads = configuration.threads { try Torch.setThreads(threads) }
        let (analyzer, files) = try Self.makeAnalyzer(configuration)
        self.analyzer = analyzer
        modelFiles = files
        labels = analyzer.labels
        fingerprintCache = FingerprintCache(settings: FingerprintSettings(configuration, options: analyzer.options), files: files)
    }

    /// The scene analyzer a configuration describes, with the shipped stages (for callers that drive
    /// `SceneAnalyzer` themselves, e.g. benchmarks changing its options between takes).
    public static func makeAnalyzer(_ configuration: TakeSenseConfiguration) throws -> (SceneAnalyzer, TakeSenseModelFiles) {
        let files = try configuration.modelFiles()
        let face: FaceClassifier, voice: VoiceEmotionModel
        do { face = try FaceClassifier(contentsOf: files.face) } catch { throw ModelError(file: files.face.path, error) }
        do { voice = try VoiceEmotionModel(contentsOf: files.voice) } catch { throw ModelError(file: files.voice.path, error) }
        let detector = try configuration.makeDetector()
        let analyzer = try SceneAnalyzer(face: face, voice: voice, detector: detector, options: try configuration.analysisOptions(),
                                         faceModelName: files.face.lastPathComponent, voiceModelName: files.voice.lastPathComponent)
        return (analyzer, files)
    }

    /// Analyses one take. Unreadable files throw a `MediaError` naming the file; a take without a face or
    /// without speech is analysed as far as possible and judged `unsure`.
    public func analyze(_ url: URL) async throws -> TakeAnalysis {
        try await analyzer.analyze(url, progress: nil)
    }

    /// Analyses one take, reporting how far the face pass is (`progress` is called from the analysis task).
    public func analyze(_ url: URL, progress: @escaping @Sendable (AnalysisProgress) -> Void) async throws -> TakeAnalysis {
        try await analyzer.analyze(url, progress: progress)
    }

    /// A stable hash (SHA-256, hex) of everything that decides an analysis' result: the analysis settings and
    /// the content of the model files. Two instances with the same fingerprint give the same analysis of the
    /// same take, so stored analyses can be keyed on the take's content and this. Computed on first use (it
    /// reads the model files, ~22 MB); a model file unreadable then gives a fingerprint no other instance has.
    public nonisolated var fingerprint: String { fingerprintCache.value }
}

/// What the fingerprint hashes besides the model files: the settings that change an analysis (not the file
/// paths, whose content is hashed, nor threads).
struct FingerprintSettings: Codable, Sendable {
    var version = 1
    var detector: String, detectionSize: Int, minFace: Int
    var faceFPS: Double?, decode: String, voiceRule: String, vad: VoiceActivityDetector.Configuration
    var policy: VerdictPolicy, intended: String?, thumbnails: Int, batchSize: Int, cropMargin: Double
    var maxSampledFrames: Int, maxTakeSeconds: Double

    init(_ c: TakeSenseConfiguration, options o: SceneAnalysisOptions) {
        detector = c.detector.rawValue
        detectionSize = c.detectionSize
        minFace = c.minFace
        faceFPS = o.faceFPS
        decode = o.decode.rawValue
        voiceRule = o.voiceRule.rawValue
        vad = o.vad
        policy = o.policy
        intended = o.intended
        thumbnails = o.thumbnails
        batchSize = o.batchSize
        cropMargin = o.cropMargin
        maxSampledFrames = o.maxSampledFrames
        maxTakeSeconds = o.maxTakeSeconds
    }
}

/// The fingerprint, computed once on first use. A lock-guarded cache (`@unchecked Sendable`: its one mutable
/// field is only touched under `lock`).
final class FingerprintCache: @unchecked Sendable {
    private let lock = NSLock()
    private var cached: String?
    let settings: FingerprintSettings
    let files: TakeSenseModelFiles

    init(settings: FingerprintSettings, files: TakeSenseModelFiles) {
        self.settings = settings
        self.files = files
    }

    var value: String {
        lock.lock()
        defer { lock.unlock() }
        if let cached { return cached }
        let value = Self.compute(settings, files)
        cached = value
        return value
    }

    static func compute(_ settings: FingerprintSettings, _ files: TakeSenseModelFiles) -> String {
        struct Document: Encodable {
            var settings: FingerprintSettings
            var models: [String: String]
        }
        var models: [String: String] = [:]
        for (role, url) in [("face", files.face), ("voice", files.voice), ("detector", files.detector)] {
            models[role] = (try? ContentHash.file(url)) ?? "unreadable \(url.path) \(UUID().uuidString)"
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = (try? encoder.encode(Document(settings: settings, models: models))) ?? Data(UUID().uuidString.utf8)
        return ContentHash.hex(json)
    }
}
