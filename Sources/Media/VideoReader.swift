import CFFmpeg
import Foundation

/// Which decoded frames a `VideoReader` returns.
public enum FrameSampling: Codable, Sendable, Equatable, Hashable {
    /// Every decoded frame.
    case all
    /// Frames sampled by presentation time at this rate: for each instant `k / fps` (k = 0, 1, ...,
    /// measured from the start of the file) the frame on screen at that instant, i.e. the latest frame
    /// whose timestamp is ≤ the instant (+1 ms tolerance). Sampling is by timestamp, not by frame index,
    /// so variable-frame-rate clips are sampled evenly in time. A source frame is returned at most once:
    /// when the source has fewer frames than the requested rate (or a gap), fewer frames come out.
    case fps(Double)
}

/// How much of the video stream a `VideoReader` decodes when it samples frames by time.
public enum DecodeMode: String, Codable, Sendable, CaseIterable {
    /// Only what the sampling needs (the default): see `DecodeStrategy` for the rule.
    case needed
    /// Every frame, as the ffmpeg CLI does; the sampled frames are then exactly the frames on screen at
    /// each instant.
    case all
}

/// What a `VideoReader` actually decodes, chosen from the codec and the sampling rate.
public enum DecodeStrategy: String, Codable, Sendable {
    /// Every frame.
    case all
    /// Long-GOP streams (H.264, HEVC, ...) sampled at most at half the frame rate: frames that no
    /// other frame references are not decoded (`AVDISCARD_NONREF`). For libx264's and libx265's default
    /// GOPs that is about half the frames; a sampled instant then gets the latest *decoded* frame
    /// before it (at most a few frames earlier: the same moment for emotion at 5 samples per second),
    /// and its timestamp is that frame's own.
    case skipNonReference = "skip-nonref"
    /// Intra-only streams (ProRes, DNxHD/HR, MJPEG, ...): each packet is decoded only if its frame is
    /// the one on screen at a sampled instant, so exactly the frames of `DecodeMode.all` come out.
    case sampledFramesOnly = "sampled-only"
}

/// One decoded, converted video frame.
public struct VideoFrame: Sendable, Equatable {
    /// Width in pixels (upright, after rotation and scaling).
    public let width: Int
    /// Height in pixels (upright, after rotation and scaling).
    public let height: Int
    /// Pixel layout of `pixels`.
    public let format: PixelFormat
    /// Row-major pixels, `width * format.channels` bytes per row, no padding.
    public let pixels: [UInt8]
    /// Presentation time in seconds, relative to the start of the file (as the ffmpeg CLI reports).
    public let timestamp: Double
    /// Position among the frames this reader returned (0, 1, 2, ...).
    public let index: Int
    /// Position among the stream's decoded (undamaged) frames.
    public let sourceIndex: Int

    public init(width: Int, height: Int, format: PixelFormat, pixels: [UInt8], timestamp: Double,
                index: Int, sourceIndex: Int) {
        self.width = width
        self.height = height
        self.format = format
        self.pixels = pixels
        self.timestamp = timestamp
        self.index = index
        self.sourceIndex = sourceIndex
    }

    /// Bytes per row of `pixels`.
    public var bytesPerRow: Int { width * format.channels }

    /// The value of `channel` (0 for gray; 0, 1, 2 = R, G, B) of pixel (x, y).
    public subscript(x x: Int, y y: Int, channel channel: Int = 0) -> UInt8 {
        pixels[y * bytesPerRow + x * format.channels + channel]
    }
}

