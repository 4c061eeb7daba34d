import Director
import Faces
import Foundation
import VoiceActivity
import Media
import SceneAnalysis
import Testing
import VoiceEmotion

/// A detector that sees one face, always at the same place.
final class FixedFaceDetector: FaceDetecting {
    let name = "fixed-box"
    let minimumFaceSize = 20.0
    let box = FaceBox(x: 56, y: 36, width: 48, height: 48, score: 0.99)
    var calls = 0
    func detect(in picture: PixelBuffer) throws -> [FaceBox] {
        calls += 1
        return [box]
    }
    func detect(in picture: PixelBuffer, near box: FaceBox) throws -> [FaceBox] { try detect(in: picture) }
}

/// A face classifier answering the same distribution for every crop, recording the crops it was given.
final class FixedFaceClassifier: FaceEmotionClassifying {
    let labels = ["angry", "happy", "sad"]
    let inputSize = 48
    let answer = [0.1, 0.8, 0.1]
    var crops: [PixelBuffer] = []
    func probabilities(faces: [PixelBuffer]) throws -> [[Double]] {
        crops += faces
        return faces.map { _ in answer }
    }
}

/// Two stretches of "speech" at fixed times, whatever the audio.
struct FixedSegmenter: SpeechSegmenting {
    let description = "fixed: 0.5-1.5 s and 2.0-2.5 s"
    func segments(samples: [Float], sampleRate: Int) throws -> [VoiceActivitySegment] {
        [VoiceActivitySegment(startSample: sampleRate / 2, endSample: 3 * sampleRate / 2, sampleRate: sampleRate),
         VoiceActivitySegment(startSample: 2 * sampleRate, endSample: 5 * sampleRate / 2, sampleRate: sampleRate)]
    }
}

/// A voice classifier that knows one more emotion than the face and answers by clip length: clips of a second
/// or more are happy, shorter ones sad (so each segment's answer shows which samples it was given).
struct LengthVoiceClassifier: VoiceEmotionClassifying {
    let labels = ["sad", "happy", "angry", "neutral"]
    let sampleRate = 16_000
    var failure: String?
    func probabilities(samples: [Float]) throws -> [Float] {
        if let failure { throw SceneAnalysisError(failure) }
        return samples.count >= sampleRate ? [0.1, 0.7, 0.1, 0.1] : [0.6, 0.2, 0.1, 0.1]
    }
}

/// The fixed face classifier with a known confusion matrix (it often reads sad as angry).
final class ConfusedFaceClassifier: FaceEmotionClassifying {
    let labels = ["angry", "happy", "sad"]
    let inputSize = 48
    let confusion: [[Int]]? = [[30, 5, 5], [2, 40, 2], [20, 2, 20]]
    func probabilities(faces: [PixelBuffer]) throws -> [[Double]] { faces.map { _ in [0.6, 0.1, 0.3] } }
}

/// The length-answering voice classifier with a known confusion matrix.
struct ConfusedVoiceClassifier: VoiceEmotionClassifying {
    let labels = ["sad", "happy", "angry", "neutral"]
    let sampleRate = 16_000
    let confusion: [[Int]]? = [[30, 2, 6, 2], [4, 30, 4, 2], [3, 3, 30, 4], [10, 2, 2, 26]]
    func probabilities(samples: [Float]) throws -> [Float] { [0.5, 0.1, 0.3, 0.1] }
}

@Suite("SceneAnalyzer with fake stages", .serialized)
struct FakeStageTests {
    /// A 3 s take (gray picture, 160x120 at 10 frames/s, a 220 Hz tone): the fakes decide what is found in it.
    static func take() throws -> URL {
        let url = try Repo.temporaryDirectory().appendingPathComponent("fake-stages.mp4")
        try Repo.ffmpeg(["-f", "lavfi", "-i", "color=c=gray:s=160x120:r=10:d=3", "-f", "lavfi", "-i", "sine=frequency=220:sample_rate=16000:duration=3",
                         "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", url.path])
        return url
    }

