import Foundation

/// Times as people on set read them.
public enum Timecode {
    /// The longest time any clock here counts to: 48 hours. Analyses read back with a later time are refused
    /// (`AnalysisValidation`); the formatters below saturate there, so no input can overflow their integer arithmetic.
    public static let maxSeconds: Double = 172_800

    /// `seconds` made safe for integer frame and millisecond arithmetic: 0 for negative or NaN, at most `maxSeconds`.
    public static func bounded(_ seconds: Double) -> Double { seconds >= 0 ? min(seconds, maxSeconds) : 0 }

    /// "00:12.4" (minutes:seconds.tenths), or "1:02:03.4" past an hour.
    public static func short(_ seconds: Double) -> String {
        let tenths = Int((bounded(seconds) * 10).rounded())
        let h = tenths / 36_000, m = (tenths / 600) % 60, s = (tenths / 10) % 60, f = tenths % 10
        return h > 0 ? String(format: "%d:%02d:%02d.%d", h, m, s, f) : String(format: "%02d:%02d.%d", m, s, f)
    }

    /// SMPTE non-drop-frame "HH:MM:SS:FF" at an integer frame rate (e.g. 25), starting at `start` (default 0).
    public static func smpte(_ seconds: Double, fps: Int, start: Double = 0) -> String {
        let rate = min(max(1, fps), FrameRate.maxNominal)
        let frames = Int(((bounded(seconds) + bounded(start)) * Double(rate)).rounded())
        let ff = frames % rate, total = frames / rate
        return String(format: "%02d:%02d:%02d:%02d", total / 3600, (total / 60) % 60, total % 60, ff)
    }

    /// "00:00:12,400" (SubRip).
    public static func srt(_ seconds: Double) -> String {
        let ms = Int((bounded(seconds) * 1000).rounded())
        return String(format: "%02d:%02d:%02d,%03d", ms / 3_600_000, (ms / 60_000) % 60, (ms / 1000) % 60, ms % 1000)
    }

    /// "00:00:12.400" (WebVTT).
    public static func vtt(_ seconds: Double) -> String {
        srt(seconds).replacingOccurrences(of: ",", with: ".")
    }
}

/// A video frame rate as an exact fraction (30000/1001, not 29.97) with its timecode counting mode.
/// Timecode counts `nominal` frames a second (24 for 23.976, 30 for 29.97); drop-frame timecode
/// (29.97 and 59.94 only) skips frame numbers 0 and 1 (0–3 at 59.94) at the start of every minute
/// except every tenth, so that the displayed time keeps up with the clock.
public struct FrameRate: Codable, Sendable, Hashable, CustomStringConvertible {
    public var numerator: Int
    public var denominator: Int
    /// Drop-frame counting; only honoured at NTSC rates whose nominal rate is a multiple of 30.
    public var dropFrame: Bool

    /// Fastest rate counted: 1,000 frames a second (high-speed cameras record at most this; a file claiming more
    /// is refused where it is read, and this init brings any other value into range rather than overflow).
    public static let maxNominal = 1000
    /// Largest denominator kept (rates are fractions such as 30000/1001 or a VFR average over 1000).
    public static let maxDenominator = 1_000_000

    public init(numerator: Int, denominator: Int = 1, dropFrame: Bool = false) {
        let d = min(max(1, denominator), Self.maxDenominator)
        self.numerator = min(max(1, numerator), Self.maxNominal * d)
        self.denominator = d
        self.dropFrame = false
        self.dropFrame = dropFrame && canDropFrames
    }

    /// The standard rate nearest `fps` (23.976 → 24000/1001, 29.97 → 30000/1001, 25 → 25/1, ...) when it is
    /// within 0.05 %, else `fps` as a fraction over 1000 (a VFR clip's average). Camera files declare rates
    /// such as 2997/100 or a VFR average; timecode needs the exact standard one.
    public static func standard(_ fps: Double, dropFrame: Bool = false) -> FrameRate {
        guard fps.isFinite, fps > 0 else { return FrameRate(numerator: 25) }
        return nearest(min(fps, Double(maxNominal)), dropFrame: dropFrame)
    }

