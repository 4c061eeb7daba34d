import CFFmpeg
import Foundation

/// Demuxes one stream of an `InputFile` and decodes it with the send/receive API, skipping and
/// counting damaged packets/frames, with bounded retries so that broken streams cannot loop forever.
final class StreamDecoder {
    let input: InputFile
    let streamIndex: Int
    let codecContext: UnsafeMutablePointer<AVCodecContext>
    let codecName: String
    private let packet: UnsafeMutablePointer<AVPacket>
    private let frame: UnsafeMutablePointer<AVFrame>
    private var packetPending = false
    private var demuxerFinished = false
    private var decoderFinished = false

    /// Packets the decoder rejected plus frames it flagged as damaged (all skipped).
    private(set) var damaged = 0
    /// Frames successfully decoded.
    private(set) var decodedFrames = 0
    /// The demuxer error that ended reading before a clean end of file, if any.
    private(set) var readError: Int32?
    /// Whether `readError` occurred at the physical end of the file (i.e. the file is cut short).
    private(set) var readErrorAtEndOfFile = false
    /// Whether demuxing ended at the physical end of the file (false when the demuxer gave up earlier,
    /// or for formats whose index follows the data, such as MP4 with 'moov' at the end).
    private(set) var endedAtEndOfFile = false
    /// Byte position where demuxing ended.
    private(set) var endPosition: Int64 = 0
    /// Decides, for each packet of the stream, whether it is decoded at all (nil: every packet). Only
    /// safe for intra-only codecs, where no packet depends on another.
    var packetFilter: ((UnsafeMutablePointer<AVPacket>) -> Bool)?
    /// Packets left undecoded by `packetFilter`.
    private(set) var skippedPackets = 0

    /// Consecutive demuxer errors tolerated before giving up (demuxers such as AVI/MPEG-TS resync).
    static let maxConsecutiveReadErrors = 64
    /// Consecutive decoder errors without new input tolerated before giving up.
    static let maxConsecutiveReceiveErrors = 64

    init(input: InputFile, streamIndex: Int, threads: Int) throws {
        self.input = input
        self.streamIndex = streamIndex
        let stream = input.stream(streamIndex)
        let par = stream.pointee.codecpar!
        let codecID = par.pointee.codec_id
        codecName = optionalString(avcodec_get_name(codecID)) ?? "unknown"
        guard let codec = avcodec_find_decoder(codecID) else {
            throw MediaError.unsupportedCodec(input.path, codec: codecName)
        }
        guard let ctx = avcodec_alloc_context3(codec) else {
            throw MediaError.unreadable(input.path, reason: "out of memory")
        }
        var ctxToFree: UnsafeMutablePointer<AVCodecContext>? = ctx
        var r = avcodec_parameters_to_context(ctx, par)
        if r < 0 {
            avcodec_free_context(&ctxToFree)
            throw MediaError.corrupt(input.path, reason: "bad \(codecName) parameters: \(ffErrorString(r))")
        }
        ctx.pointee.pkt_timebase = stream.pointee.time_base
        ctx.pointee.thread_count = Int32(max(1, threads))
        // Frame threading (several frames in flight, one per core); slice threading as a fallback for
        // codecs without frame threading.
        ctx.pointee.thread_type = FF_THREAD_FRAME | FF_THREAD_SLICE
        r = avcodec_open2(ctx, codec, nil)
        if r < 0 {
            avcodec_free_context(&ctxToFree)
            if r == ts_averror_decoder_not_found() {
                throw MediaError.unsupportedCodec(input.path, codec: codecName)
            }
            throw MediaError.corrupt(input.path, reason: "cannot open the \(codecName) decoder: \(ffErrorString(r))")
        }
        codecContext = ctx
        guard let pkt = av_packet_alloc(), let frm = av_frame_alloc() else {
            avcodec_free_context(&ctxToFree)
            throw MediaError.unreadable(input.path, reason: "out of memory")
        }
        packet = pkt
        frame = frm
        // Only this stream's packets are needed: let the demuxer skip the others where it can.
        for i in 0..<input.streamCount where i != streamIndex {
            input.stream(i).pointee.discard = AVDISCARD_ALL
        }
    }

    deinit {
        var pkt: UnsafeMutablePointer<AVPacket>? = packet
        av_packet_free(&pkt)
        var frm: UnsafeMutablePointer<AVFrame>? = frame
        av_frame_free(&frm)
        var ctx: UnsafeMutablePointer<AVCodecContext>? = codecContext
        avcodec_free_context(&ctx)
    }

    var stream: UnsafeMutablePointer<AVStream> { input.stream(streamIndex) }

    /// Whether every frame of this stream's codec is a key frame (ProRes, DNxHD/HR, MJPEG, ...).
    var isIntraOnly: Bool { ts_codec_is_intra_only(stream.pointee.codecpar.pointee.codec_id) != 0 }

    /// Lets the decoder drop frames that no other frame references (non-reference B-frames of long-GOP
    /// H.264/HEVC): they are never decoded, and the frames that are decoded are exact. Must be set
    /// before the first packet.
    func skipNonReferenceFrames() {
        codecContext.pointee.skip_frame = AVDISCARD_NONREF
    }

