import Foundation
import Testing

import Media
import TakeSenseTestSupport

@Suite("VideoReader", .enabled(if: FFmpegCLI.isAvailable, "ffmpeg CLI not found on PATH: the media tests build their fixtures with it"))
struct VideoReaderTests {
    @Test("every frame of a 2 s 30 fps H.264 clip, with exact timestamps")
    func allFrames() throws {
        let url = try Fixtures.avMP4.get()
        let reader = try VideoReader(url: url, sampling: .all, format: .rgb)
        #expect(reader.codec == "h264")
        #expect(reader.sourceWidth == 160 && reader.sourceHeight == 120)
        #expect(reader.outputWidth == 160 && reader.outputHeight == 120)
        #expect(reader.averageFrameRate == 30)
        var frames: [VideoFrame] = []
        while let f = try reader.next() { frames.append(f) }
        #expect(frames.count == 60)
        let expectedTimes: [Double] = (0..<60).map { (i: Int) -> Double in Double(i) / 30 }
        #expect(frames.map(\.timestamp).isClose(to: expectedTimes, tolerance: 1e-4))
        #expect(frames.map(\.index) == Array(0..<60))
        #expect(frames.map(\.sourceIndex) == Array(0..<60))
        for f in frames {
            #expect(f.width == 160 && f.height == 120 && f.format == .rgb)
            #expect(f.pixels.count == 160 * 120 * 3)
        }
        #expect(reader.damagedFrames == 0)
        #expect(reader.decodedFrames == 60)
        #expect(try reader.next() == nil)  // stays at the end
    }

    @Test("5 fps sampling picks the frame on screen at 0, 0.2, ... 1.8 s without converting the others")
    func fiveFPS() throws {
        let reader = try VideoReader(url: try Fixtures.avMP4.get(), sampling: .fps(5), format: .gray)
        var frames: [VideoFrame] = []
        while let f = try reader.next() { frames.append(f) }
        #expect(frames.count == 10)
        let expectedTimes: [Double] = (0..<10).map { (i: Int) -> Double in Double(i) * 0.2 }
        #expect(frames.map(\.timestamp).isClose(to: expectedTimes, tolerance: 1e-4))
        let expectedSources: [Int] = (0..<10).map { (i: Int) -> Int in i * 6 }
        #expect(frames.map(\.sourceIndex) == expectedSources)
        #expect(reader.decodedFrames == 60)
        #expect(reader.returnedFrames == 10)
    }

    @Test("sampled frames are pixel-identical to the same frames read with .all")
    func samplingMatchesAll() throws {
        let url = try Fixtures.avMP4.get()
        let all = try readFrames(url, sampling: .all, format: .gray)
        let sampled = try readFrames(url, sampling: .fps(5), format: .gray)
        for f in sampled {
            #expect(f.pixels == all[f.sourceIndex].pixels)
            #expect(f.timestamp == all[f.sourceIndex].timestamp)
        }
    }

    @Test("a rate that does not divide the source rate samples by time: 7 fps")
    func sevenFPS() throws {
        let frames = try readFrames(try Fixtures.avMP4.get(), sampling: .fps(7))
        // Instants k/7 for k = 0...13 (13/7 = 1.857 < 2); the frame on screen is floor(k/7 * 30) / 30.
        let expected: [Double] = (0..<14).map { (k: Int) -> Double in
            let frameIndex: Double = (Double(k) / 7 * 30 + 1e-9).rounded(.down)
            return frameIndex / 30
        }
        #expect(frames.map(\.timestamp).isClose(to: expected, tolerance: 1e-4))
    }

    @Test("a rate above the source rate returns every source frame once")
    func oversampling() throws {
        let frames = try readFrames(try Fixtures.avMP4.get(), sampling: .fps(100))
        #expect(frames.count == 60)
        #expect(frames.map(\.sourceIndex) == Array(0..<60))
    }

    @Test("variable frame rate (10 fps then 30 fps) is sampled by timestamp, not by frame index")
    func variableFrameRate() throws {
        let url = try Fixtures.vfrMP4.get()
        let all = try readFrames(url, sampling: .all)
        let firstPart: [Double] = (0..<10).map { (i: Int) -> Double in Double(i) / 10 }
        let secondPart: [Double] = (0..<30).map { (i: Int) -> Double in 1 + Double(i) / 30 }
        let expectedAll: [Double] = firstPart + secondPart
        #expect(all.count == 40)
        #expect(all.map(\.timestamp).isClose(to: expectedAll, tolerance: 1e-3))

        let sampled = try readFrames(url, sampling: .fps(5))
        #expect(sampled.count == 10)
        let sampleTimes: [Double] = (0..<10).map { (i: Int) -> Double in Double(i) * 0.2 }
        #expect(sampled.map(\.timestamp).isClose(to: sampleTimes, tolerance: 1e-3))
        // 0.2 s is frame 2 of the 10 fps part; 1.2 s is frame 10 + 6 of the whole stream.
        #expect(sampled.map(\.sourceIndex) == [0, 2, 4, 6, 8, 10, 16, 22, 28, 34])
    }

