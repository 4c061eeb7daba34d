import Foundation
import Testing

import Media
import TakeSenseTestSupport

/// A 48x48 8-bit gray picture, like a FER2013 face.
let faceLikePixels: [UInt8] = {
    var pixels: [UInt8] = []
    for y in 0..<48 {
        for x in 0..<48 {
            let value: Int = (x * 5 + y * 3 + (x * y) % 7) % 256
            pixels.append(UInt8(value))
        }
    }
    return pixels
}()

extension Fixtures {
    static let pgm = write("face.pgm", Array("P5\n48 48\n255\n".utf8) + faceLikePixels)
    static let grayPNG = derive("face.png", from: pgm, ["-pix_fmt", "gray"])
    static let grayJPEG = derive("face.jpg", from: pgm, ["-pix_fmt", "gray", "-q:v", "3"])
    static let rgbPNG = make("colour.png", ["-f", "lavfi", "-i", "testsrc2=size=64x48", "-frames:v", "1", "-pix_fmt", "rgb24"])
    static let rgbJPEG = make("colour.jpg", ["-f", "lavfi", "-i", "testsrc2=size=64x48", "-frames:v", "1", "-q:v", "3"])
    static let tga = make("colour.tga", ["-f", "lavfi", "-i", "testsrc2=size=64x48", "-frames:v", "1", "-pix_fmt", "rgb24"])

    static func derive(_ name: String, from source: Result<URL, Error>, _ arguments: [String]) -> Result<URL, Error> {
        Result { try make(name, ["-i", try source.get().path] + arguments).get() }
    }
}

@Suite("ImageDecoder", .enabled(if: FFmpegCLI.isAvailable, "ffmpeg CLI not found on PATH: the media tests build their fixtures with it"))
struct ImageDecoderTests {
    @Test("48x48 gray PNG decodes to exactly its pixels")
    func grayPNG() throws {
        let image = try ImageDecoder.decode(try Fixtures.grayPNG.get(), format: .gray)
        #expect(image.width == 48 && image.height == 48 && image.format == .gray)
        #expect(image.pixels == faceLikePixels)
        #expect(image[x: 3, y: 2] == faceLikePixels[2 * 48 + 3])
    }

    @Test("48x48 gray JPEG (FER2013-like) decodes to the same pixels as the ffmpeg CLI, from file and from memory")
    func grayJPEG() throws {
        let url = try Fixtures.grayJPEG.get()
        let image = try ImageDecoder.decode(url, format: .gray)
        #expect(image.width == 48 && image.height == 48)
        #expect(image.pixels == (try FFmpegCLI.firstFrame(url, pixFmt: "gray")))
        // Lossy, but close to the source.
        let meanError: Double = meanAbsoluteDifference(image.pixels, faceLikePixels)
        #expect(meanError < 8)
        let fromMemory = try ImageDecoder.decode(data: try Data(contentsOf: url), format: .gray)
        #expect(fromMemory == image)
    }

    @Test("gray image as RGB: three equal channels")
    func grayAsRGB() throws {
        let image = try ImageDecoder.decode(try Fixtures.grayPNG.get(), format: .rgb)
        #expect(image.pixels.count == 48 * 48 * 3)
        for i in stride(from: 0, to: 48 * 48, by: 97) {
            let r: UInt8 = image.pixels[i * 3], g: UInt8 = image.pixels[i * 3 + 1], b: UInt8 = image.pixels[i * 3 + 2]
            #expect(r == g && g == b)
            let difference: Int = Int(r) - Int(faceLikePixels[i])
            #expect(abs(difference) <= 1)
        }
    }

    @Test("RGB PNG is exact; colour JPEG matches the CLI's conversion")
    func colour() throws {
        let png = try Fixtures.rgbPNG.get()
        let rgb = try ImageDecoder.decode(png, format: .rgb)
        #expect(rgb.width == 64 && rgb.height == 48)
        #expect(rgb.pixels == (try FFmpegCLI.firstFrame(png, pixFmt: "rgb24")))

        let jpeg = try Fixtures.rgbJPEG.get()
        for (format, pixFmt) in [(PixelFormat.rgb, "rgb24"), (.gray, "gray")] {
            let ours = try ImageDecoder.decode(jpeg, format: format)
            let theirs = try FFmpegCLI.firstFrame(jpeg, pixFmt: pixFmt)
            #expect(ours.pixels.count == theirs.count)
            let meanDiff: Double = meanAbsoluteDifference(ours.pixels, theirs)
            #expect(meanDiff < 1.5, "\(pixFmt): mean difference \(meanDiff)")
        }
    }

    @Test("resizing")
    func resize() throws {
        let url = try Fixtures.rgbPNG.get()
        let small = try ImageDecoder.decode(url, format: .gray, size: .exact(width: 24, height: 24))
        #expect(small.width == 24 && small.height == 24 && small.pixels.count == 576)
        let fit = try ImageDecoder.decode(url, format: .rgb, size: .fitWithin(maxDimension: 32))
        #expect(fit.width == 32 && fit.height == 24)
    }

    @Test("formats without a signature (TGA) go through libavformat")
    func fallback() throws {
        let url = try Fixtures.tga.get()
        let image = try ImageDecoder.decode(url, format: .rgb)
        #expect(image.width == 64 && image.height == 48)
        #expect(image.pixels == (try FFmpegCLI.firstFrame(url, pixFmt: "rgb24")))
    }

    @Test("bad image input")
    func badInput() throws {
        let text = mediaError { _ = try ImageDecoder.decode(data: Data("not an image\n".utf8), name: "note.jpg") }
        #expect(text?.kind == "notMediaFile")
        #expect(text?.description.hasPrefix("note.jpg: ") == true)
        #expect(mediaError { _ = try ImageDecoder.decode(data: Data(), name: "empty.png") } == .emptyFile("empty.png"))

        let png = [UInt8](try Data(contentsOf: try Fixtures.grayPNG.get()))
        let cut = mediaError { _ = try ImageDecoder.decode(bytes: Array(png.prefix(png.count / 2)), name: "cut.png") }
        #expect(cut?.kind == "corrupt" || cut?.kind == "truncated")
        #expect(cut?.file == "cut.png")

        let missing = Fixtures.url("no-such-face.jpg")
        #expect(mediaError { _ = try ImageDecoder.decode(missing) } == .fileNotFound(missing.path))
    }
}