/// Reads the video track of a take frame by frame: decoded by FFmpeg (frame threading on every
/// core), sampled by timestamp, converted by swscale to gray or RGB at a requested size, turned
/// upright according to the rotation metadata. Frames are produced one at a time, so memory stays
/// bounded whatever the length of the take.
///
///     let reader = try VideoReader(url: take, sampling: .fps(5), format: .gray, size: .exact(width: 48, height: 48))
///     while let frame = try reader.next() {
///         model.feed(frame.pixels, at: frame.timestamp)
///     }
///     print("skipped \(reader.damagedFrames) damaged frames")
///
/// `next()` throws `MediaError.truncated` after the last readable frame if the file turns out to be cut
/// short, and `MediaError.corrupt` if no frame at all could be decoded. A reader is not thread-safe;
/// use one per task.
public final class VideoReader {
    /// The file being read.
    public let url: URL
    /// Sampling policy.
    public let sampling: FrameSampling
    /// Output pixel layout.
    public let format: PixelFormat
    /// Output size policy.
    public let size: FrameSize
    /// Index of the video stream in the container.
    public let streamIndex: Int
    /// Codec name, e.g. "h264", "hevc", "vp9".
    public let codec: String
    /// Coded width and height of the stream (before rotation).
    public let sourceWidth: Int, sourceHeight: Int
    /// Clockwise rotation applied to make pictures upright (0, 90, 180 or 270; 0 if `autorotate` is off).
    public let rotation: Int
    /// Upright size of the frames `next()` returns (for the stream's nominal size).
    public let outputWidth: Int, outputHeight: Int
    /// Average frame rate of the stream, if known.
    public let averageFrameRate: Double?
    /// Duration of the file in seconds, if known.
    public let duration: Double?
    /// What is decoded (from `decode`, the codec and the sampling rate).
    public let decodeStrategy: DecodeStrategy

    /// Frames skipped because they were damaged (rejected or flagged by the decoder).
    public var damagedFrames: Int { decoder.damaged }
    /// Frames decoded so far (including those not returned because of sampling).
    public var decodedFrames: Int { decoder.decodedFrames }
    /// Frames returned so far.
    public private(set) var returnedFrames = 0
    /// Packets never decoded because their frame is not sampled (intra-only streams).
    public var skippedPackets: Int { decoder.skippedPackets }

    private let input: InputFile
    private let decoder: StreamDecoder
    private let converter: FrameConverter
    private let startTime: Double
    private let tolerance = 0.001
    private let nominalFrameDuration: Double?
    /// Frame held back while deciding whether it is the one on screen at the next sampling instant.
    private var pending: UnsafeMutablePointer<AVFrame>
    private var pendingTime = 0.0
    private var pendingSourceIndex = 0
    private var hasPending = false
    private var nextTarget = 0  // k of the next sampling instant k / fps
    private var lastTimestamp: Double?
    private var sourceIndex = 0
    private var finished = false
    private var truncation: String?

    /// Opens the video track of `url`.
    /// - Parameters:
    ///   - sampling: `.all` for every frame, `.fps(5)` for five frames per second by timestamp.
    ///   - format: `.gray` or `.rgb`.
    ///   - size: `.native`, `.exact(width:height:)` or `.fitWithin(maxDimension:)` (upright sizes).
    ///   - autorotate: apply the display-matrix rotation (phone clips come out upright), as the ffmpeg CLI does.
    ///   - threads: decoder threads; defaults to the number of cores.
    ///   - decode: `.needed` lets a sampling reader skip frames it will not use (`DecodeStrategy`);
    ///     `.all` decodes every frame.
    /// - Throws: `MediaError` (`.noVideoStream` for audio-only files).
    public init(url: URL, sampling: FrameSampling = .all, format: PixelFormat = .rgb, size: FrameSize = .native,
                autorotate: Bool = true, threads: Int? = nil, decode: DecodeMode = .needed) throws {
        self.url = url
        self.sampling = sampling
        self.format = format
        self.size = size
        let path = url.path
        if case let .fps(rate) = sampling, !(rate > 0 && rate.isFinite) {
            throw MediaError.invalidArgument(path, reason: "sampling rate must be a positive number of frames per second, got \(rate)")
        }
        try size.validate(file: path)
        if let threads, threads < 1 {
            throw MediaError.invalidArgument(path, reason: "thread count must be at least 1, got \(threads)")
        }

        input = try InputFile(url: url)
        guard let index = input.bestStream(AVMEDIA_TYPE_VIDEO) else {
            throw MediaError.noVideoStream(path)
        }
        streamIndex = index
        decoder = try StreamDecoder(input: input, streamIndex: index,
                                    threads: threads ?? ProcessInfo.processInfo.activeProcessorCount)
        codec = decoder.codecName
        let stream = input.stream(index)
        let par = stream.pointee.codecpar!
        sourceWidth = Int(par.pointee.width)
        sourceHeight = Int(par.pointee.height)
        rotation = autorotate ? Rotation.clockwiseDegrees(fromDisplayMatrixDegrees: Rotation.displayMatrixDegrees(of: stream)) : 0
        converter = FrameConverter(format: format, size: size, rotation: rotation)
        let out = converter.outputSize(sourceWidth: max(1, sourceWidth), sourceHeight: max(1, sourceHeight))
        outputWidth = out.width
        outputHeight = out.height
        let avg = stream.pointee.avg_frame_rate
        averageFrameRate = avg.num > 0 && avg.den > 0 ? av_q2d(avg) : nil
        let rate = averageFrameRate ?? {
            let r = stream.pointee.r_frame_rate
            return r.num > 0 && r.den > 0 ? av_q2d(r) : nil
        }()
        nominalFrameDuration = rate.map { 1 / $0 }
        duration = input.duration
        startTime = input.startTime
        decodeStrategy = Self.strategy(decode: decode, sampling: sampling, frameRate: rate, intraOnly: decoder.isIntraOnly)
        switch decodeStrategy {
        case .all:
            break
        case .skipNonReference:
            decoder.skipNonReferenceFrames()
        case .sampledFramesOnly:
            if case let .fps(samplingRate) = sampling {
                var selector = SampledPacketSelector(rate: samplingRate, timeBase: decoder.timeBase, startTime: startTime,
                                                     nominalFrameDuration: nominalFrameDuration, tolerance: tolerance)
                decoder.packetFilter = { selector.wants($0) }
            }
        }
        guard let frame = av_frame_alloc() else { throw MediaError.unreadable(path, reason: "out of memory") }
        pending = frame
        truncation = input.truncation
    }

