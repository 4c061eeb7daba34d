import Director
import Foundation

/// The report options of `takesense analyze` in one call: each non-nil option picks a writer.
extension TakeComparison {
    /// The frame rate marker files fall back on for a take without a rate of its own (each take's own source
    /// timecode and rate come first): the first take's rate, else 25.
    public var fallbackFPS: Int { max(1, takes.compactMap(\.frameRate).first.map { Int($0.rounded()) } ?? 25) }
}

public enum ReportOutputs {
    /// - Parameters:
    ///   - json: file for `JSONReportWriter`; `-` prints the JSON on standard output.
    ///   - csv: folder for `CSVReportWriter`.
    ///   - html: file for `HTMLReportWriter`.
    ///   - markers: marker formats (`<take>.retakes.<ext>` each); the files go to `markersDir`, or the current folder without one.
    ///   - fps: frame rate of the HTML's SMPTE times for a take without a known rate (markers count on each take's own).
    ///   - protecting: inputs that no output may replace (checked again before the set is committed).
    /// - Returns: the files written, in the order above.
    ///
    /// The files are replaced together (`OutputSet`): all are staged, then renamed, the JSON last; when any
    /// writer fails, none of the old files is touched.
    @discardableResult
    public static func write(_ comparison: TakeComparison, json: String? = nil, csv: String? = nil, html: String? = nil,
                             markers: [MarkerFormat] = [], markersDir: String? = nil, fps: Int = 25,
                             protecting: InputProtection = InputProtection()) throws -> [URL] {
        let comparison = comparison.withSpanTimecodes()
        let last = json.flatMap { $0 == "-" ? nil : URL(fileURLWithPath: $0) }
        return try OutputSet.replaceTogether(protecting: protecting, last: last) {
            try writeFiles(comparison, json: json, csv: csv, html: html, markers: markers, markersDir: markersDir, fps: fps)
        }
    }

    /// Refuses, before any work, outputs that would replace one of `takes` (or another protected input):
    /// the JSON and HTML files, and the files the CSV and marker writers will create in their folders.
    public static func checkOutputs(takes: [String], json: String? = nil, csv: String? = nil, html: String? = nil,
                                    markers: [MarkerFormat] = [], markersDir: String? = nil,
                                    protecting: InputProtection) throws {
        try protecting.check("--json", json)
        try protecting.check("--html", html)
        let stems = TakeStems.stems(of: takes)
        try protecting.check("--csv", directory: csv,
                             names: stems.flatMap { ["\($0).frames.csv", "\($0).segments.csv", "\($0).spans.csv"] } + ["takes.csv"])
        if !markers.isEmpty {
            try protecting.check("--markers-dir", directory: markersDir ?? FileManager.default.currentDirectoryPath,
                                 names: markers.flatMap { format in stems.map { "\($0).retakes.\(format.writer.fileExtension)" } })
        }
    }

    private static func writeFiles(_ comparison: TakeComparison, json: String?, csv: String?, html: String?,
                                   markers: [MarkerFormat], markersDir: String?, fps: Int) throws -> [URL] {
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