    private static func nearest(_ fps: Double, dropFrame: Bool) -> FrameRate {
        let candidates: [(Int, Int)] = [(24000, 1001), (24, 1), (25, 1), (30000, 1001), (30, 1), (48000, 1001), (48, 1),
                                        (50, 1), (60000, 1001), (60, 1), (100, 1), (120000, 1001), (120, 1)]
        for (n, d) in candidates where abs(Double(n) / Double(d) - fps) / fps < 0.0005 {
            return FrameRate(numerator: n, denominator: d, dropFrame: dropFrame)
        }
        let whole = fps.rounded()
        if abs(whole - fps) < 1e-6 { return FrameRate(numerator: Int(whole)) }
        return FrameRate(numerator: Int((fps * 1000).rounded()), denominator: 1000)
    }

    public static let fps25 = FrameRate(numerator: 25)

    /// Frames per second.
    public var fps: Double { Double(numerator) / Double(denominator) }
    /// Frames per timecode second: 24 for 23.976, 30 for 29.97, 60 for 59.94.
    public var nominal: Int { max(1, Int(fps.rounded())) }
    /// 29.97, 59.94, 23.976...: counted at the nominal rate, running 0.1 % slower than the clock.
    public var isNTSC: Bool { denominator == 1001 }
    /// Drop-frame timecode exists for 29.97 and 59.94 (and 119.88): NTSC rates whose nominal rate is a multiple of 30.
    public var canDropFrames: Bool { denominator == 1001 && (numerator / 1000) % 30 == 0 }
    /// Frame numbers skipped at the start of each minute but every tenth: 2 at 29.97, 4 at 59.94.
    public var droppedPerMinute: Int { dropFrame && canDropFrames ? nominal / 15 : 0 }

    /// "25", "23.976", "29.97 DF", "59.94 NDF".
    public var description: String {
        var s = denominator == 1 ? "\(numerator)" : String(format: "%.3f", fps)
        if denominator != 1 {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        if canDropFrames { s += dropFrame ? " DF" : " NDF" }
        return s
    }

    /// "30000/1001".
    public var fraction: String { "\(numerator)/\(denominator)" }

    /// The frame nearest `seconds` (a frame's start time is `frame / fps`).
    public func frame(atSeconds seconds: Double) -> Int {
        Int((Timecode.bounded(seconds) * Double(numerator) / Double(denominator)).rounded())
    }

    /// Seconds at the start of frame `frame`.
    public func seconds(atFrame frame: Int) -> Double { Double(frame) * Double(denominator) / Double(numerator) }
}

/// Why a timecode string was refused: one line.
public struct TimecodeError: Error, CustomStringConvertible, Equatable, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// A SMPTE timecode: a frame count and the rate that displays it ("01:02:03:04", or "00:01:00;02" in drop-frame).
/// The frame count starts at 00:00:00:00; drop-frame labels skip numbers, never frames.
public struct SMPTETimecode: Sendable, Hashable, CustomStringConvertible {
    /// Frames since 00:00:00:00 (wraps at 24 hours).
    public var frames: Int
    public var rate: FrameRate

    public init(frames: Int, rate: FrameRate) {
        let day = Self.framesPerDay(rate)
        self.frames = ((frames % day) + day) % day
        self.rate = rate
    }

    static func framesPerDay(_ rate: FrameRate) -> Int {
        let nominalDay = 24 * 3600 * rate.nominal
        return nominalDay - rate.droppedPerMinute * (24 * 60 - 24 * 6)
    }

