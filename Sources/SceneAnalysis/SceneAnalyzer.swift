import Director
import Faces
import FaceEmotion
import Foundation
import Media
import Torch
import VoiceActivity
import VoiceEmotion

/// How the voice of a take is cut before it is classified.
public enum VoiceRule: String, Sendable, CaseIterable, Codable {
    /// Speech segments found by the voice-activity detector, each classified (default).
    case segments
    /// The study's rule: the whole track as one prediction, at most its first 30 s.
    case study
}

public struct SceneAnalysisOptions: Sendable {
    /// Frames per second sampled for the face; `nil` = every frame (as the study did).
    public var faceFPS: Double?
    public var voiceRule: VoiceRule
    public var vad: VoiceActivityDetector.Configuration
    public var policy: VerdictPolicy
    /// The director's intended emotion (canonical name), if any.
    public var intended: String?
    /// Face pictures kept for reports.
    public var thumbnails: Int
    /// Face crops classified per batch.
    public var batchSize: Int
    /// Context around the detected face box in each crop, as a fraction of the box's side (see
    /// `FaceCropper.margin`). 0: MTCNN's box on FER2013 faces has the picture's own side (median margin
    /// 0.00 over FER2013 validation faces; `SceneAnalysisTests.cropMarginMatchesFER2013`), so crops frame
    /// faces as the face model's training pictures do.
    public var cropMargin: Double
    /// What the video decoder may skip (see `DecodeMode`): `.needed` by default, `.all` decodes every frame.
    public var decode: DecodeMode = .needed
    /// Resource bounds (issue 18): a take may not make memory grow without bound. Frames sampled for the face
    /// (each keeps its crop until the take is assembled: ~2.5 kB at 48 px), and the take's length (its audio is
    /// decoded whole: 64 kB per second).
    public var maxSampledFrames = 100_000
    public var maxTakeSeconds = 4 * 3600.0

    public init(faceFPS: Double? = 5, voiceRule: VoiceRule = .segments, vad: VoiceActivityDetector.Configuration = .init(),
                policy: VerdictPolicy = .init(), intended: String? = nil, thumbnails: Int = 8, batchSize: Int = 16, cropMargin: Double = 0) {
        self.cropMargin = cropMargin
        self.faceFPS = faceFPS
        self.voiceRule = voiceRule
        self.vad = vad
        self.policy = policy
        self.intended = intended
        self.thumbnails = thumbnails
        self.batchSize = batchSize
    }
}

/// Where an analysis is, for progress displays.
public struct AnalysisProgress: Sendable {
    public enum Stage: String, Sendable { case face, voice, done }
    public var stage: Stage
    /// 0...1 of the face pass (by video time).
    public var fraction: Double
}

/// Runs the face and voice models over a take and assembles its `TakeAnalysis`.
///
/// The face pass (decode → detect → track → crop) and the voice pass (decode audio → voice-activity
/// detection → classify each segment) run at the same time on two threads, while a third decodes video
/// frames ahead of the face pass; face crops are classified in small batches as they are cut, and the
/// main face's are kept when the pass ends.
///
///     let analyzer = try SceneAnalyzer(face: faceModel, voice: voiceModel, detector: MTCNNDetector(weights: url))
///     let take = try analyzer.analyze(URL(fileURLWithPath: "take.mov"))
///     print(take.verdict.decision, take.verdict.reasons)
public final class SceneAnalyzer {
    public let face: FaceClassifier
    public let voice: VoiceEmotionModel
    public let detector: any FaceDetecting
    public var options: SceneAnalysisOptions
    /// Names written into the analysis (e.g. the model files).
    public var faceModelName: String
    public var voiceModelName: String
    /// The emotions compared: those both models know, in the face model's order.
    public let labels: [String]

    public init(face: FaceClassifier, voice: VoiceEmotionModel, detector: any FaceDetecting, options: SceneAnalysisOptions = .init(),
                faceModelName: String = "face", voiceModelName: String = "voice") throws {
        self.face = face
        self.voice = voice
        self.detector = detector
        self.options = options
        self.faceModelName = faceModelName
        self.voiceModelName = voiceModelName
        let voiceLabels = Set(voice.labels)
        labels = face.labels.filter { voiceLabels.contains($0) }
        guard labels.count >= 2 else {
            throw TorchError("the face model (\(face.labels.joined(separator: ","))) and the voice model (\(voice.labels.joined(separator: ","))) share fewer than two emotions")
        }
        if let i = options.intended, !labels.contains(i) {
            throw TorchError("intended emotion '\(i)' is not one the models compare (\(labels.joined(separator: ", ")))")
        }
    }

