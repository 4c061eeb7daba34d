import Foundation

/// Minimal PNG writer for report thumbnails: 8-bit grayscale (or RGB), no interlace, filter 0 on every row,
/// and a zlib stream of stored (uncompressed) deflate blocks — valid PNG any browser or viewer opens,
/// with no compression library needed. A 48×48 face is about 2.4 KB.
public enum PNGEncoder {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// A grayscale PNG of `pixels`, row-major, top row first, one byte per pixel (0 black ... 255 white).
    /// - Precondition: `width > 0`, `height > 0` and `pixels.count == width * height`.
    public static func encodeGray(width: Int, height: Int, pixels: [UInt8]) -> Data {
        encode(width: width, height: height, channels: 1, pixels: pixels)
    }

    /// An RGB PNG of `pixels`, row-major, top row first, three bytes (R, G, B) per pixel.
    /// - Precondition: `width > 0`, `height > 0` and `pixels.count == width * height * 3`.
    public static func encodeRGB(width: Int, height: Int, pixels: [UInt8]) -> Data {
        encode(width: width, height: height, channels: 3, pixels: pixels)
    }

    /// 8-bit gray (`channels` 1) or RGB (`channels` 3).
    /// - Precondition: positive size, `channels` 1 or 3, `pixels.count == width * height * channels`.
    public static func encode(width: Int, height: Int, channels: Int, pixels: [UInt8]) -> Data {
        precondition(channels == 1 || channels == 3, "PNG: 1 (gray) or 3 (RGB) channels, got \(channels)")
        precondition(width > 0 && height > 0, "PNG size must be positive, got \(width)×\(height)")
        precondition(width <= 0x7FFF_FFFF && height <= 0x7FFF_FFFF, "PNG size too large")
        precondition(pixels.count == width * height * channels, "expected \(width * height * channels) bytes, got \(pixels.count)")

        var ihdr = [UInt8]()
        ihdr += bigEndian(UInt32(width))
        ihdr += bigEndian(UInt32(height))
        // Bit depth 8, colour type 0 (gray) or 2 (RGB), deflate, filter method 0, no interlace.
        ihdr += [8, channels == 1 ? 0 : 2, 0, 0, 0]

        // Scanlines, each led by its filter type (0: none).
        let row = width * channels
        var raw = [UInt8]()
        raw.reserveCapacity((row + 1) * height)
        for y in 0..<height {
            raw.append(0)
            raw += pixels[(y * row)..<((y + 1) * row)]
        }

        var png = signature
        png += chunk("IHDR", ihdr)
        png += chunk("IDAT", zlibStored(raw))
        png += chunk("IEND", [])
        return Data(png)
    }

    /// A zlib stream (RFC 1950) holding `data` in stored deflate blocks (RFC 1951, BTYPE 00) of at most 65,535 bytes.
    static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]  // deflate, 32K window; FCHECK makes 0x7801 a multiple of 31
        var offset = 0
        repeat {
            let n = min(65_535, data.count - offset)
            let final = offset + n == data.count
            out.append(final ? 1 : 0)
            let len = UInt16(n)
            out += [UInt8(len & 0xFF), UInt8(len >> 8), UInt8(~len & 0xFF), UInt8(~len >> 8)]
            out += data[offset..<(offset + n)]
            offset += n
        } while offset < data.count
        out += bigEndian(adler32(data))
        return out
    }

    /// A chunk: length, type, data, CRC-32 of type and data.
    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typeBytes = Array(type.utf8)
        return bigEndian(UInt32(data.count)) + typeBytes + data + bigEndian(crc32(typeBytes + data))
    }

    static func bigEndian(_ v: UInt32) -> [UInt8] {
        [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)]
    }

    private static let crcTable: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    /// CRC-32 (ISO 3309, as PNG and zlib use it).
    public static func crc32<S: Sequence>(_ bytes: S) -> UInt32 where S.Element == UInt8 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes { c = crcTable[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }

    /// Adler-32 (RFC 1950).
    public static func adler32<S: Sequence>(_ bytes: S) -> UInt32 where S.Element == UInt8 {
        var a: UInt32 = 1, b: UInt32 = 0
        var pending = 0
        for x in bytes {
            a += UInt32(x)
            b += a
            pending += 1
            if pending == 5552 {  // the most bytes before b can overflow 32 bits
                a %= 65_521
                b %= 65_521
                pending = 0
            }
        }
        return ((b % 65_521) << 16) | (a % 65_521)
    }
}
