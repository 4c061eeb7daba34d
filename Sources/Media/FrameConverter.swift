import CFFmpeg

/// Rotation as the ffmpeg CLI's autorotate applies it: the display matrix angle (counter-clockwise,
/// as `av_display_rotation_get` and ffprobe report it) turned into clockwise quarter turns.
enum Rotation {
    /// The display-matrix angle in degrees, rounded to an integer, as ffprobe prints it (in
    /// [-180, 180]); a legacy "rotate" tag (clockwise) is converted to the same convention. Nil if none.
    static func displayMatrixDegrees(of stream: UnsafePointer<AVStream>) -> Int? {
        if let matrix = ts_stream_display_matrix(stream) {
            let angle = av_display_rotation_get(matrix)
            guard angle.isFinite else { return nil }
            return Int(angle.rounded())  // in [-180, 180], exactly as ffprobe prints it
        }
        if let tag = optionalString(ts_stream_rotate_tag(stream)), let clockwise = Double(tag) {
            return normalizeSigned(-Int(clockwise.rounded()))
        }
        return nil
    }

    /// Clockwise degrees (0, 90, 180 or 270) to rotate decoded pictures so that they display upright.
    static func clockwiseDegrees(fromDisplayMatrixDegrees degrees: Int?) -> Int {
        guard let degrees else { return 0 }
        // ffmpeg's get_rotation(): theta = -angle, normalised to [0, 360), snapped to quarter turns.
        var theta = (-Double(degrees)).truncatingRemainder(dividingBy: 360)
        if theta < 0 { theta += 360 }
        let quarter = Int((theta / 90).rounded()) % 4
        return quarter * 90
    }

    static func normalizeSigned(_ d: Int) -> Int {
        var v = d % 360
        if v <= -180 { v += 360 }
        if v > 180 { v -= 360 }
        return v
    }
}

/// Converts decoded frames (any pixel format and size) to packed gray/RGB at a target size with
/// swscale, then rotates them upright. Keeps the swscale context and scratch frame between calls.
final class FrameConverter {
    let format: PixelFormat
    let size: FrameSize
    /// Clockwise rotation applied after scaling: 0, 90, 180 or 270.
    let rotation: Int

    private var sws: OpaquePointer?
    private var scratch: UnsafeMutablePointer<AVFrame>?
    private var key: Key?

    private struct Key: Equatable {
        var width: Int32, height: Int32, format: Int32, colorspace: Int32, fullRange: Bool
        var outWidth: Int32, outHeight: Int32
    }

    init(format: PixelFormat, size: FrameSize, rotation: Int) {
        self.format = format
        self.size = size
        self.rotation = rotation
    }

    deinit {
        if let sws { sws_freeContext(sws) }
        var f = scratch
        av_frame_free(&f)
    }

    /// Upright output size for a source picture of `width` x `height`.
    func outputSize(sourceWidth width: Int, sourceHeight height: Int) -> (width: Int, height: Int) {
        let quarterTurn = rotation == 90 || rotation == 270
        return quarterTurn ? size.resolve(width: height, height: width) : size.resolve(width: width, height: height)
    }

