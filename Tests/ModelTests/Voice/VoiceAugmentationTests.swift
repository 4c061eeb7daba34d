import Datasets
import Foundation
import Testing
@testable import VoiceEmotion

@Suite("Voice: waveform augmentation")
struct VoiceAugmentationTests {
    static let rate = 16_000

    static func sine(_ hz: Double, seconds: Double = 1, amplitude: Float = 0.5) -> [Float] {
        (0..<Int(seconds * Double(rate))).map { amplitude * Float(sin(2 * .pi * hz * Double($0) / Double(rate))) }
    }

    /// Dominant frequency (Hz) of the middle of a signal, from the DFT magnitude on a 1 Hz grid around `near`.
    static func dominantFrequency(_ x: [Float], near: Double, span: Double = 150) -> Double {
        let n = x.count
        let a = n / 4, b = 3 * n / 4
        var best = 0.0, bestPower = -1.0
        var f = near - span
        while f <= near + span {
            var re = 0.0, im = 0.0
            for i in a..<b {
                let w = 0.5 - 0.5 * cos(2 * .pi * Double(i - a) / Double(b - a))
                let phase = 2 * .pi * f * Double(i) / Double(rate)
                re += Double(x[i]) * w * cos(phase)
                im -= Double(x[i]) * w * sin(phase)
            }
            let p = re * re + im * im
            if p > bestPower { bestPower = p; best = f }
            f += 1
        }
        return best
    }

    @Test func gainScalesByDecibels() {
        let x = Self.sine(440)
        let y = AudioAugmentation.gain(x, dB: 6)
        let ratio = Double(y[100] / x[100])
        #expect(abs(ratio - pow(10, 6.0 / 20)) < 1e-5)
        #expect(AudioAugmentation.gain(x, dB: 0) == x)
    }

    @Test func noiseHitsTheRequestedSNR() {
        let x = Self.sine(300, seconds: 2)
        for snr in [0.0, 10.0, 20.0] {
            var rng = SplitMix64(seed: 7)
            let y = AudioAugmentation.addNoise(x, snrDB: snr, using: &rng)
            let noise = zip(y, x).map { $0 - $1 }
            let measured = 10 * log10(AudioAugmentation.power(x) / AudioAugmentation.power(noise))
            #expect(abs(measured - snr) < 1e-3, "SNR \(snr): measured \(measured)")
        }
        // A given noise signal is used (repeated to length) at the asked SNR too.
        var rng = SplitMix64(seed: 1)
        let hum = Self.sine(50, seconds: 0.1, amplitude: 0.01)
        let y = AudioAugmentation.addNoise(x, snrDB: 5, noise: hum, using: &rng)
        let measured = 10 * log10(AudioAugmentation.power(x) / AudioAugmentation.power(zip(y, x).map { $0 - $1 }))
        #expect(abs(measured - 5) < 0.05)
        // Silence stays silent.
        #expect(AudioAugmentation.addNoise([Float](repeating: 0, count: 100), snrDB: 10, using: &rng) == [Float](repeating: 0, count: 100))
    }

    @Test func gaussianNoiseHasUnitVariance() {
        var rng = SplitMix64(seed: 3)
        let g = AudioAugmentation.gaussian(count: 100_000, using: &rng)
        let mean = g.reduce(0.0) { $0 + Double($1) } / Double(g.count)
        let variance = g.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(g.count)
        #expect(abs(mean) < 0.02 && abs(variance - 1) < 0.02)
    }

    @Test func shiftMovesBySamplesAndKeepsLength() {
        let x: [Float] = [1, 2, 3, 4, 5]
        #expect(AudioAugmentation.shift(x, by: 2) == [0, 0, 1, 2, 3])
        #expect(AudioAugmentation.shift(x, by: -2) == [3, 4, 5, 0, 0])
        #expect(AudioAugmentation.shift(x, by: 0) == x)
        #expect(AudioAugmentation.shift(x, by: 9) == [0, 0, 0, 0, 0])
    }

