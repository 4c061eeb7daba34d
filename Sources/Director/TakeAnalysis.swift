import Foundation

/// Emotion name → probability. Encoded as a JSON object (`{"happy": 0.71, "sad": 0.12, ...}`).
public typealias EmotionProbabilities = [String: Double]

/// Everything `takesense analyze` found in one take: the JSON schema documented in the README.
/// Keys are snake_case; times are seconds from the start of the take; probabilities are over
/// `labels` (the emotions both models know) and sum to 1.
public struct TakeAnalysis: Codable, Sendable, Equatable {
    /// The file analysed, as given.
    public var take: String
    /// Seconds (the longer of the video and audio streams).
    public var duration: Double
    /// The video's average frame rate (for timecodes in marker files); nil without video.
    public var frameRate: Double?
    /// The timecode of the take's first frame (from the file, `--start-timecode`, or none), on which
    /// `verdict.spans[].start_timecode` / `end_timecode` and the marker files count.
    public var sourceTimecode: SourceTimecode?
    /// The emotions compared, in order (those both models know).
    public var labels: [String]
    public var face: FaceAnalysis
    public var voice: VoiceAnalysis
    public var congruence: Congruence
    public var verdict: Verdict
    /// How the take was analysed: models, sampling, thresholds.
    public var settings: AnalysisSettings

    enum CodingKeys: String, CodingKey {
        case take, duration, labels, face, voice, congruence, verdict, settings
        case frameRate = "frame_rate", sourceTimecode = "source_timecode"
    }

    public init(take: String, duration: Double, frameRate: Double? = nil, labels: [String], face: FaceAnalysis, voice: VoiceAnalysis,
                congruence: Congruence, verdict: Verdict, settings: AnalysisSettings) {
        self.take = take
        self.duration = duration
        self.frameRate = frameRate
        self.labels = labels
        self.face = face
        self.voice = voice
        self.congruence = congruence
        self.verdict = verdict
        self.settings = settings
    }
}

/// The main face over the take.
public struct FaceAnalysis: Codable, Sendable, Equatable {
    /// Share of sampled frames in which the main face was found and classified (0...1).
    public var coverage: Double
    /// Top emotion of `probabilities`; nil without any classified frame.
    public var emotion: String?
    /// Mean of the per-frame probabilities (the study's rule); empty without any classified frame.
    public var probabilities: EmotionProbabilities
    /// Frames in which the main face was classified, in time order.
    public var frames: [FaceFrame]
    /// Frames sampled from the video.
    public var sampledFrames: Int
    /// Faces other than the main one that were tracked (counted, not classified).
    public var otherFaces: Int
    /// A few crops of the main face for reports, in time order.
    public var thumbnails: [Thumbnail]

    enum CodingKeys: String, CodingKey {
        case coverage, emotion, probabilities, frames, thumbnails
        case sampledFrames = "sampled_frames", otherFaces = "other_faces"
    }

    public init(coverage: Double, emotion: String?, probabilities: EmotionProbabilities, frames: [FaceFrame],
                sampledFrames: Int, otherFaces: Int, thumbnails: [Thumbnail] = []) {
        self.coverage = coverage
        self.emotion = emotion
        self.probabilities = probabilities
        self.frames = frames
        self.sampledFrames = sampledFrames
        self.otherFaces = otherFaces
        self.thumbnails = thumbnails
    }
}

/// One classified frame of the main face.
public struct FaceFrame: Codable, Sendable, Equatable {
    /// Seconds from the start.
    public var t: Double
    /// `[x, y, width, height]` in the video's own (upright) pixels.
    public var box: [Double]
    public var probabilities: EmotionProbabilities

    public init(t: Double, box: [Double], probabilities: EmotionProbabilities) {
        self.t = t
        self.box = box
        self.probabilities = probabilities
    }
}

/// A small grayscale picture of the main face, for reports: `png` is a base64 PNG.
public struct Thumbnail: Codable, Sendable, Equatable {
    public var t: Double
    public var width: Int
    public var height: Int
    public var png: String

    public init(t: Double, width: Int, height: Int, png: String) {
        self.t = t
        self.width = width
        self.height = height
        self.png = png
    }
}

