import Foundation
import Testing

import Media
import TakeSenseTestSupport

@Suite("AudioReader", .enabled(if: FFmpegCLI.isAvailable, "ffmpeg CLI not found on PATH: the media tests build their fixtures with it"))
struct AudioReaderTests {
    /// Zero crossings per second of a signal sampled at 16 kHz ≈ 2 × its frequency.
    private func frequency(_ samples: [Float]) -> Double {
        var crossings = 0
        for i in 1..<samples.count where (samples[i - 1] < 0) != (samples[i] < 0) { crossings += 1 }
        let seconds: Double = Double(samples.count) / 16_000
        return Double(crossings) / 2 / seconds
    }

    private func rms(_ samples: ArraySlice<Float>) -> Double {
        var sum: Double = 0
        for s in samples { sum += Double(s) * Double(s) }
        return (sum / Double(max(1, samples.count))).squareRoot()
    }

    @Test("2.000 s of 16 kHz mono PCM: exactly 32000 samples, bit-identical to the file")
    func wav16kExact() throws {
        let url = try Fixtures.wavMono16k.get()
        let reader = try AudioReader(url: url)
        #expect(reader.codec == "pcm_s16le")
        #expect(reader.sourceSampleRate == 16_000 && reader.sourceChannels == 1)
        let samples = try reader.readAll()
        #expect(samples.count == 32_000)
        #expect(reader.startTime == 0)
        // The file's own int16 samples, scaled by 1/32768.
        let data = try Data(contentsOf: url)
        let pcm: [Int16] = data.suffix(32_000 * 2).withUnsafeBytes { Array($0.bindMemory(to: Int16.self)) }
        let expected: [Float] = pcm.map { (v: Int16) -> Float in Float(v) / 32768 }
        #expect(samples == expected)
    }

    @Test("exact 16 kHz sample counts for 2.000 s in WAV 48 kHz stereo, FLAC 44.1 kHz, MP3, Opus; AAC as the CLI",
          arguments: ["wav", "flac", "mp3", "ogg", "webm", "m4a", "mp4", "mkv"])
    func sampleCounts(name: String) throws {
        let url: URL = switch name {
        case "wav": try Fixtures.wavStereo48k.get()
        case "flac": try Fixtures.flac.get()
        case "mp3": try Fixtures.mp3.get()
        case "ogg": try Fixtures.ogg.get()
        case "webm": try Fixtures.webm.get()
        case "m4a": try Fixtures.m4a.get()
        case "mp4": try Fixtures.avMP4.get()
        default: try Fixtures.mkv.get()
        }
        let samples = try AudioReader.readAll(url: url)
        // Same count as `ffmpeg -i FILE -ac 1 -ar 16000 -f f32le -`: priming/padding handled the same way.
        let cli = try FFmpegCLI.audioSamples(url)
        #expect(samples.count == cli.count, "\(name): \(samples.count) samples, the CLI gives \(cli.count)")
        switch name {
        case "m4a", "mp4":
            // AAC: the MP4 edit list removes the 1024-sample priming; FFmpeg 5.1 keeps the padding of the
            // last 1024-sample frame, so a little more than 2 s comes out (as from the CLI).
            let padding: Int = 1024 / 3 + 1
            #expect(samples.count >= 32_000 && samples.count <= 32_000 + padding)
        default:
            // PCM/FLAC have no priming; MP3 (LAME gapless header) and Opus (pre-skip, end trimming)
            // declare theirs and FFmpeg trims it: exactly 2.000 s.
            #expect(samples.count == 32_000)
        }
        if name != "wav" {  // (the WAV is 440 Hz + 660 Hz, checked in matchesCLIAverage)
            let hz: Double = frequency(samples)
            #expect(abs(hz - 440) < 8, "\(name): \(hz) Hz")
        }
    }

    @Test("channels are averaged: left sine + right silence gives half the left channel")
    func stereoAverage() throws {
        let both = try AudioReader.readAll(url: try Fixtures.wavLeftOnly.get())
        let left = try AudioReader.readAll(url: try Fixtures.wavLeftAlone.get())
        #expect(both.count == 16_000 && left.count == 16_000)
        var maxError: Float = 0
        for (b, l) in zip(both, left) { maxError = max(maxError, abs(b - l / 2)) }
        #expect(maxError < 1e-6)
        let peak: Float = both.map { (v: Float) -> Float in abs(v) }.max() ?? 0
        let leftPeak: Float = left.map { (v: Float) -> Float in abs(v) }.max() ?? 0
        #expect(abs(peak - leftPeak / 2) < 1e-6)
        #expect(leftPeak > 0.1)
    }

    @Test("stereo 48 kHz: same as the CLI's resampler with an explicit (L+R)/2 matrix")
    func matchesCLIAverage() throws {
        let url = try Fixtures.wavStereo48k.get()
        let ours = try AudioReader.readAll(url: url)
        let theirs = try FFmpegCLI.audioSamples(url, filter: "pan=mono|c0=0.5*c0+0.5*c1")
        #expect(ours.count == theirs.count)
        var maxError: Float = 0
        for (a, b) in zip(ours, theirs) { maxError = max(maxError, abs(a - b)) }
        #expect(maxError < 1e-4, "max difference \(maxError)")
        // Both tones survive at half amplitude each: RMS of (sin a + sin b)/2 with amplitude 1/8 = 0.0625.
        let level: Double = rms(ours[1000..<31000])
        #expect(abs(level - 0.0625) < 0.003)
    }

    @Test("chunks: exact sizes, same samples as reading everything at once")
    func chunks() throws {
        let url = try Fixtures.flac.get()
        let whole = try AudioReader.readAll(url: url)
        let reader = try AudioReader(url: url)
        var sizes: [Int] = []
        var joined: [Float] = []
        while let chunk = try reader.read(maxSamples: 5_000) {
            sizes.append(chunk.count)
            joined += chunk
        }
        #expect(sizes == [5_000, 5_000, 5_000, 5_000, 5_000, 5_000, 2_000])
        #expect(joined == whole)
        #expect(reader.samplesRead == 32_000)
        #expect(try reader.read(maxSamples: 10) == nil)
        #expect(mediaError { _ = try reader.read(maxSamples: 0) }?.kind == "invalidArgument")
    }

    @Test("other output rates")
    func otherRate() throws {
        let samples = try AudioReader.readAll(url: try Fixtures.wavStereo48k.get(), sampleRate: 8_000)
        #expect(samples.count == 16_000)
        #expect(mediaError { _ = try AudioReader(url: try Fixtures.flac.get(), sampleRate: 0) }?.kind == "invalidArgument")
    }

    @Test("the audio of a video file, with its start time on the video's clock")
    func audioOfVideo() throws {
        let reader = try AudioReader(url: try Fixtures.webm.get())
        #expect(reader.codec == "opus")
        let samples = try reader.readAll()
        #expect(samples.count == 32_000)
        let start = try #require(reader.startTime)
        #expect(start >= 0 && start < 0.05)
    }
}
