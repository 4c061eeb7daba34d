import Foundation
import Testing

@testable import Faces
import Media

@Suite("Face crops")
struct CropTests {
    /// A 200x100 gray picture whose pixel (x, y) is x (clamped) — easy to check where a crop came from.
    func ramp() throws -> PixelBuffer {
        var px = [UInt8](repeating: 0, count: 200 * 100)
        for y in 0..<100 { for x in 0..<200 { px[y * 200 + x] = UInt8(min(x, 255)) } }
        return try PixelBuffer(width: 200, height: 100, format: .gray, pixels: px)
    }

    @Test func regionIsTheSquareWithMargin() {
        let cropper = FaceCropper(size: 48, margin: 0.25)
        let r = cropper.region(for: FaceBox(x: 50, y: 20, width: 40, height: 60))
        // Longer side 60 → 60 * 1.5 = 90, centred on (70, 50).
        #expect(r.side == 90)
        #expect(r.x == 25 && r.y == 5)
        let none = FaceCropper(size: 48, margin: 0).region(for: FaceBox(x: 10, y: 10, width: 30, height: 30))
        #expect(none.x == 10 && none.y == 10 && none.side == 30)
    }

    @Test func cropsHaveTheRequestedSizeAndFormat() throws {
        let picture = try ramp()
        let box = FaceBox(x: 60, y: 30, width: 40, height: 40)
        for (size, format) in [(48, PixelFormat.gray), (224, .gray), (32, .rgb), (40, .rgb)] {
            let crop = try FaceCropper(size: size, margin: 0.2, format: format).crop(picture, box: box)
            #expect(crop.width == size && crop.height == size && crop.format == format)
            #expect(crop.pixels.count == size * size * format.channels)
        }
    }

    @Test func marginWidensTheCrop() throws {
        let picture = try ramp()
        let box = FaceBox(x: 80, y: 30, width: 40, height: 40)
        // Without margin, 40 px wide → 40 px crop: columns 80...119 exactly.
        let tight = try FaceCropper(size: 40, margin: 0).crop(picture, box: box)
        #expect(tight[x: 0, y: 20] == 80 && tight[x: 39, y: 20] == 119)
        // With margin 0.5 the square is 80 px: columns 60...139, shrunk to 40 px.
        let wide = try FaceCropper(size: 40, margin: 0.5).crop(picture, box: box)
        #expect(abs(Int(wide[x: 0, y: 20]) - 60) <= 1 && abs(Int(wide[x: 39, y: 20]) - 138) <= 1)
    }

    @Test func outsideThePictureRepeatsTheEdge() throws {
        let picture = try ramp()
        let crop = try FaceCropper(size: 60, margin: 0).crop(picture, box: FaceBox(x: -20, y: -10, width: 60, height: 60))
        #expect(crop[x: 0, y: 0] == 0 && crop[x: 19, y: 30] == 0)  // columns left of 0 repeat column 0
        #expect(crop[x: 30, y: 0] == 10)
        let right = try FaceCropper(size: 60, margin: 0).crop(picture, box: FaceBox(x: 170, y: 60, width: 60, height: 60))
        #expect(right[x: 59, y: 59] == 199)
    }

    @Test func rgbCropsKeepColour() throws {
        var px = [UInt8](repeating: 0, count: 64 * 64 * 3)
        for i in 0..<(64 * 64) { px[3 * i] = 200; px[3 * i + 1] = 20; px[3 * i + 2] = 10 }
        let red = try PixelBuffer(width: 64, height: 64, format: .rgb, pixels: px)
        let crop = try FaceCropper(size: 16, margin: 0.1, format: .rgb).crop(red, box: FaceBox(x: 10, y: 10, width: 30, height: 30))
        #expect(crop[x: 8, y: 8, channel: 0] == 200 && crop[x: 8, y: 8, channel: 1] == 20)
        let gray = try FaceCropper(size: 16, margin: 0.1, format: .gray).crop(red, box: FaceBox(x: 10, y: 10, width: 30, height: 30))
        #expect(gray[x: 8, y: 8] == red.gray()[x: 20, y: 20])
    }

    @Test func netpbmHeader() throws {
        let p = try PixelBuffer.filled(width: 3, height: 2, value: 7)
        let data = p.netpbm()
        #expect(String(decoding: data.prefix(11), as: UTF8.self) == "P5\n3 2\n255\n")
        #expect(data.count == 11 + 6)
    }
}
