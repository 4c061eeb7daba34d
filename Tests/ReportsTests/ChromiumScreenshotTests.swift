import Director
import Foundation
import Reports
import Testing
import TakeSenseTestSupport

/// Renders the HTML report in headless Chromium (when installed: `apt-get install chromium`) and checks
/// the screenshot holds a real page: the right size, and far more detail than a blank page of the same
/// size. The files stay in `$TMPDIR/takesense-report-screenshot/` to look at.
@Suite(.serialized) struct ChromiumScreenshotTests {
    static let chromium = Tool.find("chromium") ?? Tool.find("chromium-browser")

    func screenshot(of page: URL, to png: URL, in dir: URL) throws -> Data {
        let browser = try #require(Self.chromium)
        try? FileManager.default.removeItem(at: png)
        let result = try Tool.run(browser, [
            "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
            "--disable-dev-shm-usage", "--user-data-dir=\(dir.appendingPathComponent("profile").path)",
            "--screenshot=\(png.path)", "--window-size=1200,1600", page.absoluteString,
        ], timeout: 60)
        let data = try #require(
            FileManager.default.contents(atPath: png.path), "chromium wrote no screenshot (exit \(result.status)): \(result.output.suffix(600))")
        return data
    }

    /// Width and height from a PNG's IHDR.
    func size(_ png: Data) -> (Int, Int)? {
        let b = [UInt8](png)
        guard b.count > 24, b[12..<16].elementsEqual(Array("IHDR".utf8)) else { return nil }
        func u32(_ i: Int) -> Int { b[i..<(i + 4)].reduce(0) { $0 << 8 | Int($1) } }
        return (u32(16), u32(20))
    }

    @Test(.enabled(if: chromium != nil, "chromium is not installed (apt-get install chromium): skipping the rendering check"),
          .timeLimit(.minutes(1)))
    func reportRendersAsARealPage() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("takesense-report-screenshot")
        try? FileManager.default.removeItem(at: dir)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir.appendingPathComponent("profile")) }

        let blank = dir.appendingPathComponent("blank.html")
        try Data("<!DOCTYPE html><html><body style=\"margin:0;background:#eef1f4\"></body></html>".utf8).write(to: blank)
        let empty = try screenshot(of: blank, to: dir.appendingPathComponent("blank.png"), in: dir)

        // Several takes (ranking first); one take alone (the retake: spans, thumbnails, flagged rows);
        // a take without a face (empty face plot, no thumbnails).
        let reports: [(String, TakeComparison)] = [
            ("report", Fixtures.comparison()),
            ("retake", TakeComparison(single: Fixtures.retakeTake())),
            ("unsure", TakeComparison(single: Fixtures.unsureTake())),
        ]
        for (name, comparison) in reports {
            let page = dir.appendingPathComponent("\(name).html")
            try HTMLReportWriter().write(comparison, to: page)
            let shot = try screenshot(of: page, to: dir.appendingPathComponent("\(name).png"), in: dir)
            #expect(size(shot).map { [$0.0, $0.1] } == [1200, 1600], "\(name)")
            #expect(shot.count > 10_000, "\(name): screenshot is only \(shot.count) bytes")
            // A single-colour page compresses to almost nothing; the report's text, plots and pictures don't.
            #expect(shot.count > 8 * empty.count, "\(name): \(shot.count) bytes against a blank page's \(empty.count)")
        }
    }
}
