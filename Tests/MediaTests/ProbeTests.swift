import Foundation
import Testing

import Media
import TakeSenseTestSupport

@Suite("probe", .enabled(if: FFmpegCLI.isAvailable, "ffmpeg CLI not found on PATH: the media tests build their fixtures with it"))
struct ProbeTests {
    @Test("MP4 with H.264 video and AAC audio")
    func mp4() throws {
        let url = try Fixtures.avMP4.get()
        let info = try probe(url)
        #expect(info.file == url.path)
        #expect(info.formatName.contains("mp4"))
        #expect(info.formatLongName == "QuickTime / MOV")
        #expect(abs((info.duration ?? 0) - 2.0) < 0.05)
        #expect((info.bitRate ?? 0) > 0)
        #expect(info.size == Int64(try Data(contentsOf: url).count))
        #expect(info.streams.count == 2)

        let video = try #require(info.video)
        #expect(video.type == .video)
        #expect(video.codec == "h264")
        #expect(video.width == 160 && video.height == 120)
        #expect(video.displayWidth == 160 && video.displayHeight == 120)
        #expect(video.frameRate == 30)
        #expect(video.pixelFormat == "yuv420p")
        #expect(video.rotation == nil)
        #expect(video.frameCount == 60)

        let audio = try #require(info.audio)
        #expect(audio.codec == "aac")
        #expect(audio.profile == "LC")
        #expect(audio.sampleRate == 48_000)
        #expect(audio.channels == 1)
        #expect(audio.channelLayout == "mono")
        #expect(audio.sampleFormat == "fltp")
        #expect((audio.bitRate ?? 0) > 0)
    }

    /// A rate no camera records (2,000 frames a second here; broken headers claim far more) is not believed:
    /// an analysis would otherwise carry a frame rate that reading it back refuses (issue 18).
    @Test("A video stream above 1,000 frames a second has no frame rate")
    func implausibleFrameRate() throws {
        let url = try Fixtures.make("2000fps.mp4", ["-f", "lavfi", "-i", "testsrc2=size=64x48:rate=2000:duration=0.05",
                                                    "-c:v", "libx264", "-pix_fmt", "yuv420p"]).get()
        let video = try #require(try probe(url).video)
        #expect(video.codec == "h264" && video.width == 64)
        #expect(video.frameRate == nil && video.frameRateFraction == nil)
        let normal = try #require(try probe(try Fixtures.avMP4.get()).video)
        #expect(normal.frameRate == 30)
    }

    @Test("JSON round trip")
    func json() throws {
        let info = try probe(try Fixtures.webm.get())
        let data = try JSONEncoder().encode(info)
        let decoded = try JSONDecoder().decode(MediaInfo.self, from: data)
        #expect(decoded == info)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["formatName"] as? String == "matroska,webm")
        let streams = try #require(object["streams"] as? [[String: Any]])
        #expect(streams.map { $0["codec"] as? String } == ["vp9", "opus"])
        #expect(streams[0]["type"] as? String == "video")
        #expect(streams[1]["channels"] as? Int == 1)
    }

    @Test("human-readable text")
    func text() throws {
        let info = try probe(try Fixtures.rotated(270).get())
        let text = info.text
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines[0].hasSuffix("box-rotate270.mp4"))
        #expect(lines[1] == "Format:   QuickTime / MOV (mov,mp4,m4a,3gp,3g2,mj2)")
        #expect(lines[2].hasPrefix("Duration: 1.000 s"))
        #expect(lines.contains { $0.hasPrefix("Stream #0 video: h264 (Constrained Baseline), 64x48, rotation -90° (displayed 48x64), 10 fps, yuv420p") })
        #expect(info.description == text)
    }

    @Test("audio-only and video-only files probe fine (no error)")
    func partial() throws {
        let audioOnly = try probe(try Fixtures.flac.get())
        #expect(audioOnly.video == nil)
        #expect(audioOnly.audio?.codec == "flac")
        #expect(audioOnly.audio?.sampleRate == 44_100)
        #expect(audioOnly.text.contains("audio: flac, 44100 Hz, mono (1 channel)"))
        let videoOnly = try probe(try Fixtures.videoOnlyMP4.get())
        #expect(videoOnly.audio == nil)
        #expect(videoOnly.video?.codec == "h264")
    }

    @Test("AVI, HEVC and stereo WAV parameters")
    func others() throws {
        let avi = try probe(try Fixtures.avi.get())
        #expect(avi.formatName == "avi")
        #expect(avi.video?.codec == "mpeg4" && avi.audio?.codec == "mp3")
        let hevc = try probe(try Fixtures.hevcMP4.get())
        #expect(hevc.video?.codec == "hevc" && hevc.video?.width == 96)
        let wav = try probe(try Fixtures.wavStereo48k.get())
        #expect(wav.formatName == "wav")
        #expect(wav.audio?.channels == 2 && wav.audio?.channelLayout == "stereo" && wav.audio?.sampleRate == 48_000)
        #expect(wav.audio?.bitRate == 48_000 * 2 * 16)
        #expect(abs((wav.duration ?? 0) - 2) < 0.001)
    }
}
