import ArgumentParser
import Foundation
import Reports
import TakeSenseKit

@main
struct TakeSenseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "takesense",
        abstract: "Watches a film take and tells whether the actor's face and voice carry the same emotion.",
        version: "0.1.0",
        subcommands: [AnalyzeCommand.self, CorrelateCommand.self, DoctorCommand.self, ProbeCommand.self, TrainCommand.self, EvaluateCommand.self,
                      CalibrateCommand.self, ModelsCommand.self, BenchCommand.self, FacesCommand.self, BatchCommand.self, WatchCommand.self]
    )

    static func main() {
        if let message = optionLikeFile(Array(CommandLine.arguments.dropFirst())) {
            FileHandle.standardError.write(Data("Error: \(message)\n".utf8))
            Self.exit(withError: ExitCode(64))
        }
        main(nil)
    }

    /// A single-dash word longer than one letter (`-dash.mp4`) is read by the argument parser as a bundle of
    /// short flags, whose `-h` printed the help and exited 0. TakeSense has no bundled short flags, so such
    /// a word is refused (a negative number is a value, and everything after `--` is a file name).
    static func optionLikeFile(_ args: [String]) -> String? {
        for arg in args {
            if arg == "--" { return nil }
            guard arg.hasPrefix("-"), !arg.hasPrefix("--"), arg.count > 2, Double(arg) == nil else { continue }
            let exists = FileManager.default.fileExists(atPath: arg) ? "the file " : ""
            return "'\(arg)' is not an option; to name \(exists)'\(arg)', write ./\(arg) or put it after --"
        }
        return nil
    }
}

/// Options every command that runs models shares.
struct EngineOptions: ParsableArguments {
    @Option(name: .long, help: "Intra-op threads for libtorch (default: all cores, or TAKESENSE_THREADS).")
    var threads: Int?

    /// At most 4 threads per core, never more than 256 (the library's bound).
    static var maxThreads: Int { TakeSenseConfiguration.maxThreads }

    func validate() throws {
        if let threads, !(1...Self.maxThreads).contains(threads) {
            throw Failure("--threads must be between 1 and \(Self.maxThreads) (4 per core on this machine), got \(threads)")
        }
        // The engine ignores an out-of-range TAKESENSE_THREADS (it keeps one thread per core); say so instead.
        if let env = ProcessInfo.processInfo.environment["TAKESENSE_THREADS"], !env.isEmpty, threads == nil,
           Int(env).map({ !(1...Self.maxThreads).contains($0) }) ?? true {
            throw Failure("TAKESENSE_THREADS must be a whole number between 1 and \(Self.maxThreads) (4 per core on this machine), got '\(env)'")
        }
    }

    func apply() throws {
        if let threads { try Engine.setThreads(threads) }
    }
}

/// One line on standard error and a non-zero exit: what every command does with bad input.
struct Failure: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}

/// Prints `value` as indented JSON with sorted keys: what `--json` flags print on standard output.
func printJSON<T: Encodable>(_ value: T, escapingSlashes: Bool = true) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = escapingSlashes ? [.prettyPrinted, .sortedKeys] : [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}

/// The check every command makes before any work: no output path may resolve (symbolic links, `..` and
/// hard links included) to one of the command's input files.
enum OutputGuard {
    /// - Parameters:
    ///   - files: output files by option (`("--json", path)`); nil and `-` are skipped.
    ///   - folders: output folders by option with the file names written into them.
    ///   - inputs: every input file (nil skipped).
    static func refuse(files: [(String, String?)], folders: [(String, String?, [String])] = [], inputs: [String?]) throws {
        let protection = InputProtection(inputs: inputs.compactMap { $0 })
        for (option, path) in files { try protection.check(option, path) }
        for (option, dir, names) in folders { try protection.check(option, directory: dir, names: names) }
    }

    /// Files a training run writes into its output folder.
    static let trainingFiles = ["best.safetensors", "state.json", "curves.csv", "curves.svg", "evaluation.json", "validation.json",
                                "confusion.svg", "voice-emotion.safetensors"]
}
