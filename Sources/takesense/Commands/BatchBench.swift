import ArgumentParser
import Foundation

/// `takesense bench batch`: throughput and memory of `batch` against one `analyze` process per take and against
/// `ffmpeg -i take -f null -` decoding of the same files, all in one run (ratios are what compare on a shared
/// machine). The takes are the bundled sample looped and scaled (a face and speech throughout), each from its own
/// offset so their bytes differ.
struct BatchBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch",
        abstract: "Takes per hour and footage minutes per wall minute: batch vs one analyze per take vs ffmpeg decoding; peak memory over the batch."
    )
    @Option(help: "Number of generated takes.") var takes = 20
    @Option(help: "Length of each take in seconds.") var seconds = 60.0
    @Option(help: "Frame size of the generated takes.") var size = "1920x1080"
    @Option(help: "Folder for the takes and stores (default: a new temporary folder).") var work: String?
    @Flag(help: "Also run the batch as two shard processes with one thread each (the parallelism choice).") var shards = false

    func run() throws {
        let fm = FileManager.default
        let dir = URL(fileURLWithPath: work ?? fm.temporaryDirectory.appendingPathComponent("takesense-bench-batch-\(getpid())").path)
        let takesDir = dir.appendingPathComponent("takes")
        try fm.createDirectory(at: takesDir, withIntermediateDirectories: true)
        let sample = BundledModels.directory.deletingLastPathComponent().appendingPathComponent("Samples/sample-take.mp4").path
        let dims = size.split(separator: "x").map(String.init)
        guard dims.count == 2 else { throw Failure("--size must be WxH, got \(size)") }
        var files: [String] = []
        for i in 0..<takes {
            let out = takesDir.appendingPathComponent(String(format: "take%02d.mp4", i + 1)).path
            files.append(out)
            if fm.fileExists(atPath: out) { continue }
            try Self.exec("/usr/bin/ffmpeg", ["-nostdin", "-v", "error", "-y", "-stream_loop", "-1", "-ss", String(format: "%.2f", Double(i) * 0.37),
                                              "-i", sample, "-t", String(seconds), "-vf", "scale=\(dims[0]):\(dims[1])", "-c:v", "libx264",
                                              "-preset", "veryfast", "-crf", "20", "-c:a", "aac", out])
        }
        let me = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path
        let footageMinutes = Double(takes) * seconds / 60
        bench("generated \(takes) takes of \(Int(seconds)) s at \(size) in \(takesDir.path)")

        let decode = try Self.timed { for f in files { try Self.exec("/usr/bin/ffmpeg", ["-nostdin", "-v", "error", "-i", f, "-f", "null", "-"]) } }
        bench(String(format: "ffmpeg -f null decoding: %.1f s", decode.seconds))
        let perTake = try Self.timed {
            for f in files {
                try Self.exec(me, ["analyze", f, "--json", dir.appendingPathComponent("analyze.json").path, "--quiet"])
            }
        }
        bench(String(format: "one analyze per take: %.1f s (peak RSS %.0f MiB)", perTake.seconds, perTake.peakMiB))
        let store = dir.appendingPathComponent("bench-\(UUID().uuidString.prefix(6)).takesense").path
        let batch = try Self.timed { try Self.exec(me, ["batch", takesDir.path, "--store", store, "--quiet"]) }
        bench(String(format: "batch: %.1f s (peak RSS %.0f MiB; first half of the run %.0f MiB, second half %.0f MiB)",
                     batch.seconds, batch.peakMiB, batch.firstHalfMiB, batch.secondHalfMiB))
        var rows = [("ffmpeg -i take -f null - (decoding only)", decode), ("one `takesense analyze` per take", perTake),
                    ("`takesense batch` (1 process)", batch)]
        if shards {
            let store2 = dir.appendingPathComponent("bench-\(UUID().uuidString.prefix(6)).takesense").path
            let two = try Self.timed {
                try Self.execAll(me, [["batch", takesDir.path, "--store", store2, "--shard", "0/2", "--threads", "1", "--quiet"],
                                      ["batch", takesDir.path, "--store", store2, "--shard", "1/2", "--threads", "1", "--quiet"]])
            }
            rows.append(("`takesense batch`, 2 shard processes × 1 thread", two))
        }
        print("| run | wall s | takes per hour | footage min per wall min | vs batch | peak RSS MiB (1st half / 2nd half) |")
        print("|---|---|---|---|---|---|")
        for (name, t) in rows {
            print(String(format: "| %@ | %.1f | %.0f | %.2f | %.2fx | %.0f (%.0f / %.0f) |", name, t.seconds, Double(takes) / t.seconds * 3600,
                         footageMinutes / (t.seconds / 60), t.seconds / batch.seconds, t.peakMiB, t.firstHalfMiB, t.secondHalfMiB))
        }
    }

    struct Timing {
        var seconds: Double
        var peakMiB: Double
        var firstHalfMiB: Double
        var secondHalfMiB: Double
    }

    /// Wall time of `body`, with the resident memory of this process's children sampled every 200 ms.
    static func timed(_ body: () throws -> Void) throws -> Timing {
        final class Samples: @unchecked Sendable {
            let lock = NSLock()
            var values: [(Double, Double)] = []
            var running = true
        }
        let samples = Samples()
        let start = Date()
        let me = getpid()
        let sampler = Thread {
            while samples.lock.withLock({ samples.running }) {
                let rss = childrenRSS(of: me)
                samples.lock.withLock { samples.values.append((Date().timeIntervalSince(start), rss)) }
                Thread.sleep(forTimeInterval: 0.2)
            }
        }
        sampler.start()
        try body()
        let wall = Date().timeIntervalSince(start)
        let values = samples.lock.withLock { samples.running = false; return samples.values }
        let first = values.filter { $0.0 < wall / 2 }.map(\.1).max() ?? 0, second = values.filter { $0.0 >= wall / 2 }.map(\.1).max() ?? 0
        return Timing(seconds: wall, peakMiB: max(first, second), firstHalfMiB: first, secondHalfMiB: second)
    }

    /// Summed VmRSS (MiB) of the direct children of `parent`.
    static func childrenRSS(of parent: Int32) -> Double {
        let fm = FileManager.default
        guard let pids = try? fm.contentsOfDirectory(atPath: "/proc") else { return 0 }
        var total = 0.0
        for pid in pids where Int(pid) != nil {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 2, Int32(fields[1]) == parent,
                  let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
                  let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
                  let kb = Double(line.split(separator: " ").dropFirst().first ?? "") else { continue }
            total += kb / 1024
        }
        return total
    }

    static func exec(_ tool: String, _ args: [String]) throws { try execAll(tool, [args]) }

    static func execAll(_ tool: String, _ runs: [[String]]) throws {
        let processes = try runs.map { args -> Process in
            let p = Process()
            p.executableURL = URL(fileURLWithPath: tool)
            p.arguments = args
            p.standardOutput = FileHandle.nullDevice
            try p.run()
            return p
        }
        for (p, args) in zip(processes, runs) {
            p.waitUntilExit()
            guard p.terminationStatus == 0 else { throw Failure("\(tool) \(args.joined(separator: " ")) exited with \(p.terminationStatus)") }
        }
    }
}

private func bench(_ line: String) {
    FileHandle.standardError.write(Data("bench batch: \(line)\n".utf8))
}
