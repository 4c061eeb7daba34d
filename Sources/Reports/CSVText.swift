import CSV
import Foundation

/// RFC 4180 CSV text from rows of fields, through CSV.swift's `CSVWriter` (fields with a comma, quote
/// or line break are quoted, quotes doubled). LF line ends, a final newline, UTF-8 without BOM.
enum CSVText {
    static func render(header: [String], rows: [[String]]) throws -> String {
        let stream = OutputStream(toMemory: ())
        let writer = try CSVWriter(stream: stream)
        try writer.write(row: header)
        for row in rows { try writer.write(row: row) }
        // Read the bytes before the writer (which closes the stream on deinit) goes away.
        guard let data = stream.property(forKey: .dataWrittenToMemoryStreamKey) as? Data else {
            throw CSVError.cannotWriteStream
        }
        withExtendedLifetime(writer) {}
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}

/// Number and value formatting shared by the CSV files.
enum CSVField {
    /// Seconds with millisecond precision: "12.400".
    static func seconds(_ x: Double) -> String { number(x, decimals: 3) }
    /// A probability or share: "0.7123".
    static func probability(_ x: Double?) -> String { x.map { number($0, decimals: 4) } ?? "" }
    /// Pixels: "412.5".
    static func pixels(_ x: Double) -> String { number(x, decimals: 1) }
    static func bool(_ b: Bool?) -> String { b.map { $0 ? "true" : "false" } ?? "" }

    static func number(_ x: Double, decimals: Int) -> String {
        guard x.isFinite else { return "" }
        let s = String(format: "%.\(decimals)f", x)
        return s == "-" + String(format: "%.\(decimals)f", 0.0) ? String(s.dropFirst()) : s
    }
}
