import Foundation
import Testing

import Media
import TakeSenseTestSupport

/// Opens `url` with each reader and returns the errors (nil where the reader opened and read fine).
private func errors(_ url: URL) -> (video: MediaError?, audio: MediaError?, probe: MediaError?) {
    func attempt(_ body: () throws -> Void) -> MediaError? {
        do { try body(); return nil } catch let e as MediaError { return e } catch {
            Issue.record("not a MediaError: \(error)")
            return nil
        }
    }
    let video = attempt { _ = try readFrames(url) }
    let audio = attempt { _ = try AudioReader.readAll(url: url) }
    let info = attempt { _ = try probe(url) }
    return (video, audio, info)
}

/// The message is one line that names the file.
private func checkMessage(_ error: MediaError?, _ url: URL, sourceLocation: SourceLocation = #_sourceLocation) {
    guard let error else { return }
    #expect(error.file == url.path, sourceLocation: sourceLocation)
    #expect(error.description.hasPrefix(url.path + ": "), sourceLocation: sourceLocation)
    #expect(!error.description.contains("\n"), sourceLocation: sourceLocation)
    #expect(error.description.count > url.path.count + 8, sourceLocation: sourceLocation)
}

private func scratch(_ name: String, _ bytes: [UInt8]) throws -> URL {
    let url = Fixtures.url(name)
    try Data(bytes).write(to: url)
    return url
}

/// Bad inputs that need no ffmpeg CLI.
@Suite("Errors without fixtures")
struct BasicErrorTests {
    @Test("missing file")
    func missing() {
        let url = Fixtures.url("does-not-exist.mp4")
        let e = errors(url)
        for error in [e.video, e.audio, e.probe] {
            #expect(error == .fileNotFound(url.path))
            checkMessage(error, url)
        }
        #expect(e.video?.description == "\(url.path): no such file")
    }

    @Test("empty file")
    func empty() throws {
        let url = try scratch("empty.mp4", [])
        let e = errors(url)
        for error in [e.video, e.audio, e.probe] {
            #expect(error == .emptyFile(url.path))
            checkMessage(error, url)
        }
    }

    @Test("text renamed .mp4")
    func text() throws {
        let url = try scratch("notes.mp4", Array("Scene 12, take 3: the actor looked happy but sounded sad.\n".utf8))
        let e = errors(url)
        for error in [e.video, e.audio, e.probe] {
            #expect(error?.kind == "notMediaFile")
            checkMessage(error, url)
        }
    }

    @Test("random bytes renamed .mov")
    func garbage() throws {
        var generator = SystemRandomNumberGenerator()
        let url = try scratch("noise.mov", (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) })
        let e = errors(url)
        for error in [e.video, e.audio, e.probe] {
            #expect(error?.kind == "notMediaFile" || error?.kind == "corrupt")
            checkMessage(error, url)
        }
    }

    @Test("a directory")
    func directory() throws {
        let url = Fixtures.url("a-folder.mp4")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        let e = errors(url)
        for error in [e.video, e.audio, e.probe] {
            #expect(error?.kind == "unreadable")
            checkMessage(error, url)
        }
    }

    @Test("every case renders one line naming the file")
    func descriptions() {
        let cases: [MediaError] = [
            .fileNotFound("/t/a.mp4"), .emptyFile("/t/a.mp4"), .unreadable("/t/a.mp4", reason: "x"),
            .notMediaFile("/t/a.mp4", reason: "x"), .truncated("/t/a.mp4", reason: "x\ny"), .corrupt("/t/a.mp4", reason: "x"),
            .noVideoStream("/t/a.mp4"), .noAudioStream("/t/a.mp4"), .unsupportedCodec("/t/a.mp4", codec: "x"),
            .invalidArgument("/t/a.mp4", reason: "x"),
        ]
        #expect(Set(cases.map(\.kind)).count == cases.count)
        for error in cases {
            #expect(error.description.hasPrefix("/t/a.mp4: "))
            #expect(!error.description.contains("\n"))
            #expect(error.file == "/t/a.mp4")
        }
        #expect(MediaError.noAudioStream("/t/a.mp4").description.contains("no audio stream"))
        #expect(MediaError.noVideoStream("/t/a.mp4").description.contains("no video stream"))
    }
}