    /// Parses "HH:MM:SS:FF" (or with `;`/`.` before the frames, the drop-frame mark). The separator decides
    /// drop-frame when `rate` can drop frames (so "01:00:00;00" at 29.97 is drop-frame, "01:00:00:00" is not).
    /// - Throws: `TimecodeError` for anything else, for fields out of range, and for frame numbers
    ///   drop-frame skips (e.g. "00:01:00;00").
    public init(_ text: String, rate: FrameRate) throws {
        let s = text.trimmingCharacters(in: .whitespaces)
        let chars = Array(s)
        guard chars.count == 11, [2, 5].allSatisfy({ chars[$0] == ":" || chars[$0] == ";" }),
              [":", ";", ".", ","].contains(chars[8]) else {
            throw TimecodeError("'\(text)' is not a timecode HH:MM:SS:FF (or HH:MM:SS;FF for drop-frame)")
        }
        let fields = [0, 3, 6, 9].map { Int(String(chars[$0..<$0 + 2])) }
        guard fields.allSatisfy({ $0 != nil && $0! >= 0 }), chars.enumerated().allSatisfy({ i, c in [2, 5, 8].contains(i) || c.isASCII && c.isNumber }) else {
            throw TimecodeError("'\(text)' is not a timecode HH:MM:SS:FF (or HH:MM:SS;FF for drop-frame)")
        }
        let (h, m, sec, f) = (fields[0]!, fields[1]!, fields[2]!, fields[3]!)
        var r = rate
        r.dropFrame = chars[8] != ":" && rate.canDropFrames
        guard h < 24, m < 60, sec < 60 else { throw TimecodeError("'\(text)': hours must be below 24, minutes and seconds below 60") }
        guard f < r.nominal else { throw TimecodeError("'\(text)': frame \(f) does not exist at \(r) (frames 00–\(String(format: "%02d", r.nominal - 1)))") }
        let drop = r.droppedPerMinute
        if drop > 0, sec == 0, m % 10 != 0, f < drop {
            throw TimecodeError("'\(text)': drop-frame timecode skips frames 00–\(String(format: "%02d", drop - 1)) at the start of minute \(m)")
        }
        let totalMinutes = 60 * h + m
        let frames = ((h * 3600 + m * 60 + sec) * r.nominal + f) - drop * (totalMinutes - totalMinutes / 10)
        self.init(frames: frames, rate: r)
    }

    /// "HH:MM:SS:FF", with `;` before the frames in drop-frame.
    public var description: String {
        let n = rate.nominal, drop = rate.droppedPerMinute
        var f = frames
        if drop > 0 {
            // Add back the frame numbers skipped so far, then count as if non-drop.
            let per10 = n * 600 - drop * 9, perMinute = n * 60 - drop
            let tens = f / per10, rest = f % per10
            f += drop * 9 * tens
            if rest > drop { f += drop * ((rest - drop) / perMinute) }
        }
        let ff = f % n, s = f / n
        return String(format: "%02d:%02d:%02d%@%02d", (s / 3600) % 24, (s / 60) % 60, s % 60, drop > 0 ? ";" : ":", ff)
    }

    /// This timecode `count` frames later.
    public func adding(frames count: Int) -> SMPTETimecode { SMPTETimecode(frames: frames + count, rate: rate) }
}

/// The timecode of a take's first frame as the camera recorded it, and the rate that counts it: markers and
/// reports give every span on this clock so an editor drops them onto the clip.
public struct SourceTimecode: Codable, Sendable, Equatable {
    public enum Origin: String, Codable, Sendable {
        /// Read from the file (QuickTime `tmcd` track or a `timecode` tag of a stream or the container).
        case file
        /// Given with `--start-timecode`.
        case override
        /// The file has none: 00:00:00:00.
        case none
    }

    public var start: SMPTETimecode
    public var origin: Origin

    public init(start: SMPTETimecode, origin: Origin) {
        self.start = start
        self.origin = origin
    }

    /// 00:00:00:00 at `rate` (a file without timecode).
    public init(rate: FrameRate) {
        self.init(start: SMPTETimecode(frames: 0, rate: rate), origin: .none)
    }

