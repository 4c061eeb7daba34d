import Foundation

/// Waveform augmentation for speech-emotion training, in plain Swift on 16 kHz mono samples:
/// additive noise at a chosen signal-to-noise ratio, gain, time shift, speed perturbation, pitch
/// perturbation (duration kept) and a simple reverb. The study named augmentation as the cure for its
/// over-fitting; TakeSense caches a few augmented copies of every training clip once, so the frozen
/// encoder blocks run on each copy only once.
///
/// Every random choice is drawn from the generator passed in, so a seeded generator gives the same
/// copies on every run.
public struct AudioAugmentation: Codable, Sendable, Equatable {
    public var sampleRate = 16_000
    /// White Gaussian noise at an SNR drawn uniformly from `snrDB` (dB).
    public var noiseProbability = 0.5
    public var snrDB: ClosedRange<Double> = 10...30
    /// Gain drawn from `gainDB` (dB).
    public var gainProbability = 0.5
    public var gainDB: ClosedRange<Double> = -6...6
    /// Delay (positive) or advance (negative) of up to `maxShiftSeconds`, zero-filled, length kept.
    public var shiftProbability = 0.5
    public var maxShiftSeconds = 0.3
    /// Speed factor (tempo and pitch together, as sox `speed`): > 1 is faster and shorter.
    public var speedProbability = 0.5
    public var speed: ClosedRange<Double> = 0.9...1.1
    /// Pitch shift in semitones with the duration kept (WSOLA time stretch, then resampling).
    public var pitchProbability = 0.4
    public var pitchSemitones: ClosedRange<Double> = -2...2
    /// Schroeder reverb with a reverberation time drawn from `reverbRT60` (s) and a wet share from `reverbWet`.
    public var reverbProbability = 0.3
    public var reverbRT60: ClosedRange<Double> = 0.2...0.8
    public var reverbWet: ClosedRange<Double> = 0.1...0.4

    public init() {}

    /// No augmentation at all (every probability 0).
    public static let none: AudioAugmentation = {
        var a = AudioAugmentation()
        a.noiseProbability = 0; a.gainProbability = 0; a.shiftProbability = 0
        a.speedProbability = 0; a.pitchProbability = 0; a.reverbProbability = 0
        return a
    }()

    /// One random augmentation of `samples`: each transform is applied with its probability, in the
    /// order speed, pitch, reverb, shift, gain, noise (noise last, so the SNR is the one asked for).
    public func apply<G: RandomNumberGenerator>(_ samples: [Float], using rng: inout G) -> [Float] {
        var x = samples
        guard !x.isEmpty else { return x }
        func chance(_ p: Double) -> Bool { p > 0 && Double.random(in: 0..<1, using: &rng) < p }
        func draw(_ r: ClosedRange<Double>) -> Double { r.lowerBound == r.upperBound ? r.lowerBound : Double.random(in: r, using: &rng) }
        if chance(speedProbability) { x = Self.changeSpeed(x, factor: draw(speed)) }
        if chance(pitchProbability) { x = Self.shiftPitch(x, semitones: draw(pitchSemitones), sampleRate: sampleRate) }
        if chance(reverbProbability) { x = Self.reverb(x, rt60: draw(reverbRT60), wet: draw(reverbWet), sampleRate: sampleRate) }
        if chance(shiftProbability) {
            let maxShift = Int(maxShiftSeconds * Double(sampleRate))
            if maxShift > 0 { x = Self.shift(x, by: Int.random(in: -maxShift...maxShift, using: &rng)) }
        }
        if chance(gainProbability) { x = Self.gain(x, dB: draw(gainDB)) }
        if chance(noiseProbability) { x = Self.addNoise(x, snrDB: draw(snrDB), using: &rng) }
        return x
    }

    // MARK: Transforms

    /// Multiplies by 10^(dB/20).
    public static func gain(_ x: [Float], dB: Double) -> [Float] {
        let g = Float(Foundation.pow(10, dB / 20))
        return x.map { $0 * g }
    }

    /// Mean power (mean of squares).
    public static func power(_ x: [Float]) -> Double {
        guard !x.isEmpty else { return 0 }
        var s = 0.0
        for v in x { s += Double(v) * Double(v) }
        return s / Double(x.count)
    }

