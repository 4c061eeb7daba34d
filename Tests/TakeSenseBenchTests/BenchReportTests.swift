import Foundation
import TakeSenseBench
import Testing

/// Benchmarks are library calls whose Codable results render as the Markdown tables of BENCHMARKS.md.
struct BenchReportTests {
    @Test func tablesRenderAsMarkdownAndRoundTripThroughJSON() throws {
        var table = MarkdownTable(["row", "Swift (ms)", "python3-torch (ms)", "Swift/Python"], alignment: "lrrr")
        table.append(["small CNN train step b64 1x48x48", "12.5", "10.0", "1.25"])
        var report = BenchReport()
        report.note("Machine: 2 cores")
        report.add(table)
        #expect(report.markdown == """
        Machine: 2 cores
        | row | Swift (ms) | python3-torch (ms) | Swift/Python |
        |---|---:|---:|---:|
        | small CNN train step b64 1x48x48 | 12.5 | 10.0 | 1.25 |
        """)
        let decoded = try JSONDecoder().decode(BenchReport.self, from: try JSONEncoder().encode(report))
        #expect(decoded == report)
        #expect(decoded.tables.first?.rows.count == 1)
    }

    /// One row of `bench engine`, Swift side only: the library runs it and reports a time.
    @Test func engineBenchmarkTimesTheSelectedRow() throws {
        var bench = EngineBenchmark()
        bench.python = nil
        bench.rounds = 1
        bench.only = "small CNN"
        let report = try bench.run()
        let table = try #require(report.tables.first)
        #expect(table.rows.count == 1)
        #expect(table.rows[0][0] == "small CNN train step b64 1x48x48")
        let ms = try #require(Double(table.rows[0][1]))
        #expect(ms > 0)
        #expect(table.rows[0][2] == "-")
    }
}