    /// Analyses one take. Unreadable files throw a `MediaError` naming the file; a take without a
    /// face or without speech is analysed as far as possible and judged `unsure`.
    public func analyze(_ url: URL, progress: ((AnalysisProgress) -> Void)? = nil) throws -> TakeAnalysis {
        let info = try probe(url)
        guard info.video != nil || info.audio != nil else {
            throw MediaError.notMediaFile(url.path, reason: "no video or audio stream")
        }
        let duration = info.duration ?? max(info.video?.duration ?? 0, info.audio?.duration ?? 0)
        guard duration <= options.maxTakeSeconds else {
            throw MediaError.unreadable(url.path, reason: "the take lasts \(Int(duration)) s, more than the \(Int(options.maxTakeSeconds)) s analysed in one take; cut it")
        }
        let rate = options.faceFPS ?? info.video?.frameRate ?? 30
        guard info.video == nil || duration * rate <= Double(options.maxSampledFrames) else {
            throw MediaError.unreadable(url.path, reason: "about \(Int(duration * rate)) face frames would be sampled, more than the \(options.maxSampledFrames) per take; lower --face-fps")
        }

        // Voice on its own thread while the face pass decodes the video.
        let voiceJob = VoiceJob(model: voice, rule: options.voiceRule, vad: VoiceActivityDetector(configuration: options.vad))
        let voiceThread = voiceJob.start(url: url, hasAudio: info.audio != nil)

        var faceFrames: [FaceFrame] = []
        var sampledTimes: [Double] = []
        var otherFaces = 0
        var thumbnails: [Thumbnail] = []
        var faceUnavailable: String?
        var faceError: (any Error)?
        if info.video != nil {
            do {
                let result = try analyzeFaces(url, duration: duration, progress: progress)
                (faceFrames, sampledTimes, otherFaces, thumbnails) = result
            } catch {
                faceError = error
            }
        } else {
            faceUnavailable = TakeAssembler.noVideoTrack
        }
        voiceThread.wait()
        if let faceError { throw faceError }
        let voiceResult = try voiceJob.result()
        progress?(AnalysisProgress(stage: .done, fraction: 1))

        let settings = AnalysisSettings(
            faceModel: faceModelName, voiceModel: voiceModelName, detector: detector.name, faceFPS: options.faceFPS,
            decode: options.decode.rawValue, speech: options.voiceRule == .study ? "whole track, first 30 s (study rule)" : voiceJob.vad.description,
            intended: options.intended, policy: options.policy)
        let assembler = TakeAssembler(labels: labels, policy: options.policy, intended: options.intended)
        var analysis = assembler.assemble(
            take: url.path, duration: duration, faceFrames: faceFrames, sampledTimes: sampledTimes, otherFaces: otherFaces,
            thumbnails: thumbnails, voiceSegments: voiceResult.segments, settings: settings,
            faceUnavailable: faceUnavailable, voiceUnavailable: voiceResult.unavailable)
        analysis.frameRate = info.video?.frameRate
        // The camera's start timecode (tmcd track / timecode tag): spans and markers count on it.
        return analysis.withSpanTimecodes(SourceTimecode(probedTimecode: info.timecode, frameRateFraction: info.video?.frameRateFraction,
                                                         frameRate: info.video?.frameRate))
    }