@Suite("Errors on damaged media", .enabled(if: FFmpegCLI.isAvailable, "ffmpeg CLI not found on PATH: the media tests build their fixtures with it"))
struct DamagedMediaTests {
    private func bytes(_ fixture: Result<URL, Error>) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: try fixture.get()))
    }

    @Test("MP4 cut at half ('moov' at the end is lost): truncated, for every reader")
    func truncatedMP4() throws {
        let full = try bytes(Fixtures.avMP4)
        let url = try scratch("cut.mp4", Array(full.prefix(full.count / 2)))
        let e = errors(url)
        for error in [e.video, e.audio, e.probe] {
            #expect(error?.kind == "truncated")
            checkMessage(error, url)
        }
    }

    @Test("fast-start MP4 cut at half: the readable half, then truncated")
    func truncatedFaststart() throws {
        let full = try bytes(Fixtures.faststartMP4)
        let url = try scratch("cut-faststart.mp4", Array(full.prefix(full.count / 2)))
        let reader = try VideoReader(url: url, format: .gray)
        var frames = 0
        let error = mediaError { while try reader.next() != nil { frames += 1 } }
        #expect(error?.kind == "truncated")
        checkMessage(error, url)
        #expect(frames > 10 && frames < 60)

        let audio = try AudioReader(url: url)
        var samples = 0
        let audioError = mediaError { while let c = try audio.read(maxSamples: 4000) { samples += c.count } }
        #expect(audioError?.kind == "truncated")
        #expect(samples > 4000 && samples < 32_000)
    }

    @Test("MKV cut at half: the readable half, then truncated")
    func truncatedMKV() throws {
        let full = try bytes(Fixtures.mkv)
        let url = try scratch("cut.mkv", Array(full.prefix(full.count / 2)))
        let reader = try VideoReader(url: url, format: .gray)
        var frames = 0
        let error = mediaError { while try reader.next() != nil { frames += 1 } }
        #expect(error?.kind == "truncated")
        checkMessage(error, url)
        #expect(frames > 5 && frames < 60)
    }

    @Test("WAV cut at half: the samples that are there, then truncated")
    func truncatedWAV() throws {
        let full = try bytes(Fixtures.wavStereo48k)
        let url = try scratch("cut.wav", Array(full.prefix(full.count / 2)))
        let reader = try AudioReader(url: url)
        var samples = 0
        let error = mediaError { while let c = try reader.read(maxSamples: 1000) { samples += c.count } }
        #expect(error?.kind == "truncated")
        checkMessage(error, url)
        #expect(abs(samples - 16_000) < 100)
    }

    @Test("bytes overwritten in the middle of the picture data: damaged frames are skipped and counted")
    func damagedFrames() throws {
        var data = try bytes(Fixtures.videoOnlyMP4)
        for i in data.count / 2..<data.count / 2 + 2000 { data[i] = 0xA5 }
        let url = try scratch("damaged.mp4", data)
        let reader = try VideoReader(url: url, format: .gray)
        var frames: [VideoFrame] = []
        while let f = try reader.next() { frames.append(f) }
        #expect(reader.damagedFrames >= 1)
        #expect(frames.count < 60 && frames.count >= 50)
        #expect(frames.count + reader.damagedFrames <= 60)
        // Timestamps still increase and skip the damaged frame(s).
        #expect(zip(frames.dropFirst(), frames).allSatisfy { $0.timestamp > $1.timestamp })
        #expect((frames.last?.timestamp ?? 0) > 1.9)
    }

    @Test("bytes overwritten across the middle of an MKV: what is readable, then corrupt")
    func corruptMKV() throws {
        var data = try bytes(Fixtures.mkv)
        for i in data.count / 4..<data.count * 3 / 4 { data[i] = UInt8(truncatingIfNeeded: i &* 7919 % 251) }
        let url = try scratch("damaged.mkv", data)
        let reader = try VideoReader(url: url, format: .gray)
        var frames = 0
        let error = mediaError { while try reader.next() != nil { frames += 1 } }
        #expect(error?.kind == "corrupt")
        checkMessage(error, url)
        #expect(frames < 60)
    }

    @Test("MP4 index ('moov') overwritten: corrupt")
    func corruptIndex() throws {
        var data = try bytes(Fixtures.avMP4)
        let moov = try #require((0..<data.count - 4).last { data[$0..<$0 + 4].elementsEqual(Array("moov".utf8)) })
        for i in moov + 4..<min(data.count, moov + 304) { data[i] = 0xA5 }
        let url = try scratch("bad-index.mp4", data)
        let e = errors(url)
        for error in [e.video, e.audio, e.probe] {
            #expect(error?.kind == "corrupt")
            checkMessage(error, url)
        }
    }

    @Test("audio-only file: noVideoStream from VideoReader, audio still readable",
          arguments: ["flac", "m4a", "mp3+cover"])
    func audioOnly(name: String) throws {
        let url: URL
        switch name {
        case "flac": url = try Fixtures.flac.get()
        case "m4a": url = try Fixtures.m4a.get()
        default: url = try Fixtures.mp3WithCover.get()
        }
        let error = mediaError { _ = try VideoReader(url: url) }
        #expect(error == .noVideoStream(url.path))
        checkMessage(error, url)
        #expect(try AudioReader.readAll(url: url).count >= 32_000)
    }

    @Test("video-only file: noAudioStream from AudioReader, video still readable")
    func videoOnly() throws {
        let url = try Fixtures.videoOnlyMP4.get()
        let error = mediaError { _ = try AudioReader(url: url) }
        #expect(error == .noAudioStream(url.path))
        checkMessage(error, url)
        #expect(try readFrames(url).count == 60)
    }
}

extension Fixtures {
    /// MP3 with an embedded cover picture (a "video" stream that is not video).
    static let mp3WithCover = Result<URL, Error> {
        let mp3 = try Fixtures.mp3.get(), cover = try Fixtures.rgbJPEG.get()
        return try make("cover.mp3", ["-i", mp3.path, "-i", cover.path, "-map", "0", "-map", "1", "-c", "copy",
                                      "-disposition:v", "attached_pic", "-id3v2_version", "3"]).get()
    }
}
