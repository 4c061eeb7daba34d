import Director
import Foundation
import Media

public extension Thumbnail {
    /// A thumbnail from a grayscale crop (row-major, one byte per pixel), PNG-encoded and base64'd.
    /// - Precondition: `pixels.count == width * height`, both positive.
    static func grayscale(t: Double, width: Int, height: Int, pixels: [UInt8]) -> Thumbnail {
        picture(t: t, width: width, height: height, channels: 1, pixels: pixels)
    }

    /// A thumbnail from an 8-bit gray (`channels` 1) or RGB (`channels` 3) crop.
    static func picture(t: Double, width: Int, height: Int, channels: Int, pixels: [UInt8]) -> Thumbnail {
        let png = PNGEncoder.encode(width: width, height: height, channels: channels, pixels: pixels)
        return Thumbnail(t: t, width: width, height: height, png: png.base64EncodedString())
    }

    /// The PNG bytes; nil when `png` is not base64.
    var pngData: Data? { Data(base64Encoded: png) }
}
