import Director
import Foundation
import Media
import SceneAnalysis

/// `takesense bench analyze`: the whole of `takesense analyze` against ffmpeg's decode of the same take.
/// The generated take (60 s 1920x1080 25 fps H.264 + AAC) is a FER2013 face (360 px) moving over testsrc2
/// and 16 RAVDESS utterances of actor 20 back to back, transcoded to each codec. For each codec, rounds
/// run ffmpeg's full decode, `ffmpeg -skip_frame noref`, the analysis with default settings (decoding
/// only what the face pass needs) and with `--decode all`, in rotating order (models loaded once, before
/// timing); the best round of each is kept. Peak resident memory is TakeSense's own (VmHWM, reset before
/// each run, models included).
public struct AnalyzeBenchmark {
    /// What the benchmark measures and how (the `takesense bench` help).
    public static let about = """
    Generates (unless --take is given) a 60 s 1920x1080 25 fps H.264 take with AAC sound with the ffmpeg CLI: a \
    FER2013 face (360 px) moving over testsrc2 (as `bench media`) and 16 RAVDESS utterances of actor 20 back to \
    back (about 60 s of speech with pauses), and transcodes it to HEVC, ProRes 422 and DNxHR SQ (--codecs). For each \
    codec, rounds run ffmpeg's full decode (video and audio), `ffmpeg -skip_frame noref` (the decoder's own \
    non-reference skipping), TakeSense's analysis with default settings (decoding only what the face pass needs) and \
    with --decode all, in rotating order (models loaded once, before timing); the best round of each is kept. \
    Peak resident memory is TakeSense's own (VmHWM, reset before each \
    run, models included). With --long-minutes N a take N minutes long (the 60 s one repeated) runs once each way.
    """

    /// The analyzer with the default models and settings (built once, before timing).
    public var makeAnalyzer: () throws -> SceneAnalyzer
    /// The detector's name in the machine line.
    public var detectorName: String
    /// An existing take (nil: generate one).
    public var take: String?
    /// FER2013 image folders and RAVDESS speech folder for the generated take (looked up only when needed).
    public var sources: () throws -> (fer2013: String, ravdess: String) = { throw BenchError("pass --take") }
    public var rounds = 3
    /// Also run a take this many minutes long (0: skip).
    public var longMinutes = 10
    public var workDir = ".build-bench/analyze"
    /// Codecs of the 60 s take, comma-separated: h264 (libx264 default GOP, with B-frames), hevc, prores (422), dnxhr (SQ).
    public var codecs = "h264,hevc,prores,dnxhr"

    public init(makeAnalyzer: @escaping () throws -> SceneAnalyzer, detectorName: String, take: String? = nil,
                sources: (() throws -> (fer2013: String, ravdess: String))? = nil, rounds: Int = 3, longMinutes: Int = 10,
                workDir: String = ".build-bench/analyze", codecs: String = "h264,hevc,prores,dnxhr") {
        self.makeAnalyzer = makeAnalyzer
        self.detectorName = detectorName
        self.take = take
        if let sources { self.sources = sources }
        self.rounds = rounds
        self.longMinutes = longMinutes
        self.workDir = workDir
        self.codecs = codecs
    }

    /// ffmpeg video settings that turn the generated H.264 take into each codec (sound copied).
    public static let transcodes: [String: [String]] = [
        "h264": [],
        "hevc": ["-c:v", "libx265", "-preset", "ultrafast", "-crf", "26", "-pix_fmt", "yuv420p", "-tag:v", "hvc1", "-x265-params", "log-level=error"],
        "prores": ["-c:v", "prores_ks", "-profile:v", "2", "-pix_fmt", "yuv422p10le"],
        "dnxhr": ["-c:v", "dnxhd", "-profile:v", "dnxhr_sq", "-pix_fmt", "yuv422p"],
    ]