    /// Adds `noise` (repeated or cut to the clip's length; white Gaussian noise when nil) scaled so
    /// that 10·log10(P_signal / P_noise) = `snrDB`. A silent clip is returned unchanged.
    public static func addNoise<G: RandomNumberGenerator>(_ x: [Float], snrDB: Double, noise: [Float]? = nil, using rng: inout G) -> [Float] {
        let signalPower = power(x)
        guard signalPower > 0, !x.isEmpty else { return x }
        var n: [Float]
        if let noise, !noise.isEmpty {
            n = (0..<x.count).map { noise[$0 % noise.count] }
        } else {
            n = gaussian(count: x.count, using: &rng)
        }
        let noisePower = power(n)
        guard noisePower > 0 else { return x }
        let scale = Float((signalPower / (noisePower * Foundation.pow(10, snrDB / 10))).squareRoot())
        return zip(x, n).map { $0 + scale * $1 }
    }

    /// Standard normal samples (Box–Muller).
    public static func gaussian<G: RandomNumberGenerator>(count: Int, using rng: inout G) -> [Float] {
        var out = [Float]()
        out.reserveCapacity(count + 1)
        while out.count < count {
            let u1 = Double.random(in: Double.ulpOfOne..<1, using: &rng)
            let u2 = Double.random(in: 0..<1, using: &rng)
            let r = (-2 * Foundation.log(u1)).squareRoot()
            out.append(Float(r * Foundation.cos(2 * .pi * u2)))
            out.append(Float(r * Foundation.sin(2 * .pi * u2)))
        }
        return Array(out.prefix(count))
    }

    /// Delays (positive `by`) or advances (negative) by that many samples, zero-filling; length kept.
    public static func shift(_ x: [Float], by offset: Int) -> [Float] {
        let n = x.count
        guard offset != 0, n > 0 else { return x }
        if abs(offset) >= n { return [Float](repeating: 0, count: n) }
        if offset > 0 { return [Float](repeating: 0, count: offset) + x[0..<(n - offset)] }
        return Array(x[(-offset)...]) + [Float](repeating: 0, count: -offset)
    }

    /// Band-limited resampling by `factor` (output sample i reads input position i·factor) with a
    /// Hann-windowed sinc whose cut-off follows the factor. Output length round(n / factor).
    public static func resample(_ x: [Float], factor: Double, halfWidth: Int = 8) -> [Float] {
        guard factor > 0, factor != 1, !x.isEmpty else { return x }
        let outCount = Swift.max(1, Int((Double(x.count) / factor).rounded()))
        let cutoff = Swift.min(1.0, 1.0 / factor)           // relative to the input Nyquist
        let radius = Double(halfWidth) / cutoff              // taps on each side, in input samples
        var out = [Float](repeating: 0, count: outCount)
        x.withUnsafeBufferPointer { input in
            let n = input.count
            for i in 0..<outCount {
                let centre = Double(i) * factor
                let lo = Swift.max(0, Int((centre - radius).rounded(.up)))
                let hi = Swift.min(n - 1, Int((centre + radius).rounded(.down)))
                guard lo <= hi else { continue }
                var acc = 0.0
                for j in lo...hi {
                    let t = Double(j) - centre
                    let arg = t * cutoff
                    let sinc = arg == 0 ? 1.0 : Foundation.sin(.pi * arg) / (.pi * arg)
                    let window = 0.5 + 0.5 * Foundation.cos(.pi * t / radius)
                    acc += Double(input[j]) * sinc * window
                }
                out[i] = Float(acc * cutoff)
            }
        }
        return out
    }

    /// Speed perturbation (sox `speed`): tempo and pitch both scaled by `factor`; length n / factor.
    public static func changeSpeed(_ x: [Float], factor: Double) -> [Float] {
        resample(x, factor: factor)
    }

