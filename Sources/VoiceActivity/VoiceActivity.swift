import Foundation

/// A stretch of speech found by `VoiceActivityDetector`: samples `startSample..<endSample` of the
/// track, i.e. `start..<end` seconds (padding included). What the voice model then makes of it is a
/// `Director.VoiceEmotionSegment`.
public struct VoiceActivitySegment: Codable, Sendable, Equatable, Hashable {
    /// Start in seconds from the first sample.
    public var start: Double
    /// End in seconds (exclusive).
    public var end: Double
    /// First sample of the segment.
    public var startSample: Int
    /// One past the last sample.
    public var endSample: Int

    public init(startSample: Int, endSample: Int, sampleRate: Int) {
        self.startSample = startSample
        self.endSample = endSample
        start = Double(startSample) / Double(sampleRate)
        end = Double(endSample) / Double(sampleRate)
    }

    /// The segment's samples.
    public var samples: Range<Int> { startSample..<endSample }
    /// Length in seconds.
    public var duration: Double { end - start }

    enum CodingKeys: String, CodingKey {
        case start, end
        case startSample = "start_sample", endSample = "end_sample"
    }
}

/// Finds speech in a mono track (film production audio, not only clean studio speech), so that each
/// segment can be given to the voice-emotion model on its own.
///
/// Method (plain Swift: one pass over the samples, then a few passes over 10 ms frames; about 70 ms
/// for ten minutes of 16 kHz audio in a release build):
/// 1. Non-finite samples count as silence. Each sample goes through a 40 Hz high-pass (DC offset and
///    sub-sonic rumble out; the filter starts settled on the first sample, so an offset gives no
///    click) for the *total* energy, and on through a 300–3400 Hz band-pass (4th-order Butterworth
///    high- and low-pass) for the *speech-band* energy. Energies are taken over 30 ms frames every
///    10 ms, in dB relative to full scale (a full-scale sine is -3 dBFS).
/// 2. Adaptive noise floor, per frame: the 10th percentile of the band level within each second,
///    then the lowest of those within ±3 s, interpolated between seconds. A floor that changes
///    during a take is followed; a dropout does not pull it down (digital silence, under -100 dBFS,
///    is left out: it has no noise floor); and a second of continuous speech still has quiet frames
///    (closures, breaths) near its 10th percentile.
/// 3. Hysteresis on the band level: speech starts 12 dB above the floor and goes on while the level
///    stays 6 dB above it. An absolute floor keeps digital silence and very quiet tracks free of
///    speech: nothing under -65 dBFS is speech, and speech starts no lower than -59 dBFS.
/// 4. Pauses shorter than 0.3 s are bridged; stretches shorter than 0.25 s are dropped, and so are
///    - steady sounds: the interquartile range of the stretch's frame levels is under 3 dB. Speech is
///      modulated by syllables (10–20 dB); a tone, a hum, a fan, or a burst of steady noise that the
///      floor has not caught up with yet, is not;
///    - sounds with too little of their energy in the speech band: under 20 % of the energy the
///      stretch adds above the noise floors (band and total) lies in 300–3400 Hz. Rumble, wind,
///      handling noise and traffic (brown noise: 13 %) fall under it; voices do not (the lowest of
///      60 RAVDESS sentences, a low male voice strong in its fundamental: 24 %; most 40–80 %).
///      White (39 %) and pink (45 %) noise pass this cue: only their modulation tells them apart.
/// 5. Each segment gets 0.1 s of padding at both ends (clamped to the track); segments that then
///    touch are merged.
/// 6. A segment longer than the maximum (10 s by default) is cut into pieces of about 90 % of the
///    maximum, each cut at the quietest 10 ms (band level over 50 ms) within ±25 % of a piece around
///    its even split point, never making a piece longer than the maximum. The pieces are contiguous:
///    no sample is lost.
///
/// An energy detector cannot tell speech from other modulated sound in the speech band — music,
/// a crowd, a door slam long enough to pass as a syllable — so it finds where someone *may* be
/// talking; what is said, and whether it is a voice at all, is the voice model's business.
///
/// Why 10 s pieces by default: the voice model classifies at most 30 s at a time, but it was trained
/// on single sentences of 2–5 s (RAVDESS, CREMA-D, TESS, SAVEE), and the analysis wants to say *when*
/// the voice reads sad while the face reads happy. Pieces of at most 10 s keep that time resolution
/// in long monologues and stay close to the training clips' length while giving the model several
/// sentences of context; `Configuration.longSegments` (30 s, one model window per segment) is there
/// for a take-level read.
///
///     let vad = VoiceActivityDetector()
///     for segment in vad.segments(samples: samples) {
///         let clip = Array(samples[segment.samples])
///         ...
///     }
public struct VoiceActivityDetector: Sendable, CustomStringConvertible {
    public struct Configuration: Codable, Sendable, Equatable {
        /// Analysis frame length in seconds (rounded to whole hops).
        public var frameDuration: Double = 0.030
        /// Frame hop in seconds; also the time resolution of the boundaries.
        public var hopDuration: Double = 0.010
        /// Speech band in Hz whose energy is tracked (the upper edge is kept below Nyquist).
        public var bandLow: Double = 300
        public var bandHigh: Double = 3400
        /// Band energy above the noise floor (dB) that starts speech.
        public var enterThreshold: Double = 12
        /// Band energy above the noise floor (dB) that keeps speech going.
        public var stayThreshold: Double = 6
        /// Nothing quieter than this band level (dBFS) is speech; speech starts no lower than this
        /// plus `enterThreshold - stayThreshold`.
        public var absoluteFloor: Double = -65
        /// Share (0...1) of a segment's energy above the noise floors that must lie in the speech band
        /// (0 disables this spectral cue).
        public var minimumBandShare: Double = 0.2
        /// Percentile (0...100) of each second's frame levels taken as that second's noise level.
        public var noisePercentile: Double = 10
        /// The floor at a frame is the lowest per-second noise level within this many seconds either side.
        public var noiseSpan: Double = 3
        /// Segments whose frame levels have an interquartile range below this (dB) are steady sounds,
        /// not speech (0 disables the check).
        public var minimumModulation: Double = 3
        /// Shortest speech kept (seconds, before padding).
        public var minimumSpeech: Double = 0.25
        /// Pauses shorter than this (seconds) are bridged.
        public var bridgePause: Double = 0.3
        /// Added before and after each segment (seconds).
        public var padding: Double = 0.1
        /// Longer segments are split (seconds; 0 or infinity: never split).
        public var maximumSegment: Double = 10