    /// From what a media probe reports: the file's `timecode` tag (nil when it has none) and its video frame
    /// rate as a fraction ("30000/1001") or a number. The rate is snapped to the standard one it stands for
    /// (a VFR phone clip's 29.98 average counts as 29.97); `;` in the tag means drop-frame. A tag that is not a
    /// timecode at that rate is ignored (00:00:00:00, origin `none`), never guessed at.
    public init(probedTimecode tag: String?, frameRateFraction: String?, frameRate: Double?) {
        var fps = frameRate
        if let parts = frameRateFraction?.split(separator: "/").compactMap({ Double($0) }), parts.count == 2, parts[0] > 0, parts[1] > 0 {
            fps = parts[0] / parts[1]
        }
        let drop = tag.map { $0.contains(";") || $0.contains(".") } ?? false
        let rate = fps.map { FrameRate.standard($0, dropFrame: drop) } ?? .fps25
        if let tag, let start = try? SMPTETimecode(tag, rate: rate) {
            self.init(start: start, origin: .file)
        } else {
            self.init(rate: rate)
        }
    }

    public var rate: FrameRate { start.rate }

    /// The frame (counted from 00:00:00:00) at `seconds` into the take.
    public func frame(atSeconds seconds: Double) -> Int { start.frames + rate.frame(atSeconds: seconds) }

    /// The timecode at `seconds` into the take.
    public func timecode(atSeconds seconds: Double) -> SMPTETimecode { start.adding(frames: rate.frame(atSeconds: seconds)) }

    enum CodingKeys: String, CodingKey {
        case start, origin
        case frameRate = "frame_rate", fps, dropFrame = "drop_frame", startFrame = "start_frame"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(start.description, forKey: .start)
        try c.encode(rate.fraction, forKey: .frameRate)
        try c.encode(rate.fps, forKey: .fps)
        try c.encode(rate.dropFrame, forKey: .dropFrame)
        try c.encode(start.frames, forKey: .startFrame)
        try c.encode(origin, forKey: .origin)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let fraction = try c.decode(String.self, forKey: .frameRate).split(separator: "/").map { Int($0) }
        guard fraction.count == 2, let n = fraction[0], let d = fraction[1], n > 0, d > 0, d <= FrameRate.maxDenominator,
              n <= FrameRate.maxNominal * d else {
            throw DecodingError.dataCorruptedError(forKey: .frameRate, in: c,
                                                   debugDescription: "frame_rate must be N/D, at most \(FrameRate.maxNominal) frames a second")
        }
        let rate = FrameRate(numerator: n, denominator: d, dropFrame: try c.decodeIfPresent(Bool.self, forKey: .dropFrame) ?? false)
        let text = try c.decode(String.self, forKey: .start)
        do {
            self.init(start: try SMPTETimecode(text, rate: rate), origin: try c.decodeIfPresent(Origin.self, forKey: .origin) ?? .file)
        } catch let e as TimecodeError {
            throw DecodingError.dataCorruptedError(forKey: .start, in: c, debugDescription: e.description)
        }
    }
}

public extension TakeAnalysis {
    /// The take's source timecode, or 00:00:00:00 at its own frame rate (25 without video) when it has none.
    var effectiveSourceTimecode: SourceTimecode {
        sourceTimecode ?? SourceTimecode(rate: frameRate.map { FrameRate.standard($0) } ?? .fps25)
    }

    /// The take with `sourceTimecode` set (when given) and every verdict span's `start_timecode` / `end_timecode`
    /// filled in on that clock. Reports call this, so spans recomputed later (a reassessed verdict) get them too.
    func withSpanTimecodes(_ timecode: SourceTimecode? = nil) -> TakeAnalysis {
        var t = self
        if let timecode { t.sourceTimecode = timecode }
        let tc = t.effectiveSourceTimecode
        t.verdict.spans = t.verdict.spans.map { s in
            var s = s
            guard s.start.isFinite, s.end.isFinite else { return s }
            s.startTimecode = tc.timecode(atSeconds: s.start).description
            s.endTimecode = tc.timecode(atSeconds: max(s.start, s.end)).description
            return s
        }
        return t
    }
}

public extension TakeComparison {
    /// Every take with its spans' source timecodes (see `TakeAnalysis.withSpanTimecodes`).
    func withSpanTimecodes() -> TakeComparison {
        TakeComparison(takes: takes.map { $0.withSpanTimecodes() }, ranking: ranking)
    }
}