    /// Converts `frame`. Returns (width, height, pixels) of the upright picture.
    func convert(_ frame: UnsafePointer<AVFrame>, file: String) throws -> (width: Int, height: Int, pixels: [UInt8]) {
        let srcW = frame.pointee.width, srcH = frame.pointee.height
        guard srcW > 0, srcH > 0 else {
            throw MediaError.corrupt(file, reason: "decoded picture has no size")
        }
        let out = outputSize(sourceWidth: Int(srcW), sourceHeight: Int(srcH))
        let quarterTurn = rotation == 90 || rotation == 270
        // Size before rotation.
        let scaledW = Int32(quarterTurn ? out.height : out.width)
        let scaledH = Int32(quarterTurn ? out.width : out.height)
        let channels = format.channels

        let srcFormat = frame.pointee.format
        let dstFormat = format.avPixelFormat

        // Fast path: already in the requested layout and size (e.g. 48x48 gray JPEGs): exact copy.
        if srcFormat == dstFormat.rawValue, srcW == scaledW, srcH == scaledH {
            return (out.width, out.height, rotateCopy(
                base: ts_frame_data(frame, 0), stride: Int(ts_frame_linesize(frame, 0)),
                width: Int(srcW), height: Int(srcH), channels: channels))
        }

        let fullRange = frame.pointee.color_range == AVCOL_RANGE_JPEG || ts_pix_fmt_is_jpeg_range(srcFormat) != 0
        let colorspace = Int32(bitPattern: frame.pointee.colorspace.rawValue)
        let newKey = Key(width: srcW, height: srcH, format: srcFormat, colorspace: colorspace, fullRange: fullRange,
                         outWidth: scaledW, outHeight: scaledH)
        if key != newKey {
            // The "yuvj" formats are deprecated aliases: use the plain format with full range.
            let swsSource = AVPixelFormat(rawValue: ts_pix_fmt_dejpeg(srcFormat))
            sws = sws_getCachedContext(sws, srcW, srcH, swsSource, scaledW, scaledH, dstFormat,
                                       SWS_BICUBIC, nil, nil, nil)
            guard sws != nil else {
                key = nil
                let name = optionalString(ts_pix_fmt_name(srcFormat)) ?? "#\(srcFormat)"
                throw MediaError.corrupt(file, reason: "cannot convert \(name) \(srcW)x\(srcH) pictures")
            }
            if ts_pix_fmt_is_yuv(srcFormat) != 0 || ts_pix_fmt_is_jpeg_range(srcFormat) != 0 {
                _ = ts_sws_set_colorspace(sws, colorspace, fullRange ? 1 : 0)
            }
            var old = scratch
            av_frame_free(&old)
            scratch = av_frame_alloc()
            guard let s = scratch else { throw MediaError.unreadable(file, reason: "out of memory") }
            s.pointee.width = scaledW
            s.pointee.height = scaledH
            s.pointee.format = dstFormat.rawValue
            let r = av_frame_get_buffer(s, 32)
            guard r >= 0 else { throw MediaError.unreadable(file, reason: "out of memory: \(ffErrorString(r))") }
            key = newKey
        }
        guard let scratch else { throw MediaError.unreadable(file, reason: "out of memory") }
        let r = ts_sws_scale_frames(sws, frame, scratch)
        guard r > 0 else {
            throw MediaError.corrupt(file, reason: "picture conversion failed: \(ffErrorString(r))")
        }
        return (out.width, out.height, rotateCopy(
            base: ts_frame_data(scratch, 0), stride: Int(ts_frame_linesize(scratch, 0)),
            width: Int(scaledW), height: Int(scaledH), channels: channels))
    }

    /// Copies a packed picture into a tight buffer, rotating it clockwise by `rotation`.
    private func rotateCopy(base: UnsafePointer<UInt8>?, stride: Int, width w: Int, height h: Int,
                            channels c: Int) -> [UInt8] {
        guard let base else { return [UInt8](repeating: 0, count: w * h * c) }
        return [UInt8](unsafeUninitializedCapacity: w * h * c) { dst, count in
            let d = dst.baseAddress!
            switch rotation {
            case 90:  // dest (W' = h, H' = w): dest(x, y) = src(y, h - 1 - x)
                for y in 0..<w {
                    for x in 0..<h {
                        let s = base + (h - 1 - x) * stride + y * c
                        let o = d + (y * h + x) * c
                        for k in 0..<c { o[k] = s[k] }
                    }
                }
            case 180:
                for y in 0..<h {
                    for x in 0..<w {
                        let s = base + (h - 1 - y) * stride + (w - 1 - x) * c
                        let o = d + (y * w + x) * c
                        for k in 0..<c { o[k] = s[k] }
                    }
                }
            case 270:  // dest(x, y) = src(w - 1 - y, x)
                for y in 0..<w {
                    for x in 0..<h {
                        let s = base + x * stride + (w - 1 - y) * c
                        let o = d + (y * h + x) * c
                        for k in 0..<c { o[k] = s[k] }
                    }
                }
            default:
                let rowBytes = w * c
                for y in 0..<h {
                    (d + y * rowBytes).update(from: base + y * stride, count: rowBytes)
                }
            }
            count = w * h * c
        }
    }
}
