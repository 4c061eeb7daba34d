import Foundation
import Media
import TakeSenseTestSupport
import Testing

/// Chunks of a PNG: (type, data, stored CRC).
func pngChunks(_ png: Data) -> [(type: String, data: [UInt8], crc: UInt32)] {
    let b = [UInt8](png)
    var out: [(String, [UInt8], UInt32)] = []
    var i = 8
    func u32(_ at: Int) -> UInt32 { b[at..<(at + 4)].reduce(0) { $0 << 8 | UInt32($1) } }
    while i + 12 <= b.count {
        let len = Int(u32(i))
        guard i + 12 + len <= b.count else { break }
        let type = String(decoding: b[(i + 4)..<(i + 8)], as: UTF8.self)
        out.append((type, Array(b[(i + 8)..<(i + 8 + len)]), u32(i + 8 + len)))
        i += 12 + len
    }
    return out
}

@Suite struct PNGEncoderTests {
    @Test func checksumsMatchKnownValues() {
        #expect(PNGEncoder.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(PNGEncoder.crc32([UInt8]()) == 0)
        #expect(PNGEncoder.adler32(Array("Wikipedia".utf8)) == 0x11E6_0398)
        #expect(PNGEncoder.adler32([UInt8]()) == 1)
        // Long input: the modulo must be taken before 32-bit overflow.
        #expect(PNGEncoder.adler32([UInt8](repeating: 255, count: 100_000)) == 0x149A_302C)  // zlib.adler32(b"\xff" * 100000)
    }

    @Test func structureOfASmallImage() throws {
        let png = PNGEncoder.encodeGray(width: 3, height: 2, pixels: [0, 128, 255, 10, 20, 30])
        #expect([UInt8](png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let chunks = pngChunks(png)
        #expect(chunks.map(\.type) == ["IHDR", "IDAT", "IEND"])
        #expect(chunks[0].data == [0, 0, 0, 3, 0, 0, 0, 2, 8, 0, 0, 0, 0])
        for c in chunks { #expect(c.crc == PNGEncoder.crc32(Array(c.type.utf8) + c.data)) }
        // IEND's CRC is a constant every PNG shares.
        #expect(chunks[2].crc == 0xAE42_6082)
        // zlib header, one final stored block of 8 bytes (2 rows × (1 filter byte + 3 pixels)), Adler-32.
        let idat = chunks[1].data
        #expect(idat[0] == 0x78 && (UInt16(idat[0]) << 8 | UInt16(idat[1])) % 31 == 0)
        #expect(Array(idat[2..<7]) == [1, 8, 0, 0xF7, 0xFF])
        #expect(Array(idat[7..<15]) == [0, 0, 128, 255, 0, 10, 20, 30])
        let adler = PNGEncoder.adler32([0, 0, 128, 255, 0, 10, 20, 30])
        #expect(Array(idat[15...]) == [UInt8(adler >> 24), UInt8(adler >> 16 & 0xFF), UInt8(adler >> 8 & 0xFF), UInt8(adler & 0xFF)])
    }

    @Test func rgbHasColourTypeTwoAndThreeBytesAPixel() throws {
        let png = PNGEncoder.encodeRGB(width: 2, height: 1, pixels: [255, 0, 0, 0, 0, 255])
        let chunks = pngChunks(png)
        #expect(chunks[0].data == [0, 0, 0, 2, 0, 0, 0, 1, 8, 2, 0, 0, 0])
        #expect(Array(chunks[1].data[2..<7]) == [1, 7, 0, 0xF8, 0xFF])
        #expect(Array(chunks[1].data[7..<14]) == [0, 255, 0, 0, 0, 0, 255])
    }

    /// Decodes with Python's zlib (an independent inflate and CRC-32): every chunk's CRC, the IHDR, and
    /// the inflated IDAT against the expected filtered scanlines, for a one-block and a many-block image.
    @Test(.enabled(if: Tool.find("python3") != nil, "python3 is not on PATH: skipping the independent PNG decode"))
    func pythonZlibDecodes() throws {
        let python = try #require(Tool.find("python3"))
        let dir = try TemporaryFolder.make()
        defer { try? FileManager.default.removeItem(at: dir) }
        for (w, h, c) in [(48, 48, 1), (300, 260, 1), (40, 30, 3)] {  // 300×260 needs two stored blocks
            let px = (0..<(w * h * c)).map { UInt8(truncatingIfNeeded: ($0 % (w * c)) * 7 + ($0 / (w * c)) * 3) }
            let png = dir.appendingPathComponent("\(w)x\(h).png")
            try PNGEncoder.encode(width: w, height: h, channels: c, pixels: px).write(to: png)
            let raw = dir.appendingPathComponent("\(w)x\(h).raw")
            try Data(px).write(to: raw)
            let script = """
            import struct, sys, zlib
            png = open(sys.argv[1], 'rb').read(); px = open(sys.argv[2], 'rb').read(); w, h, c = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
            assert png[:8] == b'\\x89PNG\\r\\n\\x1a\\n', 'signature'
            i, idat, types = 8, b'', []
            while i < len(png):
                n, = struct.unpack('>I', png[i:i+4]); t = png[i+4:i+8]; d = png[i+8:i+8+n]
                crc, = struct.unpack('>I', png[i+8+n:i+12+n])
                assert zlib.crc32(t + d) & 0xffffffff == crc, 'crc of ' + t.decode()
                types.append(t.decode())
                if t == b'IHDR': assert struct.unpack('>IIBBBBB', d) == (w, h, 8, 0 if c == 1 else 2, 0, 0, 0), 'ihdr'
                if t == b'IDAT': idat += d
                i += 12 + n
            assert types == ['IHDR', 'IDAT', 'IEND'], types
            rows = zlib.decompress(idat)
            r = w * c
            assert len(rows) == h * (r + 1), 'length'
            for y in range(h):
                assert rows[y*(r+1)] == 0, 'filter byte'
                assert rows[y*(r+1)+1:(y+1)*(r+1)] == px[y*r:(y+1)*r], 'row %d' % y
            print('ok')
            """
            let result = try Tool.run(python, ["-c", script, png.path, raw.path, String(w), String(h), String(c)], timeout: 30)
            #expect(result.status == 0, "\(w)×\(h): \(result.output)")
            #expect(result.output.trimmingCharacters(in: .whitespacesAndNewlines) == "ok")
        }
    }
}
