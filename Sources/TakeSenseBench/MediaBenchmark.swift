import Faces
import Foundation
import Media

/// `takesense bench media`: the face pipeline on a 1080p25 H.264 take (sampling by timestamp, the
/// detector, tracking, 48x48 gray crops of every face) against `ffmpeg -i take -f null -`. Rounds
/// alternate the two; the best round of each is kept. Peak resident memory is TakeSense's own (VmHWM,
/// reset before each run). The generated take is a face picture moving over testsrc2 with periods of
/// 30 s and 20 s, so the long take (the 60 s one repeated, stream-copied) moves continuously too.
public struct MediaBenchmark {
    /// What the benchmark measures and how (the `takesense bench` help).
    public static let about = """
    Generates (unless --take is given) a 60 s 1920x1080 25 fps H.264 take with the ffmpeg CLI: a FER2013 face \
    (360 px) moving over testsrc2 with periods of 30 s and 20 s, so that the long take (the 60 s one repeated) \
    moves continuously too. Rounds alternate `ffmpeg -i take -f null -` and TakeSense's face pipeline \
    (VideoReader sampling by timestamp, the default detector, tracking, 48x48 gray crops of every face); the best \
    round of each is kept. Peak resident memory is TakeSense's own (VmHWM, reset before each run). With \
    --long-minutes N a take N minutes long (the 60 s one repeated, stream-copied) is run once each way.
    """

    public var detector: any FaceDetecting
    /// How the detector is named in the machine line (kind and detection size).
    public var detectorDescription: String
    /// An existing take (nil: generate one from `face`).
    public var take: String?
    /// Face picture for the generated take (looked up only when the take must be generated).
    public var face: () throws -> String = { throw BenchError("a face picture for the generated take is needed; pass --face or --take") }
    public var fps = 5.0
    public var rounds = 3
    /// Also run a take this many minutes long (0: skip).
    public var longMinutes = 10
    /// Where generated takes go (nil: a temporary folder, removed afterwards).
    public var workDir: String?
    /// Also time the frame reader alone.
    public var breakdown = false
    /// Read frames shrunk to this longest side (0: native size).
    public var frameSize = 640
    /// Seconds between whole-frame detections (0: every sampled frame).
    public var fullDetectionInterval = 2.0

    public init(detector: any FaceDetecting, detectorDescription: String, take: String? = nil, face: (() throws -> String)? = nil,
                fps: Double = 5, rounds: Int = 3, longMinutes: Int = 10, workDir: String? = nil, breakdown: Bool = false, frameSize: Int = 640,
                fullDetectionInterval: Double = 2) {
        self.detector = detector
        self.detectorDescription = detectorDescription
        self.take = take
        if let face { self.face = face }
        self.fps = fps
        self.rounds = rounds
        self.longMinutes = longMinutes
        self.workDir = workDir
        self.breakdown = breakdown
        self.frameSize = frameSize
        self.fullDetectionInterval = fullDetectionInterval
    }

    func ffmpeg(_ args: [String]) throws -> (seconds: Double, cpu: Double) { try FFmpegCLI.run(args) }

