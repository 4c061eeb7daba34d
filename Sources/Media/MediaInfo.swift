import CFFmpeg
import Foundation

/// What `probe(_:)` reports about a file: container and streams, as FFmpeg sees them. Codable (JSON
/// via `JSONEncoder`); `text` (and `description`) is a human-readable rendering.
public struct MediaInfo: Codable, Sendable, Equatable {
    /// The fastest video frame rate believed (frames per second); a stream claiming more has no `frameRate`.
    public static let maxFrameRate = 1000.0

    /// The file's path.
    public var file: String
    /// FFmpeg's short container name(s), e.g. "mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm", "avi", "wav".
    public var formatName: String
    /// FFmpeg's descriptive container name, e.g. "QuickTime / MOV".
    public var formatLongName: String?
    /// Duration in seconds, if known.
    public var duration: Double?
    /// Start time in seconds, if the container has one.
    public var startTime: Double?
    /// Overall bit rate in bits per second, if known.
    public var bitRate: Int?
    /// File size in bytes.
    public var size: Int64
    /// All streams, in container order.
    public var streams: [StreamInfo]
    /// Container metadata tags (e.g. "encoder", "creation_time").
    public var tags: [String: String]

    public init(file: String, formatName: String, formatLongName: String? = nil, duration: Double? = nil,
                startTime: Double? = nil, bitRate: Int? = nil, size: Int64, streams: [StreamInfo],
                tags: [String: String] = [:]) {
        self.file = file
        self.formatName = formatName
        self.formatLongName = formatLongName
        self.duration = duration
        self.startTime = startTime
        self.bitRate = bitRate
        self.size = size
        self.streams = streams
        self.tags = tags
    }

    /// The main video stream (cover art excluded), if any.
    public var video: StreamInfo? {
        streams.first { $0.type == .video && $0.isAttachedPicture != true }
    }

    /// The first audio stream, if any.
    public var audio: StreamInfo? {
        streams.first { $0.type == .audio }
    }

    /// The timecode of the first frame as the camera or editor recorded it ("01:02:03:04", or "01:02:03;04"
    /// in drop-frame), as `ffprobe -show_entries stream_tags=timecode:format_tags=timecode` shows it: the
    /// container's `timecode` tag (MXF), else the main video stream's, else any stream's (the QuickTime/MP4
    /// `tmcd` track carries it and FFmpeg copies it onto the video stream it belongs to). Nil when the file has none.
    public var timecode: String? {
        let candidates = [tags["timecode"], video?.timecode] + streams.map(\.timecode)
        return candidates.lazy.compactMap { $0?.trimmingCharacters(in: .whitespaces) }.first { !$0.isEmpty }
    }
}

/// Kind of a stream.
public enum StreamType: String, Codable, Sendable {
    case video, audio, subtitle, data, attachment, unknown
}

/// One stream of a container.
public struct StreamInfo: Codable, Sendable, Equatable {
    /// Index in the container.
    public var index: Int
    public var type: StreamType
    /// Codec short name, e.g. "h264", "hevc", "vp9", "aac", "opus".
    public var codec: String
    /// Codec descriptive name, e.g. "H.264 / AVC / MPEG-4 AVC / MPEG-4 part 10".
    public var codecLongName: String?
    /// Codec profile, e.g. "High", "LC".
    public var profile: String?
    /// Duration of the stream in seconds, if known.
    public var duration: Double?
    /// Bit rate in bits per second, if known.
    public var bitRate: Int?
    /// Number of frames the container declares, if it does.
    public var frameCount: Int?
    /// Language tag, if any.
    public var language: String?
    /// Whether this is embedded cover art rather than a video track.
    public var isAttachedPicture: Bool?

    // Video
    /// Coded width in pixels.
    public var width: Int?
    /// Coded height in pixels.
    public var height: Int?
    /// Average frame rate (frames per second), FFmpeg's `avg_frame_rate`; nil when unknown or above `maxFrameRate`.
    public var frameRate: Double?
    /// The same rate exactly, as a fraction "30000/1001" (29.97) or "25/1": timecode counts on it.
    public var frameRateFraction: String?
    /// The stream's `timecode` tag (a QuickTime `tmcd` track, or a video stream that has one), e.g. "01:02:03;04".
    public var timecode: String?
    /// Display-matrix rotation in degrees, as ffprobe reports it (counter-clockwise, in (-180, 180];
    /// an iPhone portrait clip says -90). Nil if the stream has no rotation metadata.
    public var rotation: Int?
    /// Width and height once rotated for display.
    public var displayWidth: Int?
    public var displayHeight: Int?
    /// Pixel format, e.g. "yuv420p", "yuv420p10le".
    public var pixelFormat: String?