    /// The rule behind `DecodeStrategy`: nothing is skipped for `.all` sampling or `DecodeMode.all`;
    /// intra-only codecs decode only sampled frames; other codecs skip non-reference frames when the
    /// sampling leaves at least two frames per sampled instant (rate ≤ half the frame rate), so that a
    /// skipped frame's neighbour is still within the sampling interval.
    public static func strategy(decode: DecodeMode, sampling: FrameSampling, frameRate: Double?, intraOnly: Bool) -> DecodeStrategy {
        guard decode == .needed, case let .fps(rate) = sampling else { return .all }
        if intraOnly { return .sampledFramesOnly }
        if let frameRate, rate <= frameRate / 2 { return .skipNonReference }
        return .all
    }

    deinit {
        var f: UnsafeMutablePointer<AVFrame>? = pending
        av_frame_free(&f)
    }

    /// The next frame, or nil after the last one.
    /// - Throws: `MediaError.truncated` (after the last readable frame) if the file is cut short,
    ///   `MediaError.corrupt` if nothing could be decoded.
    public func next() throws -> VideoFrame? {
        while !finished {
            guard let frame = try decoder.nextFrame() else {
                finished = true
                break
            }
            let time = timestamp(of: frame)
            let thisIndex = sourceIndex
            sourceIndex += 1
            switch sampling {
            case .all:
                return try emit(frame, time: time, sourceIndex: thisIndex)
            case let .fps(rate):
                guard hasPending else {
                    hold(frame, time: time, sourceIndex: thisIndex)
                    continue
                }
                let target = Double(nextTarget) / rate
                if time <= target + tolerance {
                    // A later frame still before the instant: the held one will not be used (never converted).
                    hold(frame, time: time, sourceIndex: thisIndex)
                    continue
                }
                // `frame` starts after the instant: the held frame is the one on screen at it.
                let result = try emit(pending, time: pendingTime, sourceIndex: pendingSourceIndex)
                // Instants up to this frame are covered by the frame just returned (no duplicates).
                nextTarget = max(nextTarget + 1, Int(((time - tolerance) * rate).rounded(.up)))
                hold(frame, time: time, sourceIndex: thisIndex)
                return result
            }
        }
        // End of stream: the held frame is used if it is still on screen at the next instant.
        if case let .fps(rate) = sampling, hasPending {
            hasPending = false
            let target = Double(nextTarget) / rate
            let frameDuration = pendingDuration()
            if returnedFrames == 0 || target < pendingTime + frameDuration - tolerance {
                let result = try emit(pending, time: pendingTime, sourceIndex: pendingSourceIndex)
                av_frame_unref(pending)
                return result
            }
            av_frame_unref(pending)
        }
        try finishChecks()
        return nil
    }

    /// Calls `body` with every frame in turn.
    public func forEach(_ body: (VideoFrame) throws -> Void) throws {
        while let frame = try next() { try body(frame) }
    }

    private var checked = false

