import CFFmpeg
import Foundation

/// Reads the audio track of a file (any container/codec FFmpeg reads: AAC, Opus, MP3, PCM WAV, FLAC,
/// ...) as mono Float32 samples at 16 kHz (or another rate).
///
/// Channels are averaged with equal weights — `(L + R) / 2` for stereo — as in the study being
/// reproduced (swresample's default downmix is not a plain average). Resampling uses swresample with
/// its defaults, like the ffmpeg CLI's `-ar 16000`, and codec priming/padding is removed the way the
/// CLI removes it (skip-samples side data from the demuxer: MP4 edit lists, Opus pre-skip, LAME
/// gapless info), so a 2.000 s WAV/FLAC/Opus/MP3 gives exactly 32000 samples.
///
///     let samples = try AudioReader.readAll(url: take)              // whole track
///
///     let reader = try AudioReader(url: take)
///     while let chunk = try reader.read(maxSamples: 16_000) {      // one second at a time
///         vad.feed(chunk)
///     }
///
/// A reader is not thread-safe; use one per task.
public final class AudioReader {
    /// The output sample rate used by TakeSense's voice models.
    public static let defaultSampleRate = 16_000

    /// The file being read.
    public let url: URL
    /// Output sample rate in Hz.
    public let sampleRate: Int
    /// Index of the audio stream in the container.
    public let streamIndex: Int
    /// Codec name, e.g. "aac", "opus", "mp3", "pcm_s16le", "flac".
    public let codec: String
    /// Sample rate of the stream itself.
    public let sourceSampleRate: Int
    /// Channel count of the stream itself.
    public let sourceChannels: Int
    /// Duration of the audio stream (or the file) in seconds, if known.
    public let duration: Double?

    /// Audio packets/frames skipped because they were damaged.
    public var damagedPackets: Int { decoder.damaged }
    /// Samples returned so far.
    public private(set) var samplesRead = 0
    /// Time of the first output sample in seconds, on the same clock as `VideoFrame.timestamp`
    /// (relative to the start of the file; codec priming already removed). Known after the first read;
    /// sample `i` plays at `startTime + i / sampleRate`.
    public private(set) var startTime: Double?

    private let input: InputFile
    private let decoder: StreamDecoder
    private var swr: OpaquePointer?
    private var swrKey: SwrKey?
    private var buffered: [Float] = []
    private var bufferedStart = 0
    private var decodedAll = false
    private var outPlanes: UnsafeMutablePointer<Float>?
    private var outCapacity = 0  // samples per channel
    private var outChannels = 0
    private var checked = false

    private struct SwrKey: Equatable {
        var rate: Int32, format: Int32, channels: Int32, order: UInt32, mask: UInt64
    }

    /// Opens the audio track of `url`.
    /// - Parameter sampleRate: output rate in Hz (default 16000).
    /// - Throws: `MediaError` (`.noAudioStream` for silent/video-only files).
    public init(url: URL, sampleRate: Int = AudioReader.defaultSampleRate) throws {
        self.url = url
        self.sampleRate = sampleRate
        let path = url.path
        guard sampleRate >= 1000, sampleRate <= 768_000 else {
            throw MediaError.invalidArgument(path, reason: "sample rate \(sampleRate) Hz is out of range (1000...768000)")
        }
        input = try InputFile(url: url)
        guard let index = input.bestStream(AVMEDIA_TYPE_AUDIO) else {
            throw MediaError.noAudioStream(path)
        }
        streamIndex = index
        decoder = try StreamDecoder(input: input, streamIndex: index, threads: 1)
        codec = decoder.codecName
        let stream = input.stream(index)
        sourceSampleRate = Int(stream.pointee.codecpar.pointee.sample_rate)
        sourceChannels = Int(ts_codecpar_channels(stream.pointee.codecpar))
        let d = stream.pointee.duration
        if d != ts_nopts_value(), d > 0 {
            duration = Double(d) * decoder.timeBase
        } else {
            duration = input.duration
        }
    }