    // Audio
    /// Sample rate in Hz.
    public var sampleRate: Int?
    /// Number of channels.
    public var channels: Int?
    /// Channel layout, e.g. "mono", "stereo", "5.1".
    public var channelLayout: String?
    /// Sample format, e.g. "fltp", "s16".
    public var sampleFormat: String?

    public init(index: Int, type: StreamType, codec: String) {
        self.index = index
        self.type = type
        self.codec = codec
    }
}

/// Reads container and stream metadata of `url` (like ffprobe; nothing is decoded beyond what
/// FFmpeg needs to fill in stream parameters).
/// - Throws: `MediaError` for missing, empty, unreadable, non-media, truncated or corrupt files. Files
///   without audio or without video are not errors here.
public func probe(_ url: URL) throws -> MediaInfo {
    let input = try InputFile(url: url)
    let ctx = input.context
    let tb = Double(ts_time_base())
    var streams: [StreamInfo] = []
    for i in 0..<input.streamCount {
        streams.append(streamInfo(input.stream(i), index: i))
    }
    let start = ctx.pointee.start_time
    return MediaInfo(
        file: url.path,
        formatName: input.formatName,
        formatLongName: optionalString(ctx.pointee.iformat.pointee.long_name),
        duration: input.duration,
        startTime: start == ts_nopts_value() ? nil : Double(start) / tb,
        bitRate: ctx.pointee.bit_rate > 0 ? Int(ctx.pointee.bit_rate) : nil,
        size: input.fileSize,
        streams: streams,
        tags: dictionary(ctx.pointee.metadata))
}

private func dictionary(_ dict: OpaquePointer?) -> [String: String] {
    var result: [String: String] = [:]
    var entry: UnsafeMutablePointer<AVDictionaryEntry>? = nil
    while let e = av_dict_get(dict, "", entry, AV_DICT_IGNORE_SUFFIX) {
        if let k = optionalString(e.pointee.key), let v = e.pointee.value {
            result[k] = String(cString: v)
        }
        entry = e
    }
    return result
}

private func streamInfo(_ stream: UnsafeMutablePointer<AVStream>, index: Int) -> StreamInfo {
    let par = stream.pointee.codecpar!
    let type: StreamType
    switch par.pointee.codec_type {
    case AVMEDIA_TYPE_VIDEO: type = .video
    case AVMEDIA_TYPE_AUDIO: type = .audio
    case AVMEDIA_TYPE_SUBTITLE: type = .subtitle
    case AVMEDIA_TYPE_DATA: type = .data
    case AVMEDIA_TYPE_ATTACHMENT: type = .attachment
    default: type = .unknown
    }
    let codecID = par.pointee.codec_id
    var info = StreamInfo(index: index, type: type, codec: optionalString(avcodec_get_name(codecID)) ?? "unknown")
    if let descriptor = avcodec_descriptor_get(codecID) {
        info.codecLongName = optionalString(descriptor.pointee.long_name)
    }
    if par.pointee.profile >= 0 {
        info.profile = optionalString(avcodec_profile_name(codecID, par.pointee.profile))
    }
    let tb = stream.pointee.time_base
    if stream.pointee.duration != ts_nopts_value(), stream.pointee.duration > 0, tb.den > 0 {
        info.duration = Double(stream.pointee.duration) * av_q2d(tb)
    }
    if par.pointee.bit_rate > 0 { info.bitRate = Int(par.pointee.bit_rate) }
    if stream.pointee.nb_frames > 0 { info.frameCount = Int(stream.pointee.nb_frames) }
    info.language = optionalString(ts_dict_value(stream.pointee.metadata, "language")).flatMap { $0 == "und" ? nil : $0 }
    info.timecode = optionalString(ts_dict_value(stream.pointee.metadata, "timecode"))

    switch type {
    case .video:
        if (stream.pointee.disposition & AV_DISPOSITION_ATTACHED_PIC) != 0 { info.isAttachedPicture = true }
        let w = Int(par.pointee.width), h = Int(par.pointee.height)
        if w > 0, h > 0 {
            info.width = w
            info.height = h
        }
        let avg = stream.pointee.avg_frame_rate
        // Above 1,000 frames a second (a broken header, a one-frame file) the rate is unknown, not trusted: timecode
        // and reports count frames at most that fast (Director's FrameRate.maxNominal).
        if avg.num > 0, avg.den > 0, av_q2d(avg) <= MediaInfo.maxFrameRate {
            info.frameRate = av_q2d(avg)
            info.frameRateFraction = "\(avg.num)/\(avg.den)"
        }
        let rotation = Rotation.displayMatrixDegrees(of: stream)
        info.rotation = rotation
        if w > 0, h > 0 {
            let clockwise = Rotation.clockwiseDegrees(fromDisplayMatrixDegrees: rotation)
            let swap = clockwise == 90 || clockwise == 270
            info.displayWidth = swap ? h : w
            info.displayHeight = swap ? w : h
        }
        info.pixelFormat = optionalString(ts_pix_fmt_name(par.pointee.format))
    case .audio:
        if par.pointee.sample_rate > 0 { info.sampleRate = Int(par.pointee.sample_rate) }
        let channels = Int(ts_codecpar_channels(par))
        if channels > 0 { info.channels = channels }
        var buffer = [CChar](repeating: 0, count: 128)
        buffer.withUnsafeMutableBufferPointer { ts_codecpar_layout_name(par, $0.baseAddress, $0.count) }
        let layout = string(fromCBuffer: buffer)
        info.channelLayout = layout.isEmpty ? nil : layout
        info.sampleFormat = optionalString(ts_sample_fmt_name(par.pointee.format))
    default:
        break
    }
    return info
}