    private func finishChecks() throws {
        guard !checked else { return }
        checked = true
        let path = url.path
        if returnedFrames == 0, decoder.decodedFrames == 0 {
            if let truncation { throw MediaError.truncated(path, reason: truncation) }
            if decoder.damaged > 0 {
                throw MediaError.corrupt(path, reason: "none of the \(decoder.damaged) video frames could be decoded")
            }
            if let err = decoder.readError {
                throw MediaError.corrupt(path, reason: "no video frame could be read: \(ffErrorString(err))")
            }
            throw MediaError.corrupt(path, reason: "the video stream contains no frames")
        }
        if let truncation { throw MediaError.truncated(path, reason: truncation) }
        if let err = decoder.readError {
            let at = lastTimestamp.map { String(format: "%.2f s", $0) } ?? "the start"
            if decoder.readErrorAtEndOfFile {
                throw MediaError.truncated(path, reason: "data ends at \(at): \(ffErrorString(err))")
            }
            throw MediaError.corrupt(path, reason: "unreadable data after \(at): \(ffErrorString(err))")
        }
        if let last = lastTimestamp {
            try decoder.checkEndedEarly(reached: last + (nominalFrameDuration ?? 0), what: "video")
        }
    }

    private func hold(_ frame: UnsafeMutablePointer<AVFrame>, time: Double, sourceIndex: Int) {
        av_frame_unref(pending)
        av_frame_move_ref(pending, frame)
        pendingTime = time
        pendingSourceIndex = sourceIndex
        hasPending = true
    }

    private func pendingDuration() -> Double {
        let d = pending.pointee.pkt_duration
        if d > 0 { return Double(d) * decoder.timeBase }
        if let nominalFrameDuration { return nominalFrameDuration }
        if let duration { return max(0, duration - pendingTime) }
        return 0
    }

    private func emit(_ frame: UnsafeMutablePointer<AVFrame>, time: Double, sourceIndex: Int) throws -> VideoFrame {
        let picture = try converter.convert(frame, file: url.path)
        let result = VideoFrame(width: picture.width, height: picture.height, format: format, pixels: picture.pixels,
                                timestamp: time, index: returnedFrames, sourceIndex: sourceIndex)
        returnedFrames += 1
        return result
    }

    /// Presentation time in seconds from the start of the file; synthesised when the stream has none.
    private func timestamp(of frame: UnsafeMutablePointer<AVFrame>) -> Double {
        let pts = frame.pointee.best_effort_timestamp
        var time: Double
        if pts != ts_nopts_value() {
            time = Double(pts) * decoder.timeBase - startTime
        } else if let last = lastTimestamp {
            let d = frame.pointee.pkt_duration
            time = last + (d > 0 ? Double(d) * decoder.timeBase : (nominalFrameDuration ?? 0))
        } else {
            time = 0
        }
        // Keep timestamps non-decreasing even for broken streams.
        if let last = lastTimestamp, time < last { time = last }
        lastTimestamp = time
        return time
    }
}

/// Chooses the packets of an intra-only stream that the timestamp sampling of `VideoReader` will use:
/// a frame shown from t to t + d is used when a sampled instant k / rate falls in [t − tol, t + d − tol)
/// (the reader's own rule: the latest frame at or before the instant). Packets without a timestamp or
/// duration, and the first packet, are always decoded, so the reader's end-of-stream checks see frames.
struct SampledPacketSelector {
    let rate: Double
    let timeBase: Double
    let startTime: Double
    let nominalFrameDuration: Double?
    let tolerance: Double
    private var seenFirst = false

    init(rate: Double, timeBase: Double, startTime: Double, nominalFrameDuration: Double?, tolerance: Double) {
        self.rate = rate
        self.timeBase = timeBase
        self.startTime = startTime
        self.nominalFrameDuration = nominalFrameDuration
        self.tolerance = tolerance
    }

    mutating func wants(_ packet: UnsafeMutablePointer<AVPacket>) -> Bool {
        guard seenFirst else {
            seenFirst = true
            return true
        }
        let pts = packet.pointee.pts
        guard pts != ts_nopts_value(), timeBase > 0 else { return true }
        let start = Double(pts) * timeBase - startTime
        let d = packet.pointee.duration > 0 ? Double(packet.pointee.duration) * timeBase : nominalFrameDuration
        guard let d, d > 0 else { return true }
        let instant = ((start - tolerance) * rate).rounded(.up) / rate
        return instant < start + d - tolerance
    }
}