        public init() {}

        public init(maximumSegment: Double) {
            self.maximumSegment = maximumSegment
        }

        /// 10 s segments: the default (see the type's documentation).
        public static let standard = Configuration()
        /// 30 s segments: one voice-model window each.
        public static let longSegments = Configuration(maximumSegment: 30)
    }

    public let configuration: Configuration

    public init(configuration: Configuration = .standard) {
        self.configuration = configuration
    }

    /// The method and its settings in one line, for the analysis JSON.
    public var description: String {
        let c = configuration
        let frame = Self.num((c.frameDuration * 1000).rounded())
        let hop = Self.num((c.hopDuration * 1000).rounded())
        var checks: [String] = []
        if c.minimumBandShare > 0 { checks.append("speech-band share ≥ \(Self.num(c.minimumBandShare * 100)) %") }
        if c.minimumModulation > 0 { checks.append("level IQR ≥ \(Self.num(c.minimumModulation)) dB") }
        var parts = [
            "\(frame) ms frames every \(hop) ms",
            "\(Self.num(c.bandLow))-\(Self.num(c.bandHigh)) Hz band level over an adaptive noise floor (\(Self.num(c.noisePercentile))th percentile per "
                + "second, lowest within ±\(Self.num(c.noiseSpan)) s)",
            "hysteresis +\(Self.num(c.enterThreshold)) dB to enter, +\(Self.num(c.stayThreshold)) dB to stay, absolute floor \(Self.num(c.absoluteFloor)) dBFS",
        ]
        if !checks.isEmpty { parts.append(checks.joined(separator: " and ") + " per segment") }
        parts.append("pauses < \(Self.num(c.bridgePause)) s bridged")
        parts.append("speech ≥ \(Self.num(c.minimumSpeech)) s")
        parts.append("padded \(Self.num(c.padding)) s")
        if c.maximumSegment > 0, c.maximumSegment.isFinite {
            parts.append("split at the quietest frame to ≤ \(Self.num(c.maximumSegment)) s")
        }
        return "energy VAD: " + parts.joined(separator: ", ")
    }

