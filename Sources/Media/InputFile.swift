import CFFmpeg
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// FFmpeg's message for an error code (av_err2str).
func ffErrorString(_ code: Int32) -> String {
    var buffer = [CChar](repeating: 0, count: 256)
    buffer.withUnsafeMutableBufferPointer { ts_err2str(code, $0.baseAddress, $0.count) }
    return string(fromCBuffer: buffer)
}

/// The NUL-terminated string in a C character buffer.
func string(fromCBuffer buffer: [CChar]) -> String {
    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// A C string or nil → Swift string or nil.
func optionalString(_ p: UnsafePointer<CChar>?) -> String? {
    guard let p else { return nil }
    let s = String(cString: p)
    return s.isEmpty ? nil : s
}

/// An opened container (AVFormatContext) with stream info read. Owns the context.
final class InputFile {
    let path: String
    let fileSize: Int64
    private(set) var context: UnsafeMutablePointer<AVFormatContext>

    /// Opens `url` with libavformat, classifying every failure as a `MediaError`.
    init(url: URL) throws {
        FFmpegRuntime.ensureInitialized()
        let path = url.path
        self.path = path
        self.fileSize = try Self.checkFile(path)

        var ctx: UnsafeMutablePointer<AVFormatContext>? = nil
        // "file:" forces the file protocol (a path like "take:1.mp4" is not a URL scheme).
        let openResult = avformat_open_input(&ctx, "file:" + path, nil, nil)
        guard openResult >= 0, let opened = ctx else {
            throw Self.classifyOpenFailure(path: path, size: fileSize, code: openResult)
        }
        let infoResult = avformat_find_stream_info(opened, nil)
        if infoResult < 0 {
            var toClose: UnsafeMutablePointer<AVFormatContext>? = opened
            avformat_close_input(&toClose)
            if let truncation = Self.containerTruncation(path: path, size: fileSize) {
                throw MediaError.truncated(path, reason: truncation)
            }
            throw MediaError.corrupt(path, reason: "stream information unreadable: \(ffErrorString(infoResult))")
        }
        context = opened

        // A file that "opens" as something without any audio/video (e.g. text detected as a
        // subtitle format) is not a media file for our purposes.
        var hasAV = false
        for i in 0..<Int(opened.pointee.nb_streams) {
            let type = opened.pointee.streams[i]!.pointee.codecpar.pointee.codec_type
            if type == AVMEDIA_TYPE_VIDEO || type == AVMEDIA_TYPE_AUDIO { hasAV = true }
        }
        if !hasAV {
            // (deinit closes the context.)
            let name = optionalString(opened.pointee.iformat.pointee.name) ?? "unknown"
            if opened.pointee.nb_streams == 0 {
                let (score, _) = Self.probe(Self.readHead(path: path, count: 1 << 16))
                if score >= ts_probe_score_retry() {
                    throw MediaError.corrupt(path, reason: "the '\(name)' container declares no readable streams")
                }
            }
            throw MediaError.notMediaFile(path, reason: "no audio or video streams (read as '\(name)')")
        }
    }

    deinit {
        var ctx: UnsafeMutablePointer<AVFormatContext>? = context
        avformat_close_input(&ctx)
    }

    var streamCount: Int { Int(context.pointee.nb_streams) }

    func stream(_ index: Int) -> UnsafeMutablePointer<AVStream> {
        context.pointee.streams[index]!
    }

    var formatName: String { optionalString(context.pointee.iformat.pointee.name) ?? "unknown" }

    /// The container's start time in seconds (timestamps are reported relative to it, as the
    /// ffmpeg CLI does), or 0.
    var startTime: Double {
        let st = context.pointee.start_time
        return st == ts_nopts_value() ? 0 : Double(st) / Double(ts_time_base())
    }

    /// Container duration in seconds, if known.
    var duration: Double? {
        let d = context.pointee.duration
        return d == ts_nopts_value() || d <= 0 ? nil : Double(d) / Double(ts_time_base())
    }

    /// Whether reading reached the physical end of the file.
    var reachedEndOfFile: Bool {
        guard let pb = context.pointee.pb else { return true }
        return avio_feof(pb) != 0
    }

    /// Where stream `index` should end, in seconds from the start of the file: its own duration, else a
    /// Matroska "DURATION" tag, else the container's duration. Nil if unknown.
    func expectedEnd(ofStream index: Int) -> Double? {
        let s = stream(index)
        let tb = s.pointee.time_base
        if s.pointee.duration != ts_nopts_value(), s.pointee.duration > 0, tb.den > 0 {
            let start = s.pointee.start_time == ts_nopts_value() ? 0 : Double(s.pointee.start_time) * av_q2d(tb)
            return start + Double(s.pointee.duration) * av_q2d(tb) - startTime
        }
        if let tag = optionalString(ts_dict_value(s.pointee.metadata, "DURATION")) {
            // "HH:MM:SS.nnnnnnnnn"
            let parts = tag.split(separator: ":").compactMap { Double($0) }
            if parts.count == 3 { return parts[0] * 3600 + parts[1] * 60 + parts[2] }
        }
        return duration
    }

    /// The best stream of `type`, skipping attached pictures (cover art) for video.
    func bestStream(_ type: AVMediaType) -> Int? {
        let best = av_find_best_stream(context, type, -1, -1, nil, 0)
        if best >= 0, !isAttachedPicture(Int(best)) { return Int(best) }
        for i in 0..<streamCount {
            let s = stream(i)
            if s.pointee.codecpar.pointee.codec_type == type, !isAttachedPicture(i) { return i }
        }
        return nil
    }

    func isAttachedPicture(_ index: Int) -> Bool {
        (stream(index).pointee.disposition & AV_DISPOSITION_ATTACHED_PIC) != 0
    }

    // MARK: - Classification of failures

    /// Existence, type, permission and size checks; returns the size.
    static func checkFile(_ path: String) throws -> Int64 {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw MediaError.fileNotFound(path)
        }
        if isDirectory.boolValue { throw MediaError.unreadable(path, reason: "it is a directory") }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw MediaError.unreadable(path, reason: "permission denied")
        }
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        // A take is read twice (faces, then voice), so it must be a regular file: a FIFO or device was
        // reported as "file is empty" (its size is 0) or would be read only once.
        var st = stat()
        if stat(path, &st) == 0, st.st_mode & S_IFMT != S_IFREG {
            let kinds: [mode_t: String] = [S_IFIFO: "a FIFO (named pipe)", S_IFCHR: "a character device", S_IFBLK: "a block device",
                                           S_IFSOCK: "a socket"]
            throw MediaError.unreadable(path, reason: "it is \(kinds[st.st_mode & S_IFMT] ?? "not a file"), not a regular file")
        }
        let size = (attributes?[.size] as? NSNumber)?.int64Value ?? -1
        if size == 0 { throw MediaError.emptyFile(path) }
        return size
    }

    static func classifyOpenFailure(path: String, size: Int64, code: Int32) -> MediaError {
        if code == ts_averror_enoent() { return .fileNotFound(path) }
        if code == ts_averror_eacces() { return .unreadable(path, reason: "permission denied") }
        if code == ts_averror_eio() { return .unreadable(path, reason: ffErrorString(code)) }
        if code == ts_averror_enomem() { return .unreadable(path, reason: "out of memory") }
        let head = readHead(path: path, count: 1 << 16)
        if let truncation = containerTruncation(path: path, size: size) {
            return .truncated(path, reason: truncation)
        }
        let (score, name) = probe(head)
        if score >= ts_probe_score_retry() {
            // The bytes look like a known container, yet its header could not be parsed.
            if Int64(head.count) < 4096 {
                return .truncated(path, reason: "only \(size) bytes of a '\(name)' file: \(ffErrorString(code))")
            }
            return .corrupt(path, reason: "'\(name)' header is damaged: \(ffErrorString(code))")
        }
        if looksLikeText(head) {
            return .notMediaFile(path, reason: "the file contains text, not audio or video")
        }
        return .notMediaFile(path, reason: "no known audio, video or image format: \(ffErrorString(code))")
    }

    static func readHead(path: String, count: Int) -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: count)) ?? Data()
        return [UInt8](data)
    }

    /// FFmpeg's content probe (no file name, so the extension does not count).
    static func probe(_ bytes: [UInt8]) -> (score: Int32, name: String) {
        guard !bytes.isEmpty else { return (0, "") }
        var name = [CChar](repeating: 0, count: 128)
        let score = bytes.withUnsafeBufferPointer { buf in
            name.withUnsafeMutableBufferPointer { nameBuf in
                ts_probe_bytes(buf.baseAddress, Int32(buf.count), nil, nameBuf.baseAddress, nameBuf.count)
            }
        }
        return (score, string(fromCBuffer: name))
    }

    static func looksLikeText(_ bytes: [UInt8]) -> Bool {
        guard !bytes.isEmpty else { return false }
        let sample = bytes.prefix(4096)
        if String(validating: sample, as: UTF8.self) == nil {
            // A cut in the middle of a multi-byte character is fine; anything else is binary.
            if String(validating: sample.dropLast(3), as: UTF8.self) == nil { return false }
        }
        let controls = sample.filter { $0 < 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D && $0 != 0x0C }
        return controls.count * 100 <= sample.count
    }

    /// Why the file looks cut short judging by its container's own size fields (ISO BMFF boxes,
    /// the Matroska/WebM segment size, the RIFF size of WAV/AVI), or nil.
    var truncation: String? {
        if case let .truncated(reason) = sizeCheck { return reason }
        return nil
    }

    /// What the container's own size fields say about the file's completeness.
    private(set) lazy var sizeCheck: SizeCheck = Self.containerSizeCheck(path: path, size: fileSize)

    enum SizeCheck: Equatable {
        /// The format has no usable size fields (or they are "unknown", as when streamed).
        case unknown
        /// The size fields match the file: nothing is missing at the end.
        case complete
        /// The size fields declare more data than the file holds.
        case truncated(String)
    }

    static func containerSizeCheck(path: String, size: Int64) -> SizeCheck {
        for check in [isoBMFFSizeCheck, matroskaSizeCheck, riffSizeCheck] {
            let result = check(path, size)
            if result != .unknown { return result }
        }
        return .unknown
    }

    static func containerTruncation(path: String, size: Int64) -> String? {
        if case let .truncated(reason) = containerSizeCheck(path: path, size: size) { return reason }
        return nil
    }

    /// Matroska/WebM: the Segment element's declared size (when known) against the file size.
    static func matroskaSizeCheck(path: String, size: Int64) -> SizeCheck {
        let head = readHead(path: path, count: 256)
        guard head.count >= 8, head[0...3].elementsEqual([0x1A, 0x45, 0xDF, 0xA3]) else { return .unknown }
        /// An EBML variable-length integer at `offset`: (value, length, allOnes).
        func vint(_ offset: Int) -> (value: UInt64, length: Int, unknown: Bool)? {
            guard offset < head.count else { return nil }
            let first = head[offset]
            guard first != 0 else { return nil }
            let length = first.leadingZeroBitCount + 1
            guard offset + length <= head.count else { return nil }
            var value = UInt64(first & (0xFF >> length))
            var allOnes = value == UInt64(0xFF >> length)
            for i in 1..<length {
                value = value << 8 | UInt64(head[offset + i])
                allOnes = allOnes && head[offset + i] == 0xFF
            }
            return (value, length, allOnes)
        }
        // EBML header: 4-byte ID, size, payload.
        guard let headerSize = vint(4), !headerSize.unknown else { return .unknown }
        let segmentOffset = 4 + headerSize.length + Int(headerSize.value)
        guard segmentOffset + 4 <= head.count,
              head[segmentOffset..<segmentOffset + 4].elementsEqual([0x18, 0x53, 0x80, 0x67]),
              let segmentSize = vint(segmentOffset + 4), !segmentSize.unknown else { return .unknown }
        let dataStart = Int64(segmentOffset + 4 + segmentSize.length)
        let declared = Int64(clamping: segmentSize.value)
        if dataStart + declared > size {
            return .truncated("the Matroska segment declares \(declared) bytes but only \(size - dataStart) remain")
        }
        return .complete
    }

    /// RIFF (WAV, AVI): the RIFF chunk's declared size against the file size.
    static func riffSizeCheck(path: String, size: Int64) -> SizeCheck {
        let head = readHead(path: path, count: 12)
        guard head.count == 12, head[0...3].elementsEqual(Array("RIFF".utf8)) else { return .unknown }
        let declared = Int64(head[4...7].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
        guard declared != 0, declared != 0xFFFF_FFFF, declared != 0xFFFF_FFFF - 8 else { return .unknown }  // streamed: unknown
        let form = String(decoding: head[8...11], as: UTF8.self).trimmingCharacters(in: .whitespaces)
        if 8 + declared > size {
            return .truncated("the RIFF \(form) data declares \(declared) bytes but only \(size - 8) remain")
        }
        return .complete
    }

    /// For ISO base media files (MP4/MOV/M4A/3GP): walks the top-level boxes and reports a box that
    /// extends past the end of the file, or a missing 'moov' box, as a truncation. Nil otherwise.
    static func isoBMFFSizeCheck(path: String, size: Int64) -> SizeCheck {
        guard size >= 8, let handle = FileHandle(forReadingAtPath: path) else { return .unknown }
        defer { try? handle.close() }
        func read(_ offset: Int64, _ count: Int) -> [UInt8]? {
            guard (try? handle.seek(toOffset: UInt64(offset))) != nil,
                  let data = try? handle.read(upToCount: count), data.count == count else { return nil }
            return [UInt8](data)
        }
        guard let first = read(0, 8), first[4...7].elementsEqual(Array("ftyp".utf8)) else { return .unknown }
        var offset: Int64 = 0
        var sawMoov = false
        var boxes = 0
        while offset + 8 <= size, boxes < 10_000 {
            boxes += 1
            guard let header = read(offset, 8) else { return .unknown }
            var boxSize = Int64(header[0...3].reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
            let type = String(decoding: header[4...7], as: UTF8.self)
            guard type.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else { return .unknown }  // not a box: damage, not truncation
            if boxSize == 1 {
                guard let large = read(offset + 8, 8) else { return .truncated("the '\(type)' box header is cut off") }
                boxSize = Int64(bitPattern: large.reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
            } else if boxSize == 0 {
                boxSize = size - offset  // extends to end of file
            }
            guard boxSize >= 8 else { return .unknown }
            if type == "moov" { sawMoov = true }
            if offset + boxSize > size {
                let remaining = size - offset
                return .truncated("the '\(type)' box declares \(boxSize) bytes but only \(remaining) remain")
            }
            offset += boxSize
        }
        guard offset >= size else { return .unknown }
        return sawMoov ? .complete : .truncated("no 'moov' index box: the recording or copy was cut short")
    }
}
