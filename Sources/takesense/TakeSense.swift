import ArgumentParser
import Foundation
import Reports

@main
struct TakeSense: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "takesense",
        abstract: "Watches a film take and tells whether the actor's face and voice carry the same emotion.",
        version: "0.1.0",
        subcommands: [AnalyzeCommand.self, CorrelateCommand.self, DoctorCommand.self, ProbeCommand.self, TrainCommand.self, EvaluateCommand.self, ModelsCommand.self, BenchCommand.self, FacesCommand.self]
    )
}

/// Options every command that runs models shares.
struct EngineOptions: ParsableArguments {
    @Option(name: .long, help: "Intra-op threads for libtorch (default: all cores, or TAKESENSE_THREADS).")
    var threads: Int?

    func apply() throws {
        if let threads { try Engine.setThreads(threads) }
    }
}

/// One line on standard error and a non-zero exit: what every command does with bad input.
struct Failure: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
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
        do {
            for (option, path) in files { try protection.check(option, path) }
            for (option, dir, names) in folders { try protection.check(option, directory: dir, names: names) }
        } catch { throw Failure("\(error)") }
    }

    /// Files a training run writes into its output folder.
    static let trainingFiles = ["best.safetensors", "state.json", "curves.csv", "curves.svg", "evaluation.json", "validation.json",
                                "confusion.svg", "voice-emotion.safetensors"]
}