    /// Time stretch keeping the pitch (WSOLA: Hann-windowed frames overlap-added at half a frame,
    /// each analysis frame taken within ±tolerance of its nominal place where it best continues the
    /// output). `rate` > 1 is faster; output length ≈ n / rate.
    public static func timeStretch(_ x: [Float], rate: Double, sampleRate: Int = 16_000) -> [Float] {
        guard rate > 0, rate != 1, x.count > 0 else { return x }
        let frame = Swift.max(64, sampleRate / 50)           // 20 ms
        let hop = frame / 2                                   // synthesis hop
        let tolerance = hop / 2
        let outCount = Swift.max(1, Int((Double(x.count) / rate).rounded()))
        guard x.count > frame + 2 * tolerance else { return resample(x, factor: Double(x.count) / Double(outCount)) }
        let window = (0..<frame).map { Float(0.5 - 0.5 * Foundation.cos(2 * .pi * Double($0) / Double(frame))) }
        var out = [Float](repeating: 0, count: outCount + frame)
        var norm = [Float](repeating: 0, count: outCount + frame)
        // Pad the input so every candidate frame is inside it.
        let padded = [Float](repeating: 0, count: tolerance) + x + [Float](repeating: 0, count: frame + 2 * tolerance + Int(Double(hop) * rate) + 1)
        var previous = tolerance    // padded index of the frame last copied
        var k = 0
        padded.withUnsafeBufferPointer { p in
            while k * hop < outCount {
                let nominal = tolerance + Int((Double(k * hop) * rate).rounded())
                var best = nominal
                if k > 0 {
                    // The natural continuation of the previous frame, one hop on.
                    let natural = previous + hop
                    var bestScore = -Double.infinity
                    let lo = Swift.max(0, nominal - tolerance), hi = Swift.min(p.count - frame, nominal + tolerance)
                    if lo <= hi {
                        for candidate in Swift.stride(from: lo, through: hi, by: 2) {
                            var score = 0.0
                            for j in Swift.stride(from: 0, to: hop, by: 2) { score += Double(p[natural + j]) * Double(p[candidate + j]) }
                            if score > bestScore { bestScore = score; best = candidate }
                        }
                    }
                }
                best = Swift.min(Swift.max(0, best), p.count - frame)
                let start = k * hop
                for j in 0..<frame where start + j < out.count {
                    out[start + j] += p[best + j] * window[j]
                    norm[start + j] += window[j]
                }
                previous = best
                k += 1
            }
        }
        return (0..<outCount).map { norm[$0] > 1e-3 ? out[$0] / norm[$0] : out[$0] }
    }

    /// Pitch shift by `semitones` keeping the duration: time stretch by 2^(s/12), then resample back.
    public static func shiftPitch(_ x: [Float], semitones: Double, sampleRate: Int = 16_000) -> [Float] {
        guard semitones != 0, !x.isEmpty else { return x }
        let ratio = Foundation.pow(2, semitones / 12)
        let stretched = timeStretch(x, rate: 1 / ratio, sampleRate: sampleRate)
        var y = resample(stretched, factor: Double(stretched.count) / Double(x.count))
        if y.count > x.count { y.removeLast(y.count - x.count) }
        if y.count < x.count { y += [Float](repeating: 0, count: x.count - y.count) }
        return y
    }

    /// A simple reverb (Schroeder: four parallel feedback combs, then two all-passes) whose comb gains
    /// give a decay of 60 dB in `rt60` seconds; the wet signal is scaled to the dry one's RMS and
    /// mixed in with weight `wet`. Length kept (the tail past the clip is cut).
    public static func reverb(_ x: [Float], rt60: Double, wet: Double, sampleRate: Int = 16_000) -> [Float] {
        guard rt60 > 0, wet > 0, !x.isEmpty else { return x }
        let combDelays = [0.0297, 0.0371, 0.0411, 0.0437].map { Swift.max(1, Int($0 * Double(sampleRate))) }
        let n = x.count
        var sum = [Double](repeating: 0, count: n)
        for d in combDelays {
            let g = Foundation.pow(10, -3 * Double(d) / Double(sampleRate) / rt60)
            var y = [Double](repeating: 0, count: n)
            for i in 0..<n {
                y[i] = Double(x[i]) + (i >= d ? g * y[i - d] : 0)
                sum[i] += y[i]
            }
        }
        for (delaySeconds, g) in [(0.005, 0.7), (0.0017, 0.7)] {
            let d = Swift.max(1, Int(delaySeconds * Double(sampleRate)))
            var y = [Double](repeating: 0, count: n)
            for i in 0..<n {
                let delayedIn = i >= d ? sum[i - d] : 0
                let delayedOut = i >= d ? y[i - d] : 0
                y[i] = -g * sum[i] + delayedIn + g * delayedOut
            }
            sum = y
        }
        let dry = power(x).squareRoot()
        var wetPower = 0.0
        for v in sum { wetPower += v * v }
        let wetRMS = (wetPower / Double(n)).squareRoot()
        guard wetRMS > 0 else { return x }
        let scale = dry / wetRMS
        let w = Swift.min(1, Swift.max(0, wet))
        return (0..<n).map { Float((1 - w) * Double(x[$0]) + w * scale * sum[$0]) }
    }
}
