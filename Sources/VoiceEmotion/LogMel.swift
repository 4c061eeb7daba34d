import Foundation
import Torch

/// Whisper's log-mel front end (`whisper.audio.log_mel_spectrogram`), on the libtorch engine:
/// 16 kHz audio, a 400-point STFT with a periodic Hann window and hop 160 (centred, reflect padding),
/// the last frame dropped, |X|² projected on Slaney-scale mel filters (librosa's), log10 clamped at
/// 1e-10 and to (max - 8), then (x + 4) / 4.
///
/// One STFT frame is 10 ms, so a clip of `n` samples gives `n / 160` frames (3000 for 30 s).
public struct LogMelSpectrogram: Sendable {
    public static let sampleRate = 16_000
    public static let nFFT = 400
    public static let hopLength = 160
    /// Whisper's 30-second window (`whisper.audio.N_SAMPLES`).
    public static let chunkSamples = 480_000
    /// Mel frames in 30 s (`whisper.audio.N_FRAMES`).
    public static let chunkFrames = 3_000

    public let melBins: Int
    /// The mel filterbank, (melBins, nFFT/2 + 1) row-major, as librosa.filters.mel(sr=16000, n_fft=400, n_mels=melBins).
    public let filterValues: [Float]

    /// - Parameter melBins: 80 for every Whisper model except large-v3 (128).
    public init(melBins: Int = 80) {
        self.melBins = melBins
        filterValues = Self.melFilters(sampleRate: Self.sampleRate, nFFT: Self.nFFT, melBins: melBins)
    }

    /// The filterbank as a (melBins, 201) tensor.
    public func filters() throws -> Tensor {
        try Tensor(filterValues, shape: [melBins, Self.nFFT / 2 + 1])
    }

    /// Log-mel features (melBins, frames) of 16 kHz mono samples.
    /// - Parameter padTo30s: pad with zeros (or trim) to 30 s first, as `whisper.pad_or_trim`
    ///   (3000 frames; what the study did); otherwise the clip keeps its length (`samples.count / 160` frames).
    public func callAsFunction(_ samples: [Float], padTo30s: Bool = false) throws -> Tensor {
        let audio = padTo30s ? Self.padOrTrim(samples) : samples
        return try self(Tensor(audio))
    }

    /// Log-mel features of a 1-D float tensor of 16 kHz samples: (melBins, frames).
    public func callAsFunction(_ audio: Tensor) throws -> Tensor {
        guard audio.rank == 1 else {
            throw TorchError("log-mel: expected 1-D audio samples, got shape \(audio.shape)")
        }
        let n = audio.size(0)
        // torch.stft's centred reflect padding needs more than nFFT/2 samples.
        guard n > Self.nFFT / 2 else {
            throw TorchError("log-mel: audio too short (\(n) samples; at least \(Self.nFFT / 2 + 1) needed, about 13 ms at 16 kHz)")
        }
        let x = audio.dtype == .float32 ? audio : try audio.to(.float32)
        let window = try Tensor.hannWindow(Self.nFFT, periodic: true)
        let power = try Functional.stftPower(x, nFFT: Self.nFFT, hop: Self.hopLength, window: window)
        let frames = power.size(1) - 1
        let magnitudes = try power.slice(dim: 1, start: 0, end: frames)  // stft[..., :-1]
        let mel = try filters().matmul(magnitudes)
        var logSpec = try mel.clamp(min: 1e-10).log10()
        let peak = try logSpec.amax().item()
        logSpec = try logSpec.clamp(min: peak - 8.0)
        return try (logSpec + 4.0) / 4.0
    }

    /// `whisper.pad_or_trim`: zero-pads or trims to `length` samples (30 s by default).
    public static func padOrTrim(_ samples: [Float], length: Int = chunkSamples) -> [Float] {
        if samples.count >= length { return Array(samples.prefix(length)) }
        return samples + [Float](repeating: 0, count: length - samples.count)
    }

    // MARK: Slaney mel filters (librosa.filters.mel with htk=False, norm="slaney")

    /// Hz to mel on the Slaney scale (linear below 1 kHz, logarithmic above), as librosa.hz_to_mel(htk=False).
    public static func hzToMel(_ f: Double) -> Double {
        let fSp = 200.0 / 3
        let minLogHz = 1000.0
        let minLogMel = minLogHz / fSp
        let logStep = Foundation.log(6.4) / 27.0
        return f >= minLogHz ? minLogMel + Foundation.log(f / minLogHz) / logStep : f / fSp
    }

    /// Mel to Hz on the Slaney scale, as librosa.mel_to_hz(htk=False).
    public static func melToHz(_ m: Double) -> Double {
        let fSp = 200.0 / 3
        let minLogHz = 1000.0
        let minLogMel = minLogHz / fSp
        let logStep = Foundation.log(6.4) / 27.0
        return m >= minLogMel ? minLogHz * Foundation.exp(logStep * (m - minLogMel)) : fSp * m
    }

    /// Triangular Slaney-normalised mel filters, (melBins, nFFT/2 + 1) row-major float32, computed as
    /// librosa.filters.mel does (float64 ramps stored to float32, then scaled by 2 / bandwidth).
    public static func melFilters(sampleRate: Int, nFFT: Int, melBins: Int, fMin: Double = 0, fMax: Double? = nil) -> [Float] {
        let bins = nFFT / 2 + 1
        let top = fMax ?? Double(sampleRate) / 2
        // np.fft.rfftfreq(n_fft, d=1/sr): i * (1 / (n * d)).
        let val = 1.0 / (Double(nFFT) * (1.0 / Double(sampleRate)))
        let fftFreqs = (0..<bins).map { Double($0) * val }
        // np.linspace(min_mel, max_mel, n_mels + 2), then mel_to_hz.
        let minMel = hzToMel(fMin), maxMel = hzToMel(top)
        let points = melBins + 2
        let step = (maxMel - minMel) / Double(points - 1)
        var mels = (0..<points).map { minMel + Double($0) * step }
        mels[points - 1] = maxMel
        let melF = mels.map(melToHz)
        var weights = [Float](repeating: 0, count: melBins * bins)
        for i in 0..<melBins {
            let lowerWidth = melF[i + 1] - melF[i]
            let upperWidth = melF[i + 2] - melF[i + 1]
            let enorm = 2.0 / (melF[i + 2] - melF[i])
            for j in 0..<bins {
                let lower = -(melF[i] - fftFreqs[j]) / lowerWidth
                let upper = (melF[i + 2] - fftFreqs[j]) / upperWidth
                let w = Float(Swift.max(0, Swift.min(lower, upper)))
                weights[i * bins + j] = Float(Double(w) * enorm)
            }
        }
        return weights
    }
}
