import Foundation
import TakeSenseTestSupport

// Test signals for the voice-activity detector: real RAVDESS sentences strung together with known
// gaps and noise, synthetic tones and noise, and the scores against the reference. No `Testing`
// import here, so the file can also be compiled into a scratch benchmark.

/// The reference speech of `Tests/VADTests/Fixtures/ravdess_speech.json` (made by
/// `Scripts/make_vad_fixture.py`: Silero VAD on each clip on its own, with webrtcvad for comparison).
struct VADFixture: Decodable {
    struct Clip: Decodable {
        /// "Actor_NN/03-01-....flac", relative to the RAVDESS folder.
        var file: String
        var samples: Int
        /// Sentence span (first speech start to last speech end), seconds into the clip.
        var start: Double
        var end: Double
        /// Reference segments with pauses under 0.3 s bridged.
        var segments: [[Double]]
        var webrtcvad2: [Double]?
        var webrtcvad3: [Double]?
    }

    var reference: String
    var comparison: String
    var clips: [Clip]

    static func load(_ url: URL) throws -> VADFixture {
        try JSONDecoder().decode(VADFixture.self, from: Data(contentsOf: url))
    }
}

/// RAVDESS in the shared real data (`TAKESENSE_SHARED_DATA` or `../shared/data`), or nil.
enum VADRealData {
    static let ravdess: String? = SharedData.folder("ravdess")
}

enum NoiseColour: String, CaseIterable, Sendable {
    case white, pink, brown
}

enum Signals {
    static let rate = 16_000

    /// Noise of the given colour with RMS `rms` (full scale = 1).
    static func noise(_ colour: NoiseColour, count: Int, rms: Double, seed: UInt64) -> [Float] {
        var rng = SeededRandom(seed: seed)
        var raw = [Double](repeating: 0, count: count)
        switch colour {
        case .white:
            for i in 0..<count { raw[i] = rng.gaussian() }
        case .pink:
            // Paul Kellet's refined pink filter (-3 dB/octave within ±0.05 dB above 9 Hz at 44.1 kHz; close enough at 16 kHz).
            var b0 = 0.0, b1 = 0.0, b2 = 0.0, b3 = 0.0, b4 = 0.0, b5 = 0.0, b6 = 0.0
            for i in 0..<count {
                let w = rng.gaussian()
                b0 = 0.99886 * b0 + w * 0.0555179
                b1 = 0.99332 * b1 + w * 0.0750759
                b2 = 0.96900 * b2 + w * 0.1538520
                b3 = 0.86650 * b3 + w * 0.3104856
                b4 = 0.55000 * b4 + w * 0.5329522
                b5 = -0.7616 * b5 - w * 0.0168980
                raw[i] = b0 + b1 + b2 + b3 + b4 + b5 + b6 + w * 0.5362
                b6 = w * 0.115926
            }
        case .brown:
            // Leaky integration of white noise (-6 dB/octave above ~25 Hz).
            var y = 0.0
            for i in 0..<count {
                y = 0.99 * y + rng.gaussian()
                raw[i] = y
            }
        }
        let ms = raw.reduce(0) { $0 + $1 * $1 } / Double(max(1, count))
        let gain = ms > 0 ? rms / ms.squareRoot() : 0
        return raw.map { Float($0 * gain) }
    }

    static func tone(frequency: Double, seconds: Double, amplitude: Double, rate: Int = rate) -> [Float] {
        let n = Int(seconds * Double(rate))
        return (0..<n).map { Float(amplitude * sin(2 * Double.pi * frequency * Double($0) / Double(rate))) }
    }

    static func dBFS(_ level: Double) -> Double { pow(10, level / 20) }
}

/// RAVDESS sentences strung together with known gaps between them.
struct SpeechTrack {
    enum Gap: Sendable, CustomStringConvertible {
        /// Digital silence between the clips (the clips keep their own near-silent lead-in and tail).
        case silence
        /// Noise of a colour over the whole track at a fixed level (dBFS RMS).
        case noiseLevel(NoiseColour, dBFS: Double)
        /// Noise of a colour over the whole track, `snr` dB below the reference speech's mean power.
        case noiseSNR(NoiseColour, snr: Double)

