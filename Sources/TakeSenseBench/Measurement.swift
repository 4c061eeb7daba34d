import Foundation

/// Timing rule shared with Scripts/bench_engine.py: 2 warm-up runs, then repeat until 3 s or 20 runs
/// (at least 5); the median in milliseconds.
public func medianMilliseconds(_ body: () throws -> Void) throws -> Double {
    for _ in 0..<2 { try body() }
    var times: [Double] = []
    let start = DispatchTime.now().uptimeNanoseconds
    func elapsed() -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
    while times.count < 5 || (times.count < 20 && elapsed() < 3.0) {
        let t0 = DispatchTime.now().uptimeNanoseconds
        try body()
        times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
    }
    times.sort()
    let n = times.count
    return n % 2 == 1 ? times[n / 2] : (times[n / 2 - 1] + times[n / 2]) / 2
}

/// Resets the process's peak resident memory (Linux ≥ 4.0) so that the next phase is measured alone.
func resetPeakMemory() {
    if let h = FileHandle(forWritingAtPath: "/proc/self/clear_refs") {
        h.write(Data("5".utf8))
        try? h.close()
    }
}

/// Peak resident memory since the last reset, in MiB (VmHWM).
func peakMemoryMiB() -> Double {
    let status = FileHandle(forReadingAtPath: "/proc/self/status").map { String(decoding: $0.readDataToEndOfFile(), as: UTF8.self) } ?? ""
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        let kb = Double(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "0") ?? 0
        return kb / 1024
    }
    return 0
}

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

/// CPU seconds (user + system) used so far by this process, or by its waited-for children.
func cpuSeconds(children: Bool = false) -> Double {
    var usage = rusage()
    _ = getrusage(children ? RUSAGE_CHILDREN.rawValue : RUSAGE_SELF.rawValue, &usage)
    func s(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
    return s(usage.ru_utime) + s(usage.ru_stime)
}

/// The machine line every benchmark starts with.
func machineCores() -> String { "\(ProcessInfo.processInfo.activeProcessorCount) cores" }
func ompWaitPolicy() -> String { ProcessInfo.processInfo.environment["OMP_WAIT_POLICY"] ?? "unset" }

/// Wall time of a run of child processes and their summed resident memory, overall and per half of the run.
public struct ChildrenTiming: Codable, Sendable, Equatable {
    public var seconds: Double
    public var peakMiB: Double
    public var firstHalfMiB: Double
    public var secondHalfMiB: Double
    public init(seconds: Double, peakMiB: Double, firstHalfMiB: Double, secondHalfMiB: Double) {
        self.seconds = seconds
        self.peakMiB = peakMiB
        self.firstHalfMiB = firstHalfMiB
        self.secondHalfMiB = secondHalfMiB
    }
}

/// Wall time of `body`, with the resident memory of this process's children sampled every 200 ms (VmHWM
/// only covers this process itself; the children's peaks are what a multi-process run costs).
func timedWithChildrenRSS(_ body: () throws -> Void) throws -> ChildrenTiming {
    final class Samples: @unchecked Sendable {
        let lock = NSLock()
        var values: [(Double, Double)] = []
        var running = true
    }
    let samples = Samples()
    let start = now()
    let me = getpid()
    let sampler = Thread {
        while samples.lock.withLock({ samples.running }) {
            let rss = childrenRSS(of: me)
            samples.lock.withLock { samples.values.append((now() - start, rss)) }
            Thread.sleep(forTimeInterval: 0.2)
        }
    }
    sampler.start()
    defer { samples.lock.withLock { samples.running = false } }
    try body()
    let wall = now() - start
    let values = samples.lock.withLock { samples.running = false; return samples.values }
    let first = values.filter { $0.0 < wall / 2 }.map(\.1).max() ?? 0, second = values.filter { $0.0 >= wall / 2 }.map(\.1).max() ?? 0
    return ChildrenTiming(seconds: wall, peakMiB: max(first, second), firstHalfMiB: first, secondHalfMiB: second)
}

/// Summed VmRSS (MiB) of the direct children of `parent`.
func childrenRSS(of parent: Int32) -> Double {
    guard let pids = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return 0 }
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
