import Foundation
import Testing
#if canImport(VAD)
@testable import VAD  // the scratch package that builds VoiceActivity.swift on its own
#else
@testable import VoiceActivity
#endif
import TakeSenseTestSupport

/// A voiced, syllable-modulated signal: harmonics of a gliding 110–160 Hz F0 (amplitude 1/√k up to
/// 3.6 kHz, so about 60 % of its power lies in 300–3400 Hz, as in a vowel), in syllables of 120–280 ms
/// whose envelope dips 30 dB between them. `level`: RMS in dBFS where the envelope is above half.
func speechLike(seconds: Double, level: Double = -26, rate: Int = 16_000, seed: UInt64 = 1) -> [Float] {
    var rng = SeededRandom(seed: seed)
    let n = Int(seconds * Double(rate))
    var out = [Double](repeating: 0, count: n)
    var phase = 0.0
    var syllableStart = 0, syllableLength = Int(0.2 * Double(rate))
    var loudSum = 0.0, loudCount = 0
    for i in 0..<n {
        if i - syllableStart >= syllableLength {
            syllableStart = i
            syllableLength = Int(rng.uniform(0.12...0.28) * Double(rate))
        }
        let t = Double(i) / Double(rate)
        let f0 = 135 + 25 * sin(2 * Double.pi * 0.7 * t)
        phase += 2 * Double.pi * f0 / Double(rate)
        var v = 0.0
        var k = 1.0
        while k * f0 < 3600 {
            v += sin(k * phase) / k.squareRoot()
            k += 1
        }
        // Raised-sine syllable envelope from -30 dB to 0 dB.
        let x = Double(i - syllableStart) / Double(syllableLength)
        let envelope = 0.0316 + (1 - 0.0316) * pow(sin(Double.pi * x), 2)
        out[i] = envelope * v
        if envelope > 0.5 {
            loudSum += out[i] * out[i]
            loudCount += 1
        }
    }
    let gain = loudSum > 0 ? Signals.dBFS(level) / (loudSum / Double(loudCount)).squareRoot() : 0
    return out.map { Float($0 * gain) }
}

/// Segments are ordered, disjoint, inside the track and agree with their sample ranges.
func checkInvariants(
    _ segments: [VoiceActivitySegment], count: Int, rate: Int = 16_000, maximum: Double = 10, sourceLocation: SourceLocation = #_sourceLocation
) {
    var previous = 0
    for s in segments {
        #expect(s.startSample >= previous && s.startSample < s.endSample && s.endSample <= count, "\(s)", sourceLocation: sourceLocation)
        #expect(
            abs(s.start - Double(s.startSample) / Double(rate)) < 1e-9 && abs(s.end - Double(s.endSample) / Double(rate)) < 1e-9, sourceLocation: sourceLocation
        )
        #expect(s.duration <= maximum + 1e-9, "\(s.duration) s > \(maximum) s", sourceLocation: sourceLocation)
        previous = s.endSample
    }
}

@Suite("Voice activity detector: synthetic signals")
struct VADSyntheticTests {
    let vad = VoiceActivityDetector()
    let rate = 16_000

    @Test func emptyAndTooShort() {
        #expect(vad.segments(samples: []).isEmpty)
        #expect(vad.segments(samples: [0.5]).isEmpty)
        // Under one 30 ms frame (480 samples), even when loud.
        #expect(vad.segments(samples: Array(speechLike(seconds: 1, level: -10)[0..<479])).isEmpty)
        #expect(vad.segments(samples: speechLike(seconds: 1), sampleRate: 0).isEmpty)
        #expect(vad.segments(samples: speechLike(seconds: 1), sampleRate: -16_000).isEmpty)
    }

    @Test func silenceZerosAndDC() {
        #expect(vad.segments(samples: [Float](repeating: 0, count: 10 * rate)).isEmpty)
        // A constant DC offset: the high-pass starts settled on it, so no onset click either.
        #expect(vad.segments(samples: [Float](repeating: 0.5, count: 10 * rate)).isEmpty)
        #expect(vad.segments(samples: [Float](repeating: -1, count: 3 * rate)).isEmpty)
        // A DC step is one click, far shorter than speech.
        #expect(vad.segments(samples: [Float](repeating: 0, count: 5 * rate) + [Float](repeating: 0.8, count: 5 * rate)).isEmpty)
        // Speech on a DC offset is found as without it.
        let speech = [Float](repeating: 0, count: 2 * rate) + speechLike(seconds: 3) + [Float](repeating: 0, count: 2 * rate)
        let plain = vad.segments(samples: speech)
        let offset = vad.segments(samples: speech.map { $0 + 0.3 })
        #expect(plain.count == 1)
        #expect(offset.count == 1)
        if let a = plain.first, let b = offset.first {
            #expect(abs(a.start - b.start) <= 0.02 && abs(a.end - b.end) <= 0.02)
        }
    }

