import CFFmpeg
import Foundation

/// A decoded still image: 8-bit gray or RGB pixels, rows tightly packed.
public struct DecodedImage: Sendable, Equatable, Hashable {
    public let width: Int
    public let height: Int
    public let format: PixelFormat
    /// Row-major pixels, `width * format.channels` bytes per row.
    public let pixels: [UInt8]

    public init(width: Int, height: Int, format: PixelFormat, pixels: [UInt8]) {
        self.width = width
        self.height = height
        self.format = format
        self.pixels = pixels
    }

    /// The value of `channel` of pixel (x, y).
    public subscript(x x: Int, y y: Int, channel channel: Int = 0) -> UInt8 {
        pixels[(y * width + x) * format.channels + channel]
    }
}

/// Decodes single still images (JPEG, PNG, BMP, GIF, WebP, TIFF, PGM/PPM, ...) with FFmpeg's image
/// decoders, e.g. the 48x48 grayscale JPEGs of FER2013:
///
///     let face = try ImageDecoder.decode(url, format: .gray)     // face.width == 48, face.pixels.count == 2304
///     let same = try ImageDecoder.decode(data: bytes, format: .gray)
///
/// Gray images requested as `.gray` at native size are copied exactly (no colour conversion). EXIF
/// orientation is not applied. Stateless and thread-safe (each call uses its own decoder).
public enum ImageDecoder {
    /// Decodes the image file at `url`.
    /// - Parameters:
    ///   - format: `.gray` (default) or `.rgb`.
    ///   - size: output size; `.native` by default.
    /// - Throws: `MediaError`.
    public static func decode(_ url: URL, format: PixelFormat = .gray, size: FrameSize = .native) throws -> DecodedImage {
        let path = url.path
        _ = try InputFile.checkFile(path)
        // Sniff the signature first: only recognised still images are read into memory whole.
        if codecID(sniffing: InputFile.readHead(path: path, count: 16)) != nil {
            let data: Data
            do {
                data = try Data(contentsOf: url)
            } catch {
                throw MediaError.unreadable(path, reason: error.localizedDescription)
            }
            return try decode(bytes: [UInt8](data), format: format, size: size, name: path)
        }
        // Unknown signature: let libavformat probe it (any format FFmpeg reads; first frame).
        let reader = try VideoReader(url: url, sampling: .all, format: format, size: size, autorotate: false, threads: 1)
        guard let frame = try reader.next() else {
            throw MediaError.corrupt(path, reason: "no picture could be decoded")
        }
        return DecodedImage(width: frame.width, height: frame.height, format: format, pixels: frame.pixels)
    }

    /// Decodes an image held in memory (JPEG, PNG, BMP, GIF, WebP, TIFF, PGM/PPM/PBM, QOI recognised by
    /// their signatures). `name` is used in error messages.
    public static func decode(data: Data, format: PixelFormat = .gray, size: FrameSize = .native,
                              name: String = "<memory>") throws -> DecodedImage {
        try decode(bytes: [UInt8](data), format: format, size: size, name: name)
    }

