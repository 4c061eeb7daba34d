import Foundation
import Testing

import Media
import TakeSenseTestSupport

/// The start timecode and exact frame rate of files written with `ffmpeg -timecode`, as `probe` reads them
/// (what `ffprobe -show_entries stream_tags=timecode:format_tags=timecode` shows).
@Suite("probe: source timecode", .enabled(if: FFmpegCLI.isAvailable, "ffmpeg CLI not found on PATH: the media tests build their fixtures with it"))
struct TimecodeProbeTests {
    /// (rate for ffmpeg, timecode written, file extension, exact rate expected)
    static let cases: [(String, String, String, String)] = [
        ("25", "01:02:03:04", "mov", "25/1"),
        ("24000/1001", "01:02:03:04", "mov", "24000/1001"),
        ("30000/1001", "01:02:03;04", "mov", "30000/1001"),
        ("60000/1001", "10:59:59;59", "mov", "60000/1001"),
        ("30000/1001", "00:09:59;29", "mp4", "30000/1001"),
        ("25", "23:59:59:24", "mxf", "25/1"),
    ]

    @Test("ffmpeg -timecode at 25, 23.976, 29.97 DF and 59.94 DF (MOV, MP4 tmcd track; MXF container tag)", arguments: 0..<6)
    func timecodeAndRate(_ i: Int) throws {
        let (rate, tc, ext, fraction) = Self.cases[i]
        var args = ["-f", "lavfi", "-i", "testsrc2=size=96x64:rate=\(rate):duration=0.5", "-timecode", tc]
        args += ext == "mxf" ? ["-c:v", "mpeg2video", "-pix_fmt", "yuv422p"] : Fixtures.x264
        let url = try Fixtures.make("timecode-\(i).\(ext)", args).get()
        let info = try probe(url)
        #expect(info.timecode == tc)
        let video = try #require(info.video)
        #expect(video.frameRateFraction == fraction)
        #expect(info.text.contains("Timecode: \(tc)"))
        if ext != "mxf" {
            // The QuickTime timecode track is a data stream carrying the same tag.
            #expect(info.streams.contains { $0.type == .data && $0.timecode == tc })
        }
    }

    @Test("A file without timecode has none")
    func noTimecode() throws {
        let url = try Fixtures.make("no-timecode.mp4", Fixtures.smallsrc + Fixtures.x264).get()
        let info = try probe(url)
        #expect(info.timecode == nil)
        #expect(info.video?.frameRateFraction == "30/1")
        #expect(!info.text.contains("Timecode"))
    }
}