    @Test("Every stage replaced: the analysis is assembled from what the fakes answered")
    func assemblesFromFakes() async throws {
        let detector = FixedFaceDetector(), face = FixedFaceClassifier()
        var options = SceneAnalysisOptions(faceFPS: 5, thumbnails: 2)
        options.batchSize = 4
        let analyzer = try SceneAnalyzer(face: face, voice: LengthVoiceClassifier(), detector: detector, segmenter: FixedSegmenter(),
                                         options: options, faceModelName: "fake-face", voiceModelName: "fake-voice")
        #expect(analyzer.labels == ["angry", "happy", "sad"])
        let take = try await analyzer.analyze(try Self.take())

        // Face: every sampled frame has the fixed box, every crop is the classifier's input size, each frame
        // carries the classifier's answer, the take's face distribution is their mean.
        #expect(take.face.sampledFrames >= 14 && take.face.sampledFrames <= 16, "\(take.face.sampledFrames)")
        #expect(take.face.frames.count == take.face.sampledFrames && take.face.coverage == 1)
        #expect(face.crops.count == take.face.sampledFrames && detector.calls >= 1)
        #expect(face.crops.allSatisfy { $0.width == 48 && $0.height == 48 && $0.format == .gray })
        for frame in take.face.frames {
            #expect(frame.box == [56, 36, 48, 48])
            #expect(frame.probabilities == ["angry": 0.1, "happy": 0.8, "sad": 0.1])
        }
        #expect(take.face.emotion == "happy")
        #expect(abs((take.face.probabilities["happy"] ?? 0) - 0.8) < 1e-9)
        #expect(take.face.thumbnails.count == 2)

        // Voice: the segmenter's two stretches, each classified on its own samples (1 s: happy, 0.5 s: sad).
        let segments = take.voice.segments
        #expect(segments.count == 2)
        if segments.count == 2 {
            #expect(abs(segments[0].start - 0.5) < 0.05 && abs(segments[0].end - 1.5) < 0.05)
            #expect(abs(segments[1].start - 2.0) < 0.05 && abs(segments[1].end - 2.5) < 0.05)
            #expect(segments[0].emotion == "happy" && segments[1].emotion == "sad")
            // The voice's answer restricted to the emotions both stages know, renormalised: 0.7 / (0.1 + 0.7 + 0.1).
            #expect(abs((segments[0].probabilities["happy"] ?? 0) - 0.7 / 0.9) < 1e-6)
            #expect(segments[0].probabilities["neutral"] == nil)
        }
        #expect(abs(take.voice.speechSeconds - 1.5) < 0.1)

        // What was run is recorded, and the verdict is Director's on these distributions.
        #expect(take.settings.detector == "fixed-box" && take.settings.speech == FixedSegmenter().description)
        #expect(take.settings.faceModel == "fake-face" && take.settings.voiceModel == "fake-voice")
        #expect(take.congruence.segments.count == 2)
        #expect(take.congruence.segments.first?.agree == true && take.congruence.segments.last?.agree == false)
    }

    @Test("A failing voice stage fails the analysis with its error; the face pass still ran")
    func voiceFailurePropagates() async throws {
        let face = FixedFaceClassifier()
        let analyzer = try SceneAnalyzer(face: face, voice: LengthVoiceClassifier(failure: "voice stage broke"), detector: FixedFaceDetector(),
                                         segmenter: FixedSegmenter())
        await #expect(throws: SceneAnalysisError("voice stage broke")) { try await analyzer.analyze(try Self.take()) }
        #expect(!face.crops.isEmpty)
    }

    @Test("Stages that share fewer than two emotions are refused")
    func disjointLabels() throws {
        struct Other: VoiceEmotionClassifying {
            let labels = ["calm", "surprise"]
            let sampleRate = 16_000
            func probabilities(samples: [Float]) throws -> [Float] { [0.5, 0.5] }
        }
        #expect(throws: SceneAnalysisError.self) { try SceneAnalyzer(face: FixedFaceClassifier(), voice: Other(), detector: FixedFaceDetector()) }
    }

    @Test("With confusion_correction, each stage's own confusion matrix reaches the congruence probability")
    func confusionMatricesReachTheVerdict() async throws {
        let take = try Self.take()
        func analyse(_ correction: Bool) async throws -> TakeAnalysis {
            var options = SceneAnalysisOptions(faceFPS: 5)
            options.policy.confusionCorrection = correction
            return try await SceneAnalyzer(face: ConfusedFaceClassifier(), voice: ConfusedVoiceClassifier(), detector: FixedFaceDetector(),
                                           segmenter: FixedSegmenter(), options: options).analyze(take)
        }
        let plain = try await analyse(false), corrected = try await analyse(true)
        func expected(_ a: TakeAnalysis, _ correction: Bool) -> Double? {
            let face = ConfusedFaceClassifier(), voice = ConfusedVoiceClassifier()
            let priors = correction ? (face.confusionPrior, voice.confusionPrior) : nil
            return CongruenceProbability.features(face: a.face.probabilities, voice: a.voice.probabilities, labels: a.labels,
                                                  faceConfusion: priors?.0, voiceConfusion: priors?.1,
                                                  faceTemperature: a.settings.policy.faceTemperature,
                                                  voiceTemperature: a.settings.policy.voiceTemperature)
                .map { CongruenceProbability.probability($0, weights: a.settings.policy.probabilityWeights) }
        }
        let p0 = try #require(plain.congruence.probability), p1 = try #require(corrected.congruence.probability)
        #expect(abs(p0 - (expected(plain, false) ?? .nan)) < 1e-9)
        #expect(abs(p1 - (expected(corrected, true) ?? .nan)) < 1e-9)
        // Both read angry/sad; the face's matrix says its "angry" is often a sad face, so the corrected
        // probability differs from the plain one.
        #expect(abs(p1 - p0) > 1e-3, "plain \(p0), corrected \(p1)")
        #expect(corrected.settings.policy.confusionCorrection && !plain.settings.policy.confusionCorrection)
    }
}