    @Test func nonFiniteSamples() {
        #expect(vad.segments(samples: [Float](repeating: .nan, count: 5 * rate)).isEmpty)
        #expect(vad.segments(samples: [Float](repeating: .infinity, count: 5 * rate)).isEmpty)
        // NaN/Inf samples sprinkled through speech count as silence: same segment as the clean signal.
        let clean = [Float](repeating: 0, count: rate) + speechLike(seconds: 3) + [Float](repeating: 0, count: rate)
        var dirty = clean
        var rng = SeededRandom(seed: 3)
        for _ in 0..<200 {
            let i = Int(rng.next() % UInt64(dirty.count))
            dirty[i] = [Float.nan, .infinity, -.infinity][Int(rng.next() % 3)]
        }
        let a = vad.segments(samples: clean), b = vad.segments(samples: dirty)
        #expect(a.count == 1 && b.count == 1)
        if let a = a.first, let b = b.first {
            #expect(abs(a.start - b.start) <= 0.05 && abs(a.end - b.end) <= 0.05)
        }
        // Huge finite values do not overflow.
        var loud = clean
        loud[rate + 100] = .greatestFiniteMagnitude
        checkInvariants(vad.segments(samples: loud), count: loud.count)
    }

    @Test func veryQuietTrack() {
        // Speech-like sound at -75 dBFS over digital silence is under the absolute floor.
        let quiet = [Float](repeating: 0, count: rate) + speechLike(seconds: 4, level: -75) + [Float](repeating: 0, count: rate)
        #expect(vad.segments(samples: quiet).isEmpty)
        // The same at -30 dBFS is speech.
        let loud = [Float](repeating: 0, count: rate) + speechLike(seconds: 4, level: -30) + [Float](repeating: 0, count: rate)
        #expect(vad.segments(samples: loud).count == 1)
    }

    @Test func steadyTonesAndNoise() {
        let n = 12 * rate
        // Steady sounds throughout become the noise floor.
        #expect(vad.segments(samples: Signals.tone(frequency: 440, seconds: 12, amplitude: 0.3)).isEmpty)
        #expect(vad.segments(samples: Signals.noise(.white, count: n, rms: 0.05, seed: 1)).isEmpty)
        #expect(vad.segments(samples: Signals.noise(.pink, count: n, rms: 0.05, seed: 2)).isEmpty)
        #expect(vad.segments(samples: Signals.noise(.brown, count: n, rms: 0.2, seed: 3)).isEmpty)
        #expect(vad.segments(samples: hum(seconds: 12, amplitude: 0.3)).isEmpty)
        // Switched on and off (1.5 s on, 1.5 s off, over -70 dBFS white noise): the floor is low, so the
        // band level rises by 40 dB and more and a 440 Hz tone lies wholly in the speech band. What
        // rejects these bursts is the modulation check: a steady level (IQR well under 3 dB) is not speech.
        let quietNoise = Signals.noise(.white, count: n, rms: Signals.dBFS(-70), seed: 4)
        for (name, burst) in [
            ("440 Hz tone", Signals.tone(frequency: 440, seconds: 12, amplitude: 0.3)),
            ("white noise", Signals.noise(.white, count: n, rms: 0.05, seed: 5)),
            ("pink noise", Signals.noise(.pink, count: n, rms: 0.05, seed: 6)),
            ("50 Hz hum", hum(seconds: 12, amplitude: 0.3)),
        ] {
            let gated = gate(burst, on: 1.5, off: 1.5, plus: quietNoise)
            #expect(vad.segments(samples: gated).isEmpty, "\(name) bursts taken as speech")
            // With the modulation check off, the in-band bursts are taken as speech.
            var plain = VoiceActivityDetector.Configuration()
            plain.minimumModulation = 0
            if name != "50 Hz hum" {
                #expect(!VoiceActivityDetector(configuration: plain).segments(samples: gated).isEmpty, "\(name)")
            }
        }
    }

