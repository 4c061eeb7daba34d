import Datasets
import Director
import Foundation
import Reports

/// The day's summary out of a store's records: the analysed takes ranked (analyze's several-take schema), the
/// failures, and the HTML dashboard (takes grouped by folder, decision counts, links to each take's report).
public struct DailiesReport: Sendable {
    public var records: [TakeRecord]
    /// Done takes' analyses, by path.
    public var analyses: [TakeAnalysis]
    public var failures: [TakeRecord]

    public init(records: [TakeRecord]) throws {
        self.records = records
        var analyses: [TakeAnalysis] = []
        for r in records where r.status == .done {
            do {
                if let a = try r.analysis() { analyses.append(a) }
            } catch {
                throw StoreError(r.path, "the stored analysis is unreadable: \(error)")
            }
        }
        self.analyses = analyses
        failures = records.filter { $0.status == .failed }
    }

    public var comparison: TakeComparison { TakeComparison(ranking: analyses) }

    public func count(_ d: Verdict.Decision) -> Int { analyses.filter { $0.verdict.decision == d }.count }

    public var summaryLine: String {
        let footage = analyses.reduce(0) { $0 + $1.duration } / 60
        return "\(records.count) takes (\(String(format: "%.1f", footage)) footage min): \(count(.keep)) keep, \(count(.retake)) retake, "
            + "\(count(.unsure)) unsure, \(failures.count) failed"
    }

    /// Writes the dashboard at `url` and each take's report in `<name>-reports/<id>.html` (each file whole or not at all).
    @discardableResult
    public func writeDashboard(to url: URL) throws -> [URL] {
        let folderName = url.deletingPathExtension().lastPathComponent + "-reports"
        let folder = url.deletingLastPathComponent().appendingPathComponent(folderName, isDirectory: true)
        var written: [URL] = []
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for r in records where r.status == .done {
                guard let html = try Self.takeReport(r) else { continue }
                let file = folder.appendingPathComponent("\(r.id).html")
                try Data(html.utf8).write(to: file, options: .atomic)
                written.append(file)
            }
            try Data(dashboard(reportsFolder: folderName).utf8).write(to: url, options: .atomic)
            written.append(url)
        } catch let e as StoreError { throw e } catch let e as ReportError { throw e } catch {
            throw StoreError(url.path, "cannot write: \(error.localizedDescription)")
        }
        return written
    }

    /// One take's HTML report (analyze's), from its stored analysis.
    public static func takeReport(_ record: TakeRecord) throws -> String? {
        guard let analysis = try record.analysis() else { return nil }
        let fps = analysis.frameRate.map { Int($0.rounded()) } ?? 25
        return try HTMLReportWriter(fps: max(1, fps), title: "TakeSense: \(TakeStems.stem(of: analysis.take))").render(analysis)
    }

    /// The dashboard page: self-contained, no script, no outside resource.
    public func dashboard(reportsFolder: String) -> String {
        let groups = Dictionary(grouping: records) { PathName.directory($0.path) }
        var html = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>TakeSense dailies</title>
        <style>
        body{font-family:system-ui,sans-serif;margin:2em;background:#fafafa;color:#222}
        table{border-collapse:collapse;width:100%;margin-bottom:2em}td,th{padding:.35em .6em;border-bottom:1px solid #ddd;text-align:left}
        .keep{color:#1a7f37;font-weight:700}.retake{color:#c62828;font-weight:700}.unsure{color:#9a6700;font-weight:700}.failed{color:#666;font-weight:700}
        .counts span{display:inline-block;margin-right:1.5em;font-size:1.3em}
        </style></head><body>
        <h1>TakeSense dailies</h1>
        <p class="counts"><span class="keep">\(count(.keep)) keep</span><span class="retake">\(count(.retake)) retake</span>
        <span class="unsure">\(count(.unsure)) unsure</span><span class="failed">\(failures.count) failed</span>
        <span>\(records.count) takes, \(String(format: "%.1f", analyses.reduce(0) { $0 + $1.duration } / 60)) footage min</span></p>

        """
        for folder in groups.keys.sorted() {
            let rows = groups[folder, default: []].sorted { $0.path < $1.path }
            html += "<h2>\(Self.escape(folder.isEmpty ? "." : folder))</h2>\n"
                + "<table><tr><th>Take</th><th>Decision</th><th>Face</th><th>Voice</th><th>Reasons</th></tr>\n"
            for r in rows {
                let name = Self.escape(PathName.last(r.path))
                if r.status == .failed {
                    html += "<tr><td>\(name)</td><td class=\"failed\">FAILED</td><td></td><td></td><td>\(Self.escape(r.error ?? ""))</td></tr>\n"
                    continue
                }
                let a = try? r.analysis()
                let decision = a?.verdict.decision.rawValue ?? r.decision ?? "?"
                html += "<tr><td><a href=\"\(Self.escape(reportsFolder))/\(r.id).html\">\(name)</a></td>"
                    + "<td class=\"\(decision)\">\(decision.uppercased())</td>"
                    + "<td>\(Self.escape(a?.face.emotion ?? "–"))</td><td>\(Self.escape(a?.voice.emotion ?? "–"))</td>"
                    + "<td>\(Self.escape(a?.verdict.reasons.first ?? ""))</td></tr>\n"
            }
            html += "</table>\n"
        }
        return html + "</body></html>\n"
    }

    public static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
