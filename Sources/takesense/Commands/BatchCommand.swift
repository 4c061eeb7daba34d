import ArgumentParser
import Dailies
import Foundation
import Reports

/// `takesense batch`: a day of takes into a resumable store, optionally one shard of many machines.
struct BatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch",
        abstract: "Analyse a day of takes into a resumable store (SQLite file or shared PostgreSQL); `batch report` sums it up.",
        subcommands: [BatchRun.self, BatchReport.self],
        defaultSubcommand: BatchRun.self
    )
}

struct BatchRun: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Analyse takes into a store; takes already recorded with the same settings and models are skipped.",
        discussion: BatchRunner.about
    )

    @Argument(help: "Video files, folders, glob patterns or manifest CSVs.") var inputs: [String]
    @Option(help: "The store: an SQLite file (created when missing) or postgres://user[:password]@host[:port]/database.")
    var store: String
    @Option(help: "Write each take's analysis JSON into this folder (<take>.json).") var jsonDir: String?
    @Option(help: "Write each take's HTML report into this folder (<take>.html).") var htmlDir: String?
    @Option(help: "Export each take's spans as markers, comma-separated formats (see analyze --markers), into --markers-dir.")
    var markers: String?
    @Option(help: "Folder for marker files (default: the current folder).") var markersDir: String?
    @Option(help: "This worker's part of the batch, I/N (0-based).") var shard: String?
    @Option(help: "The number of parts of a Kubernetes Indexed Job (its completions), read with JOB_COMPLETION_INDEX.") var shardCount: Int?
    @Flag(help: "Analyse again the takes recorded as failed.") var retryFailed = false
    @Flag(help: "No progress line.") var quiet = false
    @OptionGroup var analysis: AnalysisOptions

    func validate() throws {
        if let markers { do { _ = try MarkerFormat.list(markers) } catch { throw ValidationError("\(error)") } }
        if let shard { do { _ = try Shard.parse(shard) } catch { throw ValidationError("\(error)") } }
    }

    func run() throws {
        acceptTerminationSignals()
        let chosen = try Shard.choose(shard, environment: ProcessInfo.processInfo.environment, completions: shardCount)
        let found = TakeInputs.discover(inputs)
        for problem in found.problems { FileHandle.standardError.write(Data("error: \(problem)\n".utf8)) }
        guard !found.takes.isEmpty else { throw Failure("no takes found in \(inputs.joined(separator: ", "))") }
        let outputs = try BatchOutputs(checking: found.takes, store: store, jsonDirectory: jsonDir, htmlDirectory: htmlDir,
                                       markers: try markers.map { try MarkerFormat.list($0) } ?? [], markersDirectory: markersDir)
        let analyzer = try analysis.makeTakeSense()
        let (location, takes, retry, log) = (store, found.takes, retryFailed, BatchProgressLog(quiet: quiet))
        let summary = try waitFor {
            let summary = try await BatchRunner.run(takes, store: location, analyzer: analyzer, shard: chosen, outputs: outputs,
                                                    retryFailed: retry, progress: log.show)
            log.finish()
            return summary
        }
        print(summary.line(shard: chosen, store: store))
        if let failure = summary.failureLine(problems: found.problems.count) {
            FileHandle.standardError.write(Data("error: \(failure)\n".utf8))
            throw ExitCode(1)
        }
    }
}

/// `takesense batch report`: the day's summary out of a store.
struct BatchReport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Sum up a store: JSON (analyze's schema for several takes), HTML dashboard, CSV tables, correlation across the takes.",
        discussion: DailiesReport.about
    )
    @Option(help: "The store (SQLite file or postgres:// URL).") var store: String
    @Option(help: "Write the takes as JSON ({takes, ranking}); '-' for standard output.") var json: String?
    @Option(help: "Write the HTML dashboard.") var html: String?
    @Option(help: "Write the CSV tables into this folder.") var csv: String?
    @Option(help: "Write the correlation across the takes (.json or .html).") var correlation: String?

    func run() throws {
        let location = store
        let report = try waitFor { try await TakeStores.report(location) }
        FileHandle.standardError.write(Data("\(report.summaryLine)\n".utf8))
        if json != nil || csv != nil {
            guard !report.analyses.isEmpty else { throw Failure("\(store): no analysed takes to report") }
            try ReportOutputs.write(report.comparison, json: json, csv: csv)
        }
        if let html {
            for url in try report.writeDashboard(to: URL(fileURLWithPath: html)) where json != "-" {
                FileHandle.standardError.write(Data("wrote \(url.path)\n".utf8))
            }
        }
        if let correlation {
            let study = try report.correlation(store: store)
            print(study.text)
            try study.write(to: correlation)
        }
    }
}