    @Test func speedScalesLengthAndFrequency() {
        let x = Self.sine(500)
        let fast = AudioAugmentation.changeSpeed(x, factor: 1.1)
        #expect(fast.count == Int((Double(x.count) / 1.1).rounded()))
        #expect(abs(Self.dominantFrequency(fast, near: 550) - 550) <= 2)
        let slow = AudioAugmentation.changeSpeed(x, factor: 0.9)
        #expect(slow.count == Int((Double(x.count) / 0.9).rounded()))
        #expect(abs(Self.dominantFrequency(slow, near: 450) - 450) <= 2)
        // Band-limited: the amplitude of an in-band tone is kept.
        let peak = fast[fast.count / 4..<3 * fast.count / 4].map(abs).max()!
        #expect(abs(peak - 0.5) < 0.01)
    }

    @Test func timeStretchKeepsPitch() {
        let x = Self.sine(400)
        let y = AudioAugmentation.timeStretch(x, rate: 1.25)
        #expect(y.count == Int((Double(x.count) / 1.25).rounded()))
        #expect(abs(Self.dominantFrequency(y, near: 400) - 400) <= 3)
    }

    @Test func pitchShiftKeepsDurationAndMovesFrequency() {
        let x = Self.sine(400)
        let up = AudioAugmentation.shiftPitch(x, semitones: 2)
        #expect(up.count == x.count)
        let expected = 400 * pow(2, 2.0 / 12)
        #expect(abs(Self.dominantFrequency(up, near: expected) - expected) <= 4)
        let down = AudioAugmentation.shiftPitch(x, semitones: -2)
        #expect(down.count == x.count)
        let lower = 400 * pow(2, -2.0 / 12)
        #expect(abs(Self.dominantFrequency(down, near: lower) - lower) <= 4)
    }

    @Test func reverbKeepsLengthAndDecaysAtRT60() {
        // An impulse: the wet tail decays by about 60 dB in rt60 seconds.
        var impulse = [Float](repeating: 0, count: Self.rate)
        impulse[0] = 1
        let rt60 = 0.4
        let y = AudioAugmentation.reverb(impulse, rt60: rt60, wet: 1, sampleRate: Self.rate)
        #expect(y.count == impulse.count)
        func energy(_ from: Double, _ to: Double) -> Double {
            y[Int(from * Double(Self.rate))..<Int(to * Double(Self.rate))].reduce(0) { $0 + Double($1) * Double($1) }
        }
        let early = energy(0.05, 0.1), late = energy(0.05 + rt60 / 2, 0.1 + rt60 / 2)
        let drop = 10 * log10(early / late)
        #expect(drop > 20 && drop < 40, "half an RT60 should drop about 30 dB, got \(drop)")
        // A dry/wet mix keeps the dry signal's level.
        let x = Self.sine(300)
        let mixed = AudioAugmentation.reverb(x, rt60: 0.5, wet: 0.3, sampleRate: Self.rate)
        #expect(mixed.count == x.count)
        let ratio = AudioAugmentation.power(mixed) / AudioAugmentation.power(x)
        #expect(ratio > 0.3 && ratio < 1.5)
        #expect(AudioAugmentation.reverb(x, rt60: 0.5, wet: 0) == x)
    }

    @Test func randomAugmentationIsSeededAndNoneIsIdentity() {
        let x = Self.sine(250, seconds: 1.5)
        var a = SplitMix64(seed: 11), b = SplitMix64(seed: 11), c = SplitMix64(seed: 12)
        var all = AudioAugmentation()
        all.noiseProbability = 1; all.gainProbability = 1; all.shiftProbability = 1
        all.speedProbability = 1; all.pitchProbability = 1; all.reverbProbability = 1
        let y1 = all.apply(x, using: &a), y2 = all.apply(x, using: &b), y3 = all.apply(x, using: &c)
        #expect(y1 == y2)
        #expect(y1 != y3)
        #expect(y1 != x)
        #expect(y1.allSatisfy { $0.isFinite })
        var d = SplitMix64(seed: 11)
        #expect(AudioAugmentation.none.apply(x, using: &d) == x)
    }
}
