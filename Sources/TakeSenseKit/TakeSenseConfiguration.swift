import Director
import Faces
import Foundation
import VoiceActivity
import Media
import Reports
import SceneAnalysis
import VoiceEmotion

/// Everything `TakeSense` needs to analyse takes: which models, which face detector, how the take is
/// sampled and cut, and the verdict's thresholds. Codable (a JSON file of the settings a tool keeps); every
/// key is optional when decoded and defaults to what `takesense analyze` does without options.
public struct TakeSenseConfiguration: Codable, Sendable, Equatable {
    /// A folder holding face-emotion.safetensors, voice-emotion.safetensors and mtcnn.safetensors; nil: the
    /// bundled `Models/` (see `BundledModels`). Explicit files below win over it.
    public var modelFolder: String?
    /// The face-emotion model file.
    public var faceModel: String?
    /// The voice-emotion model file.
    public var voiceModel: String?
    /// The face detector.
    public var detector: FaceDetectors.Kind = FaceDetectors.defaultKind
    /// MTCNN weights file (detector `mtcnn`).
    public var mtcnnWeights: String?
    /// Haar cascade XML (detector `haar`; default: opencv-data's haarcascade_frontalface_default.xml).
    public var haarCascade: String?
    /// Longest side of the shrunk picture the detector runs on (0: native size).
    public var detectionSize = 640
    /// Smallest face side, in pixels of the detection picture.
    public var minFace = 40
    /// Face frames sampled per second; nil: every frame.
    public var faceFPS: Double? = 5
    /// What the video decoder may skip.
    public var decode: DecodeMode = .needed
    /// How the voice is cut before it is classified.
    public var voiceRule: VoiceRule = .segments
    /// The voice-activity detector's settings (voice rule `segments`).
    public var vad: VoiceActivityDetector.Configuration = .standard
    /// Verdict thresholds; replaced by `policyFile` when set.
    public var policy = VerdictPolicy()
    /// A policy JSON file (snake_case keys, see README); read when the analyzer is made.
    public var policyFile: String?
    /// Overrides applied after the policy (file): retake below this congruence probability (also the span and
    /// the keep threshold), unsure below this face coverage, unsure with less speech than this many seconds.
    public var retakeBelow: Double?
    public var minFaceCoverage: Double?
    public var minSpeechSeconds: Double?
    /// The emotion the director wants (canonical name), if any.
    public var intended: String?
    /// Face pictures kept in each analysis (for reports).
    public var thumbnails = 8
    /// Face crops classified per batch.
    public var batchSize = 16
    /// Context around the detected face box in each crop (fraction of the box's side).
    public var cropMargin = 0.0
    /// Intra-op threads for libtorch (process-wide); nil: libtorch's default (all cores, or TAKESENSE_THREADS).
    public var threads: Int?

