import Datasets
import Director
import Foundation
import Reports
import TakeSenseKit

/// Per-take files a batch writes beside the store (each written whole or not at all: temporary file + rename).
public struct BatchOutputs: Sendable {
    public var jsonDirectory: URL?
    public var htmlDirectory: URL?
    public var markers: [MarkerFormat]
    public var markersDirectory: URL?
    public init(jsonDirectory: URL? = nil, htmlDirectory: URL? = nil, markers: [MarkerFormat] = [], markersDirectory: URL? = nil) {
        self.jsonDirectory = jsonDirectory
        self.htmlDirectory = htmlDirectory
        self.markers = markers
        self.markersDirectory = markersDirectory
    }
}

/// Where a batch is: for the progress line.
public struct BatchProgress: Sendable {
    public var done: Int
    public var total: Int
    public var footageDone: Double
    public var footageTotal: Double
    public var elapsed: Double
    /// Seconds of footage analysed per second of wall time so far in this run (nil before the first take).
    public var rate: Double?
    public var current: String?

    /// `12/40 takes · 31.5/104.0 footage min · ETA 00:42:10 · A003_C012.mov`
    public var line: String {
        let remaining = max(0, footageTotal - footageDone)
        let eta = rate.map { remaining / max($0, 1e-9) }
        return "\(done)/\(total) takes · \(String(format: "%.1f/%.1f", footageDone / 60, footageTotal / 60)) footage min · ETA \(Self.clock(eta))"
            + (current.map { " · \($0)" } ?? "")
    }

    static func clock(_ seconds: Double?) -> String {
        guard let seconds, seconds.isFinite, seconds >= 0 else { return "--:--:--" }
        // A stalled run (rate near 0) over files claiming huge durations gives an ETA past Int's range.
        guard seconds < 360_000 else { return ">99:59:59" }
        let s = Int(seconds.rounded())
        return String(format: "%02d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60)
    }
}

public struct BatchSummary: Sendable, Equatable {
    public var analysed = 0
    public var failed = 0
    /// Done (or failed) before, with the same fingerprint: not analysed again.
    public var skipped = 0
    /// Other shards' takes.
    public var otherShards = 0
    public init() {}
}

/// Runs `analyzer` over the takes of one shard, recording each in `store` as soon as it is done: a killed run
/// loses only the take in progress, and a rerun skips every take already recorded with the same fingerprint.
public struct BatchRunner: Sendable {
    public var store: any TakeStore
    public var analyzer: any TakeAnalyzing
    public var shard: Shard
    public var outputs: BatchOutputs
    /// Analyse again the takes recorded as failed (by default a failure is final for these settings).
    public var retryFailed: Bool

    public init(store: any TakeStore, analyzer: any TakeAnalyzing, shard: Shard = .whole, outputs: BatchOutputs = .init(),
                retryFailed: Bool = false) {
        self.store = store
        self.analyzer = analyzer
        self.shard = shard
        self.outputs = outputs
        self.retryFailed = retryFailed
    }

