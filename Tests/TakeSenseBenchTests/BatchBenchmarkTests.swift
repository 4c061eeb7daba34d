import Foundation
import TakeSenseBench
import Testing

/// `bench batch`'s table, from given timings (the real run starts takesense processes; the CLI's smoke run covers it).
struct BatchBenchmarkTests {
    @Test func reportRendersThroughputAndMemoryAgainstTheBatch() throws {
        // 3 takes of 20 s: 1 footage minute.
        let batch = ChildrenTiming(seconds: 18, peakMiB: 447, firstHalfMiB: 373, secondHalfMiB: 447)
        let result = BatchBenchmark.Result(takes: 3, seconds: 20, runs: [
            .init("ffmpeg -i take -f null - (decoding only)", ChildrenTiming(seconds: 9, peakMiB: 101, firstHalfMiB: 101, secondHalfMiB: 99)),
            .init("`takesense batch` (1 process)", batch),
        ], batch: batch)
        let report = BatchBenchmark.report(result)
        let table = try #require(report.tables.first)
        #expect(table.columns == ["run", "wall s", "takes per hour", "footage min per wall min", "vs batch", "peak RSS MiB (1st half / 2nd half)"])
        #expect(table.rows == [
            ["ffmpeg -i take -f null - (decoding only)", "9.0", "1200", "6.67", "0.50x", "101 (101 / 99)"],
            ["`takesense batch` (1 process)", "18.0", "600", "3.33", "1.00x", "447 (373 / 447)"],
        ])
        #expect(report.markdown.hasPrefix("""
        | run | wall s | takes per hour | footage min per wall min | vs batch | peak RSS MiB (1st half / 2nd half) |
        |---|---:|---:|---:|---:|---|
        """))
    }

    @Test func aBadFrameSizeIsOneLineNamingTheOption() {
        var bench = BatchBenchmark(executable: "/bin/false", sample: "/nonexistent.mp4")
        bench.size = "1920"
        bench.workDir = FileManager.default.temporaryDirectory.appendingPathComponent("batch-bench-test-\(getpid())").path
        let error = #expect(throws: BenchError.self) { _ = try bench.run { _ in } }
        #expect(error?.description == "--size must be WxH, got 1920")
    }
}