    deinit {
        swr_free(&swr)
        outPlanes?.deallocate()
    }

    /// Reads the whole track of `url` as mono Float32 at `sampleRate`.
    public static func readAll(url: URL, sampleRate: Int = AudioReader.defaultSampleRate) throws -> [Float] {
        try AudioReader(url: url, sampleRate: sampleRate).readAll()
    }

    /// The rest of the track.
    public func readAll() throws -> [Float] {
        var all: [Float] = []
        if let duration { all.reserveCapacity(Int(duration * Double(sampleRate)) + sampleRate / 10) }
        while let chunk = try read(maxSamples: 1 << 20) { all.append(contentsOf: chunk) }
        return all
    }

    /// The next chunk of at most `maxSamples` samples (exactly `maxSamples` except for the last
    /// chunk), or nil at the end of the track.
    /// - Throws: `MediaError.truncated` (after the last readable samples) if the file is cut short.
    public func read(maxSamples: Int) throws -> [Float]? {
        guard maxSamples > 0 else {
            throw MediaError.invalidArgument(url.path, reason: "chunk size must be positive, got \(maxSamples)")
        }
        while buffered.count - bufferedStart < maxSamples, !decodedAll {
            try decodeMore()
        }
        let available = buffered.count - bufferedStart
        if available == 0 {
            try finishChecks()
            return nil
        }
        let n = min(maxSamples, available)
        let chunk = Array(buffered[bufferedStart..<bufferedStart + n])
        bufferedStart += n
        if bufferedStart > 1 << 16, bufferedStart * 2 > buffered.count {
            buffered.removeFirst(bufferedStart)
            bufferedStart = 0
        }
        samplesRead += n
        return chunk
    }

    private func finishChecks() throws {
        guard !checked else { return }
        checked = true
        let path = url.path
        if samplesRead == 0, decoder.decodedFrames == 0, decoder.damaged > 0 {
            throw MediaError.corrupt(path, reason: "none of the \(decoder.damaged) audio packets could be decoded")
        }
        if let truncation = input.truncation {
            throw MediaError.truncated(path, reason: truncation)
        }
        if let err = decoder.readError {
            let at = String(format: "%.2f s", Double(samplesRead) / Double(sampleRate))
            if decoder.readErrorAtEndOfFile {
                throw MediaError.truncated(path, reason: "audio data ends at \(at): \(ffErrorString(err))")
            }
            throw MediaError.corrupt(path, reason: "unreadable audio data after \(at): \(ffErrorString(err))")
        }
        if samplesRead > 0 {
            try decoder.checkEndedEarly(reached: (startTime ?? 0) + Double(samplesRead) / Double(sampleRate), what: "audio")
        }
    }

    /// Decodes one frame (or flushes the resampler at the end) into `buffered`.
    private func decodeMore() throws {
        guard let frame = try decoder.nextFrame() else {
            if swr != nil { try drainResampler() }
            decodedAll = true
            return
        }
        if startTime == nil {
            let pts = frame.pointee.best_effort_timestamp
            startTime = pts == ts_nopts_value() ? 0 : Double(pts) * decoder.timeBase - input.startTime
        }
        let channels = Int(frame.pointee.ch_layout.nb_channels)
        guard channels > 0, frame.pointee.sample_rate > 0, frame.pointee.nb_samples > 0 else { return }
        let key = SwrKey(rate: frame.pointee.sample_rate, format: frame.pointee.format, channels: Int32(channels),
                         order: frame.pointee.ch_layout.order.rawValue, mask: frame.pointee.ch_layout.u.mask)
        if key != swrKey {
            if swr != nil { try drainResampler() }
            try makeResampler(for: frame, key: key)
        }
        let inCount = Int(frame.pointee.nb_samples)
        let capacity = Int(swr_get_out_samples(swr, Int32(inCount))) + 32
        ensureCapacity(capacity)
        let produced = try withOutputPointers { outs in
            swr_convert(swr, outs, Int32(outCapacity), ts_frame_audio_input(frame), Int32(inCount))
        }
        appendAveraged(count: Int(produced))
    }