/// The voice over the take.
public struct VoiceAnalysis: Codable, Sendable, Equatable {
    /// Share of the take's duration that is speech (0...1).
    public var coverage: Double
    /// Seconds of speech found (sum of the segments).
    public var speechSeconds: Double
    /// Top emotion of `probabilities`; nil without speech.
    public var emotion: String?
    /// Duration-weighted mean of the segments' probabilities; empty without speech.
    public var probabilities: EmotionProbabilities
    /// Speech segments in time order, each classified.
    public var segments: [VoiceEmotionSegment]

    enum CodingKeys: String, CodingKey {
        case coverage, emotion, probabilities, segments
        case speechSeconds = "speech_seconds"
    }

    public init(coverage: Double, speechSeconds: Double, emotion: String?, probabilities: EmotionProbabilities, segments: [VoiceEmotionSegment]) {
        self.coverage = coverage
        self.speechSeconds = speechSeconds
        self.emotion = emotion
        self.probabilities = probabilities
        self.segments = segments
    }
}

/// A stretch of speech and what the voice model made of it (the voice-activity detector's stretches,
/// before any model has seen them, are `VoiceActivitySegment`s).
public struct VoiceEmotionSegment: Codable, Sendable, Equatable {
    public var start: Double
    public var end: Double
    public var emotion: String
    public var probabilities: EmotionProbabilities

    public var duration: Double { end - start }

    public init(start: Double, end: Double, emotion: String, probabilities: EmotionProbabilities) {
        self.start = start
        self.end = end
        self.emotion = emotion
        self.probabilities = probabilities
    }
}


/// How far face and voice carry the same emotion.
public struct Congruence: Codable, Sendable, Equatable {
    /// Whether the face's and the voice's top emotions are the same; nil when one is missing.
    public var agree: Bool?
    /// 1 − Jensen-Shannon divergence (base 2) of the two scene distributions: 1 = identical,
    /// 0 = nothing in common. nil when one is missing.
    public var score: Double?
    /// The Jensen-Shannon divergence itself (base 2, 0...1).
    public var jsDivergence: Double?
    /// P(face and voice express the same emotion), see ``CongruenceProbability``; what the verdict decides on.
    public var probability: Double?
    /// Valence and arousal of face and voice (Russell's circumplex) and how far apart they are.
    public var affect: AffectAgreement?
    /// Per speech segment: the face over the same span against the voice.
    public var segments: [SegmentCongruence]
    /// With an intended emotion: how each modality carries it.
    public var intended: IntentCheck?

    enum CodingKeys: String, CodingKey {
        case agree, score, segments, intended, probability, affect
        case jsDivergence = "js_divergence"
    }

    public init(agree: Bool?, score: Double?, jsDivergence: Double?, probability: Double? = nil, affect: AffectAgreement? = nil,
                segments: [SegmentCongruence], intended: IntentCheck?) {
        self.agree = agree
        self.score = score
        self.jsDivergence = jsDivergence
        self.probability = probability
        self.affect = affect
        self.segments = segments
        self.intended = intended
    }
}

/// Face against voice over one speech segment.
public struct SegmentCongruence: Codable, Sendable, Equatable {
    public var start: Double
    public var end: Double
    /// Share of the sampled frames in the span with the main face.
    public var faceCoverage: Double
    /// Mean face probabilities over the span; nil when no frame in it had the face.
    public var face: EmotionProbabilities?
    public var faceEmotion: String?
    public var voice: EmotionProbabilities
    public var voiceEmotion: String
    public var agree: Bool?
    public var score: Double?
    /// P(face and voice express the same emotion) over this segment.
    public var probability: Double?
    /// Valence and arousal of face and voice over this segment.
    public var affect: AffectAgreement?

    enum CodingKeys: String, CodingKey {
        case start, end, face, voice, agree, score, probability, affect
        case faceCoverage = "face_coverage", faceEmotion = "face_emotion", voiceEmotion = "voice_emotion"
    }

    public init(start: Double, end: Double, faceCoverage: Double, face: EmotionProbabilities?, faceEmotion: String?,
                voice: EmotionProbabilities, voiceEmotion: String, agree: Bool?, score: Double?,
                probability: Double? = nil, affect: AffectAgreement? = nil) {
        self.probability = probability
        self.affect = affect
        self.start = start
        self.end = end
        self.faceCoverage = faceCoverage
        self.face = face
        self.faceEmotion = faceEmotion
        self.voice = voice
        self.voiceEmotion = voiceEmotion
        self.agree = agree
        self.score = score
    }
}

