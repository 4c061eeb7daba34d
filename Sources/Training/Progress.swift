import Foundation

/// A single self-rewriting progress line on standard error (plain lines when not a terminal).
public struct ProgressLine {
    let isTerminal = isatty(STDERR_FILENO) == 1
    var lastPrint = Date.distantPast
    public var enabled = true

    public init() {}

    public mutating func update(_ label: String, fraction: Double, detail: String, eta: Double) {
        guard enabled, isTerminal else { return }
        let now = Date()
        guard now.timeIntervalSince(lastPrint) > 0.2 || fraction >= 1 else { return }
        lastPrint = now
        let width = 24
        let filled = Int((fraction * Double(width)).rounded())
        let bar = String(repeating: "#", count: min(width, filled)) + String(repeating: "-", count: max(0, width - filled))
        let line = "\r\(label) [\(bar)] \(String(format: "%3.0f", fraction * 100))% \(detail) ETA \(Self.clock(eta))"
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// The same, with the ETA extrapolated from the time spent so far (unknown until 2 % is done).
    public mutating func update(_ label: String, fraction: Double, detail: String, elapsed: Double) {
        update(label, fraction: fraction, detail: detail, eta: fraction > 0.02 ? elapsed * (1 - fraction) / fraction : .nan)
    }

    public mutating func finish() {
        guard enabled, isTerminal else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }

    public static func clock(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "--:--" }
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%02d:%02d", s / 60, s % 60)
    }
}

/// A progress line several tasks share: an analysis task updates it while the command's thread may finish it.
public final class SharedProgressLine: @unchecked Sendable {
    // Guarded by `lock`.
    private let lock = NSLock()
    private var line = ProgressLine()

    public init(enabled: Bool) { line.enabled = enabled }

    public func update(_ label: String, fraction: Double, detail: String, elapsed: Double) {
        lock.lock()
        defer { lock.unlock() }
        line.update(label, fraction: fraction, detail: detail, elapsed: elapsed)
    }

    public func finish() {
        lock.lock()
        defer { lock.unlock() }
        line.finish()
    }
}