    @Test("gray output, exact size and fit-within keeping the aspect ratio")
    func sizes() throws {
        let url = try Fixtures.avMP4.get()
        let exact = try VideoReader(url: url, format: .gray, size: .exact(width: 48, height: 48))
        let f = try #require(try exact.next())
        #expect(f.width == 48 && f.height == 48 && f.pixels.count == 48 * 48 && f.bytesPerRow == 48)

        let fit = try VideoReader(url: url, format: .rgb, size: .fitWithin(maxDimension: 80))
        #expect(fit.outputWidth == 80 && fit.outputHeight == 60)
        let g = try #require(try fit.next())
        #expect(g.width == 80 && g.height == 60 && g.pixels.count == 80 * 60 * 3)

        // Never upscaled.
        let big = try VideoReader(url: url, size: .fitWithin(maxDimension: 1000))
        #expect(big.outputWidth == 160 && big.outputHeight == 120)
    }

    @Test("colours: limited-range BT.601 video comes out full range")
    func colours() throws {
        let red = try #require(try VideoReader(url: try Fixtures.red.get(), format: .rgb).next())
        let r: UInt8 = red[x: 32, y: 24, channel: 0]
        let g: UInt8 = red[x: 32, y: 24, channel: 1]
        let b: UInt8 = red[x: 32, y: 24, channel: 2]
        #expect(r >= 245 && g <= 10 && b <= 10, "red came out as \(r),\(g),\(b)")
        let redGray = try #require(try VideoReader(url: try Fixtures.red.get(), format: .gray).next())
        let grayOfRed: Int = Int(redGray[x: 32, y: 24])
        #expect(abs(grayOfRed - 76) <= 4, "gray of red = \(grayOfRed), expected ~76 (0.299 * 255)")
        let white = try #require(try VideoReader(url: try Fixtures.white.get(), format: .gray).next())
        #expect(white.pixels.allSatisfy { $0 >= 250 })
    }

    @Test("conversion matches the ffmpeg CLI's own gray and RGB output")
    func matchesCLI() throws {
        let url = try Fixtures.avMP4.get()
        for (format, pixFmt) in [(PixelFormat.gray, "gray"), (.rgb, "rgb24")] {
            let ours = try #require(try VideoReader(url: url, format: format).next())
            let theirs = try FFmpegCLI.firstFrame(url, pixFmt: pixFmt)
            #expect(ours.pixels.count == theirs.count)
            let meanDiff: Double = meanAbsoluteDifference(ours.pixels, theirs)
            #expect(meanDiff < 1.5, "mean absolute difference to the CLI (\(pixFmt)): \(meanDiff)")
        }
    }

    /// Where the white box (top-left corner of the unrotated picture) lands.
    private func boxCorner(_ f: VideoFrame) -> String {
        func bright(_ x: Int, _ y: Int) -> Bool { f[x: x, y: y] > 200 }
        let (w, h) = (f.width, f.height)
        let corners = [("top-left", bright(2, 2)), ("top-right", bright(w - 3, 2)),
                       ("bottom-left", bright(2, h - 3)), ("bottom-right", bright(w - 3, h - 3))]
        return corners.filter(\.1).map(\.0).joined(separator: ",")
    }

    @Test("rotation metadata: frames come out upright, as the ffmpeg CLI shows them",
          arguments: [(90, 90, "bottom-left"), (270, -90, "top-right"), (180, -180, "bottom-right")])
    func rotation(tag: Int, matrixAngle: Int, corner: String) throws {
        let url = try Fixtures.rotated(tag).get()
        let info = try probe(url)
        let video = try #require(info.video)
        #expect(video.rotation == matrixAngle)
        #expect(video.width == 64 && video.height == 48)

        let reader = try VideoReader(url: url, format: .gray)
        let quarter = abs(matrixAngle) == 90
        #expect(reader.rotation == (matrixAngle == 90 ? 270 : matrixAngle == -90 ? 90 : 180))
        let uprightWidth: Int = quarter ? 48 : 64
        let uprightHeight: Int = quarter ? 64 : 48
        #expect(reader.outputWidth == uprightWidth && reader.outputHeight == uprightHeight)
        #expect(video.displayWidth == uprightWidth && video.displayHeight == uprightHeight)
        let frame = try #require(try reader.next())
        #expect(frame.width == uprightWidth && frame.height == uprightHeight)
        #expect(boxCorner(frame) == corner)

        // Same picture as the CLI's autorotate.
        let cli = try FFmpegCLI.firstFrame(url, pixFmt: "gray")
        #expect(cli.count == frame.pixels.count)
        let meanDiff: Double = meanAbsoluteDifference(frame.pixels, cli)
        #expect(meanDiff < 2, "mean absolute difference to the CLI: \(meanDiff)")

        // Sizes refer to the upright picture.
        let sized = try VideoReader(url: url, format: .gray, size: .fitWithin(maxDimension: 32))
        #expect(sized.outputWidth == uprightWidth / 2 && sized.outputHeight == uprightHeight / 2)
        let small = try #require(try sized.next())
        #expect(boxCorner(small) == corner)
    }