    public func run(log: BenchLog) throws -> BenchReport {
        let fm = FileManager.default
        let dir = workDir.map { URL(fileURLWithPath: $0) } ?? fm.temporaryDirectory.appendingPathComponent("takesense-bench-media-\(getpid())")
        try fm.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { if workDir == nil { try? fm.removeItem(at: dir) } }
        let takeURL: URL
        if let take {
            takeURL = URL(fileURLWithPath: take)
        } else {
            takeURL = dir.appendingPathComponent("take-60s-1080p25.mp4")
            if !fm.fileExists(atPath: takeURL.path) {
                let faceFile = try face()
                let picture = PixelBuffer(try ImageDecoder.decode(URL(fileURLWithPath: faceFile), format: .gray))
                let facePath = dir.appendingPathComponent("face.pgm")
                try picture.netpbm().write(to: facePath)
                log("generating \(takeURL.path) ...")
                let t = try ffmpeg([
                    "-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=25", "-loop", "1", "-i", facePath.path,
                    "-filter_complex", "[1]scale=360:360[f];[0][f]overlay=x='780+300*sin(2*PI*t/30)':y='300+80*sin(2*PI*t/20)':shortest=1",
                    "-t", "60", "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p", takeURL.path,
                ])
                log("  (\(f1(t.seconds)) s)")
            }
        }
        let info = try probe(takeURL)
        var report = BenchReport()
        report.note("Machine: \(machineCores()), OMP_WAIT_POLICY=\(ompWaitPolicy()), "
              + "detector \(detectorDescription), sampling \(fps) fps, whole-frame detection every \(fullDetectionInterval) s, "
              + "best of \(rounds) alternating rounds")
        if let v = info.video {
            report.note("Take: \(takeURL.lastPathComponent), \(v.width ?? 0)x\(v.height ?? 0) \(v.codec), \(f1(info.duration ?? 0)) s")
        }
        let analyzer = TakeFaceAnalyzer(detector: detector, options: .init(sampling: fps, crop: FaceCropper(size: 48, margin: 0.2),
                                                                               frameSize: frameSize > 0 ? .fitWithin(maxDimension: frameSize) : .native,
                                                                               fullDetectionInterval: fullDetectionInterval))

        func ours(_ url: URL) throws -> (seconds: Double, cpu: Double, peak: Double, result: TakeFaceResult) {
            resetPeakMemory()
            let t0 = now(), c0 = cpuSeconds()
            let r = try analyzer.analyze(url)
            return (now() - t0, cpuSeconds() - c0, peakMemoryMiB(), r)
        }
        /// The reader alone (same sampling, format and size): what decoding and conversion cost.
        func readerOnly(_ url: URL) throws -> (seconds: Double, cpu: Double) {
            let t0 = now(), c0 = cpuSeconds()
            let reader = try VideoReader(url: url, sampling: .fps(fps), format: .gray, size: analyzer.options.frameSize)
            while try reader.next() != nil {}
            return (now() - t0, cpuSeconds() - c0)
        }
        var best = (ffmpeg: Double.infinity, ffmpegCPU: Double.infinity, ours: Double.infinity, oursCPU: Double.infinity,
                    reader: Double.infinity, readerCPU: Double.infinity, peak: 0.0)
        var last: TakeFaceResult?
        var roundRatios: [Double] = []
        for round in 0..<max(1, rounds) {
            var pair = (ffmpeg: 0.0, ours: 0.0)
            let order = round % 2 == 0 ? [0, 1, 2] : [2, 1, 0]
            for step in order where step != 2 || breakdown {
                switch step {
                case 0:
                    let f = try ffmpeg(["-i", takeURL.path, "-f", "null", "-"])
                    pair.ffmpeg = f.seconds
                    best.ffmpeg = min(best.ffmpeg, f.seconds)
                    best.ffmpegCPU = min(best.ffmpegCPU, f.cpu)
                case 1:
                    let r = try ours(takeURL)
                    pair.ours = r.seconds
                    best.ours = min(best.ours, r.seconds)
                    best.oursCPU = min(best.oursCPU, r.cpu)
                    best.peak = max(best.peak, r.peak)
                    last = r.result
                default:
                    let r = try readerOnly(takeURL)
                    best.reader = min(best.reader, r.seconds)
                    best.readerCPU = min(best.readerCPU, r.cpu)
                }
            }
            roundRatios.append(pair.ours / pair.ffmpeg)
            log("  round \(round + 1): ffmpeg \(f2(pair.ffmpeg)) s, TakeSense \(f2(pair.ours)) s (ratio \(f2(pair.ours / pair.ffmpeg))); "
                  + "best so far ffmpeg \(f2(best.ffmpeg)) s (CPU \(f2(best.ffmpegCPU)) s), TakeSense \(f2(best.ours)) s (CPU \(f2(best.oursCPU)) s)"
                  + (breakdown ? ", reader alone \(f2(best.reader)) s (CPU \(f2(best.readerCPU)) s)" : ""))
        }
        report.note("")
        var table = MarkdownTable(["take", "ffmpeg -f null: wall (s)", "CPU (s)", "TakeSense faces: wall (s)", "CPU (s)", "wall ratio", "CPU ratio",
                                   "peak RSS (MiB)", "frames sampled", "with a face", "main track frames", "other faces"], alignment: "lrrrrrrrrrrr")
        func row(_ name: String, _ fw: Double, _ fc: Double, _ ow: Double, _ oc: Double, _ peak: Double, _ r: TakeFaceResult) {
            table.append([name, f2(fw), f2(fc), f2(ow), f2(oc), f2(ow / fw), f2(oc / fc), f1(peak), "\(r.frames)", "\(r.framesWithFaces)",
                          "\(r.mainTrack?.count ?? 0)", "\(r.otherFaces)"])
        }
        if let r = last { row("60 s 1080p25", best.ffmpeg, best.ffmpegCPU, best.ours, best.oursCPU, best.peak, r) }
        let sortedRatios = roundRatios.sorted()
        let medianRatio = sortedRatios[sortedRatios.count / 2]
        if longMinutes > 0 {
            let long = try FFmpegCLI.repeatedTake(takeURL, minutes: longMinutes, to: dir.appendingPathComponent("take-\(longMinutes)min-1080p25.mp4"))
            let f = try ffmpeg(["-i", long.path, "-f", "null", "-"])
            let r = try ours(long)
            row("\(longMinutes) min 1080p25", f.seconds, f.cpu, r.seconds, r.cpu, r.peak, r.result)
        }
        report.add(table)
        report.note("")
        report.note("Per-round wall ratios (TakeSense/ffmpeg, same round): \(roundRatios.map(f2).joined(separator: ", ")); median \(f2(medianRatio))")
        if breakdown {
            report.note("Reader alone (decode, sampling, conversion): \(f2(best.reader)) s wall, \(f2(best.readerCPU)) s CPU; "
                  + "detection, tracking and crops add \(f2(best.ours - best.reader)) s wall, \(f2(best.oursCPU - best.readerCPU)) s CPU "
                  + "(\(f1((best.oursCPU - best.readerCPU) / Double(max(1, last?.frames ?? 1)) * 1000)) ms CPU per sampled frame)")
        }
        return report
    }
}
