import Foundation
import Torch

/// A trained voice-emotion model, as the scene analysis uses it: 16 kHz mono samples in, one
/// probability per emotion out.
///
///     let model = try VoiceEmotionModel(contentsOf: url)
///     let p = try model.probabilities(samples: audio)   // in model.labels order
///
/// Audio up to 30 s is classified in one pass at its true length (or zero-padded to 30 s when the
/// model was trained so). Longer audio is cut into consecutive 30 s windows whose probabilities are
/// averaged, weighted by each window's duration; a final piece shorter than 1 s is replaced by the
/// last 30 s of the audio (overlapping the window before it).
public final class VoiceEmotionModel: @unchecked Sendable {
    public let classifier: WhisperClassifier
    public static let sampleRate = LogMelSpectrogram.sampleRate
    /// Samples in one window (30 s).
    public static let windowSamples = LogMelSpectrogram.chunkSamples
    /// Shortest clip the model is run on; shorter audio is zero-padded to it (0.1 s).
    public static let minimumSamples = 1_600

    /// Logits are divided by this before the softmax (temperature scaling; 1 = uncalibrated).
    public let temperature: Double
    /// The out-of-fold confusion matrix the calibration was fitted with (rows truth, columns
    /// prediction, in `labels` order), when the file carries one: how this recipe errs on unheard voices.
    public let confusion: [[Int]]?
    /// What the temperature was fitted on, when the file says.
    public let calibrationFitOn: String?

    public init(_ classifier: WhisperClassifier, temperature: Double = 1, confusion: [[Int]]? = nil, calibrationFitOn: String? = nil) {
        self.classifier = classifier
        self.temperature = temperature
        self.confusion = confusion
        self.calibrationFitOn = calibrationFitOn
        classifier.eval()
    }

    /// Loads a model saved by `takesense train voice` (a WhisperClassifier safetensors file), with its
    /// calibration (`takesense.calibration.*` metadata) when present.
    public convenience init(contentsOf url: URL) throws {
        let classifier = try WhisperClassifier(contentsOf: url)
        let meta = try Checkpoint.safetensorsMetadata(url)
        var temperature = 1.0
        if let text = meta[VoiceCalibration.temperatureKey] {
            guard let t = Double(text.trimmingCharacters(in: CharacterSet.whitespaces)), t.isFinite, t > 0 else {
                throw TorchError("\(url.path): metadata '\(VoiceCalibration.temperatureKey)' is not a positive number: \(text)")
            }
            temperature = t
        }
        var confusion: [[Int]]?
        if let text = meta[VoiceCalibration.confusionKey] {
            guard let rows = try ClassifierHead.parseJSON(text, file: url, key: VoiceCalibration.confusionKey) as? [[Int]],
                  rows.count == classifier.labels.count, rows.allSatisfy({ $0.count == classifier.labels.count })
            else {
                throw TorchError("\(url.path): metadata '\(VoiceCalibration.confusionKey)' is not a "
                    + "\(classifier.labels.count)x\(classifier.labels.count) matrix")
            }
            confusion = rows
        }
        self.init(classifier, temperature: temperature, confusion: confusion, calibrationFitOn: meta[VoiceCalibration.fitOnKey])
    }

    /// Emotion names, in probability order.
    public var labels: [String] { classifier.labels }

    /// Zero-pads every clip to 30 s (the study's protocol) instead of using its true length.
    public var padTo30s: Bool {
        get { classifier.options.padTo30s }
        set { classifier.options.padTo30s = newValue }
    }

    /// Calibrated class probabilities (softmax of logits / ``temperature``) for 16 kHz mono samples of any length.
    public func probabilities(samples: [Float]) throws -> [Float] {
        guard !samples.isEmpty else { throw TorchError("voice emotion: no audio samples") }
        let windows = Self.windows(count: samples.count)
        var total = [Double](repeating: 0, count: labels.count)
        var weightSum = 0.0
        for range in windows {
            var clip = Array(samples[range])
            if clip.count < Self.minimumSamples { clip += [Float](repeating: 0, count: Self.minimumSamples - clip.count) }
            let p = try Torch.noGrad { try (classifier.logits(clips: [clip]) / temperature).softmax(dim: -1)[0].floats() }
            let w = Double(range.count)
            for i in total.indices { total[i] += w * Double(p[i]) }
            weightSum += w
        }
        return total.map { Float($0 / weightSum) }
    }

    /// The most probable emotion and its probability.
    public func predict(samples: [Float]) throws -> (label: String, probability: Float) {
        let p = try probabilities(samples: samples)
        let best = p.indices.max { p[$0] < p[$1] }!
        return (labels[best], p[best])
    }

    /// Consecutive 30 s windows covering `count` samples; a last piece under 1 s is replaced by the
    /// last 30 s (overlapping the previous window).
    static func windows(count: Int) -> [Range<Int>] {
        guard count > windowSamples else { return [0..<count] }
        var out: [Range<Int>] = []
        var start = 0
        while start < count {
            let end = Swift.min(count, start + windowSamples)
            if end - start < sampleRate, let last = out.popLast() {
                // Too short to judge alone: classify the last 30 s instead (overlapping the previous window).
                out.append(last)
                out.append((count - windowSamples)..<count)
                break
            }
            out.append(start..<end)
            start = end
        }
        return out
    }
}