    public init() {}

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = TakeSenseConfiguration()
        modelFolder = try c.decodeIfPresent(String.self, forKey: .modelFolder)
        faceModel = try c.decodeIfPresent(String.self, forKey: .faceModel)
        voiceModel = try c.decodeIfPresent(String.self, forKey: .voiceModel)
        detector = try c.decodeIfPresent(FaceDetectors.Kind.self, forKey: .detector) ?? d.detector
        mtcnnWeights = try c.decodeIfPresent(String.self, forKey: .mtcnnWeights)
        haarCascade = try c.decodeIfPresent(String.self, forKey: .haarCascade)
        detectionSize = try c.decodeIfPresent(Int.self, forKey: .detectionSize) ?? d.detectionSize
        minFace = try c.decodeIfPresent(Int.self, forKey: .minFace) ?? d.minFace
        // An explicit null means every frame; a missing key the default.
        faceFPS = c.contains(.faceFPS) ? try c.decodeIfPresent(Double.self, forKey: .faceFPS) : d.faceFPS
        decode = try c.decodeIfPresent(DecodeMode.self, forKey: .decode) ?? d.decode
        voiceRule = try c.decodeIfPresent(VoiceRule.self, forKey: .voiceRule) ?? d.voiceRule
        vad = try c.decodeIfPresent(VoiceActivityDetector.Configuration.self, forKey: .vad) ?? d.vad
        policy = try c.decodeIfPresent(VerdictPolicy.self, forKey: .policy) ?? d.policy
        policyFile = try c.decodeIfPresent(String.self, forKey: .policyFile)
        retakeBelow = try c.decodeIfPresent(Double.self, forKey: .retakeBelow)
        minFaceCoverage = try c.decodeIfPresent(Double.self, forKey: .minFaceCoverage)
        minSpeechSeconds = try c.decodeIfPresent(Double.self, forKey: .minSpeechSeconds)
        intended = try c.decodeIfPresent(String.self, forKey: .intended)
        thumbnails = try c.decodeIfPresent(Int.self, forKey: .thumbnails) ?? d.thumbnails
        batchSize = try c.decodeIfPresent(Int.self, forKey: .batchSize) ?? d.batchSize
        cropMargin = try c.decodeIfPresent(Double.self, forKey: .cropMargin) ?? d.cropMargin
        threads = try c.decodeIfPresent(Int.self, forKey: .threads)
    }

    /// The model files this configuration names (explicit file, else the folder's, else the bundled one).
    public func modelFiles() throws -> TakeSenseModelFiles {
        func inFolder(_ name: String) -> String? { modelFolder.map { URL(fileURLWithPath: $0).appendingPathComponent(name).path } }
        let face = try BundledModels.face(faceModel ?? inFolder(BundledModels.faceFile))
        let voice = try BundledModels.voice(voiceModel ?? inFolder(BundledModels.voiceFile))
        return TakeSenseModelFiles(face: face, voice: voice, detector: try detectorFile())
    }

    /// The face detector's file: MTCNN weights (explicit, else the folder's, else the bundled ones) or the Haar cascade.
    public func detectorFile() throws -> URL {
        switch detector {
        case .mtcnn:
            return try BundledModels.mtcnn(mtcnnWeights ?? modelFolder.map { URL(fileURLWithPath: $0).appendingPathComponent(BundledModels.mtcnnFile).path })
        case .haar:
            return haarCascade.map { URL(fileURLWithPath: $0) } ?? HaarCascadeDetector.defaultCascade
        }
    }

    /// A policy JSON file (snake_case keys, at most 1 MB), read from its absolute path; errors name the file.
    public static func readPolicy(_ file: String) throws -> VerdictPolicy {
        try VerdictPolicy.parse(try SmallInputFile.read(URL(fileURLWithPath: file).path, maxBytes: 1 << 20), file: file)
    }

    /// The verdict policy: `policyFile` (or `policy`), then the overrides.
    public func resolvedPolicy() throws -> VerdictPolicy {
        try Self.checkOverrides(retakeBelow: retakeBelow, minFaceCoverage: minFaceCoverage, minSpeechSeconds: minSpeechSeconds)
        var policy = self.policy
        if let file = policyFile {
            let data = try SmallInputFile.read(file, maxBytes: 1 << 20)
            policy = try VerdictPolicy.parse(data, file: file)
        }
        if let retakeBelow { policy.retakeBelow = retakeBelow; policy.keepAbove = retakeBelow; policy.spanBelow = retakeBelow }
        if let minFaceCoverage { policy.minFaceCoverage = minFaceCoverage }
        if let minSpeechSeconds { policy.minSpeechSeconds = minSpeechSeconds }
        return policy
    }

    /// The scene analyzer's options.
    public func analysisOptions() throws -> SceneAnalysisOptions {
        var options = SceneAnalysisOptions(faceFPS: faceFPS, voiceRule: voiceRule, vad: vad, policy: try resolvedPolicy(), intended: intended,
                                           thumbnails: thumbnails, batchSize: batchSize, cropMargin: cropMargin)
        options.decode = decode
        return options
    }

    /// The face detector it names.
    public func makeDetector() throws -> any FaceDetecting {
        let size: Int? = detectionSize > 0 ? detectionSize : nil
        let file = try detectorFile()
        switch detector {
        case .haar:
            return try HaarCascadeDetector(cascade: file, configuration: .init(minFaceSize: minFace, detectionSize: size))
        case .mtcnn:
            return try MTCNNDetector(weights: file, configuration: .init(minFaceSize: Double(minFace), detectionSize: size))
        }
    }
}

/// The files an analysis reads its models from.
public struct TakeSenseModelFiles: Sendable, Equatable, Codable {
    public var face: URL
    public var voice: URL
    /// MTCNN weights or the Haar cascade.
    public var detector: URL

    public var all: [URL] { [face, voice, detector] }
}