    /// The stream's time base in seconds per tick.
    var timeBase: Double {
        let tb = stream.pointee.time_base
        return tb.den == 0 ? 0 : Double(tb.num) / Double(tb.den)
    }

    /// Throws `.truncated`/`.corrupt` if the stream ended well before the time it declares
    /// (`reached` seconds against `InputFile.expectedEnd`): at the physical end of the file that means
    /// the file was cut short; before it, that the demuxer could not get past damaged data.
    func checkEndedEarly(reached: Double, what: String) throws {
        guard let expected = input.expectedEnd(ofStream: streamIndex), expected > 0 else { return }
        let shortfall = expected - reached
        guard shortfall > max(1.0, 0.2 * expected) else { return }
        let times = String(format: "%.2f s of the %.2f s it declares", max(0, reached), expected)
        if endedAtEndOfFile, input.sizeCheck != .complete {
            throw MediaError.truncated(input.path, reason: "the \(what) ends at \(times)")
        }
        throw MediaError.corrupt(input.path, reason: "the \(what) stops at \(times); FFmpeg could not read past damaged data")
    }

    /// Decodes the next good frame. The returned frame is owned by the decoder and valid until the
    /// next call (move its reference out with `av_frame_move_ref` to keep it). Nil at the end.
    func nextFrame() throws -> UnsafeMutablePointer<AVFrame>? {
        var receiveErrors = 0
        var stalls = 0
        while !decoderFinished {
            av_frame_unref(frame)
            let r = avcodec_receive_frame(codecContext, frame)
            if r == 0 {
                if frame.pointee.decode_error_flags != 0 || (frame.pointee.flags & AV_FRAME_FLAG_CORRUPT) != 0 {
                    damaged += 1
                    continue
                }
                decodedFrames += 1
                return frame
            }
            if r == ts_averror_eof() {
                decoderFinished = true
                break
            }
            if r != ts_averror_eagain() {
                // A decoding error surfaced at output (typical with frame threading): skip it.
                damaged += 1
                receiveErrors += 1
                if receiveErrors > Self.maxConsecutiveReceiveErrors {
                    throw MediaError.corrupt(input.path, reason: "the \(codecName) decoder keeps failing: \(ffErrorString(r))")
                }
                continue
            }
            // EAGAIN: the decoder needs more input.
            if demuxerFinished {
                // Already flushed and still asking for input: nothing more will come.
                decoderFinished = true
                break
            }
            receiveErrors = 0
            if try feedDecoder() {
                stalls = 0
            } else {
                // The decoder refuses input and produces no output: bounded, then give up.
                stalls += 1
                if stalls > Self.maxConsecutiveReceiveErrors {
                    throw MediaError.corrupt(input.path, reason: "the \(codecName) decoder stalled")
                }
            }
        }
        return nil
    }

    /// Sends the next packet of our stream to the decoder (or the flush packet at the end).
    /// Returns false if the decoder refused the packet (it is kept for the next call).
    private func feedDecoder() throws -> Bool {
        var consecutiveReadErrors = 0
        while true {
            if !packetPending {
                let r = av_read_frame(input.context, packet)
                if r == ts_averror_eof() {
                    finishDemuxing()
                    return true
                }
                if r < 0 {
                    consecutiveReadErrors += 1
                    let atEnd = input.reachedEndOfFile
                    if r == ts_averror_eagain(), consecutiveReadErrors <= Self.maxConsecutiveReadErrors {
                        usleep(1000)
                        continue
                    }
                    if atEnd || consecutiveReadErrors > Self.maxConsecutiveReadErrors {
                        readError = r
                        readErrorAtEndOfFile = atEnd
                        finishDemuxing()
                        return true
                    }
                    continue  // let the demuxer resynchronise
                }
                consecutiveReadErrors = 0
                if Int(packet.pointee.stream_index) != streamIndex {
                    av_packet_unref(packet)
                    continue
                }
                if let packetFilter, !packetFilter(packet) {
                    skippedPackets += 1
                    av_packet_unref(packet)
                    continue
                }
                packetPending = true
            }
            let s = avcodec_send_packet(codecContext, packet)
            if s == ts_averror_eagain() {
                // The decoder wants its output drained first; keep the packet for the next call.
                return false
            }
            packetPending = false
            av_packet_unref(packet)
            if s == 0 { return true }
            if s == ts_averror_eof() {
                demuxerFinished = true
                return true
            }
            // Invalid packet: skip it and count it; keep reading.
            damaged += 1
        }
    }

    private func finishDemuxing() {
        if let pb = input.context.pointee.pb {
            endPosition = avio_tell(pb)
            endedAtEndOfFile = avio_feof(pb) != 0 || endPosition >= input.fileSize
        } else {
            endedAtEndOfFile = true
        }
        demuxerFinished = true
        packetPending = false
        av_packet_unref(packet)
        _ = avcodec_send_packet(codecContext, nil)  // enter draining mode
    }
}
