import Correlation
import Director
import Foundation
import Reports

/// `takesense batch run`, `batch report`, `watch` and `correlate --store` as library calls: the CLI parses its
/// options and calls these.
extension TakeStores {
    /// Opens the store at `location`, runs `body` with it and closes it, also when `body` throws.
    public static func using<T: Sendable>(_ location: String, _ body: (any TakeStore) async throws -> T) async throws -> T {
        let store = try await open(location)
        do {
            let result = try await body(store)
            try await store.close()
            return result
        } catch {
            try? await store.close()
            throw error
        }
    }

    /// The store's records, each take's newest analysis once (a take analysed with several settings appears once).
    public static func report(_ location: String) async throws -> DailiesReport {
        let records = try await using(location) { try await $0.latestPerTake() }
        do { return try DailiesReport(records: records) } catch { throw StoreError(location, "\(error)") }
    }

    /// A store's name without its password, for logs.
    public static func shown(_ location: String) -> String {
        guard location.contains("://"), var url = URLComponents(string: location), url.password != nil else { return location }
        url.password = "***"
        return url.string ?? location
    }
}

extension Shard {
    /// The shard `--shard I/N` names, else the one an array job's environment names (`fromEnvironment`), else the
    /// whole batch.
    public static func choose(_ text: String?, environment: [String: String], completions: Int?) throws -> Shard {
        try text.map(parse) ?? fromEnvironment(environment, completions: completions) ?? .whole
    }
}

extension BatchRunner {
    /// `takesense batch run --help`'s explanation of inputs, resuming, failures, fingerprints and shards.
    public static let about = """
    INPUT: video files, folders (searched recursively; video files found by probing the container), glob patterns \
    ('day1/*.mov', quoted) or manifest CSVs (rows path[,label]). Each finished take is committed to the store on \
    its own: after a kill, run the same command again and only the missing takes are analysed. A take that fails \
    is recorded with its one-line error and the batch goes on (exit 1 at the end). Changed settings or model \
    files make a new fingerprint, and the takes are analysed again.
    Many machines: --shard I/N (0-based) takes the takes whose content hash is I modulo N; without it, Slurm \
    job-array variables (SLURM_ARRAY_TASK_ID/COUNT/MIN) or a Kubernetes Indexed Job's JOB_COMPLETION_INDEX (with \
    --shard-count or TAKESENSE_SHARD_COUNT) choose the shard. Several machines share --store postgres://user@host/db.
    """

    /// Runs the takes into the store at `location` (opened and closed here); `progress` as in `run(_:progress:)`.
    public static func run(_ takes: [TakeInput], store location: String, analyzer: any TakeAnalyzing, shard: Shard, outputs: BatchOutputs,
                           retryFailed: Bool, progress: @Sendable (BatchProgress) -> Void) async throws -> BatchSummary {
        try await TakeStores.using(location) { store in
            try await BatchRunner(store: store, analyzer: analyzer, shard: shard, outputs: outputs, retryFailed: retryFailed)
                .run(takes, progress: progress)
        }
    }
}

extension BatchSummary {
    /// `batch (shard 1/4): 3 analysed, 0 failed, 2 already in the store, 5 for other shards → day1.sqlite`
    public func line(shard: Shard, store: String) -> String {
        let shardText = shard.count > 1 ? " (shard \(shard))" : ""
        return "batch\(shardText): \(analysed) analysed, \(failed) failed, \(skipped) already in the store"
            + (shard.count > 1 ? ", \(otherShards) for other shards" : "") + " → \(TakeStores.shown(store))"
    }

    /// The failure the batch ends with (exit 1) when takes failed or `problems` inputs could not be read, else nil.
    public func failureLine(problems: Int) -> String? {
        guard failed > 0 || problems > 0 else { return nil }
        return "\(failed + problems) input(s) failed; their errors are in the store (takesense batch report)"
    }
}

/// The batch's progress on standard error: a terminal gets one line redrawn; a log (Slurm, Kubernetes) a line per take.
public struct BatchProgressLog: Sendable {
    public var terminal: Bool
    public var quiet: Bool

    public init(terminal: Bool = isatty(STDERR_FILENO) == 1, quiet: Bool) {
        self.terminal = terminal
        self.quiet = quiet
    }

    public func show(_ p: BatchProgress) {
        guard !quiet else { return }
        if terminal {
            FileHandle.standardError.write(Data("\r\u{1B}[K\(p.line)".utf8))
        } else if p.current == nil {
            FileHandle.standardError.write(Data("\(p.line)\n".utf8))
        }
    }

    /// Ends the redrawn line.
    public func finish() {
        if terminal, !quiet { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}

extension BatchOutputs {
    /// The per-take files of folders given by path, checked first: no report file may replace a take or the store.
    public init(checking takes: [TakeInput], store: String, jsonDirectory: String?, htmlDirectory: String?, markers: [MarkerFormat],
                markersDirectory: String?) throws {
        let protection = InputProtection(inputs: takes.map(\.path) + [store])
        let stems = TakeStems.stems(of: takes.map(\.path))
        try protection.check("--json-dir", directory: jsonDirectory, names: stems.map { "\($0).json" })
        try protection.check("--html-dir", directory: htmlDirectory, names: stems.map { "\($0).html" })
        self.init(jsonDirectory: jsonDirectory.map { URL(fileURLWithPath: $0, isDirectory: true) },
                  htmlDirectory: htmlDirectory.map { URL(fileURLWithPath: $0, isDirectory: true) }, markers: markers,
                  markersDirectory: markersDirectory.map { URL(fileURLWithPath: $0, isDirectory: true) })
    }
}

extension DailiesReport {
    /// `takesense batch report --help`'s explanation of what is reported.
    public static let about = """
    Each take's newest analysis is reported (a take analysed with several settings appears once). The HTML \
    dashboard groups the takes by folder with the decision counts and links each take to its report, written \
    beside it in <dashboard>-reports/. --correlation writes the study's correlation across all takes (.json: \
    JSON, otherwise HTML) and prints its summary.
    """

    /// The study's correlation across the analysed takes of the store at `store`.
    public func correlation(store: String) throws -> CorrelationReport {
        do { return CorrelationStudy.run(try SceneTable(analyses: analyses)) } catch { throw StoreError(store, "\(error)") }
    }
}