    private static func num(_ x: Double) -> String {
        if x == x.rounded(), abs(x) < 1e9 { return String(Int(x)) }
        return String(format: "%g", x)
    }

    /// Speech segments of a mono track, in order, not overlapping, each at most
    /// `configuration.maximumSegment` long. Never fails: empty, too short (under one frame), silent
    /// or non-finite input gives `[]`.
    public func segments(samples: [Float], sampleRate: Int = 16_000) -> [VoiceActivitySegment] {
        guard let analysis = analyse(samples: samples, sampleRate: sampleRate) else { return [] }
        return segments(from: analysis)
    }

    // MARK: - Frame analysis

    /// Per-frame measurements and decisions (internal: for tests and tuning).
    struct Analysis {
        var sampleRate: Int
        var sampleCount: Int
        /// Samples per hop and per frame (a whole number of hops).
        var hop: Int
        var frame: Int
        /// Band level, total level and noise floor (band) per frame, dBFS.
        var band: [Double]
        var total: [Double]
        var floor: [Double]
        /// Energy above the noise floor in the band and in total (mean square, linear).
        var bandExcess: [Double]
        var totalExcess: [Double]
        /// Hysteresis decision per frame.
        var speech: [Bool]

        /// The sample at the middle of frame `i`'s centre hop: frame `i` stands for
        /// `centre(i) ..< centre(i) + hop`.
        func centre(_ i: Int) -> Int { i * hop + (frame - hop) / 2 }
    }

    /// Levels below this are clamped (dBFS): digital silence.
    static let silenceLevel = -120.0

