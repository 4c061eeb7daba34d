import Foundation
import Testing

import Media
import TakeSenseTestSupport

/// `DecodeMode.needed`: what the reader leaves undecoded, and that what it returns is exact.
@Suite(
    "Decoding only what the sampling needs", .enabled(if: FFmpegCLI.isAvailable, "ffmpeg CLI not found on PATH: the media tests build their fixtures with it"))
struct DecodeSkippingTests {
    static let source: [String] = ["-f", "lavfi", "-i", "testsrc2=size=192x108:rate=25:duration=4"]
    /// libx264's default GOP (3 B-frames, B-pyramid): long-GOP with non-reference frames, as cameras and edit suites write.
    static let h264 = Fixtures.make("bframes.mp4", source + ["-c:v", "libx264", "-preset", "medium", "-pix_fmt", "yuv420p"])
    static let hevc = Fixtures.make(
        "bframes-hevc.mp4", source + ["-c:v", "libx265", "-preset", "fast", "-x265-params", "log-level=error", "-pix_fmt", "yuv420p"])
    static let prores = Fixtures.make("prores.mov", source + ["-c:v", "prores_ks", "-profile:v", "2"])
    static let dnxhr = Fixtures.make(
        "dnxhr.mxf", ["-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=25:duration=2", "-c:v", "dnxhd", "-profile:v", "dnxhr_lb", "-pix_fmt", "yuv422p"])
    static let mjpeg = Fixtures.make("mjpeg.avi", source + ["-c:v", "mjpeg", "-q:v", "3"])

    private func read(_ url: URL, _ sampling: FrameSampling, _ decode: DecodeMode) throws -> (VideoReader, [VideoFrame]) {
        let reader = try VideoReader(url: url, sampling: sampling, format: .gray, decode: decode)
        var frames: [VideoFrame] = []
        while let f = try reader.next() { frames.append(f) }
        return (reader, frames)
    }

    @Test("The rule: nothing skipped for every-frame sampling, --decode all, or sampling above half the frame rate")
    func rule() {
        #expect(VideoReader.strategy(decode: .needed, sampling: .fps(5), frameRate: 25, intraOnly: false) == .skipNonReference)
        #expect(VideoReader.strategy(decode: .needed, sampling: .fps(12.5), frameRate: 25, intraOnly: false) == .skipNonReference)
        #expect(VideoReader.strategy(decode: .needed, sampling: .fps(13), frameRate: 25, intraOnly: false) == .all)
        #expect(VideoReader.strategy(decode: .needed, sampling: .fps(5), frameRate: nil, intraOnly: false) == .all)
        #expect(VideoReader.strategy(decode: .needed, sampling: .fps(20), frameRate: 25, intraOnly: true) == .sampledFramesOnly)
        #expect(VideoReader.strategy(decode: .needed, sampling: .all, frameRate: 25, intraOnly: true) == .all)
        #expect(VideoReader.strategy(decode: .all, sampling: .fps(5), frameRate: 25, intraOnly: true) == .all)
    }

    @Test("Long-GOP H.264 and HEVC: non-reference frames are not decoded; every returned frame is exact and near its instant",
          arguments: ["h264", "hevc"])
    func longGOP(codec: String) throws {
        let url = try (codec == "h264" ? Self.h264 : Self.hevc).get()
        let (fullReader, every) = try read(url, .all, .all)
        let (reader, frames) = try read(url, .fps(5), .needed)
        let (_, reference) = try read(url, .fps(5), .all)
        #expect(reader.decodeStrategy == .skipNonReference)
        #expect(every.count == 100 && fullReader.decodedFrames == 100)
        // About half of libx264's / libx265's default GOP is non-reference B-frames.
        #expect(reader.decodedFrames < 75, "decoded \(reader.decodedFrames) of 100")
        #expect(reference.count == 20)
        #expect(frames.count >= 18 && frames.count <= 20)
        let byTime = Dictionary(every.map { ($0.timestamp, $0) }, uniquingKeysWith: { a, _ in a })
        for f in frames {
            // The decoded frames are the stream's own frames, bit for bit (skipped frames reference nothing).
            let same = try #require(byTime[f.timestamp], "no frame at \(f.timestamp) in the full decode")
            #expect(f.pixels == same.pixels, "frame at \(f.timestamp) differs from the full decode")
        }
        // Each instant k/5 gets the latest decoded frame at or before it: at most 3 frames (120 ms) earlier.
        for f in frames {
            let instant = (f.timestamp * 5 - 0.001).rounded(.up) / 5
            #expect(instant - f.timestamp < 3.0 / 25 + 1e-6, "frame \(f.timestamp) used for instant \(instant)")
        }
        #expect(frames.map(\.timestamp) == frames.map(\.timestamp).sorted())
    }

    @Test("Intra-only ProRes, DNxHR and MJPEG: only the sampled frames are decoded, and they are exactly the frames of a full decode",
          arguments: ["prores", "dnxhr", "mjpeg"])
    func intraOnly(codec: String) throws {
        let url = try [("prores", Self.prores), ("dnxhr", Self.dnxhr), ("mjpeg", Self.mjpeg)].first { $0.0 == codec }!.1.get()
        let (full, reference) = try read(url, .fps(5), .all)
        let (reader, frames) = try read(url, .fps(5), .needed)
        #expect(reader.decodeStrategy == .sampledFramesOnly)
        #expect(full.decodeStrategy == .all)
        #expect(frames.count == reference.count && !frames.isEmpty)
        #expect(frames.map(\.timestamp) == reference.map(\.timestamp))
        for (a, b) in zip(frames, reference) { #expect(a.pixels == b.pixels, "frame at \(a.timestamp)") }
        #expect(reader.decodedFrames == frames.count, "decoded \(reader.decodedFrames) for \(frames.count) sampled")
        #expect(reader.skippedPackets == full.decodedFrames - frames.count)
    }

    @Test("A cut-short intra-only file still reports the truncation when frames are skipped")
    func truncatedIntraOnly() throws {
        let url = try Self.mjpeg.get()
        let bytes = try [UInt8](Data(contentsOf: url))
        let cut = try Fixtures.write("mjpeg-cut.avi", Array(bytes.prefix(bytes.count * 2 / 5))).get()
        let error = mediaError { _ = try read(cut, .fps(5), .needed) }
        #expect(error.map { "\($0)".contains("mjpeg-cut.avi") } == true)
    }
}