    /// Decodes an image held in memory (see `decode(data:format:size:name:)`).
    public static func decode(bytes: [UInt8], format: PixelFormat = .gray, size: FrameSize = .native,
                              name: String = "<memory>") throws -> DecodedImage {
        FFmpegRuntime.ensureInitialized()
        try size.validate(file: name)
        guard !bytes.isEmpty else { throw MediaError.emptyFile(name) }
        guard let id = codecID(sniffing: bytes) else {
            if InputFile.looksLikeText(Array(bytes.prefix(4096))) {
                throw MediaError.notMediaFile(name, reason: "the data is text, not an image")
            }
            throw MediaError.notMediaFile(name, reason: "not a recognised image format (JPEG, PNG, BMP, GIF, WebP, TIFF, PNM)")
        }
        let codecName = optionalString(avcodec_get_name(id)) ?? "image"
        guard let codec = avcodec_find_decoder(id) else {
            throw MediaError.unsupportedCodec(name, codec: codecName)
        }
        var ctx = avcodec_alloc_context3(codec)
        defer { avcodec_free_context(&ctx) }
        guard let context = ctx else { throw MediaError.unreadable(name, reason: "out of memory") }
        context.pointee.thread_count = 1
        var r = avcodec_open2(context, codec, nil)
        guard r >= 0 else {
            throw MediaError.corrupt(name, reason: "cannot open the \(codecName) decoder: \(ffErrorString(r))")
        }
        var packet = av_packet_alloc()
        var frame = av_frame_alloc()
        defer {
            av_packet_free(&packet)
            av_frame_free(&frame)
        }
        guard let packet, let frame else { throw MediaError.unreadable(name, reason: "out of memory") }
        r = av_new_packet(packet, Int32(bytes.count))  // zero-padded as decoders require
        guard r >= 0 else { throw MediaError.unreadable(name, reason: "out of memory") }
        bytes.withUnsafeBufferPointer { packet.pointee.data.update(from: $0.baseAddress!, count: $0.count) }
        packet.pointee.flags |= AV_PKT_FLAG_KEY

        r = avcodec_send_packet(context, packet)
        guard r >= 0 else { throw classify(r, name: name, codec: codecName, size: bytes.count) }
        _ = avcodec_send_packet(context, nil)
        r = avcodec_receive_frame(context, frame)
        guard r >= 0 else { throw classify(r, name: name, codec: codecName, size: bytes.count) }
        if frame.pointee.decode_error_flags != 0 || (frame.pointee.flags & AV_FRAME_FLAG_CORRUPT) != 0 {
            throw MediaError.corrupt(name, reason: "the \(codecName) image data is damaged")
        }
        let converter = FrameConverter(format: format, size: size, rotation: 0)
        let picture = try converter.convert(frame, file: name)
        return DecodedImage(width: picture.width, height: picture.height, format: format, pixels: picture.pixels)
    }

    private static func classify(_ code: Int32, name: String, codec: String, size: Int) -> MediaError {
        if code == ts_averror_eof() || code == ts_averror_eagain() {
            return .truncated(name, reason: "the \(codec) data ends before a complete picture (\(size) bytes)")
        }
        return .corrupt(name, reason: "\(codec) image could not be decoded: \(ffErrorString(code))")
    }

    /// The image codec for a file signature, or nil.
    static func codecID(sniffing b: [UInt8]) -> AVCodecID? {
        func starts(_ sig: [UInt8], at offset: Int = 0) -> Bool {
            b.count >= offset + sig.count && b[offset..<offset + sig.count].elementsEqual(sig)
        }
        if starts([0xFF, 0xD8, 0xFF]) { return AV_CODEC_ID_MJPEG }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return AV_CODEC_ID_PNG }
        if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return AV_CODEC_ID_GIF }
        if starts(Array("RIFF".utf8)), starts(Array("WEBP".utf8), at: 8) { return AV_CODEC_ID_WEBP }
        if starts([0x49, 0x49, 0x2A, 0x00]) || starts([0x4D, 0x4D, 0x00, 0x2A]) { return AV_CODEC_ID_TIFF }
        if starts(Array("qoif".utf8)) { return AV_CODEC_ID_QOI }
        if b.count >= 14, starts(Array("BM".utf8)) { return AV_CODEC_ID_BMP }
        if b.count >= 3, b[0] == UInt8(ascii: "P"), b[2] == 0x0A || b[2] == 0x20 || b[2] == 0x0D || b[2] == 0x09 {
            switch b[1] {
            case UInt8(ascii: "5"): return AV_CODEC_ID_PGM
            case UInt8(ascii: "6"): return AV_CODEC_ID_PPM
            case UInt8(ascii: "4"): return AV_CODEC_ID_PBM
            default: break
            }
        }
        return nil
    }
}
