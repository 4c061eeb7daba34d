import COpenCV
import Foundation
import Media

/// An 8-bit picture in memory: gray or RGB, rows tightly packed (`width * format.channels` bytes per
/// row). What detectors read and what crops are returned as.
public struct PixelBuffer: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public let format: PixelFormat
    /// Row-major pixels, `width * format.channels` bytes per row.
    public let pixels: [UInt8]

    /// - Throws: `MediaError.invalidArgument` when the size is not positive or `pixels` has the wrong length.
    public init(width: Int, height: Int, format: PixelFormat, pixels: [UInt8], name: String = "<pixels>") throws {
        guard width > 0, height > 0, width <= 16384, height <= 16384 else {
            throw MediaError.invalidArgument(name, reason: "picture size \(width)x\(height) is not valid (1...16384 per side)")
        }
        guard pixels.count == width * height * format.channels else {
            throw MediaError.invalidArgument(
                name, reason: "\(pixels.count) bytes do not hold a \(width)x\(height) \(format.rawValue) picture (\(width * height * format.channels) expected)"
            )
        }
        self.width = width
        self.height = height
        self.format = format
        self.pixels = pixels
    }

    init(unchecked width: Int, _ height: Int, _ format: PixelFormat, _ pixels: [UInt8]) {
        self.width = width
        self.height = height
        self.format = format
        self.pixels = pixels
    }

    /// A decoded video frame (no copy of the pixel array's storage).
    public init(_ frame: VideoFrame) {
        self.init(unchecked: frame.width, frame.height, frame.format, frame.pixels)
    }

    /// A decoded still image.
    public init(_ image: DecodedImage) {
        self.init(unchecked: image.width, image.height, image.format, image.pixels)
    }

    /// A picture of one colour.
    public static func filled(width: Int, height: Int, format: PixelFormat = .gray, value: UInt8) throws -> PixelBuffer {
        try PixelBuffer(width: width, height: height, format: format,
                        pixels: [UInt8](repeating: value, count: max(0, width * height * format.channels)))
    }

    public var bytesPerRow: Int { width * format.channels }

    /// The value of `channel` of pixel (x, y).
    public subscript(x x: Int, y y: Int, channel channel: Int = 0) -> UInt8 {
        pixels[y * bytesPerRow + x * format.channels + channel]
    }

    /// This picture in gray (ITU-R BT.601 luma, as swscale and OpenCV compute it), or itself.
    public func gray() -> PixelBuffer {
        guard format == .rgb else { return self }
        let n = width * height
        let out = [UInt8](unsafeUninitializedCapacity: n) { dst, count in
            pixels.withUnsafeBufferPointer { src in
                for i in 0..<n {
                    let r = UInt32(src[3 * i]), g = UInt32(src[3 * i + 1]), b = UInt32(src[3 * i + 2])
                    dst[i] = UInt8((r * 4899 + g * 9617 + b * 1868 + 8192) >> 14)
                }
            }
            count = n
        }
        return PixelBuffer(unchecked: width, height, .gray, out)
    }

    /// This picture in RGB (gray replicated to three channels), or itself.
    public func rgb() -> PixelBuffer {
        guard format == .gray else { return self }
        let n = width * height
        let out = [UInt8](unsafeUninitializedCapacity: 3 * n) { dst, count in
            pixels.withUnsafeBufferPointer { src in
                for i in 0..<n {
                    let v = src[i]
                    dst[3 * i] = v
                    dst[3 * i + 1] = v
                    dst[3 * i + 2] = v
                }
            }
            count = 3 * n
        }
        return PixelBuffer(unchecked: width, height, .rgb, out)
    }

    /// This picture in `format`.
    public func converted(to format: PixelFormat) -> PixelBuffer {
        format == .gray ? gray() : rgb()
    }

    /// Resized with OpenCV: pixel-area averaging when shrinking, bilinear when enlarging.
    public func resized(width w: Int, height h: Int) throws -> PixelBuffer {
        guard w > 0, h > 0, w <= 16384, h <= 16384 else {
            throw MediaError.invalidArgument("<pixels>", reason: "resize target \(w)x\(h) is not valid (1...16384 per side)")
        }
        if w == width && h == height { return self }
        let c = format.channels
        let shrinking = w <= width && h <= height
        var status: Int32 = 0
        let out = [UInt8](unsafeUninitializedCapacity: w * h * c) { dst, count in
            status = pixels.withUnsafeBufferPointer { src in
                cv_resize(src.baseAddress, Int32(width), Int32(height), Int32(bytesPerRow), Int32(c),
                          dst.baseAddress, Int32(w), Int32(h), shrinking ? 0 : 1)
            }
            count = w * h * c
        }
        guard status == 0 else { throw MediaError.invalidArgument("<pixels>", reason: "resize failed: \(OpenCV.lastError)") }
        return PixelBuffer(unchecked: w, h, format, out)
    }

    /// A copy of the rectangle at (x, y) of the given size, which must lie inside the picture.
    public func region(x: Int, y: Int, width w: Int, height h: Int) throws -> PixelBuffer {
        guard x >= 0, y >= 0, w > 0, h > 0, x + w <= width, y + h <= height else {
            throw MediaError.invalidArgument("<pixels>", reason: "region (\(x), \(y), \(w)x\(h)) is not inside the \(width)x\(height) picture")
        }
        if x == 0, y == 0, w == width, h == height { return self }
        let c = format.channels, row = w * c
        let out = [UInt8](unsafeUninitializedCapacity: h * row) { dst, count in
            pixels.withUnsafeBufferPointer { src in
                for r in 0..<h {
                    let from = src.baseAddress! + ((y + r) * width + x) * c
                    (dst.baseAddress! + r * row).update(from: from, count: row)
                }
            }
            count = h * row
        }
        return PixelBuffer(unchecked: w, h, format, out)
    }

    /// The rectangle at (x, y) of the given size (inside the picture) resized to `toWidth` x `toHeight`
    /// (area averaging when shrinking, bilinear when enlarging), without copying it first.
    public func resized(x: Int, y: Int, width w: Int, height h: Int, toWidth ow: Int, toHeight oh: Int) throws -> PixelBuffer {
        guard x >= 0, y >= 0, w > 0, h > 0, x + w <= width, y + h <= height, ow > 0, oh > 0, ow <= 16384, oh <= 16384 else {
            throw MediaError.invalidArgument(
                "<pixels>", reason: "cannot resize region (\(x), \(y), \(w)x\(h)) of the \(width)x\(height) picture to \(ow)x\(oh)")
        }
        let c = format.channels
        let shrinking = ow <= w && oh <= h
        var status: Int32 = 0
        let out = [UInt8](unsafeUninitializedCapacity: ow * oh * c) { dst, count in
            status = pixels.withUnsafeBufferPointer { src in
                cv_resize(src.baseAddress! + (y * width + x) * c, Int32(w), Int32(h), Int32(bytesPerRow), Int32(c),
                          dst.baseAddress, Int32(ow), Int32(oh), shrinking ? 0 : 1)
            }
            count = ow * oh * c
        }
        guard status == 0 else { throw MediaError.invalidArgument("<pixels>", reason: "resize failed: \(OpenCV.lastError)") }
        return PixelBuffer(unchecked: ow, oh, format, out)
    }

    /// Shrunk (never enlarged) so that the longest side is at most `maxDimension`; returns the factor
    /// from the returned picture's coordinates back to this picture's (≥ 1).
    public func fitting(maxDimension: Int) throws -> (picture: PixelBuffer, scale: Double) {
        let longest = max(width, height)
        guard maxDimension > 0, longest > maxDimension else { return (self, 1) }
        let s = Double(maxDimension) / Double(longest)
        let w = max(1, Int((Double(width) * s).rounded())), h = max(1, Int((Double(height) * s).rounded()))
        let small = try resized(width: w, height: h)
        return (small, Double(width) / Double(w))
    }
}
