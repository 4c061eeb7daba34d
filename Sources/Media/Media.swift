// Media: reading takes (video frames, 16 kHz mono audio, stream metadata) and still images through
// FFmpeg 5.1's libraries (libavformat, libavcodec, libswscale, libswresample).
//
// Entry points:
// - `VideoReader`: decoded, converted (gray/RGB, resized, upright) frames, sampled by timestamp.
// - `AudioReader`: the audio track as mono Float32 at 16 kHz, whole or in chunks.
// - `probe(_:)` / `MediaInfo`: container and stream metadata, as JSON (Codable) or text.
// - `ImageDecoder`: one JPEG/PNG/BMP/... image to 8-bit gray or RGB pixels.
// - `MediaError`: every failure, as one readable line naming the file.

import CFFmpeg

/// The pixel layout of decoded frames and images: 8 bits per channel, rows tightly packed.
public enum PixelFormat: String, Codable, Sendable, CaseIterable {
    /// One byte per pixel, full-range luma (0 = black, 255 = white).
    case gray
    /// Three bytes per pixel, R G B.
    case rgb

    /// Bytes per pixel.
    public var channels: Int {
        switch self {
        case .gray: 1
        case .rgb: 3
        }
    }

    var avPixelFormat: AVPixelFormat {
        switch self {
        case .gray: AV_PIX_FMT_GRAY8
        case .rgb: AV_PIX_FMT_RGB24
        }
    }
}

/// The size of converted frames and images. Sizes always refer to the upright picture, i.e. after
/// rotation metadata has been applied (a 1920x1080 phone clip rotated 90° is 1080x1920 natively).
public enum FrameSize: Codable, Sendable, Equatable, Hashable {
    /// The picture's own size (after rotation).
    case native
    /// Exactly this size (aspect ratio not preserved).
    case exact(width: Int, height: Int)
    /// Scaled down, keeping the aspect ratio, so that neither side exceeds `maxDimension`;
    /// pictures that already fit are left at their native size (never upscaled).
    case fitWithin(maxDimension: Int)

    /// The output size for a picture whose upright size is `width` x `height`.
    public func resolve(width: Int, height: Int) -> (width: Int, height: Int) {
        switch self {
        case .native:
            return (width, height)
        case let .exact(w, h):
            return (max(1, w), max(1, h))
        case let .fitWithin(maxDimension):
            let limit = max(1, maxDimension)
            let longest = max(width, height)
            guard longest > limit else { return (width, height) }
            let scale = Double(limit) / Double(longest)
            let w = min(limit, max(1, Int((Double(width) * scale).rounded())))
            let h = min(limit, max(1, Int((Double(height) * scale).rounded())))
            return (w, h)
        }
    }

    /// Throws `MediaError.invalidArgument` for non-positive sizes.
    func validate(file: String) throws {
        switch self {
        case .native: return
        case let .exact(w, h):
            guard w > 0, h > 0, w <= 16384, h <= 16384 else {
                throw MediaError.invalidArgument(file, reason: "output size \(w)x\(h) is not valid (1...16384 per side)")
            }
        case let .fitWithin(m):
            guard m > 0, m <= 16384 else {
                throw MediaError.invalidArgument(file, reason: "maximum dimension \(m) is not valid (1...16384)")
            }
        }
    }
}

/// How much FFmpeg itself prints to standard error. Media sets `.fatal` on first use so that
/// damaged streams do not flood a terminal (Media reports problems through `MediaError` and
/// counters instead); raise it when debugging a file.
public enum FFmpegLogLevel: Int32, Sendable, CaseIterable {
    case quiet = -8
    case panic = 0
    case fatal = 8
    case error = 16
    case warning = 24
    case info = 32
    case verbose = 40
    case debug = 48

    /// Sets FFmpeg's process-wide log level.
    public static func set(_ level: FFmpegLogLevel) {
        FFmpegRuntime.ensureInitialized()
        ts_set_log_level(level.rawValue)
    }
}

/// One-time process-wide FFmpeg set-up.
enum FFmpegRuntime {
    private static let initialized: Bool = {
        ts_set_log_level(FFmpegLogLevel.fatal.rawValue)
        return true
    }()

    static func ensureInitialized() {
        _ = initialized
    }
}