    public func run(log: BenchLog) throws -> BenchReport {
        let fm = FileManager.default
        let dir = URL(fileURLWithPath: workDir, isDirectory: true)
        try fm.createDirectory(at: dir, withIntermediateDirectories: true)
        let takeURL: URL
        if let take {
            takeURL = URL(fileURLWithPath: take)
        } else {
            takeURL = dir.appendingPathComponent("take-60s-1080p25-speech.mp4")
            if !fm.fileExists(atPath: takeURL.path) {
                let (fer, voices) = try sources()
                let actor = voices + "/Actor_20"
                let clips = ((try? fm.contentsOfDirectory(atPath: actor)) ?? []).filter { $0.hasPrefix("03-01-") && $0.hasSuffix(".flac") }.sorted()
                guard clips.count >= 16 else { throw BenchError("\(actor): needs 16 RAVDESS speech files; pass --ravdess or --take") }
                let chosen = stride(from: 0, to: clips.count, by: clips.count / 16).prefix(16).map { actor + "/" + clips[$0] }
                var args = ["-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=25", "-loop", "1", "-i", fer + "/validation/happy/PublicTest_10130075.jpg"]
                for c in chosen { args += ["-i", c] }
                let audio = (0..<16).map { "[\($0 + 2):a]" }.joined() + "concat=n=16:v=0:a=1,apad[a]"
                args += ["-filter_complex",
                         "[1]format=gray,scale=360:360[f];[0][f]overlay=x='780+300*sin(2*PI*t/30)':y='300+80*sin(2*PI*t/20)':shortest=1[v];" + audio,
                         "-map", "[v]", "-map", "[a]", "-t", "60", "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p",
                         "-c:a", "aac", "-b:a", "128k", takeURL.path]
                log("generating \(takeURL.path) ...")
                _ = try FFmpegCLI.run(args)
            }
        }
        var takes: [(name: String, url: URL)] = []
        for codec in codecs.split(separator: ",").map({ String($0).trimmingCharacters(in: .whitespaces) }) {
            guard let recipe = Self.transcodes[codec] else {
                throw BenchError("--codecs: unknown codec '\(codec)' (\(Self.transcodes.keys.sorted().joined(separator: ", ")))")
            }
            if recipe.isEmpty { takes.append((codec, takeURL)); continue }
            let url = dir.appendingPathComponent("take-60s-1080p25-speech-\(codec).\(codec == "hevc" ? "mp4" : "mov")")
            if !fm.fileExists(atPath: url.path) {
                log("generating \(url.path) ...")
                _ = try FFmpegCLI.run(["-i", takeURL.path] + recipe + ["-c:a", "copy", url.path])
            }
            takes.append((codec, url))
        }
        resetPeakMemory()
        let analyzer = try makeAnalyzer()
        let modelsPeak = peakMemoryMiB()
        var report = BenchReport()
        report.note("Machine: \(machineCores()), OMP_WAIT_POLICY=\(ompWaitPolicy()); "
              + "default settings (5 fps, \(detectorName), voice-activity segments); best of \(rounds) rounds, the four runs "
              + "of a round in rotating order; models loaded: \(f1(modelsPeak)) MiB")

        func ours(_ url: URL, decode: DecodeMode) throws -> (seconds: Double, cpu: Double, peak: Double, result: TakeAnalysis) {
            analyzer.options.decode = decode
            resetPeakMemory()
            let t0 = now(), c0 = cpuSeconds()
            let r = try analyzer.analyze(url)
            return (now() - t0, cpuSeconds() - c0, peakMemoryMiB(), r)
        }
        struct Best {
            var full = Double.infinity, fullCPU = Double.infinity, noref = Double.infinity
            var needed = Double.infinity, neededCPU = Double.infinity, all = Double.infinity
            var peak = 0.0
        }
        var rows: [(name: String, best: Best, needed: TakeAnalysis?, all: TakeAnalysis?)] = []
        var ratios: [Double] = []
        for take in takes {
            var best = Best()
            var lastNeeded: TakeAnalysis?, lastAll: TakeAnalysis?
            for round in 0..<max(1, rounds) {
                var pair = (full: 0.0, needed: 0.0)
                for k in 0..<4 {
                    switch (k + round) % 4 {
                    case 0:
                        let f = try FFmpegCLI.run(["-i", take.url.path, "-f", "null", "-"])
                        pair.full = f.seconds
                        best.full = min(best.full, f.seconds)
                        best.fullCPU = min(best.fullCPU, f.cpu)
                    case 1:
                        best.noref = min(best.noref, try FFmpegCLI.run(["-skip_frame", "noref", "-i", take.url.path, "-f", "null", "-"]).seconds)
                    case 2:
                        let r = try ours(take.url, decode: .needed)
                        pair.needed = r.seconds
                        best.needed = min(best.needed, r.seconds)
                        best.neededCPU = min(best.neededCPU, r.cpu)
                        best.peak = max(best.peak, r.peak)
                        lastNeeded = r.result
                    default:
                        let r = try ours(take.url, decode: .all)
                        best.all = min(best.all, r.seconds)
                        best.peak = max(best.peak, r.peak)
                        lastAll = r.result
                    }
                }
                if take.name == "h264" { ratios.append(pair.needed / pair.full) }
                log("  \(take.name) round \(round + 1): ffmpeg \(f2(pair.full)) s, TakeSense analyze \(f2(pair.needed)) s "
                    + "(ratio \(f2(pair.needed / pair.full)))")
            }
            rows.append((take.name, best, lastNeeded, lastAll))
        }
        report.note("")
        var table = MarkdownTable(["60 s 1080p25 take", "ffmpeg -f null: wall (s)", "CPU (s)", "ffmpeg -skip_frame noref: wall (s)", "analyze: wall (s)",
                                   "CPU (s)", "**vs full decode**", "vs noref decode", "analyze --decode all: wall (s)", "vs full decode",
                                   "peak RSS (MiB)", "face frames", "verdict (all)"], alignment: "lrrrrrrrrrrrl")
        for row in rows {
            let b = row.best
            let frames = row.needed.map { "\($0.face.frames.count)/\($0.face.sampledFrames)" } ?? "-"
            let verdict = "\(row.needed?.verdict.decision.rawValue ?? "-") (\(row.all?.verdict.decision.rawValue ?? "-"))"
            table.append([row.name, f2(b.full), f2(b.fullCPU), f2(b.noref), f2(b.needed), f2(b.neededCPU), "**\(f2(b.needed / b.full))**",
                          f2(b.needed / b.noref), f2(b.all), f2(b.all / b.full), f1(b.peak), frames, verdict])
        }
        report.add(table)
        if longMinutes > 0 {
            let longTake = try FFmpegCLI.repeatedTake(takeURL, minutes: longMinutes,
                                                      to: dir.appendingPathComponent("take-\(longMinutes)min-1080p25-speech.mp4"))
            let f = try FFmpegCLI.run(["-i", longTake.path, "-f", "null", "-"])
            let r = try ours(longTake, decode: .needed)
            report.note("")
            var long = MarkdownTable(["take", "ffmpeg -f null: wall (s)", "CPU (s)", "analyze: wall (s)", "CPU (s)", "wall ratio", "CPU ratio",
                                      "peak RSS (MiB)", "face frames", "speech segments", "verdict"], alignment: "lrrrrrrrrrl")
            long.append(["\(longMinutes) min 1080p25 H.264", f2(f.seconds), f2(f.cpu), f2(r.seconds), f2(r.cpu), f2(r.seconds / f.seconds),
                         f2(r.cpu / f.cpu), f1(r.peak), "\(r.result.face.frames.count)/\(r.result.face.sampledFrames)",
                         "\(r.result.voice.segments.count)", r.result.verdict.decision.rawValue])
            report.add(long)
        }
        let sorted = ratios.sorted()
        report.note("")
        if !sorted.isEmpty {
            report.note("H.264 per-round wall ratios (same round): \(ratios.map(f2).joined(separator: ", ")); median \(f2(sorted[sorted.count / 2]))")
        }
        return report
    }
}