    @Test("autorotate can be turned off")
    func noAutorotate() throws {
        let reader = try VideoReader(url: try Fixtures.rotated(90).get(), format: .gray, autorotate: false)
        #expect(reader.rotation == 0)
        let frame = try #require(try reader.next())
        #expect(frame.width == 64 && frame.height == 48)
        #expect(boxCorner(frame) == "top-left")
    }

    @Test("containers and codecs: WebM/VP9, AVI/MPEG-4, MKV/H.264, MP4/HEVC",
          arguments: [("webm", "vp9", 60, 2.0), ("avi", "mpeg4", 60, 2.0), ("mkv", "h264", 60, 2.0), ("hevc", "hevc", 30, 1.0)])
    func containers(name: String, codec: String, count: Int, seconds: Double) throws {
        let url: URL = switch name {
        case "webm": try Fixtures.webm.get()
        case "avi": try Fixtures.avi.get()
        case "mkv": try Fixtures.mkv.get()
        default: try Fixtures.hevcMP4.get()
        }
        let reader = try VideoReader(url: url, sampling: .all, format: .gray)
        #expect(reader.codec == codec)
        var frames: [VideoFrame] = []
        while let f = try reader.next() { frames.append(f) }
        #expect(frames.count == count)
        #expect(reader.damagedFrames == 0)
        #expect(frames.allSatisfy { $0.width == 96 && $0.height == 64 })
        // The same timestamps as ffprobe's, shifted so that the file starts at 0 (some containers start
        // a few ms late because their audio track starts first).
        let first: Double = try #require(frames.first?.timestamp)
        #expect(first >= 0 && first < 0.05)
        let probed: [Double] = try FFmpegCLI.frameTimes(url)
        #expect(probed.count == count)
        let ours: [Double] = frames.map { (f: VideoFrame) -> Double in f.timestamp - first }
        let probedFromZero: [Double] = probed.map { (t: Double) -> Double in t - probed[0] }
        #expect(ours.isClose(to: probedFromZero, tolerance: 1e-3), "\(ours) vs \(probed)")
        let last: Double = frames.last?.timestamp ?? 0
        let expectedLast: Double = seconds - 1.0 / 30
        #expect(abs(last - first - expectedLast) < 0.04)

        let sampled = try readFrames(url, sampling: .fps(5))
        let nominal: Int = Int(seconds * 5)
        #expect(sampled.count == nominal || sampled.count == nominal + 1)
    }

    @Test("frame threading is configurable and gives identical pictures")
    func threads() throws {
        let url = try Fixtures.avMP4.get()
        let one = try VideoReader(url: url, format: .gray, threads: 1)
        let four = try VideoReader(url: url, format: .gray, threads: 4)
        while let a = try one.next() {
            let b = try #require(try four.next())
            #expect(a == b)
        }
        #expect(try four.next() == nil)
    }

    @Test("forEach visits every sampled frame")
    func forEach() throws {
        let reader = try VideoReader(url: try Fixtures.avMP4.get(), sampling: .fps(2), format: .gray, size: .exact(width: 8, height: 8))
        var times: [Double] = []
        // swift-format-ignore: ReplaceForEachWithForLoop
        try reader.forEach { times.append($0.timestamp) }  // VideoReader.forEach, not Sequence's
        #expect(times.isClose(to: [0, 0.5, 1.0, 1.5], tolerance: 1e-4))
    }

    @Test("invalid arguments are reported, not crashed on")
    func invalidArguments() throws {
        let url = try Fixtures.avMP4.get()
        #expect(mediaError { _ = try VideoReader(url: url, sampling: .fps(0)) }?.kind == "invalidArgument")
        #expect(mediaError { _ = try VideoReader(url: url, sampling: .fps(-.infinity)) }?.kind == "invalidArgument")
        #expect(mediaError { _ = try VideoReader(url: url, size: .exact(width: 0, height: 10)) }?.kind == "invalidArgument")
        #expect(mediaError { _ = try VideoReader(url: url, threads: 0) }?.kind == "invalidArgument")
    }
}