        var description: String {
            switch self {
            case .silence: "digital silence"
            case let .noiseLevel(c, l): "\(c) noise at \(Int(l)) dBFS throughout"
            case let .noiseSNR(c, snr): "\(c) noise at \(Int(snr)) dB SNR throughout"
            }
        }
    }

    var samples: [Float]
    /// Reference speech spans in the track (seconds), one per clip.
    var reference: [ClosedRange<Double>]
    /// Where each clip lies in the track (seconds).
    var clips: [Range<Double>]
    /// The inserted gaps (seconds).
    var gaps: [Range<Double>]
    var names: [String]

    static let rate = 16_000

    /// `clips` (samples, reference span in seconds, name) with gaps drawn uniformly from `gapRange`
    /// seconds (seeded), then noise added over everything. With `speechLevel`, each clip is first
    /// scaled so that its reference speech has that mean power (dBFS), as dialogue is levelled in a
    /// mix; otherwise RAVDESS's own levels are kept (they differ by 30 dB: calm clips peak near -50 dBFS).
    static func build(_ clips: [(samples: [Float], span: ClosedRange<Double>, name: String)], gapRange: ClosedRange<Double> = 0.8...2.5,
                      speechLevel: Double? = nil, gap: Gap, seed: UInt64 = 7) -> SpeechTrack {
        var rng = SeededRandom(seed: seed)
        let rate = Double(Self.rate)
        var samples: [Float] = []
        var reference: [ClosedRange<Double>] = [], placed: [Range<Double>] = [], gaps: [Range<Double>] = []
        for (i, clip) in clips.enumerated() {
            if i > 0 {
                let g = Int(rng.uniform(gapRange) * rate)
                let at = Double(samples.count) / rate
                gaps.append(at..<(at + Double(g) / rate))
                samples.append(contentsOf: repeatElement(0, count: g))
            }
            let offset = Double(samples.count) / rate
            if let speechLevel {
                let lo = Int(clip.span.lowerBound * rate), hi = min(clip.samples.count, Int(clip.span.upperBound * rate))
                var sum = 0.0
                for i in lo..<hi { sum += Double(clip.samples[i]) * Double(clip.samples[i]) }
                let gain = Float((pow(10, speechLevel / 10) / max(sum / Double(max(1, hi - lo)), 1e-20)).squareRoot())
                samples.append(contentsOf: clip.samples.map { $0 * gain })
            } else {
                samples.append(contentsOf: clip.samples)
            }
            reference.append((offset + clip.span.lowerBound)...(offset + clip.span.upperBound))
            placed.append(offset..<(Double(samples.count) / rate))
        }
        let noiseSeed = seed &* 31 &+ 1
        switch gap {
        case .silence: break
        case let .noiseLevel(colour, level):
            add(Signals.noise(colour, count: samples.count, rms: Signals.dBFS(level), seed: noiseSeed), to: &samples)
        case let .noiseSNR(colour, snr):
            // Mean power of the reference speech, over all clips.
            var sum = 0.0, count = 0
            for r in reference {
                for i in Int(r.lowerBound * rate)..<min(samples.count, Int(r.upperBound * rate)) {
                    sum += Double(samples[i]) * Double(samples[i])
                    count += 1
                }
            }
            let speechPower = sum / Double(max(1, count))
            let rms = (speechPower / pow(10, snr / 10)).squareRoot()
            add(Signals.noise(colour, count: samples.count, rms: rms, seed: noiseSeed), to: &samples)
        }
        return SpeechTrack(samples: samples, reference: reference, clips: placed, gaps: gaps, names: clips.map(\.name))
    }

    private static func add(_ noise: [Float], to samples: inout [Float]) {
        for i in samples.indices { samples[i] += noise[i] }
    }
}