/// The director's intended emotion against what each modality shows.
public struct IntentCheck: Codable, Sendable, Equatable {
    public var emotion: String
    /// Probability of the intended emotion in the face's / voice's scene distribution.
    public var face: Double?
    public var voice: Double?
    /// Whether it is that modality's top emotion.
    public var faceMatches: Bool?
    public var voiceMatches: Bool?

    enum CodingKeys: String, CodingKey {
        case emotion, face, voice
        case faceMatches = "face_matches", voiceMatches = "voice_matches"
    }

    public init(emotion: String, face: Double?, voice: Double?, faceMatches: Bool?, voiceMatches: Bool?) {
        self.emotion = emotion
        self.face = face
        self.voice = voice
        self.faceMatches = faceMatches
        self.voiceMatches = voiceMatches
    }
}

/// Keep, retake or unsure, with the reasons in plain words.
public struct Verdict: Codable, Sendable, Equatable {
    public enum Decision: String, Codable, Sendable, CaseIterable {
        case keep, retake, unsure
    }

    public var decision: Decision
    /// Plain-language reasons, most important first.
    public var reasons: [String]
    /// Stretches of the take that call for a retake.
    public var spans: [VerdictSpan]

    public init(decision: Decision, reasons: [String], spans: [VerdictSpan]) {
        self.decision = decision
        self.reasons = reasons
        self.spans = spans
    }
}

/// A stretch of a take where face and voice (or intent) part ways.
public struct VerdictSpan: Codable, Sendable, Equatable {
    public var start: Double
    public var end: Double
    /// e.g. "the face reads happy (0.71) while the voice reads sad (0.64)".
    public var reason: String
    /// `start` / `end` on the take's source timecode ("01:02:15:14", `;` in drop-frame); filled in by
    /// `TakeAnalysis.withSpanTimecodes` (reports call it).
    public var startTimecode: String?
    public var endTimecode: String?

    enum CodingKeys: String, CodingKey {
        case start, end, reason
        case startTimecode = "start_timecode", endTimecode = "end_timecode"
    }

    public init(start: Double, end: Double, reason: String, startTimecode: String? = nil, endTimecode: String? = nil) {
        self.start = start
        self.end = end
        self.reason = reason
        self.startTimecode = startTimecode
        self.endTimecode = endTimecode
    }

    /// "00:12.4-00:18.0: the face reads happy (0.71) while the voice reads sad (0.64)".
    public var text: String { "\(Timecode.short(start))-\(Timecode.short(end)): \(reason)" }
}

/// How a take was analysed.
public struct AnalysisSettings: Codable, Sendable, Equatable {
    public var faceModel: String
    public var voiceModel: String
    public var detector: String
    /// Frames per second sampled for the face; nil = every frame.
    public var faceFPS: Double?
    /// What the video decoder was allowed to skip: "needed" (frames the sampling does not use) or "all"
    /// decoded; absent in analyses written before the option existed.
    public var decode: String?
    /// How speech was found, e.g. "energy VAD (...)", or "whole track (study rule)".
    public var speech: String
    public var intended: String?
    public var policy: VerdictPolicy

    enum CodingKeys: String, CodingKey {
        case detector, decode, speech, intended, policy
        case faceModel = "face_model", voiceModel = "voice_model", faceFPS = "face_fps"
    }

    public init(faceModel: String, voiceModel: String, detector: String, faceFPS: Double?, decode: String? = nil, speech: String,
                intended: String?, policy: VerdictPolicy) {
        self.faceModel = faceModel
        self.decode = decode
        self.voiceModel = voiceModel
        self.detector = detector
        self.faceFPS = faceFPS
        self.speech = speech
        self.intended = intended
        self.policy = policy
    }
}

/// Several takes of a scene, ranked best first.
public struct TakeComparison: Codable, Sendable, Equatable {
    public var takes: [TakeAnalysis]
    public var ranking: [RankedTake]

    public init(takes: [TakeAnalysis], ranking: [RankedTake]) {
        self.takes = takes
        self.ranking = ranking
    }
}

public struct RankedTake: Codable, Sendable, Equatable {
    public var rank: Int
    public var take: String
    public var decision: Verdict.Decision
    /// One line: why this take sits here.
    public var reason: String

    public init(rank: Int, take: String, decision: Verdict.Decision, reason: String) {
        self.rank = rank
        self.take = take
        self.decision = decision
        self.reason = reason
    }
}
