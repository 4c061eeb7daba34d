import ArgumentParser
import Correlation
import Dailies
import Director
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
        discussion: """
        INPUT: video files, folders (searched recursively; video files found by probing the container), glob patterns \
        ('day1/*.mov', quoted) or manifest CSVs (rows path[,label]). Each finished take is committed to the store on \
        its own: after a kill, run the same command again and only the missing takes are analysed. A take that fails \
        is recorded with its one-line error and the batch goes on (exit 1 at the end). Changed settings or model \
        files make a new fingerprint, and the takes are analysed again.
        Many machines: --shard I/N (0-based) takes the takes whose content hash is I modulo N; without it, Slurm \
        job-array variables (SLURM_ARRAY_TASK_ID/COUNT/MIN) or a Kubernetes Indexed Job's JOB_COMPLETION_INDEX (with \
        --shard-count or TAKESENSE_SHARD_COUNT) choose the shard. Several machines share --store postgres://user@host/db.
        """
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
        let chosen: Shard
        do {
            chosen = try shard.map(Shard.parse) ?? Shard.fromEnvironment(ProcessInfo.processInfo.environment, completions: shardCount) ?? .whole
        } catch { throw Failure("\(error)") }
        let found = TakeInputs.discover(inputs)
        for problem in found.problems { FileHandle.standardError.write(Data("error: \(problem)\n".utf8)) }
        guard !found.takes.isEmpty else { throw Failure("no takes found in \(inputs.joined(separator: ", "))") }
        // Report files may not replace a take.
        let protection = InputProtection(inputs: found.takes.map(\.path) + [store])
        do {
            let stems = TakeStems.stems(of: found.takes.map(\.path))
            try protection.check("--json-dir", directory: jsonDir, names: stems.map { "\($0).json" })
            try protection.check("--html-dir", directory: htmlDir, names: stems.map { "\($0).html" })
        } catch { throw Failure("\(error)") }
        let analyzer = try analysis.makeTakeSense()
        let outputs = BatchOutputs(jsonDirectory: jsonDir.map { URL(fileURLWithPath: $0, isDirectory: true) },
                                   htmlDirectory: htmlDir.map { URL(fileURLWithPath: $0, isDirectory: true) },
                                   markers: try markers.map { try MarkerFormat.list($0) } ?? [],
                                   markersDirectory: markersDir.map { URL(fileURLWithPath: $0, isDirectory: true) })
        let location = store, takes = found.takes, retry = retryFailed, quiet = quiet
        let terminal = isatty(STDERR_FILENO) == 1
        let summary = try waitFor { () async throws -> BatchSummary in
            let store: any TakeStore
            do { store = try await TakeStores.open(location) } catch { throw Failure("\(error)") }
            let runner = BatchRunner(store: store, analyzer: analyzer, shard: chosen, outputs: outputs, retryFailed: retry)
            do {
                let summary = try await runner.run(takes) { p in
                    guard !quiet else { return }
                    // A terminal gets one line redrawn; a log (Slurm, Kubernetes) a line per take.
                    if terminal { FileHandle.standardError.write(Data("\r\u{1B}[K\(p.line)".utf8)) } else if p.current == nil {
                        FileHandle.standardError.write(Data("\(p.line)\n".utf8))
                    }
                }
                if terminal, !quiet { FileHandle.standardError.write(Data("\n".utf8)) }
                try await store.close()
                return summary
            } catch {
                try? await store.close()
                throw Failure("\(error)")
            }
        }
        let shardText = chosen.count > 1 ? " (shard \(chosen))" : ""
        print("batch\(shardText): \(summary.analysed) analysed, \(summary.failed) failed, \(summary.skipped) already in the store"
            + (chosen.count > 1 ? ", \(summary.otherShards) for other shards" : "") + " → \(Self.shown(store))")
        if summary.failed > 0 || !found.problems.isEmpty {
            FileHandle.standardError.write(Data(("error: \(summary.failed + found.problems.count) input(s) failed; "
                + "their errors are in the store (takesense batch report)\n").utf8))
            throw ExitCode(1)
        }
    }

    /// A store's name without its password.
    static func shown(_ location: String) -> String {
        guard location.contains("://"), var url = URLComponents(string: location), url.password != nil else { return location }
        url.password = "***"
        return url.string ?? location
    }
}

/// `takesense batch report`: the day's summary out of a store.
struct BatchReport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Sum up a store: JSON (analyze's schema for several takes), HTML dashboard, CSV tables, correlation across the takes.",
        discussion: """
        Each take's newest analysis is reported (a take analysed with several settings appears once). The HTML \
        dashboard groups the takes by folder with the decision counts and links each take to its report, written \
        beside it in <dashboard>-reports/. --correlation writes the study's correlation across all takes (.json: \
        JSON, otherwise HTML) and prints its summary.
        """
    )
    @Option(help: "The store (SQLite file or postgres:// URL).") var store: String
    @Option(help: "Write the takes as JSON ({takes, ranking}); '-' for standard output.") var json: String?
    @Option(help: "Write the HTML dashboard.") var html: String?
    @Option(help: "Write the CSV tables into this folder.") var csv: String?
    @Option(help: "Write the correlation across the takes (.json or .html).") var correlation: String?

    func run() throws {
        let location = store
        let records = try waitFor { () async throws -> [TakeRecord] in
            do {
                let store = try await TakeStores.open(location)
                let records = try await store.latestPerTake()
                try await store.close()
                return records
            } catch { throw Failure("\(error)") }
        }
        let report: DailiesReport
        do { report = try DailiesReport(records: records) } catch { throw Failure("\(store): \(error)") }
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
            let table: SceneTable
            do { table = try SceneTable(analyses: report.analyses) } catch { throw Failure("\(store): \(error)") }
            let study = CorrelationStudy.run(table)
            print(study.text)
            let data = correlation.lowercased().hasSuffix(".json") ? try study.jsonData() : Data(CorrelationHTML.render(study).utf8)
            do { try data.write(to: URL(fileURLWithPath: correlation), options: .atomic) } catch {
                throw Failure("\(correlation): cannot write: \(error.localizedDescription)")
            }
        }
    }
}

/// The analysed takes of a store (each take's newest analysis), for `correlate --store`.
enum DailiesStoreReading {
    static func analyses(_ location: String) throws -> [TakeAnalysis] {
        try waitFor {
            do {
                let store = try await TakeStores.open(location)
                let records = try await store.latestPerTake()
                try await store.close()
                return try DailiesReport(records: records).analyses
            } catch { throw Failure("\(error)") }
        }
    }
}