    @Test func modulatedRumbleIsNotSpeech() {
        // Brown noise (like wind, traffic rumble, handling noise) swelling at 3 Hz: modulated like
        // speech, but only 13 % of the energy it adds above the floor lies in 300–3400 Hz, under the
        // 20 % the spectral cue asks of a segment (RAVDESS sentences: 24 % and more).
        let n = 10 * rate
        let rumble = Signals.noise(.brown, count: n, rms: 0.2, seed: 7)
        var swelling = [Float](repeating: 0, count: n)
        for i in 0..<n {
            let e = 0.5 - 0.5 * cos(2 * Double.pi * 3 * Double(i) / Double(rate))
            swelling[i] = rumble[i] * Float(0.02 + e)
        }
        #expect(vad.segments(samples: swelling).isEmpty)
        var noShare = VoiceActivityDetector.Configuration()
        noShare.minimumBandShare = 0
        #expect(!VoiceActivityDetector(configuration: noShare).segments(samples: swelling).isEmpty)
    }

    @Test func pausesMinimumLengthAndPadding() {
        let silence = { (s: Double) in [Float](repeating: 0, count: Int(s * 16_000)) }
        // 1 s silence, 2 s speech, 0.15 s pause, 1 s speech, 1 s pause, 1.5 s speech, 1 s pause,
        // a 0.12 s blip, 1 s silence.
        let track = silence(1) + speechLike(seconds: 2, seed: 1) + silence(0.15) + speechLike(seconds: 1, seed: 2) + silence(1)
            + speechLike(seconds: 1.5, seed: 3) + silence(1) + speechLike(seconds: 0.12, level: -20, seed: 4) + silence(1)
        let found = vad.segments(samples: track)
        checkInvariants(found, count: track.count)
        #expect(found.count == 2, "\(found)")
        guard found.count == 2 else { return }
        // Speech 1.00–4.15 s and 5.15–6.65 s, each padded by 0.1 s (onsets land within a frame or two).
        #expect(abs(found[0].start - 0.9) <= 0.05, "\(found[0])")
        #expect(abs(found[0].end - 4.25) <= 0.05, "\(found[0])")
        #expect(abs(found[1].start - 5.05) <= 0.05, "\(found[1])")
        #expect(abs(found[1].end - 6.75) <= 0.05, "\(found[1])")
        // Without padding the segments are the speech itself.
        var tight = VoiceActivityDetector.Configuration()
        tight.padding = 0
        let bare = VoiceActivityDetector(configuration: tight).segments(samples: track)
        #expect(bare.count == 2)
        if bare.count == 2 {
            #expect(abs(bare[0].start - 1.0) <= 0.04 && abs(bare[0].end - 4.15) <= 0.04, "\(bare[0])")
            #expect(abs(bare[1].start - 5.15) <= 0.04 && abs(bare[1].end - 6.65) <= 0.04, "\(bare[1])")
        }
        // Bridging off: the 0.15 s pause separates.
        var noBridge = tight
        noBridge.bridgePause = 0.05
        #expect(VoiceActivityDetector(configuration: noBridge).segments(samples: track).count == 3)
    }

