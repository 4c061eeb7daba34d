import Director
import Foundation

/// The report options of `takesense analyze` in one call: each non-nil option picks a writer.
public enum ReportOutputs {
    /// - Parameters:
    ///   - json: file for `JSONReportWriter`; `-` prints the JSON on standard output.
    ///   - csv: folder for `CSVReportWriter`.
    ///   - html: file for `HTMLReportWriter`.
    ///   - markers: marker formats (`<take>.retakes.<ext>` each); the files go to `markersDir`, or the current folder without one.
    ///   - fps: frame rate of the HTML's SMPTE times for a take without a known rate (markers count on each take's own).
    /// - Returns: the files written, in the order above.
    @discardableResult
    public static func write(_ comparison: TakeComparison, json: String? = nil, csv: String? = nil, html: String? = nil,
                             markers: [MarkerFormat] = [], markersDir: String? = nil, fps: Int = 25) throws -> [URL] {
        let comparison = comparison.withSpanTimecodes()
        var written: [URL] = []
        if let json {
            if json == "-" {
                let data = try JSONReportWriter().encode(comparison)
                FileHandle.standardOutput.write(data)
            } else {
                written += try JSONReportWriter().write(comparison, to: URL(fileURLWithPath: json))
            }
        }
        if let csv {
            written += try CSVReportWriter().write(comparison, to: URL(fileURLWithPath: csv, isDirectory: true))
        }
        if let html {
            written += try HTMLReportWriter(fps: fps).write(comparison, to: URL(fileURLWithPath: html))
        }
        for format in markers {
            let dir = URL(fileURLWithPath: markersDir ?? FileManager.default.currentDirectoryPath, isDirectory: true)
            written += try format.writer.write(comparison, to: dir)
        }
        return written
    }
}
