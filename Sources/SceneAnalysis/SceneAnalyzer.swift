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

/// Runs the stages over a take and assembles its `TakeAnalysis`: face detection, face-emotion classification,
/// speech segmentation and voice-emotion classification, each behind its own protocol (`FaceDetecting`,
/// `FaceEmotionClassifying`, `SpeechSegmenting`, `VoiceEmotionClassifying`) so that any stage can be replaced
/// or faked.
///
/// The face pass (decode → detect → track → crop → classify in small batches) runs in the calling task while
/// the voice pass (decode audio → segment → classify each segment) runs in a child task beside it (`async let`);
/// the video decoder reads frames ahead of the face pass on its own thread (`TakeFaceAnalyzer`; measured to
/// pay, see `TakeFaceOptions.readAhead`).
///
///     let analyzer = try SceneAnalyzer(face: faceModel, voice: voiceModel, detector: MTCNNDetector(weights: url))
///     let take = try await analyzer.analyze(URL(fileURLWithPath: "take.mov"))
///     print(take.verdict.decision, take.verdict.reasons)
///
/// Not Sendable (the face stages hold libtorch and OpenCV state used by one task at a time): share it through
/// an actor, as `TakeSense` does.
public final class SceneAnalyzer {
    public let face: any FaceEmotionClassifying
    public let voice: any VoiceEmotionClassifying
    public let detector: any FaceDetecting
    /// Finds speech for the `.segments` voice rule; nil: the voice-activity detector configured by `options.vad`.
    public let segmenter: (any SpeechSegmenting)?
    public var options: SceneAnalysisOptions
    /// Names written into the analysis (e.g. the model files).
    public var faceModelName: String
    public var voiceModelName: String
    /// The emotions compared: those both models know, in the face model's order.
    public let labels: [String]

    public init(face: any FaceEmotionClassifying, voice: any VoiceEmotionClassifying, detector: any FaceDetecting,
                segmenter: (any SpeechSegmenting)? = nil, options: SceneAnalysisOptions = .init(),
                faceModelName: String = "face", voiceModelName: String = "voice") throws {
        self.face = face
        self.voice = voice
        self.detector = detector
        self.segmenter = segmenter
        self.options = options
        self.faceModelName = faceModelName
        self.voiceModelName = voiceModelName
        let voiceLabels = Set(voice.labels)
        labels = face.labels.filter { voiceLabels.contains($0) }
        guard labels.count >= 2 else {
            throw SceneAnalysisError("the face model (\(face.labels.joined(separator: ","))) and the voice model "
                + "(\(voice.labels.joined(separator: ","))) share fewer than two emotions")
        }
        if let i = options.intended, !labels.contains(i) {
            throw SceneAnalysisError("intended emotion '\(i)' is not one the models compare (\(labels.joined(separator: ", ")))")
        }
    }

    /// The segmenter the voice pass uses.
    var speechSegmenter: any SpeechSegmenting { segmenter ?? VoiceActivityDetector(configuration: options.vad) }

    /// Analyses one take. Unreadable files throw a `MediaError` naming the file; a take without a
    /// face or without speech is analysed as far as possible and judged `unsure`.
    nonisolated(nonsending) public func analyze(_ url: URL, progress: ((AnalysisProgress) -> Void)? = nil) async throws -> TakeAnalysis {
        let info = try probe(url)
        guard info.video != nil || info.audio != nil else {
            throw MediaError.notMediaFile(url.path, reason: "no video or audio stream")
        }
        let duration = info.duration ?? max(info.video?.duration ?? 0, info.audio?.duration ?? 0)
        guard duration <= options.maxTakeSeconds else {
            throw MediaError.unreadable(url.path, reason: "the take lasts \(Int(duration)) s, more than the \(Int(options.maxTakeSeconds)) s "
                + "analysed in one take; cut it")
        }
        let rate = options.faceFPS ?? info.video?.frameRate ?? 30
        guard info.video == nil || duration * rate <= Double(options.maxSampledFrames) else {
            throw MediaError.unreadable(url.path, reason: "about \(Int(duration * rate)) face frames would be sampled, "
                + "more than the \(options.maxSampledFrames) per take; lower --face-fps")
        }

        // The voice pass in a child task while this task decodes the video for the face pass.
        let segmenter = speechSegmenter
        let pass = VoicePass(model: voice, rule: options.voiceRule, segmenter: segmenter), hasAudio = info.audio != nil
        async let voicePass = pass.run(url: url, hasAudio: hasAudio)

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
        // A face-pass error wins over a voice-pass one (as before): the voice pass is awaited first either way.
        let voiceOutcome: Result<VoicePass.Output, any Error>
        do { voiceOutcome = .success(try await voicePass) } catch { voiceOutcome = .failure(error) }
        if let faceError { throw faceError }
        let voiceResult = try voiceOutcome.get()
        progress?(AnalysisProgress(stage: .done, fraction: 1))

        let settings = AnalysisSettings(
            faceModel: faceModelName, voiceModel: voiceModelName, detector: detector.name, faceFPS: options.faceFPS,
            decode: options.decode.rawValue, speech: options.voiceRule == .study ? "whole track, first 30 s (study rule)" : segmenter.description,
            intended: options.intended, policy: options.policy)
        let assembler = TakeAssembler(labels: labels, policy: options.policy, intended: options.intended,
                                      faceConfusion: face.confusionPrior, voiceConfusion: voice.confusionPrior)
        var analysis = assembler.assemble(
            take: url.path, duration: duration, faceFrames: faceFrames, sampledTimes: sampledTimes, otherFaces: otherFaces,
            thumbnails: thumbnails, voiceSegments: voiceResult.segments, settings: settings,
            faceUnavailable: faceUnavailable, voiceUnavailable: voiceResult.unavailable)
        analysis.frameRate = info.video?.frameRate
        // The camera's start timecode (tmcd track / timecode tag): spans and markers count on it.
        return analysis.withSpanTimecodes(SourceTimecode(probedTimecode: info.timecode, frameRateFraction: info.video?.frameRateFraction,
                                                         frameRate: info.video?.frameRate))
    }