// MARK: - Text rendering

extension MediaInfo: CustomStringConvertible {
    /// Same as `text`.
    public var description: String { text }

    /// A human-readable multi-line summary, e.g.
    ///
    ///     File:     take.mp4
    ///     Format:   QuickTime / MOV (mov,mp4,m4a,3gp,3g2,mj2)
    ///     Duration: 2.000 s    Size: 61.2 KB    Bit rate: 250 kb/s
    ///     Stream #0 video: h264 (High), 1920x1080, rotation -90° (displayed 1080x1920), 29.97 fps, yuv420p, 8.0 Mb/s
    ///     Stream #1 audio: aac (LC), 48000 Hz, stereo (2 channels), fltp, 128 kb/s
    public var text: String {
        var lines: [String] = []
        lines.append("File:     \(file)")
        let long = formatLongName.map { "\($0) (\(formatName))" } ?? formatName
        lines.append("Format:   \(long)")
        var summary = ["Duration: " + (duration.map { String(format: "%.3f s", $0) } ?? "unknown")]
        summary.append("Size: \(Self.formatBytes(size))")
        if let bitRate { summary.append("Bit rate: \(Self.formatBitRate(bitRate))") }
        lines.append(summary.joined(separator: "    "))
        if let timecode { lines.append("Timecode: \(timecode)") }
        if streams.isEmpty { lines.append("No streams") }
        for s in streams {
            lines.append("Stream #\(s.index) \(s.type.rawValue): " + s.summary)
        }
        return lines.joined(separator: "\n")
    }

    static func formatBytes(_ n: Int64) -> String {
        let d = Double(n)
        if d >= 1_073_741_824 { return String(format: "%.2f GB", d / 1_073_741_824) }
        if d >= 1_048_576 { return String(format: "%.1f MB", d / 1_048_576) }
        if d >= 1024 { return String(format: "%.1f KB", d / 1024) }
        return "\(n) bytes"
    }

    static func formatBitRate(_ bps: Int) -> String {
        bps >= 1_000_000 ? String(format: "%.1f Mb/s", Double(bps) / 1e6) : "\(Int((Double(bps) / 1000).rounded())) kb/s"
    }
}

extension StreamInfo {
    /// One-line summary used by `MediaInfo.text`.
    public var summary: String {
        var parts: [String] = [profile.map { "\(codec) (\($0))" } ?? codec]
        switch type {
        case .video:
            if isAttachedPicture == true { parts.append("cover art") }
            if let width, let height { parts.append("\(width)x\(height)") }
            if let rotation, rotation != 0 {
                var r = "rotation \(rotation)°"
                if let displayWidth, let displayHeight { r += " (displayed \(displayWidth)x\(displayHeight))" }
                parts.append(r)
            }
            if let frameRate {
                let rounded = (frameRate * 100).rounded() / 100
                parts.append(rounded == rounded.rounded() ? "\(Int(rounded)) fps" : String(format: "%.2f fps", rounded))
            }
            if let pixelFormat { parts.append(pixelFormat) }
        case .audio:
            if let sampleRate { parts.append("\(sampleRate) Hz") }
            if let channels {
                if let channelLayout, !channelLayout.hasSuffix("channels") {
                    parts.append("\(channelLayout) (\(channels) channel\(channels == 1 ? "" : "s"))")
                } else {
                    parts.append("\(channels) channel\(channels == 1 ? "" : "s")")
                }
            }
            if let sampleFormat { parts.append(sampleFormat) }
        default:
            break
        }
        if let bitRate { parts.append(MediaInfo.formatBitRate(bitRate)) }
        if let duration { parts.append(String(format: "%.3f s", duration)) }
        if let language { parts.append("[\(language)]") }
        return parts.joined(separator: ", ")
    }
}