/// Agreement of detected segments with a track's reference.
struct VADScore: CustomStringConvertible {
    var precision: Double, recall: Double, f1: Double
    /// Detected start/end minus the reference's, seconds, for each clip found as exactly one segment.
    var startErrors: [Double], endErrors: [Double]
    /// Number of detected segments overlapping each clip.
    var segmentsPerClip: [Int]
    /// Seconds of detected speech inside the inserted gaps.
    var gapSpeech: Double

    /// Frame-level (10 ms) scores of `segments` against the reference spans.
    init(segments: [(start: Double, end: Double)], track: SpeechTrack) {
        let step = 0.01
        let frames = Int(Double(track.samples.count) / Double(SpeechTrack.rate) / step)
        var truth = [Bool](repeating: false, count: frames), found = [Bool](repeating: false, count: frames)
        func mark(_ a: inout [Bool], _ s: Double, _ e: Double) {
            // Frame k (k*10 ms ... (k+1)*10 ms) is marked when its centre lies inside.
            let lo = max(0, Int((s / step - 0.5).rounded(.up))), hi = min(frames, Int((e / step - 0.5).rounded(.up)))
            if lo < hi { for k in lo..<hi { a[k] = true } }
        }
        for r in track.reference { mark(&truth, r.lowerBound, r.upperBound) }
        for s in segments { mark(&found, s.start, s.end) }
        var tp = 0, fp = 0, fn = 0
        for k in 0..<frames {
            if truth[k] && found[k] { tp += 1 } else if found[k] { fp += 1 } else if truth[k] { fn += 1 }
        }
        precision = tp + fp > 0 ? Double(tp) / Double(tp + fp) : 1
        recall = tp + fn > 0 ? Double(tp) / Double(tp + fn) : 1
        f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
        startErrors = []
        endErrors = []
        segmentsPerClip = []
        for (clip, ref) in zip(track.clips, track.reference) {
            let inside = segments.filter { $0.end > clip.lowerBound && $0.start < clip.upperBound }
            segmentsPerClip.append(inside.count)
            if inside.count == 1 {
                startErrors.append(inside[0].start - ref.lowerBound)
                endErrors.append(inside[0].end - ref.upperBound)
            }
        }
        var g = 0.0
        for gap in track.gaps {
            for s in segments {
                g += max(0, min(gap.upperBound, s.end) - max(gap.lowerBound, s.start))
            }
        }
        gapSpeech = g
    }

    /// Share of boundaries (starts and ends) within `tolerance` seconds.
    func withinTolerance(_ tolerance: Double) -> Double {
        let all = startErrors + endErrors
        return all.isEmpty ? 0 : Double(all.filter { abs($0) <= tolerance }.count) / Double(all.count)
    }

    static func percentile(_ values: [Double], _ p: Double) -> Double {
        guard !values.isEmpty else { return .nan }
        let s = values.sorted()
        return s[min(s.count - 1, Int((p / 100 * Double(s.count - 1)).rounded()))]
    }

    var description: String {
        let abss = startErrors.map(abs), abse = endErrors.map(abs)
        return String(
            format:
                "F1 %.3f (P %.3f R %.3f); start error median %+.3f s, |err| p90 %.3f max %.3f; end error median %+.3f s, |err| p90 %.3f max %.3f; within 150 "
                    + "ms %.1f %%, 250 ms %.1f %%; one segment per clip %d/%d; speech in gaps %.2f s",
                      f1, precision, recall,
                      Self.percentile(startErrors, 50), Self.percentile(abss, 90), abss.max() ?? .nan,
                      Self.percentile(endErrors, 50), Self.percentile(abse, 90), abse.max() ?? .nan,
                      withinTolerance(0.15) * 100, withinTolerance(0.25) * 100, segmentsPerClip.filter { $0 == 1 }.count, segmentsPerClip.count, gapSpeech)
    }
}
