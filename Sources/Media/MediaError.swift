/// Why a file could not be read. Every case carries the file's path (as given by the caller) and
/// `description` is one readable line naming the file and the reason, suitable for a terminal:
///
///     /takes/sc12_t3.mp4: file is truncated (the 'mdat' box declares 1048576 bytes but only 524288 remain)
///
/// `noVideoStream` and `noAudioStream` are distinct so that callers can still give a partial result
/// (face-only or voice-only) for such files.
public enum MediaError: Error, CustomStringConvertible, Equatable, Hashable, Sendable, Codable {
    /// Nothing exists at this path.
    case fileNotFound(String)
    /// The file exists but has zero bytes.
    case emptyFile(String)
    /// The path cannot be read (a directory, no permission, I/O error).
    case unreadable(String, reason: String)
    /// The bytes are not a media format FFmpeg recognises (e.g. a text file renamed `.mp4`).
    case notMediaFile(String, reason: String)
    /// The file is a recognised format but ends early (a copy or recording cut short).
    case truncated(String, reason: String)
    /// The file is a recognised format but its structure or streams are damaged beyond use.
    case corrupt(String, reason: String)
    /// The file has no video stream (e.g. an audio-only file); the audio may still be readable.
    case noVideoStream(String)
    /// The file has no audio stream (e.g. a silent clip); the video may still be readable.
    case noAudioStream(String)
    /// The stream uses a codec this FFmpeg build cannot decode.
    case unsupportedCodec(String, codec: String)
    /// A caller-supplied parameter is invalid (e.g. a sampling rate of 0 fps).
    case invalidArgument(String, reason: String)

    /// The file the error is about.
    public var file: String {
        switch self {
        case let .fileNotFound(f), let .emptyFile(f), let .noVideoStream(f), let .noAudioStream(f):
            return f
        case let .unreadable(f, _), let .notMediaFile(f, _), let .truncated(f, _), let .corrupt(f, _),
             let .invalidArgument(f, _):
            return f
        case let .unsupportedCodec(f, _):
            return f
        }
    }

    /// The reason, without the file name.
    public var reason: String {
        switch self {
        case .fileNotFound: return "no such file"
        case .emptyFile: return "file is empty (0 bytes)"
        case let .unreadable(_, r): return "cannot read file (\(r))"
        case let .notMediaFile(_, r): return "not a media file (\(r))"
        case let .truncated(_, r): return "file is truncated (\(r))"
        case let .corrupt(_, r): return "file is corrupt (\(r))"
        case .noVideoStream: return "no video stream (the file has no picture; audio may still be usable)"
        case .noAudioStream: return "no audio stream (the file has no sound; video may still be usable)"
        case let .unsupportedCodec(_, c): return "codec '\(c)' cannot be decoded by this FFmpeg build"
        case let .invalidArgument(_, r): return "invalid argument (\(r))"
        }
    }

    /// A short machine-friendly name of the case ("fileNotFound", "truncated", ...).
    public var kind: String {
        switch self {
        case .fileNotFound: "fileNotFound"
        case .emptyFile: "emptyFile"
        case .unreadable: "unreadable"
        case .notMediaFile: "notMediaFile"
        case .truncated: "truncated"
        case .corrupt: "corrupt"
        case .noVideoStream: "noVideoStream"
        case .noAudioStream: "noAudioStream"
        case .unsupportedCodec: "unsupportedCodec"
        case .invalidArgument: "invalidArgument"
        }
    }

    /// One line: "`file`: `reason`".
    public var description: String {
        Self.oneLine("\(file): \(reason)")
    }

    static func oneLine(_ s: String) -> String {
        String(s.map { $0.isNewline ? " " : $0 })
    }
}