    func analyse(samples: [Float], sampleRate: Int) -> Analysis? {
        let c = configuration
        // Rates beyond any audio format's are not analysed (and cannot overflow the sample arithmetic).
        guard sampleRate > 0, sampleRate <= 10_000_000 else { return nil }
        let rate = Double(sampleRate)
        // Nonsense settings fall back to the defaults (hop) or are clamped (frame: one hop to one second).
        let hopDuration = c.hopDuration.isFinite && c.hopDuration > 0 && c.hopDuration <= 1 ? c.hopDuration : 0.01
        let hop = max(1, Int((hopDuration * rate).rounded()))
        let frameDuration = min(max(c.frameDuration.finiteOr(0.03), hopDuration), 1)
        let hopsPerFrame = max(1, Int((frameDuration / hopDuration).rounded()))
        let frame = hop * hopsPerFrame
        let n = samples.count
        guard n >= frame else { return nil }
        let blocks = n / hop
        let frames = blocks - hopsPerFrame + 1
        guard frames > 0 else { return nil }

        // 1. Filters and per-hop energy sums (Double throughout: no overflow for any finite Float).
        let nyquist = rate / 2
        let high = min(max(c.bandHigh.finiteOr(3400), 100), 0.45 * rate)
        let low = min(max(c.bandLow.finiteOr(300), 10), high * 0.9)
        let q1 = 0.541_196_100_146_197, q2 = 1.306_562_964_876_376  // 4th-order Butterworth sections
        var dc = Biquad.highPass(frequency: min(40, nyquist * 0.5), q: 0.5.squareRoot(), sampleRate: rate)
        var hp1 = Biquad.highPass(frequency: low, q: q1, sampleRate: rate)
        var hp2 = Biquad.highPass(frequency: low, q: q2, sampleRate: rate)
        var lp1 = Biquad.lowPass(frequency: high, q: q1, sampleRate: rate)
        var lp2 = Biquad.lowPass(frequency: high, q: q2, sampleRate: rate)
        var blockTotal = [Double](repeating: 0, count: blocks)
        var blockBand = [Double](repeating: 0, count: blocks)
        samples.withUnsafeBufferPointer { x in
            // Start in the steady state of the first sample so a DC offset gives no onset click.
            let first = Double(x[0].isFinite ? x[0] : 0)
            dc.settle(onConstant: first)
            blockTotal.withUnsafeMutableBufferPointer { tot in
                blockBand.withUnsafeMutableBufferPointer { bnd in
                    var i = 0
                    for b in 0..<blocks {
                        var sumTotal = 0.0, sumBand = 0.0
                        let end = i + hop
                        while i < end {
                            let v = x[i]
                            let s = v.isFinite ? Double(v) : 0
                            let t = dc.process(s)
                            let y = lp2.process(lp1.process(hp2.process(hp1.process(t))))
                            sumTotal += t * t
                            sumBand += y * y
                            i += 1
                        }
                        tot[b] = sumTotal
                        bnd[b] = sumBand
                    }
                }
            }
        }

        // Frame levels (dBFS) from running sums of hop blocks.
        var band = [Double](repeating: 0, count: frames)
        var total = [Double](repeating: 0, count: frames)
        let scale = 1 / Double(frame)
        var runTotal = 0.0, runBand = 0.0
        for b in 0..<hopsPerFrame - 1 {
            runTotal += blockTotal[b]
            runBand += blockBand[b]
        }
        for f in 0..<frames {
            let last = f + hopsPerFrame - 1
            runTotal += blockTotal[last]
            runBand += blockBand[last]
            total[f] = Self.level(runTotal * scale)
            band[f] = Self.level(runBand * scale)
            runTotal -= blockTotal[f]
            runBand -= blockBand[f]
            // Re-sum now and then so rounding in the running sums cannot build up.
            if f % 1024 == 1023 {
                runTotal = 0
                runBand = 0
                for b in (f + 1)..<(f + hopsPerFrame) where b < blocks {
                    runTotal += blockTotal[b]
                    runBand += blockBand[b]
                }
            }
        }

        // 2. Noise floors of the band and of the total.
        let framesPerSecond = max(1, sampleRate / hop)
        let percentile = min(max(c.noisePercentile.finiteOr(10), 0), 100)
        let span = Int(min(max(c.noiseSpan.finiteOr(3), 0), 3600).rounded())
        let floor = Self.noiseFloor(band, chunk: framesPerSecond, percentile: percentile, span: span)
        let totalFloor = Self.noiseFloor(total, chunk: framesPerSecond, percentile: percentile, span: span)

        // 3. Energy above the floors (for the spectral cue), and hysteresis.
        var bandExcess = [Double](repeating: 0, count: frames)
        var totalExcess = [Double](repeating: 0, count: frames)
        var speech = [Bool](repeating: false, count: frames)
        let enterMargin = c.enterThreshold.finiteOr(12)
        let stayMargin = min(c.stayThreshold.finiteOr(6), enterMargin)
        let absolute = c.absoluteFloor.finiteOr(-65)
        var inSpeech = false
        for f in 0..<frames {
            bandExcess[f] = max(0, Self.power(band[f]) - Self.power(floor[f]))
            totalExcess[f] = max(0, Self.power(total[f]) - Self.power(totalFloor[f]))
            let enter = max(floor[f] + enterMargin, absolute + (enterMargin - stayMargin))
            let stay = max(floor[f] + stayMargin, absolute)
            inSpeech = band[f] >= (inSpeech ? stay : enter)
            speech[f] = inSpeech
        }
        return Analysis(sampleRate: sampleRate, sampleCount: n, hop: hop, frame: frame, band: band, total: total,
                        floor: floor, bandExcess: bandExcess, totalExcess: totalExcess, speech: speech)
    }

    /// Frames quieter than this (dBFS) are digital silence (below a 16-bit LSB): they have no noise
    /// floor and are left out of its estimate.
    static let digitalSilence = -100.0

    /// Per frame: the `percentile` of each `chunk` frames' levels (digital silence left out), the
    /// minimum of those over `span` chunks either side, linearly interpolated between chunk centres.
    static func noiseFloor(_ levels: [Double], chunk: Int, percentile: Double, span: Int) -> [Double] {
        let count = levels.count
        let chunks = (count + chunk - 1) / chunk
        // nil: nothing but digital silence in the chunk.
        var perChunk = [Double?](repeating: nil, count: chunks)
        var scratch = [Double]()
        scratch.reserveCapacity(chunk)
        for k in 0..<chunks {
            scratch.removeAll(keepingCapacity: true)
            for f in (k * chunk)..<min(count, (k + 1) * chunk) where levels[f] > digitalSilence {
                scratch.append(levels[f])
            }
            guard !scratch.isEmpty else { continue }
            scratch.sort()
            let position = percentile / 100 * Double(scratch.count - 1)
            let lo = Int(position.rounded(.down)), hi = min(lo + 1, scratch.count - 1)
            let w = position - Double(lo)
            perChunk[k] = scratch[lo] * (1 - w) + scratch[hi] * w
        }
        // Sliding minimum over ±span chunks (chunks are few: 600 for ten minutes).
        var floorChunk = [Double](repeating: silenceLevel, count: chunks)
        for k in 0..<chunks {
            var m = Double.infinity
            for j in max(0, k - span)...min(chunks - 1, k + span) { if let v = perChunk[j] { m = min(m, v) } }
            floorChunk[k] = m.isFinite ? m : silenceLevel
        }
        var out = [Double](repeating: silenceLevel, count: count)
        let half = Double(chunk - 1) / 2
        for f in 0..<count {
            // Position in chunk-centre units.
            let p = (Double(f) - half) / Double(chunk)
            if p <= 0 || chunks == 1 {
                out[f] = floorChunk[0]
            } else if p >= Double(chunks - 1) {
                out[f] = floorChunk[chunks - 1]
            } else {
                let k = Int(p), w = p - Double(k)
                out[f] = floorChunk[k] * (1 - w) + floorChunk[k + 1] * w
            }
        }
        return out
    }

