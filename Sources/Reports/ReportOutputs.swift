import Director
import Foundation

/// The report options of `takesense analyze` in one call: each non-nil option picks a writer.
public enum ReportOutputs {
    /// - Parameters:
    ///   - json: file for `JSONReportWriter`; `-` prints the JSON on standard output.
    ///   - csv: folder for `CSVReportWriter`.
    ///   - html: file for `HTMLReportWriter`.
    ///   - markers: marker format; the files go to `markersDir`, or the current folder without one.
    ///   - fps: frame rate of EDL / marker-CSV timecodes and of the SMPTE times in the HTML.
    /// - Returns: the files written, in the order above.
    @discardableResult
    public static func write(_ comparison: TakeComparison, json: String? = nil, csv: String? = nil, html: String? = nil,
                             markers: MarkerFormat? = nil, markersDir: String? = nil, fps: Int = 25) throws -> [URL] {
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
        if let markers {
            let dir = URL(fileURLWithPath: markersDir ?? FileManager.default.currentDirectoryPath, isDirectory: true)
            written += try markers.writer(fps: fps).write(comparison, to: dir)
        }
        return written
    }
}
