import Foundation

/// A benchmark's result as printed and pasted into BENCHMARKS.md: lines of text (machine, settings,
/// notes) and Markdown tables, in order. Codable, so a run can also be kept as JSON.
public struct BenchReport: Codable, Sendable, Equatable {
    public enum Block: Codable, Sendable, Equatable {
        case text(String)
        case table(MarkdownTable)
    }

    public var blocks: [Block] = []

    public init() {}

    public mutating func note(_ line: String) { blocks.append(.text(line)) }
    public mutating func add(_ table: MarkdownTable) { blocks.append(.table(table)) }

    /// The tables, in order.
    public var tables: [MarkdownTable] {
        blocks.compactMap { if case .table(let t) = $0 { return t } else { return nil } }
    }

    public var markdown: String {
        blocks.map { block -> String in
            switch block {
            case .text(let line): return line
            case .table(let table): return table.markdown
            }
        }.joined(separator: "\n")
    }
}

/// One Markdown table: a header, each column's alignment, and rows of already formatted cells.
public struct MarkdownTable: Codable, Sendable, Equatable {
    public var columns: [String]
    /// `true` for a right-aligned (numeric) column.
    public var rightAligned: [Bool]
    public var rows: [[String]] = []

    /// `alignment` has one letter per column: `l` (left) or `r` (right); missing letters are `l`.
    public init(_ columns: [String], alignment: String = "") {
        self.columns = columns
        let letters = Array(alignment)
        rightAligned = columns.indices.map { $0 < letters.count && letters[$0] == "r" }
    }

    public mutating func append(_ cells: [String]) { rows.append(cells) }

    public var markdown: String {
        func line(_ cells: [String]) -> String { "| " + cells.joined(separator: " | ") + " |" }
        let separator = "|" + rightAligned.map { $0 ? "---:|" : "---|" }.joined()
        return ([line(columns), separator] + rows.map(line)).joined(separator: "\n")
    }
}

/// A benchmark that cannot run (missing data, a reference that fails): one line naming the problem.
public struct BenchError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ message: String) { description = message }
}

func f1(_ x: Double) -> String { String(format: "%.1f", x) }
func f2(_ x: Double) -> String { String(format: "%.2f", x) }
func f3(_ x: Double) -> String { String(format: "%.3f", x) }

/// Lines in progress (rounds, generated files) go to the caller as they happen; the report comes at the end.
public typealias BenchLog = @Sendable (String) -> Void
