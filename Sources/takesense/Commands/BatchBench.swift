import ArgumentParser
import Foundation
import TakeSenseBench

/// `takesense bench batch`: throughput and memory of `batch` against one `analyze` process per take and against
/// `ffmpeg -i take -f null -` decoding (the benchmark is `BatchBenchmark` in TakeSenseBench).
struct BatchBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch",
        abstract: "Takes per hour and footage minutes per wall minute: batch vs one analyze per take vs ffmpeg decoding; peak memory over the batch.",
        discussion: BatchBenchmark.about
    )
    @Option(help: "Number of generated takes.") var takes = 20
    @Option(help: "Length of each take in seconds.") var seconds = 60.0
    @Option(help: "Frame size of the generated takes.") var size = "1920x1080"
    @Option(help: "Folder for the takes and stores (default: a new temporary folder).") var work: String?
    @Flag(help: "Also run the batch as two shard processes with one thread each (the parallelism choice).") var shards = false

    func run() throws {
        try oneLine {
            var bench = BatchBenchmark(
                executable: URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path,
                sample: BundledModels.directory.deletingLastPathComponent().appendingPathComponent("Samples/sample-take.mp4").path
            )
            bench.takes = takes
            bench.seconds = seconds
            bench.size = size
            bench.workDir = work
            bench.shards = shards
            print(try bench.run { FileHandle.standardError.write(Data("bench batch: \($0)\n".utf8)) }.markdown)
        }
    }
}
