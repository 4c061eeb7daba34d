import Foundation
import Media

/// Cuts square face crops out of pictures: the box's longer side plus `margin` of it on every side,
/// centred on the box, resized (pixel-area averaging when shrinking, bilinear when enlarging) to
/// `size` x `size` pixels in `format`. Parts of the square outside the picture repeat its edge pixels.
///
/// Only geometry happens here: normalisation and channel layout belong to the face model
/// (FaceEmotion's `FacePreprocessing`), which receives these 8-bit pixels.
public struct FaceCropper: Sendable, Equatable {
    /// Output side in pixels.
    public var size: Int
    /// Extra context on each side, as a fraction of the box's longer side (0.2: a square 1.4x the face).
    public var margin: Double
    /// Output pixels: gray or RGB.
    public var format: PixelFormat

    public init(size: Int = 48, margin: Double = 0.2, format: PixelFormat = .gray) {
        self.size = size
        self.margin = margin
        self.format = format
    }

    /// The square region (in picture pixels) a crop of `box` covers: origin and side, rounded to whole pixels.
    public func region(for box: FaceBox) -> (x: Int, y: Int, side: Int) {
        let side = max(1, (max(box.width, box.height) * (1 + 2 * margin)).rounded())
        let x = (box.centerX - side / 2).rounded(), y = (box.centerY - side / 2).rounded()
        return (Int(x), Int(y), Int(side))
    }

    /// - Throws: `MediaError.invalidArgument` for a non-positive size, a negative margin or an empty box.
    public func crop(_ picture: PixelBuffer, box: FaceBox) throws -> PixelBuffer {
        guard size > 0, size <= 4096 else {
            throw MediaError.invalidArgument("<crop>", reason: "crop size must be in 1...4096, got \(size)")
        }
        guard margin >= 0, margin.isFinite else {
            throw MediaError.invalidArgument("<crop>", reason: "crop margin must be a non-negative number, got \(margin)")
        }
        guard box.width > 0, box.height > 0, box.x.isFinite, box.y.isFinite, box.width.isFinite, box.height.isFinite else {
            throw MediaError.invalidArgument("<crop>", reason: "face box \(box) is empty or not finite")
        }
        let source = picture.converted(to: format)
        let (x0, y0, side) = region(for: box)
        guard side <= 16384 else {
            throw MediaError.invalidArgument("<crop>", reason: "face box \(box) is too large to crop")
        }
        let c = format.channels
        let w = source.width, h = source.height
        if x0 >= 0, y0 >= 0, x0 + side <= w, y0 + side <= h {
            // Inside the picture: resized straight from it (no copy).
            return try source.resized(x: x0, y: y0, width: side, height: side, toWidth: size, toHeight: size)
        }
        let rowBytes = side * c
        let square = [UInt8](unsafeUninitializedCapacity: side * rowBytes) { dst, count in
            source.pixels.withUnsafeBufferPointer { src in
                for row in 0..<side {
                    let sy = min(max(y0 + row, 0), h - 1)
                    let srcRow = sy * w * c
                    let dstRow = row * rowBytes
                    // Inside columns copied as one run; outside ones repeat the edge pixel.
                    let insideStart = min(max(0, -x0), side), insideEnd = max(insideStart, min(side, w - x0))
                    for col in 0..<insideStart {
                        for k in 0..<c { dst[dstRow + col * c + k] = src[srcRow + k] }
                    }
                    if insideEnd > insideStart {
                        let from = srcRow + (x0 + insideStart) * c
                        for i in 0..<((insideEnd - insideStart) * c) { dst[dstRow + insideStart * c + i] = src[from + i] }
                    }
                    for col in insideEnd..<side {
                        for k in 0..<c { dst[dstRow + col * c + k] = src[srcRow + (w - 1) * c + k] }
                    }
                }
            }
            count = side * rowBytes
        }
        return try PixelBuffer(unchecked: side, side, format, square).resized(width: size, height: size)
    }
}

extension PixelBuffer {
    /// The picture as a binary PGM (gray) or PPM (RGB) file.
    public func netpbm() -> Data {
        var data = Data("\(format == .gray ? "P5" : "P6")\n\(width) \(height)\n255\n".utf8)
        data.append(contentsOf: pixels)
        return data
    }
}
