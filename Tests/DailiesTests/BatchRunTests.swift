@testable import Dailies
import Foundation
import Testing

/// The pieces `batch run`, `batch report` and `correlate --store` call (`Sources/Dailies/BatchRun.swift`).
@Suite("Batch run helpers: shard choice, store names, summary line, store reports")
struct BatchRunTests {
    @Test("The progress line's ETA: clock time, dashes before the first take, and a cap instead of a trap when stalled")
    func progressETA() {
        var p = BatchProgress(done: 1, total: 4, footageDone: 60, footageTotal: 240, elapsed: 30, rate: 2, current: "A.mov")
        #expect(p.line == "1/4 takes · 1.0/4.0 footage min · ETA 00:01:30 · A.mov")
        p.rate = nil
        #expect(p.line.contains("ETA --:--:--"))
        // A stalled run (rate 0) over files claiming 9e12 s each: the ETA is past Int's range.
        p.rate = 0
        p.footageTotal = 9e12
        #expect(p.line.contains("ETA >99:59:59"))
    }

    @Test("--shard wins over the environment, which wins over the whole batch")
    func shardChoice() throws {
        let slurm = ["SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "4"]
        #expect(try Shard.choose("1/4", environment: slurm, completions: nil) == Shard(index: 1, count: 4))
        #expect(try Shard.choose(nil, environment: slurm, completions: nil) == Shard(index: 3, count: 4))
        #expect(try Shard.choose(nil, environment: [:], completions: 8) == .whole)
        #expect(throws: StoreError.self) { try Shard.choose("4/4", environment: [:], completions: nil) }
    }

    @Test("A store's password never appears in what is printed")
    func shownLocation() {
        #expect(TakeStores.shown("postgres://dit:s3cret@db.local:5432/dailies") == "postgres://dit:***@db.local:5432/dailies")
        #expect(TakeStores.shown("postgres://dit@db.local/dailies") == "postgres://dit@db.local/dailies")
        #expect(TakeStores.shown("day1/store.sqlite") == "day1/store.sqlite")
    }

    @Test("The summary line counts other shards only when sharded")
    func summaryLine() throws {
        var summary = BatchSummary()
        summary.analysed = 3
        summary.skipped = 2
        summary.otherShards = 5
        #expect(summary.line(shard: .whole, store: "s.sqlite") == "batch: 3 analysed, 0 failed, 2 already in the store → s.sqlite")
        #expect(summary.line(shard: try Shard(index: 1, count: 4), store: "postgres://a:b@h/d")
            == "batch (shard 1/4): 3 analysed, 0 failed, 2 already in the store, 5 for other shards → postgres://a:***@h/d")
    }

    @Test("A store is closed after a failing body (it opens again); an empty store reports no takes")
    func storeUse() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("takesense-batchrun-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let location = dir.appendingPathComponent("store.sqlite").path
        await #expect(throws: StoreError.self) {
            try await TakeStores.using(location) { _ -> Int in throw StoreError(location, "body failed") }
        }
        let report = try await TakeStores.report(location)
        #expect(report.records.isEmpty && report.analyses.isEmpty)
        #expect(report.summaryLine == "0 takes (0.0 footage min): 0 keep, 0 retake, 0 unsure, 0 failed")
    }
}
