import Foundation
import Testing

import Media
import TakeSenseTestSupport

/// What the media tests ask of the ffmpeg CLI (`FFmpegCLI` itself is in TakeSenseTestSupport).
extension FFmpegCLI {
    /// Decodes `url`'s audio with the CLI as 16 kHz mono f32le using the given audio filter.
    static func audioSamples(_ url: URL, filter: String? = nil) throws -> [Float] {
        var args = ["-i", url.path, "-vn"]
        if let filter { args += ["-af", filter] } else { args += ["-ac", "1"] }
        args += ["-ar", "16000", "-f", "f32le", "-"]
        return floats(try run(args))
    }

    /// Decodes the first video frame of `url` with the CLI as raw `pixFmt` ("gray" or "rgb24").
    static func firstFrame(_ url: URL, pixFmt: String) throws -> [UInt8] {
        [UInt8](try run(["-i", url.path, "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", pixFmt, "-"]))
    }

    /// Presentation times of every video frame as ffprobe reports them (best-effort timestamps).
    static func frameTimes(_ url: URL) throws -> [Double] {
        guard let path else { throw Failure(description: "ffmpeg not found") }
        let ffprobe = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("ffprobe")
        let process = Process()
        process.executableURL = ffprobe
        process.arguments = ["-v", "error", "-select_streams", "v:0", "-show_entries",
                             "frame=best_effort_timestamp_time", "-of", "csv=p=0", url.path]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline)
            .compactMap { Double($0.trimmingCharacters(in: CharacterSet(charactersIn: ", "))) }
    }

    static func floats(_ data: Data) -> [Float] {
        data.withUnsafeBytes { raw in Array(raw.bindMemory(to: Float.self)) }
    }
}

/// Test media, built once per test run into a temporary directory with the ffmpeg CLI.
enum Fixtures {
    static let directory: URL = {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("takesense-media-tests-\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.removeItem(at: dir)
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        atexit {
            let dir = FileManager.default.temporaryDirectory
                .appendingPathComponent("takesense-media-tests-\(ProcessInfo.processInfo.processIdentifier)")
            try? FileManager.default.removeItem(at: dir)
        }
        return dir
    }()

    static func url(_ name: String) -> URL { directory.appendingPathComponent(name) }

    /// Runs ffmpeg to produce `name` (arguments end with the output path).
    static func make(_ name: String, _ arguments: [String]) -> Result<URL, Error> {
        let target = url(name)
        return Result {
            try FFmpegCLI.run(arguments + [target.path])
            return target
        }
    }

    static func write(_ name: String, _ bytes: [UInt8]) -> Result<URL, Error> {
        let target = url(name)
        return Result {
            try Data(bytes).write(to: target)
            return target
        }
    }

    // Sources: tiny, short clips so that the suite stays fast.
    static let testsrc: [String] = ["-f", "lavfi", "-i", "testsrc2=size=160x120:rate=30:duration=2"]
    static let smallsrc: [String] = ["-f", "lavfi", "-i", "testsrc2=size=96x64:rate=30:duration=2"]
    static let sine48k: [String] = ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=2"]
    static let x264: [String] = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]

    /// H.264 30 fps 160x120 + AAC 48 kHz mono, 2 s, 'moov' at the end (FFmpeg's default).
    static let avMP4 = make("av.mp4", testsrc + sine48k + x264 + ["-c:a", "aac", "-shortest"])
    /// Same, with 'moov' first (+faststart), so a cut copy still opens.
    static let faststartMP4 = make("faststart.mp4", testsrc + sine48k + x264 + ["-c:a", "aac", "-shortest", "-movflags", "+faststart"])
    /// H.264 only.
    static let videoOnlyMP4 = make("video-only.mp4", testsrc + x264)
    /// Variable frame rate: 10 fps during the first second, 30 fps during the second (40 frames).
    static let vfrMP4 = make("vfr.mp4", smallsrc + [
        "-vf", "select='if(lt(t,1),not(mod(n,3)),1)'", "-fps_mode", "vfr",
    ] + x264)
    /// HEVC in MP4, 1 s at 30 fps.
    static let hevcMP4 = make("hevc.mp4", [
        "-f", "lavfi", "-i", "testsrc2=size=96x64:rate=30:duration=1",
        "-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error", "-pix_fmt", "yuv420p",
    ])
    /// WebM: VP9 + Opus.
    static let webm = make("av.webm", smallsrc + sine48k + [
        "-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "200k", "-c:a", "libopus", "-shortest",
    ])
    /// AVI: MPEG-4 Part 2 + MP3.
    static let avi = make("av.avi", smallsrc + sine48k + ["-c:v", "mpeg4", "-q:v", "5", "-c:a", "libmp3lame", "-shortest"])
    /// Matroska: H.264 + FLAC.
    static let mkv = make("av.mkv", smallsrc + sine48k + x264 + ["-c:a", "flac", "-shortest"])