    /// The same analysis for synchronous callers (command-line code, benchmarks): runs `analyze` in a task and
    /// blocks this thread until it ends. Never call it from async code (it would hold a cooperative thread).
    @available(*, noasync, message: "use the async analyze(_:progress:)")
    public func analyze(_ url: URL, progress: ((AnalysisProgress) -> Void)? = nil) throws -> TakeAnalysis {
        // The task is the analyzer's only user while this thread waits, so handing it over is safe.
        nonisolated(unsafe) let analyzer = self
        nonisolated(unsafe) let progress = progress
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var outcome: Result<TakeAnalysis, any Error>?
        Task {
            do { outcome = .success(try await analyzer.analyze(url, progress: progress)) } catch { outcome = .failure(error) }
            done.signal()
        }
        done.wait()
        return try outcome!.get()
    }

    private func analyzeFaces(_ url: URL, duration: Double, progress: ((AnalysisProgress) -> Void)?) throws
        -> (frames: [FaceFrame], sampled: [Double], otherFaces: Int, thumbnails: [Thumbnail])
    {
        let cropper = FaceCropper(size: face.inputSize, margin: options.cropMargin, format: .gray)
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
        let rows = try face.probabilities(faces: crops.map(\.picture))
        let labels = face.labels
        guard rows.count == crops.count, rows.allSatisfy({ $0.count == labels.count }) else {
            throw SceneAnalysisError("the face classifier returned \(rows.count) rows for \(crops.count) crops (\(labels.count) labels each expected)")
        }
        return rows.map { row in
            var probs: EmotionProbabilities = [:]
            for (i, label) in labels.enumerated() { probs[label] = row[i] }
            return probs
        }
    }
}

/// A take the analyzer cannot judge with the stages it was given (labels that do not meet, a stage answering
/// with the wrong shape): one line.
public struct SceneAnalysisError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Identifies a crop: its track and frame.
struct CropKey: Hashable {
    var track: Int, frame: Int
    init(_ crop: FaceCrop) { track = crop.trackID; frame = crop.frameIndex }
}

/// The voice pass: decode the audio, find speech, classify each stretch. A value (all Sendable), run in a
/// child task of `SceneAnalyzer.analyze`.
struct VoicePass: Sendable {
    struct Output: Sendable {
        var segments: [VoiceEmotionSegment]
        var unavailable: String?
    }

    let model: any VoiceEmotionClassifying
    let rule: VoiceRule
    let segmenter: any SpeechSegmenting

    func run(url: URL, hasAudio: Bool) async throws -> Output {
        guard hasAudio else { return Output(segments: [], unavailable: TakeAssembler.noAudioTrack) }
        let sampleRate = model.sampleRate
        let reader = try AudioReader(url: url, sampleRate: sampleRate)
        let samples = try reader.readAll()
        let offset = reader.startTime ?? 0
        let rate = Double(sampleRate)
        let ranges: [Range<Int>]
        switch rule {
        case .study:
            // The study's rule: the first 30 s as one prediction.
            ranges = samples.isEmpty ? [] : [0..<min(samples.count, 30 * sampleRate)]
        case .segments:
            ranges = try segmenter.segments(samples: samples, sampleRate: sampleRate).map { $0.samples }
        }
        let labels = model.labels
        var out: [VoiceEmotionSegment] = []
        for r in ranges where !r.isEmpty {
            try Task.checkCancellation()
            let p = try model.probabilities(samples: Array(samples[r]))
            guard p.count == labels.count, let best = p.indices.max(by: { p[$0] < p[$1] }) else {
                throw SceneAnalysisError("the voice classifier returned \(p.count) probabilities for \(labels.count) labels")
            }
            var probs: EmotionProbabilities = [:]
            for (i, label) in labels.enumerated() { probs[label] = Double(p[i]) }
            out.append(VoiceEmotionSegment(start: offset + Double(r.lowerBound) / rate, end: offset + Double(r.upperBound) / rate,
                                    emotion: labels[best], probabilities: probs))
        }
        return Output(segments: out, unavailable: nil)
    }
}
