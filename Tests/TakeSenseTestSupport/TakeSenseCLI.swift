import Foundation

/// `takesense` run as users run it, for the test targets that check the command line (exit status, standard
/// output and error, files written).
public enum TakeSenseCLI {
    /// The executable built beside the test bundle (`swift build --build-tests` builds every product), else the
    /// repository's `.build/debug` one.
    public static let executable: URL? = {
        var dirs = [URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()]
        dirs += Bundle.allBundles.map { $0.bundleURL.deletingLastPathComponent() }
        dirs.append(Repository.root.appendingPathComponent(".build/debug"))
        return dirs.map { $0.appendingPathComponent("takesense") }.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()

    /// The repository's shipped models, which the runs are pointed at (`TAKESENSE_MODELS`).
    public static let models = Repository.root.appendingPathComponent("Models")

    /// A process running `takesense args` in `dir` (nil: the test's own folder) with this process's environment
    /// changed by `environment` (a nil value removes the variable).
    public static func process(_ args: [String], in dir: URL?, environment: [String: String?] = [:]) -> Process {
        let p = Process()
        p.executableURL = executable
        p.arguments = args
        if let dir { p.currentDirectoryURL = dir }
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        p.environment = env
        return p
    }

    /// Runs `process` to its end: its exit status, standard output and standard error.
    public static func run(_ process: Process) throws -> (status: Int32, out: String, err: String) {
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }
}