    public func run(_ inputs: [TakeInput], progress: @Sendable (BatchProgress) -> Void = { _ in }) async throws -> BatchSummary {
        let fingerprint = analyzer.fingerprint
        let stems = Dictionary(zip(inputs.map(\.path), TakeStems.stems(of: inputs.map(\.path))), uniquingKeysWith: { a, _ in a })
        var summary = BatchSummary()
        // Which takes are this shard's, and which are still to do (hashing reads every byte: the key is the content).
        var todo: [(TakeInput, String?)] = []
        for input in inputs {
            let hash: String?
            do { hash = try ContentHash.file(URL(fileURLWithPath: input.path)) } catch { hash = nil }
            // An unreadable file belongs to the shard its path hashes to, so exactly one worker records its failure.
            guard shard.owns(contentHash: hash ?? ContentHash.hex(Data(input.path.utf8))) else {
                summary.otherShards += 1
                continue
            }
            if let existing = try await store.record(contentHash: hash ?? Self.unreadableKey(input.path), fingerprint: fingerprint),
               existing.status == .done || !retryFailed {
                summary.skipped += 1
                // A run killed between the commit and the report files left them missing.
                if existing.status == .done, let analysis = try? existing.analysis() {
                    try writeOutputs(analysis, stem: stems[input.path] ?? "take", onlyMissing: true)
                }
                continue
            }
            todo.append((input, hash))
        }
        let started = Date()
        var state = BatchProgress(done: 0, total: todo.count, footageDone: 0, footageTotal: todo.reduce(0) { $0 + ($1.0.seconds ?? 0) },
                                  elapsed: 0, rate: nil, current: nil)
        for (input, hash) in todo {
            state.current = PathName.last(input.path)
            state.elapsed = Date().timeIntervalSince(started)
            progress(state)
            let url = URL(fileURLWithPath: input.path)
            let t0 = Date()
            var record: TakeRecord
            do {
                guard let hash else { _ = try ContentHash.file(url); throw StoreError(input.path, "cannot read the file") }
                var analysis = try await analyzer.analyze(url)
                analysis.take = input.path
                analysis = analysis.withSpanTimecodes()
                let json = String(decoding: try JSONReportWriter().encode(analysis), as: UTF8.self)
                record = TakeRecord(contentHash: hash, fingerprint: fingerprint, path: input.path, status: .done, analysisJSON: json,
                                    decision: analysis.verdict.decision.rawValue, footageSeconds: analysis.duration,
                                    analysisSeconds: Date().timeIntervalSince(t0))
                try await store.save(record)
                summary.analysed += 1
                try writeOutputs(analysis, stem: stems[input.path] ?? "take", onlyMissing: false)
                state.footageDone += analysis.duration
                if input.seconds == nil { state.footageTotal += analysis.duration }
            } catch let error as StoreError where error.location == store.location {
                throw error
            } catch {
                record = TakeRecord(contentHash: hash ?? Self.unreadableKey(input.path), fingerprint: fingerprint,
                                    path: input.path, status: .failed, error: Self.oneLine(error, file: input.path),
                                    analysisSeconds: Date().timeIntervalSince(t0))
                try await store.save(record)
                summary.failed += 1
                state.footageDone += input.seconds ?? 0
            }
            state.done += 1
            state.elapsed = Date().timeIntervalSince(started)
            state.rate = state.footageDone > 0 ? state.footageDone / max(state.elapsed, 1e-6) : nil
            state.current = nil
            progress(state)
        }
        return summary
    }

    private func writeOutputs(_ analysis: TakeAnalysis, stem: String, onlyMissing: Bool) throws {
        let fm = FileManager.default
        let json = outputs.jsonDirectory?.appendingPathComponent("\(stem).json").path
        let html = outputs.htmlDirectory?.appendingPathComponent("\(stem).html").path
        let markersDir = outputs.markers.isEmpty ? nil : (outputs.markersDirectory?.path ?? fm.currentDirectoryPath)
        let markerFiles = outputs.markers.map { "\(markersDir ?? ".")/\(TakeStems.stem(of: analysis.take)).retakes.\($0.writer.fileExtension)" }
        if onlyMissing, ([json, html].compactMap { $0 } + markerFiles).allSatisfy({ fm.fileExists(atPath: $0) }) { return }
        let fps = analysis.frameRate.map { Int($0.rounded()) } ?? 25
        try ReportOutputs.write(TakeComparison(single: analysis), json: json, html: html, markers: outputs.markers, markersDir: markersDir,
                                fps: max(1, fps))
    }

    /// The key of a file that could not be read (no content to hash): its path.
    static func unreadableKey(_ path: String) -> String { ContentHash.hex(Data("unreadable:\(path)".utf8)) }

    /// One line naming the file and the problem.
    public static func oneLine(_ error: any Error, file: String) -> String { TakeError(file: file, error).description }
}
