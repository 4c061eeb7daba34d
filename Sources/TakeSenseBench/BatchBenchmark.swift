import Foundation

/// `takesense bench batch`: throughput and memory of `batch` against one `analyze` process per take and against
/// `ffmpeg -i take -f null -` decoding of the same files, all in one run (ratios are what compare on a shared
/// machine). The takes are the bundled sample looped and scaled (a face and speech throughout), each from its own
/// offset so their bytes differ. The takesense executable and the sample are inputs: the benchmark runs the
/// real command-line tool as separate processes, which is what a day of takes costs.
public struct BatchBenchmark {
    /// What the benchmark measures and how (the `takesense bench` help).
    public static let about = """
    Generates N takes with the ffmpeg CLI (the bundled sample, looped from its own offset per take so every file's \
    bytes differ, scaled to --size, libx264 veryfast, AAC), then, in one run: `ffmpeg -i take -f null -` over every \
    take; one `takesense analyze take --json` process per take; one `takesense batch` over the folder into a fresh \
    store; and (--shards) two `batch --shard i/2 --threads 1` processes into one store at once. Peak RSS is the \
    summed VmRSS of the running children, sampled every 200 ms, split into the first and second half of each run.
    """

    /// The takesense executable whose `analyze` and `batch` are timed (resolved, not a symlink).
    public var executable: String
    /// The take the generated ones are cut from (looped, scaled).
    public var sample: String
    /// Number of generated takes.
    public var takes = 20
    /// Length of each take in seconds.
    public var seconds = 60.0
    /// Frame size of the generated takes, WxH.
    public var size = "1920x1080"
    /// Folder for the takes and stores (nil: a new temporary folder).
    public var workDir: String?
    /// Also run the batch as two shard processes with one thread each.
    public var shards = false

    public init(executable: String, sample: String, takes: Int = 20, seconds: Double = 60, size: String = "1920x1080", workDir: String? = nil,
                shards: Bool = false) {
        self.executable = executable
        self.sample = sample
        self.takes = takes
        self.seconds = seconds
        self.size = size
        self.workDir = workDir
        self.shards = shards
    }

    /// One timed run: its row name and what `timedWithChildrenRSS` measured.
    public struct Run: Codable, Sendable, Equatable {
        public var name: String
        public var timing: ChildrenTiming
        public init(_ name: String, _ timing: ChildrenTiming) {
            self.name = name
            self.timing = timing
        }
    }

    /// What a run measured, before it is formatted: the footage and every run, the single batch among them.
    public struct Result: Codable, Sendable, Equatable {
        public var takes: Int
        public var seconds: Double
        public var runs: [Run]
        /// The one-process batch, the reference of the "vs batch" column.
        public var batch: ChildrenTiming
        public init(takes: Int, seconds: Double, runs: [Run], batch: ChildrenTiming) {
            self.takes = takes
            self.seconds = seconds
            self.runs = runs
            self.batch = batch
        }
    }

    public func run(log: BenchLog) throws -> BenchReport {
        Self.report(try measure(log: log))
    }