    /// A white 16x12 box in the top-left corner of a black 64x48 picture, 10 fps, 1 s.
    static let box = make("box.mp4", [
        "-f", "lavfi", "-i", "color=c=black:size=64x48:rate=10:duration=1,drawbox=x=0:y=0:w=16:h=12:color=white:t=fill",
    ] + x264)
    /// `box` with rotation metadata. FFmpeg 5.1 has no `-display_rotation`, and `-metadata:s:v rotate=N`
    /// only becomes a display matrix when stream-copying: rotate=270 gives matrix angle -90 (an
    /// iPhone portrait clip), rotate=90 gives +90, rotate=180 gives -180.
    static func rotated(_ tag: Int) -> Result<URL, Error> {
        switch tag {
        case 90: return box90
        case 180: return box180
        default: return box270
        }
    }
    private static let box90 = rotate(90)
    private static let box180 = rotate(180)
    private static let box270 = rotate(270)
    private static func rotate(_ tag: Int) -> Result<URL, Error> {
        Result {
            let source = try box.get()
            return try make("box-rotate\(tag).mp4", ["-i", source.path, "-c", "copy", "-metadata:s:v:0", "rotate=\(tag)"]).get()
        }
    }

    /// Solid colour clips (4:2:0 H.264, limited range).
    static let red = make("red.mp4", ["-f", "lavfi", "-i", "color=c=red:size=64x48:rate=10:duration=0.5"] + x264)
    static let white = make("white.mp4", ["-f", "lavfi", "-i", "color=c=white:size=64x48:rate=10:duration=0.5"] + x264)

    // Audio
    /// 2.000 s, 48 kHz stereo PCM (left 440 Hz, right 660 Hz).
    static let wavStereo48k = make("stereo48k.wav", [
        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=2",
        "-f", "lavfi", "-i", "sine=frequency=660:sample_rate=48000:duration=2",
        "-filter_complex", "[0:a][1:a]join=inputs=2:channel_layout=stereo", "-c:a", "pcm_s16le",
    ])
    /// 2.000 s, 16 kHz mono PCM (no resampling needed).
    static let wavMono16k = make("mono16k.wav", [
        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=16000:duration=2", "-c:a", "pcm_s16le",
    ])
    /// 1 s at 16 kHz: left = 440 Hz sine, right = silence (float PCM, so nothing is quantised).
    static let wavLeftOnly = make("left-only.wav", [
        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=16000:duration=1",
        "-f", "lavfi", "-i", "anullsrc=r=16000:cl=mono", "-filter_complex",
        "[0:a][1:a]join=inputs=2:channel_layout=stereo", "-t", "1", "-c:a", "pcm_f32le",
    ])
    /// The left channel of `wavLeftOnly` on its own.
    static let wavLeftAlone = make("left-alone.wav", [
        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=16000:duration=1", "-c:a", "pcm_f32le",
    ])
    static let flac = make("a.flac", ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100:duration=2", "-c:a", "flac"])
    static let mp3 = make("a.mp3", ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100:duration=2", "-c:a", "libmp3lame", "-b:a", "64k"])
    static let m4a = make("a.m4a", ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=2", "-c:a", "aac", "-b:a", "64k"])
    static let ogg = make("a.ogg", ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=2", "-c:a", "libopus"])
}

/// `body()` must throw a `MediaError`; returns it.
func mediaError(_ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) -> MediaError? {
    do {
        try body()
        Issue.record("expected a MediaError, nothing was thrown", sourceLocation: sourceLocation)
        return nil
    } catch let error as MediaError {
        return error
    } catch {
        Issue.record("expected a MediaError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// Reads every frame.
func readFrames(_ url: URL, sampling: FrameSampling = .all, format: PixelFormat = .gray,
                size: FrameSize = .native) throws -> [VideoFrame] {
    let reader = try VideoReader(url: url, sampling: sampling, format: format, size: size)
    var frames: [VideoFrame] = []
    while let f = try reader.next() { frames.append(f) }
    return frames
}

/// Mean absolute difference of two equally long byte arrays.
func meanAbsoluteDifference(_ a: [UInt8], _ b: [UInt8]) -> Double {
    guard !a.isEmpty, a.count == b.count else { return .infinity }
    var sum = 0
    for i in 0..<a.count { sum += abs(Int(a[i]) - Int(b[i])) }
    return Double(sum) / Double(a.count)
}

extension Array where Element == Double {
    func isClose(to other: [Double], tolerance: Double = 0.002) -> Bool {
        guard count == other.count else { return false }
        for (a, b) in zip(self, other) where abs(a - b) > tolerance { return false }
        return true
    }
}