    @Test func speechThroughoutIsSplitAndFullyCovered() {
        let track = speechLike(seconds: 70, seed: 9)
        // Pieces aim at 90 % of the maximum (room to move each cut to a quiet moment): 70 s → 8 × ~8.75 s, 3 × ~23 s.
        for (config, maximum, pieces) in [(VoiceActivityDetector.Configuration.standard, 10.0, 8), (.longSegments, 30.0, 3)] {
            let found = VoiceActivityDetector(configuration: config).segments(samples: track)
            checkInvariants(found, count: track.count, maximum: maximum)
            #expect(found.count == pieces, "\(found.map(\.duration))")
            // Every sample is covered, by contiguous pieces.
            #expect(found.first?.startSample == 0)
            #expect(found.last?.endSample == track.count)
            for (a, b) in zip(found, found.dropFirst()) { #expect(a.endSample == b.startSample) }
            // Evenly sized: no leftover sliver.
            #expect(found.allSatisfy { $0.duration >= maximum * 0.5 }, "\(found.map(\.duration))")
        }
    }

    @Test func splitsAtTheQuietestMoment() {
        // 24 s of speech with a 0.2 s quiet stretch (-30 dB, bridged as a pause) at 11.0–11.2 s.
        var track = speechLike(seconds: 24, seed: 11)
        for i in Int(11.0 * 16_000)..<Int(11.2 * 16_000) { track[i] *= 0.03 }
        var config = VoiceActivityDetector.Configuration()
        config.maximumSegment = 20
        let found = VoiceActivityDetector(configuration: config).segments(samples: track)
        checkInvariants(found, count: track.count, maximum: 20)
        #expect(found.count == 2)
        if found.count == 2 {
            // The even split would be at 12 s; the cut moves to the quiet stretch.
            #expect(found[0].end >= 11.0 && found[0].end <= 11.2, "cut at \(found[0].end) s")
            #expect(found[0].endSample == found[1].startSample)
        }
    }

    @Test func otherSampleRates() {
        let rate8 = 8_000
        let track = [Float](repeating: 0, count: rate8) + speechLike(seconds: 3, rate: rate8) + [Float](repeating: 0, count: 2 * rate8)
        let found = vad.segments(samples: track, sampleRate: rate8)
        checkInvariants(found, count: track.count, rate: rate8)
        #expect(found.count == 1)
        if let s = found.first {
            #expect(abs(s.start - 0.9) <= 0.05 && abs(s.end - 4.1) <= 0.05, "\(s)")
        }
    }

    @Test func nonsenseSettingsDoNotCrash() {
        let track = [Float](repeating: 0, count: rate) + speechLike(seconds: 3) + [Float](repeating: 0, count: rate)
        let values: [Double] = [0, -1, .nan, .infinity, -.infinity, 1e300]
        for v in values {
            for edit in [\VoiceActivityDetector.Configuration.frameDuration, \.hopDuration, \.bandLow, \.bandHigh, \.enterThreshold,
                         \.stayThreshold, \.absoluteFloor, \.minimumBandShare, \.noisePercentile, \.noiseSpan,
                         \.minimumModulation, \.minimumSpeech, \.bridgePause, \.padding, \.maximumSegment] {
                var config = VoiceActivityDetector.Configuration()
                config[keyPath: edit] = v
                let vad = VoiceActivityDetector(configuration: config)
                checkInvariants(vad.segments(samples: track), count: track.count, maximum: .infinity)
                _ = vad.description
            }
        }
        #expect(vad.segments(samples: track, sampleRate: .max).isEmpty)
    }

    @Test func descriptionNamesMethodAndSettings() {
        let text = vad.description
        #expect(text.hasPrefix("energy VAD: 30 ms frames every 10 ms"))
        for part in ["300-3400 Hz", "10th percentile", "+12 dB to enter", "+6 dB to stay", "-65 dBFS", "speech-band share ≥ 20 %", "IQR ≥ 3 dB",
                     "0.3 s bridged", "≥ 0.25 s", "padded 0.1 s", "≤ 10 s"] {
            #expect(text.contains(part), "\(part) missing from: \(text)")
        }
        #expect(VoiceActivityDetector(configuration: .longSegments).description.contains("≤ 30 s"))
        var never = VoiceActivityDetector.Configuration()
        never.maximumSegment = .infinity
        #expect(!VoiceActivityDetector(configuration: never).description.contains("split"))
    }

    @Test func segmentJSON() throws {
        let s = VoiceActivitySegment(startSample: 16_000, endSample: 40_000, sampleRate: 16_000)
        #expect(s.start == 1 && s.end == 2.5 && s.duration == 1.5 && s.samples == 16_000..<40_000)
        let json = String(decoding: try JSONEncoder().encode(s), as: UTF8.self)
        #expect(json.contains("\"start_sample\":16000"))
        #expect(try JSONDecoder().decode(VoiceActivitySegment.self, from: Data(json.utf8)) == s)
    }

    private func hum(seconds: Double, amplitude: Double) -> [Float] {
        // Mains hum: 50 Hz and its first 7 harmonics at 1/k.
        let n = Int(seconds * Double(rate))
        return (0..<n).map { i in
            let t = Double(i) / Double(rate)
            var v = 0.0
            for k in 1...8 { v += sin(2 * Double.pi * 50 * Double(k) * t) / Double(k) }
            return Float(amplitude * v / 1.3)
        }
    }

    private func gate(_ x: [Float], on: Double, off: Double, plus floor: [Float]) -> [Float] {
        let period = Int((on + off) * Double(rate)), onSamples = Int(on * Double(rate))
        return x.indices.map { i in (i % period >= period - onSamples ? x[i] : 0) + floor[i] }
    }
}