    /// `seconds` as a sample count: negative or NaN → 0, clamped to 10^7 s so that it cannot overflow.
    static func sampleCount(_ seconds: Double, rate: Double) -> Int {
        guard seconds > 0 else { return 0 }
        return Int((min(seconds, 1e7) * rate).rounded())
    }

    static func level(_ meanSquare: Double) -> Double {
        guard meanSquare.isFinite else { return meanSquare.isNaN ? silenceLevel : 0 }
        return max(silenceLevel, 10 * log10(meanSquare + 1e-13))
    }

    static func power(_ level: Double) -> Double { pow(10, level / 10) }

    // MARK: - Segments

    func segments(from a: Analysis) -> [VoiceActivitySegment] {
        let c = configuration
        let rate = Double(a.sampleRate)
        let frames = a.speech.count
        let n = a.sampleCount

        // Runs of speech frames as sample ranges (each frame stands for its centre hop; a run touching
        // either end of the analysed frames reaches that end of the track).
        var runs: [(start: Int, end: Int, first: Int, last: Int)] = []
        var f = 0
        while f < frames {
            guard a.speech[f] else { f += 1; continue }
            var g = f
            while g < frames, a.speech[g] { g += 1 }
            let start = f == 0 ? 0 : a.centre(f)
            let end = g == frames ? n : a.centre(g - 1) + a.hop
            runs.append((start, end, f, g - 1))
            f = g
        }
        guard !runs.isEmpty else { return [] }

        // 4. Bridge short pauses, drop short or steady stretches.
        let bridge = Self.sampleCount(c.bridgePause, rate: rate)
        var merged: [(start: Int, end: Int, first: Int, last: Int)] = [runs[0]]
        for r in runs.dropFirst() {
            if r.start - merged[merged.count - 1].end < bridge {
                merged[merged.count - 1].end = r.end
                merged[merged.count - 1].last = r.last
            } else {
                merged.append(r)
            }
        }
        let minimum = Self.sampleCount(c.minimumSpeech, rate: rate)
        let minModulation = c.minimumModulation.finiteOr(0)
        let minShare = c.minimumBandShare.finiteOr(0)
        var scratch: [Double] = []
        let kept = merged.filter { r in
            guard r.end - r.start >= minimum else { return false }
            if minShare > 0 {
                var bandSum = 0.0, totalSum = 0.0
                for f in r.first...r.last {
                    bandSum += a.bandExcess[f]
                    totalSum += a.totalExcess[f]
                }
                if bandSum < minShare * totalSum { return false }
            }
            guard minModulation > 0 else { return true }
            scratch.removeAll(keepingCapacity: true)
            scratch.append(contentsOf: a.band[r.first...r.last])
            scratch.sort()
            let q = { (p: Double) -> Double in scratch[Int((p * Double(scratch.count - 1)).rounded())] }
            return q(0.75) - q(0.25) >= minModulation
        }

        // 5. Padding, merging what then touches.
        let pad = Self.sampleCount(c.padding, rate: rate)
        var padded: [Range<Int>] = []
        for r in kept {
            let s = max(0, r.start - pad), e = min(n, r.end + pad)
            if let last = padded.last, s <= last.upperBound {
                padded[padded.count - 1] = last.lowerBound..<max(last.upperBound, e)
            } else {
                padded.append(s..<e)
            }
        }

        // 6. Split what is too long.
        let maxSamples = c.maximumSegment.isFinite && c.maximumSegment > 0
            ? max(a.hop * 2, Int((min(c.maximumSegment, 1e7) * rate).rounded(.down))) : Int.max
        var out: [VoiceActivitySegment] = []
        for r in padded {
            for piece in split(r, maxSamples: maxSamples, analysis: a) {
                out.append(VoiceActivitySegment(startSample: piece.lowerBound, endSample: piece.upperBound, sampleRate: a.sampleRate))
            }
        }
        return out
    }