    private func makeResampler(for frame: UnsafeMutablePointer<AVFrame>, key: SwrKey) throws {
        swr_free(&swr)
        swrKey = nil
        // Same layout in and out: no remixing by swresample; channels are averaged afterwards.
        var inLayout = AVChannelLayout()
        var outLayout = AVChannelLayout()
        if frame.pointee.ch_layout.order != AV_CHANNEL_ORDER_UNSPEC {
            av_channel_layout_copy(&inLayout, &frame.pointee.ch_layout)
            av_channel_layout_copy(&outLayout, &frame.pointee.ch_layout)
        } else {
            av_channel_layout_default(&inLayout, key.channels)
            av_channel_layout_default(&outLayout, key.channels)
        }
        defer {
            av_channel_layout_uninit(&inLayout)
            av_channel_layout_uninit(&outLayout)
        }
        var ctx: OpaquePointer? = nil
        var r = swr_alloc_set_opts2(&ctx, &outLayout, AV_SAMPLE_FMT_FLTP, Int32(sampleRate),
                                    &inLayout, AVSampleFormat(rawValue: key.format), key.rate, 0, nil)
        if r >= 0 { r = swr_init(ctx) }
        guard r >= 0, let ctx else {
            swr_free(&ctx)
            let fmt = optionalString(ts_sample_fmt_name(key.format)) ?? "#\(key.format)"
            throw MediaError.corrupt(url.path, reason: "cannot resample \(key.channels)-channel \(fmt) audio at \(key.rate) Hz: \(ffErrorString(r))")
        }
        swr = ctx
        swrKey = key
        outChannels = Int(key.channels)
        outCapacity = 0
        outPlanes?.deallocate()
        outPlanes = nil
    }

    private func drainResampler() throws {
        while true {
            let capacity = max(1024, Int(swr_get_out_samples(swr, 0)) + 32)
            ensureCapacity(capacity)
            let produced = try withOutputPointers { outs in
                swr_convert(swr, outs, Int32(outCapacity), nil, 0)
            }
            if produced <= 0 { break }
            appendAveraged(count: Int(produced))
        }
        swr_free(&swr)
        swrKey = nil
    }

    private func ensureCapacity(_ samples: Int) {
        guard samples > outCapacity else { return }
        outPlanes?.deallocate()
        outPlanes = UnsafeMutablePointer<Float>.allocate(capacity: samples * outChannels)
        outCapacity = samples
    }

    private func withOutputPointers(_ body: (UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>) -> Int32) throws -> Int32 {
        guard let planes = outPlanes else { return 0 }
        var pointers: [UnsafeMutablePointer<UInt8>?] = (0..<outChannels).map { c in
            UnsafeMutableRawPointer(planes + c * outCapacity).assumingMemoryBound(to: UInt8.self)
        }
        let r = pointers.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
        if r < 0 {
            throw MediaError.corrupt(url.path, reason: "audio resampling failed: \(ffErrorString(r))")
        }
        return r
    }

    private func appendAveraged(count: Int) {
        guard count > 0, let planes = outPlanes else { return }
        let c = outChannels
        if c == 1 {
            buffered.append(contentsOf: UnsafeBufferPointer(start: planes, count: count))
            return
        }
        let scale = 1 / Float(c)
        let start = buffered.count
        buffered.append(contentsOf: repeatElement(0, count: count))
        buffered.withUnsafeMutableBufferPointer { out in
            for ch in 0..<c {
                let plane = planes + ch * outCapacity
                for i in 0..<count { out[start + i] += plane[i] }
            }
            for i in 0..<count { out[start + i] *= scale }
        }
    }
}