    /// Generates the takes (reusing those already in the work folder) and times every run.
    public func measure(log: BenchLog) throws -> Result {
        let fm = FileManager.default
        let dir = URL(fileURLWithPath: workDir ?? fm.temporaryDirectory.appendingPathComponent("takesense-bench-batch-\(getpid())").path)
        let takesDir = dir.appendingPathComponent("takes")
        let dims = size.split(separator: "x").map(String.init)
        guard dims.count == 2 else { throw BenchError("--size must be WxH, got \(size)") }
        try fm.createDirectory(at: takesDir, withIntermediateDirectories: true)
        var files: [String] = []
        for i in 0..<takes {
            let out = takesDir.appendingPathComponent(String(format: "take%02d.mp4", i + 1)).path
            files.append(out)
            if fm.fileExists(atPath: out) { continue }
            _ = try FFmpegCLI.run(["-stream_loop", "-1", "-ss", String(format: "%.2f", Double(i) * 0.37), "-i", sample, "-t", String(seconds),
                                   "-vf", "scale=\(dims[0]):\(dims[1])", "-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-c:a", "aac", out])
        }
        log("generated \(takes) takes of \(Int(seconds)) s at \(size) in \(takesDir.path)")

        let decode = try timedWithChildrenRSS { for f in files { _ = try FFmpegCLI.run(["-i", f, "-f", "null", "-"]) } }
        log(String(format: "ffmpeg -f null decoding: %.1f s", decode.seconds))
        let perTake = try timedWithChildrenRSS {
            for f in files {
                try runAll([["analyze", f, "--json", dir.appendingPathComponent("analyze.json").path, "--quiet"]])
            }
        }
        log(String(format: "one analyze per take: %.1f s (peak RSS %.0f MiB)", perTake.seconds, perTake.peakMiB))
        let store = dir.appendingPathComponent("bench-\(UUID().uuidString.prefix(6)).takesense").path
        let batch = try timedWithChildrenRSS { try runAll([["batch", takesDir.path, "--store", store, "--quiet"]]) }
        log(String(format: "batch: %.1f s (peak RSS %.0f MiB; first half of the run %.0f MiB, second half %.0f MiB)",
                   batch.seconds, batch.peakMiB, batch.firstHalfMiB, batch.secondHalfMiB))
        var runs = [Run("ffmpeg -i take -f null - (decoding only)", decode), Run("one `takesense analyze` per take", perTake),
                    Run("`takesense batch` (1 process)", batch)]
        if shards {
            let store2 = dir.appendingPathComponent("bench-\(UUID().uuidString.prefix(6)).takesense").path
            let two = try timedWithChildrenRSS {
                try runAll([["batch", takesDir.path, "--store", store2, "--shard", "0/2", "--threads", "1", "--quiet"],
                            ["batch", takesDir.path, "--store", store2, "--shard", "1/2", "--threads", "1", "--quiet"]])
            }
            runs.append(Run("`takesense batch`, 2 shard processes × 1 thread", two))
        }
        return Result(takes: takes, seconds: seconds, runs: runs, batch: batch)
    }

    /// The table of BENCHMARKS.md: per run, wall time, takes per hour, footage minutes per wall minute, time
    /// relative to the one-process batch, and peak memory overall and per half of the run.
    public static func report(_ result: Result) -> BenchReport {
        let footageMinutes = Double(result.takes) * result.seconds / 60
        var table = MarkdownTable(["run", "wall s", "takes per hour", "footage min per wall min", "vs batch", "peak RSS MiB (1st half / 2nd half)"],
                                  alignment: "lrrrrl")
        for run in result.runs {
            let t = run.timing
            table.append([run.name, f1(t.seconds), String(format: "%.0f", Double(result.takes) / t.seconds * 3600), f2(footageMinutes / (t.seconds / 60)),
                          f2(t.seconds / result.batch.seconds) + "x", String(format: "%.0f (%.0f / %.0f)", t.peakMiB, t.firstHalfMiB, t.secondHalfMiB)])
        }
        var report = BenchReport()
        report.add(table)
        return report
    }

    /// Runs the takesense executable once per argument list, all at once (output discarded), and waits for all.
    private func runAll(_ runs: [[String]]) throws {
        let processes = try runs.map { args -> Process in
            let p = Process()
            p.executableURL = URL(fileURLWithPath: executable)
            p.arguments = args
            p.standardOutput = FileHandle.nullDevice
            do { try p.run() } catch { throw BenchError("\(executable): cannot run (\(error.localizedDescription))") }
            return p
        }
        for (p, args) in zip(processes, runs) {
            p.waitUntilExit()
            guard p.terminationStatus == 0 else {
                throw BenchError("\(executable) \(args.joined(separator: " ")) exited with \(p.terminationStatus)")
            }
        }
    }
}
