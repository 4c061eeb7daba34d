import ArgumentParser
import Dailies
import Datasets
import Director
import Faces
import Foundation
import Media
import Reports
import SceneAnalysis
import TakeSenseKit

/// The analysis options `analyze`, `batch` and `watch` share, and the library configuration they describe.
struct AnalysisOptions: ParsableArguments {
    @Option(help: "The emotion the director wants (angry, disgust, fear, happy, neutral, sad).") var intended: String?
    @Option(help: "Face frames sampled per second, or 'all'.") var faceFPS: String = "5"
    @Option(help: "needed (default: the decoder skips frames the face sampling does not use) or all (decode every frame).")
    var decode: DecodeMode = .needed
    @Option(help: "Face-emotion model (default: the bundled Models/face-emotion.safetensors).") var faceModel: String?
    @Option(help: "Voice-emotion model (default: the bundled Models/voice-emotion.safetensors).") var voiceModel: String?
    @Option(help: "segments (voice-activity detection, default) or study (whole track, first 30 s).") var voiceRule: VoiceRule = .segments
    @Option(help: "Verdict thresholds as JSON (snake_case keys; unspecified keys keep their defaults).") var policy: String?
    @Option(help: """
        Retake when the take's congruence probability (P(same emotion)) is below this; also the span threshold and the keep \
        threshold (no unsure band).
        """)
    var retakeBelow: Double?
    @Option(help: "Unsure when the main face is seen in less than this share of sampled frames.") var minFaceCoverage: Double?
    @Option(help: "Unsure with less speech than this many seconds.") var minSpeech: Double?
    @OptionGroup var detection: DetectorOptions
    @OptionGroup var engine: EngineOptions

    func validate() throws {
        if faceFPS != "all", Double(faceFPS).map({ $0 > 0 && $0.isFinite }) != true {
            throw ValidationError("--face-fps must be a positive number or 'all', got '\(faceFPS)'")
        }
        try TakeSenseConfiguration.checkOverrides(retakeBelow: retakeBelow, minFaceCoverage: minFaceCoverage, minSpeechSeconds: minSpeech)
    }

    /// Files these options read, which no output may replace.
    var inputFiles: [String] { [faceModel, voiceModel, policy].compactMap { $0 } }

    /// The library's configuration these options describe. The policy file is read here so that its errors
    /// name the option's file before any model is loaded.
    func configuration() throws -> TakeSenseConfiguration {
        var configuration = TakeSenseConfiguration()
        if let file = self.policy { configuration.policy = try TakeSenseConfiguration.readPolicy(file) }
        configuration.retakeBelow = retakeBelow
        configuration.minFaceCoverage = minFaceCoverage
        configuration.minSpeechSeconds = minSpeech
        if let intended {
            let e = Emotion(intended)
            guard e.isKnown else { throw Failure("--intended: unknown emotion '\(intended)'") }
            configuration.intended = e.rawValue
        }
        configuration.faceFPS = faceFPS == "all" ? nil : Double(faceFPS)
        configuration.voiceRule = voiceRule
        configuration.decode = decode
        configuration.faceModel = faceModel
        configuration.voiceModel = voiceModel
        detection.apply(to: &configuration)
        return configuration
    }

    /// The library's entry point with these settings: what `analyze`, `batch` and `watch` run.
    func makeTakeSense() throws -> TakeSense {
        try engine.apply()
        return try TakeSense(configuration: try configuration())
    }
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
