import ArgumentParser
import Foundation

@main
struct TakeSense: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "takesense",
        abstract: "Watches a film take and tells whether the actor's face and voice carry the same emotion.",
        version: "0.1.0",
        subcommands: [AnalyzeCommand.self, CorrelateCommand.self, DoctorCommand.self, ProbeCommand.self, TrainCommand.self, EvaluateCommand.self, CalibrateCommand.self, ModelsCommand.self, BenchCommand.self, FacesCommand.self]
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
