import ArgumentParser
import Foundation
import TakeSenseBench

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks against reference implementations, run in the same session; prints ratios.",
        subcommands: [EngineBench.self, FacesBench.self, MediaBench.self, AnalyzeBench.self, CongruenceBench.self, FaceModelBench.self, BatchBench.self]
    )
}

struct EngineBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine",
        abstract: "ResNet34, a Whisper-tiny-shaped encoder and a CNN training step, against python3-torch.",
        discussion: EngineBenchmark.about
    )

    @OptionGroup var engine: EngineOptions
    @Option(help: "Python with Debian's python3-torch.") var python = "/usr/bin/python3"
    @Option(help: "The reference script.") var script = "Scripts/bench_engine.py"
    @Option(help: "Alternating rounds per row.") var rounds = 3
    @Flag(help: "Skip the Python reference (Swift timings only).") var swiftOnly = false
    @Option(help: "Only rows whose name contains this text (e.g. bf16, fernet).") var only: String?

    func run() throws {
        try engine.apply()
        var bench = EngineBenchmark()
        bench.python = swiftOnly ? nil : python
        bench.script = script
        bench.rounds = rounds
        bench.only = only
        print(try bench.run().markdown)
    }
}

extension BundledModels {
    /// The repository the bundled models came from (shared data is looked up beside it).
    static var repository: URL { directory.deletingLastPathComponent() }
}