    /// Cuts `range` into pieces of at most `maxSamples`: as many as pieces of 90 % of the maximum
    /// need, each cut at the quietest frame within ±25 % of a piece around its even split point.
    func split(_ range: Range<Int>, maxSamples: Int, analysis a: Analysis) -> [Range<Int>] {
        let length = range.count
        guard length > maxSamples else { return [range] }
        // Pieces of about 90 % of the maximum leave room to move each cut to a quiet moment.
        let aim = max(1, maxSamples * 9 / 10)
        let count = max(2, (length + aim - 1) / aim)
        let spacing = Double(length) / Double(count)
        let reach = max(a.hop, Int(spacing / 4))
        var pieces: [Range<Int>] = []
        var start = range.lowerBound
        for j in 1..<count {
            let target = range.lowerBound + Int((Double(j) * spacing).rounded())
            // Never longer than the maximum, and leave no more than the maximum for each piece still to come.
            let lo = max(target - reach, range.upperBound - (count - j) * maxSamples, start + 1)
            let hi = min(target + reach, start + maxSamples)
            var cut = min(max(target, lo), hi)
            if lo <= hi {
                var bestLevel = Double.infinity
                // Frames whose centre hop starts within lo...hi; cut where the quietest one starts.
                let offset = (a.frame - a.hop) / 2
                var f = max(0, (lo - offset + a.hop - 1) / a.hop)
                while f < a.band.count, a.centre(f) <= hi {
                    // Mean level of three frames (50 ms) around the cut.
                    var sum = 0.0, k = 0
                    for g in max(0, f - 1)...min(a.band.count - 1, f + 1) { sum += a.band[g]; k += 1 }
                    if sum / Double(k) < bestLevel {
                        bestLevel = sum / Double(k)
                        cut = a.centre(f)
                    }
                    f += 1
                }
            }
            pieces.append(start..<cut)
            start = cut
        }
        pieces.append(start..<range.upperBound)
        // (Only when a cut had no room: split an over-long piece again.)
        return pieces.flatMap { $0.count > maxSamples ? split($0, maxSamples: maxSamples, analysis: a) : [$0] }
    }
}

extension VoiceActivityDetector {
    /// A biquad in transposed direct form II, in Double (RBJ cookbook coefficients).
    struct Biquad {
        var b0, b1, b2, a1, a2: Double
        var z1 = 0.0, z2 = 0.0

        static func highPass(frequency: Double, q: Double, sampleRate: Double) -> Biquad {
            let w = 2 * Double.pi * frequency / sampleRate
            let cw = cos(w), alpha = sin(w) / (2 * q), a0 = 1 + alpha
            return Biquad(b0: (1 + cw) / 2 / a0, b1: -(1 + cw) / a0, b2: (1 + cw) / 2 / a0, a1: -2 * cw / a0, a2: (1 - alpha) / a0)
        }

        static func lowPass(frequency: Double, q: Double, sampleRate: Double) -> Biquad {
            let w = 2 * Double.pi * frequency / sampleRate
            let cw = cos(w), alpha = sin(w) / (2 * q), a0 = 1 + alpha
            return Biquad(b0: (1 - cw) / 2 / a0, b1: (1 - cw) / a0, b2: (1 - cw) / 2 / a0, a1: -2 * cw / a0, a2: (1 - alpha) / a0)
        }

        /// State of a high-pass that has long been fed the constant `x` (its output is then 0).
        mutating func settle(onConstant x: Double) {
            z1 = -b0 * x
            z2 = b2 * x
        }

        @inline(__always)
        mutating func process(_ x: Double) -> Double {
            let y = b0 * x + z1
            z1 = b1 * x - a1 * y + z2
            z2 = b2 * x - a2 * y
            return y
        }
    }
}

private extension Double {
    func finiteOr(_ fallback: Double) -> Double { isFinite ? self : fallback }
}
