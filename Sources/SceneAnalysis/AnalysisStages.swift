import Director
import FaceEmotion
import Faces
import Foundation
import Torch
import VoiceActivity
import VoiceEmotion

// The stages `SceneAnalyzer` runs, one protocol each (face detection is `FaceDetecting`, in Faces), so any
// stage can be replaced (another model, another detector) or faked in a test. The shipped implementations
// conform below.

/// Classifies face crops: gray square pictures `inputSize` pixels on a side.
public protocol FaceEmotionClassifying {
    /// Emotion names, in the order of each row of `probabilities(faces:)`.
    var labels: [String] { get }
    /// Side of the square gray crops it takes; the analyzer cuts crops this size.
    var inputSize: Int { get }
    /// Class probabilities of each crop (rows in crop order, columns in `labels` order).
    func probabilities(faces: [PixelBuffer]) throws -> [[Double]]
    /// The classifier's known confusions on faces it was not trained on (rows truth, columns prediction, in
    /// `labels` order), when its file carries them: the verdict can read its output as evidence through them.
    var confusion: [[Int]]? { get }
}

/// Classifies a stretch of speech. Sendable: the voice pass runs in a child task beside the face pass.
public protocol VoiceEmotionClassifying: Sendable {
    /// Emotion names, in the order of `probabilities(samples:)`.
    var labels: [String] { get }
    /// Sample rate (Hz) of the mono audio it takes.
    var sampleRate: Int { get }
    /// Class probabilities of mono samples at `sampleRate`, in `labels` order.
    func probabilities(samples: [Float]) throws -> [Float]
    /// The classifier's known confusions on voices it never heard (rows truth, columns prediction), when known.
    var confusion: [[Int]]? { get }
}

extension FaceEmotionClassifying {
    public var confusion: [[Int]]? { nil }
    /// `confusion` as the verdict's prior (`TakeAssembler(faceConfusion:)`), when known.
    public var confusionPrior: ConfusionPrior? { confusion.map { ConfusionPrior(labels: labels, rows: $0.map { $0.map(Double.init) }) } }
}

extension VoiceEmotionClassifying {
    public var confusion: [[Int]]? { nil }
    /// `confusion` as the verdict's prior (`TakeAssembler(voiceConfusion:)`), when known.
    public var confusionPrior: ConfusionPrior? { confusion.map { ConfusionPrior(labels: labels, rows: $0.map { $0.map(Double.init) }) } }
}

/// Finds the stretches of speech in a track. Its description is written into the analysis settings.
public protocol SpeechSegmenting: Sendable, CustomStringConvertible {
    func segments(samples: [Float], sampleRate: Int) throws -> [VoiceActivitySegment]
}

extension FaceClassifier: FaceEmotionClassifying {
    public var inputSize: Int { preprocessing.inputSize }

    public func probabilities(faces: [PixelBuffer]) throws -> [[Double]] {
        guard !faces.isEmpty else { return [] }
        let side = inputSize
        for f in faces where f.width != side || f.height != side || f.format.channels != 1 {
            throw TorchError("face classifier: a crop of \(f.width)x\(f.height)x\(f.format.channels), not \(side)x\(side) gray")
        }
        let gray = try Tensor(faces.flatMap { $0.pixels }, shape: [faces.count, 1, side, side]).to(.float32) / 255.0
        let p = try probabilities(gray: gray).floats()
        let k = labels.count
        return faces.indices.map { j in (0..<k).map { Double(p[j * k + $0]) } }
    }
}

extension VoiceEmotionModel: VoiceEmotionClassifying {
    public var sampleRate: Int { LogMelSpectrogram.sampleRate }
}

extension VoiceActivityDetector: SpeechSegmenting {}