    private func analyzeFaces(_ url: URL, duration: Double, progress: ((AnalysisProgress) -> Void)?) throws
        -> (frames: [FaceFrame], sampled: [Double], otherFaces: Int, thumbnails: [Thumbnail])
    {
        let cropper = FaceCropper(size: face.preprocessing.inputSize, margin: options.cropMargin, format: .gray)
        var faceOptions = TakeFaceOptions(sampling: options.faceFPS ?? .infinity, crop: cropper)
        faceOptions.decode = options.decode
        let analyzer = TakeFaceAnalyzer(detector: detector, options: faceOptions)
        var sampled: [Double] = []
        // Crops are classified in batches while the reader thread decodes the frames that follow.
        var pending: [FaceCrop] = []
        var probabilities: [CropKey: EmotionProbabilities] = [:]
        func classifyPending() throws {
            guard !pending.isEmpty else { return }
            for (key, p) in zip(pending.map(CropKey.init), try classify(pending)) { probabilities[key] = p }
            pending.removeAll(keepingCapacity: true)
        }
        let result = try analyzer.analyze(url) { frame in
            // The duration checked beforehand may be wrong (a broken container): the bound holds anyway.
            guard sampled.count < self.options.maxSampledFrames else {
                throw MediaError.unreadable(url.path, reason: "more than \(self.options.maxSampledFrames) face frames sampled in one take; lower --face-fps")
            }
            sampled.append(frame.timestamp)
            pending += frame.crops
            if pending.count >= self.options.batchSize { try classifyPending() }
            if duration > 0 { progress?(AnalysisProgress(stage: .face, fraction: min(1, frame.timestamp / duration))) }
        }
        try classifyPending()
        let crops = result.mainCrops
        let scale = result.nativeScale
        let frames = crops.compactMap { crop -> FaceFrame? in
            guard let p = probabilities[CropKey(crop)] else { return nil }
            let b = crop.box.scaled(by: scale)
            return FaceFrame(t: crop.timestamp, box: [b.x, b.y, b.width, b.height].map { ($0 * 10).rounded() / 10 }, probabilities: p)
        }
        var thumbs: [Thumbnail] = []
        if options.thumbnails > 0, !crops.isEmpty {
            let n = min(options.thumbnails, crops.count)
            for i in 0..<n {
                let crop = crops[(i * crops.count + crops.count / (2 * n)) / n]
                let png = PNGEncoder.encodeGray(width: crop.picture.width, height: crop.picture.height, pixels: crop.picture.pixels)
                thumbs.append(Thumbnail(t: crop.timestamp, width: crop.picture.width, height: crop.picture.height, png: png.base64EncodedString()))
            }
        }
        return (frames, sampled, result.otherFaces, thumbs)
    }

    /// Probabilities of each crop (gray, `inputSize` square), in order.
    private func classify(_ crops: [FaceCrop]) throws -> [EmotionProbabilities] {
        let side = face.preprocessing.inputSize
        let gray = try Tensor(crops.flatMap { $0.picture.pixels }, shape: [crops.count, 1, side, side]).to(.float32) / 255.0
        let p = try face.probabilities(gray: gray).floats()
        let k = face.labels.count
        return crops.indices.map { j in
            var probs: EmotionProbabilities = [:]
            for (i, label) in face.labels.enumerated() { probs[label] = Double(p[j * k + i]) }
            return probs
        }
    }
}

/// Identifies a crop: its track and frame.
struct CropKey: Hashable {
    var track: Int, frame: Int
    init(_ crop: FaceCrop) { track = crop.trackID; frame = crop.frameIndex }
}

/// The voice pass, run on its own thread.
final class VoiceJob: @unchecked Sendable {
    struct Output {
        var segments: [VoiceSegment]
        var unavailable: String?
    }

    let model: VoiceEmotionModel
    let rule: VoiceRule
    let vad: VoiceActivityDetector
    private var output: Result<Output, any Error> = .success(Output(segments: []))

    init(model: VoiceEmotionModel, rule: VoiceRule, vad: VoiceActivityDetector) {
        self.model = model
        self.rule = rule
        self.vad = vad
    }

    func start(url: URL, hasAudio: Bool) -> DispatchGroup {
        let group = DispatchGroup()
        group.enter()
        let thread = Thread { [self] in
            output = Result { try run(url: url, hasAudio: hasAudio) }
            group.leave()
        }
        thread.name = "SceneAnalyzer voice"
        thread.start()
        return group
    }

    func result() throws -> Output { try output.get() }

    private func run(url: URL, hasAudio: Bool) throws -> Output {
        guard hasAudio else { return Output(segments: [], unavailable: TakeAssembler.noAudioTrack) }
        let reader = try AudioReader(url: url, sampleRate: VoiceEmotionModel.sampleRate)
        let samples = try reader.readAll()
        let offset = reader.startTime ?? 0
        let rate = Double(VoiceEmotionModel.sampleRate)
        let ranges: [Range<Int>]
        switch rule {
        case .study:
            ranges = samples.isEmpty ? [] : [0..<min(samples.count, VoiceEmotionModel.windowSamples)]
        case .segments:
            ranges = vad.segments(samples: samples, sampleRate: VoiceEmotionModel.sampleRate).map { $0.samples }
        }
        var out: [VoiceSegment] = []
        for r in ranges where !r.isEmpty {
            let p = try model.probabilities(samples: Array(samples[r]))
            var probs: EmotionProbabilities = [:]
            for (i, label) in model.labels.enumerated() { probs[label] = Double(p[i]) }
            let top = model.labels[p.indices.max { p[$0] < p[$1] }!]
            out.append(VoiceSegment(start: offset + Double(r.lowerBound) / rate, end: offset + Double(r.upperBound) / rate,
                                    emotion: top, probabilities: probs))
        }
        return Output(segments: out, unavailable: nil)
    }
}
