import Foundation

/// The ffmpeg command-line tool: the reference the media benchmarks time against, and the maker of
/// their generated takes.
enum FFmpegCLI {
    /// Runs ffmpeg (quiet, overwriting); returns its wall-clock and CPU seconds.
    static func run(_ args: [String]) throws -> (seconds: Double, cpu: Double) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/ffmpeg")
        p.arguments = ["-nostdin", "-hide_banner", "-loglevel", "error", "-y"] + args
        p.standardOutput = FileHandle.nullDevice
        let err = Pipe()
        p.standardError = err
        let t0 = now(), c0 = cpuSeconds(children: true)
        do { try p.run() } catch { throw BenchError("/usr/bin/ffmpeg: cannot run (\(error.localizedDescription)); apt-get install ffmpeg") }
        let data = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let elapsed = now() - t0, cpu = cpuSeconds(children: true) - c0
        guard p.terminationStatus == 0 else {
            throw BenchError("ffmpeg \(args.joined(separator: " ")) failed: "
                + "\(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        return (elapsed, cpu)
    }

    /// `take` repeated `minutes` times (a 60 s take → that many minutes), stream-copied into `url` unless it exists.
    static func repeatedTake(_ take: URL, minutes: Int, to url: URL) throws -> URL {
        guard !FileManager.default.fileExists(atPath: url.path) else { return url }
        let list = url.deletingLastPathComponent().appendingPathComponent("concat.txt")
        try String(repeating: "file '\(take.path)'\n", count: minutes).write(to: list, atomically: true, encoding: .utf8)
        _ = try run(["-f", "concat", "-safe", "0", "-i", list.path, "-c", "copy", url.path])
        return url
    }
}
