import Foundation
import Testing

@testable import Correlation
@testable import Reports
import TakeSenseTestSupport

@Suite("Outputs: text, CSV, HTML")
struct OutputTests {
    static func report(seed: UInt64 = 17, scenes: Int = 48) -> CorrelationReport {
        var table = randomTable(seed: seed, scenes: scenes)
        table.rows[0].scene = "takes/<script>alert(\"x\")</script> & co.mp4"
        table.rows[1].imgPred = nil  // one left out
        return CorrelationStudy.run(table)
    }

    @Test func textSummaryNamesTheNumbersAndExplainsPhi() {
        let r = Self.report()
        let text = r.text
        #expect(text.contains("chi-square test of independence: chi2 = "))
        #expect(text.contains("Cramér's V = "))
        #expect(text.contains("bias-corrected (Bergsma)"))
        #expect(text.contains("phi (signed association of one-hot predictions)"))
        #expect(text.contains("phi vs Cramér's V: phi is the signed association"))
        #expect(text.contains("Contingency table (rows: face img_pred, columns: voice speech_pred)"))
        #expect(text.contains("accuracy"))
        #expect(text.contains("Left out:"))
        #expect(r.reading[0].contains("association between face and voice predictions: chi-square p = "))
    }

    @Test func readingSaysNoSignificantAssociationForIndependentPredictions() {
        // Face and voice drawn independently: the chi-square test should not reject.
        var rng = SeededRandom(seed: 123)
        let rows = (0..<60).map { i -> SceneRow in
            let f = rng.distribution(6), v = rng.distribution(6)
            return SceneRow(scene: "s\(i)", imgPred: sixLabels[f.indices.max { f[$0] < f[$1] }!], speechPred: sixLabels[v.indices.max { v[$0] < v[$1] }!],
                            imgProbabilities: f, speechProbabilities: v)
        }
        let r = CorrelationStudy.run(SceneTable(labels: sixLabels, rows: rows))
        #expect(r.chiSquare.pValue > 0.05)
        #expect(r.reading[0].hasPrefix("no significant association between face and voice predictions: chi-square p = \(NumberText.p(r.chiSquare.pValue))"))
    }

    @Test func numberFormats() {
        #expect(NumberText.p(0.5512) == "0.55")
        #expect(NumberText.p(0.0497) == "0.050")
        #expect(NumberText.p(0.0041) == "0.004")
        #expect(NumberText.p(3.2e-5) == "3.2e-05")
        #expect(NumberText.p(.nan) == "n/a")
        #expect(NumberText.coefficient(-0.0001) == "0.00")
        #expect(NumberText.alpha(0.05) == "0.05")
        #expect(CorrelationHTML.compactP(0.0004) == "<.001")
    }

    @Test func csvFilesRoundTripTheMatrices() throws {
        let dir = TempDir()
        defer { dir.remove() }
        let r = Self.report()
        let files = try CorrelationCSV.write(r, to: dir.url.appendingPathComponent("csv"))
        #expect(
            Set(files.map(\.lastPathComponent)) == [
                "contingency.csv", "phi.csv", "pairwise_p.csv", "pearson.csv", "pearson_p.csv", "scenes.csv", "excluded.csv",
                "confusion_img_pred.csv", "confusion_speech_pred.csv", "classification_img_pred.csv", "classification_speech_pred.csv",
            ])
        for (name, matrix) in [("phi.csv", r.phi), ("pairwise_p.csv", r.pairwiseP), ("pearson.csv", r.pearson), ("pearson_p.csv", r.pearsonP)] {
            let lines = try String(contentsOf: dir.url.appendingPathComponent("csv/" + name), encoding: .utf8).split(separator: "\n").map(String.init)
            #expect(lines.count == 13)
            #expect(lines[0] == "," + matrix.variables.joined(separator: ","))
            for (i, line) in lines.dropFirst().enumerated() {
                let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                #expect(cells[0] == matrix.variables[i])
                let values = cells.dropFirst().map { Double($0) ?? .nan }
                #expect(zip(values, matrix.matrix[i]).allSatisfy { sameValue($0, $1) }, "\(name) row \(i)")
            }
        }
        let scenes = try String(contentsOf: dir.url.appendingPathComponent("csv/scenes.csv"), encoding: .utf8)
        #expect(scenes.hasPrefix("scene,img_pred,speech_pred,img_pred_prob_angry,"))
        #expect(scenes.contains("\"takes/<script>alert(\"\"x\"\")</script> & co.mp4\""))
        let contingency = try String(contentsOf: dir.url.appendingPathComponent("csv/contingency.csv"), encoding: .utf8)
        #expect(contingency.hasPrefix("img_pred\\speech_pred,angry,disgust,fear,happy,neutral,sad\nangry,"))
    }

    @Test func htmlIsSelfContainedEscapedAndHasAValueInEveryCell() {
        let r = Self.report()
        let html = CorrelationHTML.render(r)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(!html.contains("<script"))
        #expect(html.contains("takes/&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co.mp4"))
        #expect(!html.contains("src=\"http") && !html.contains("href=\"http"))
        // Heatmaps: contingency, phi, pairwise p, pearson, pearson p, 2 confusion matrices.
        #expect(html.components(separatedBy: "<svg").count - 1 == 7)
        // 36 + 4 x 144 + 2 x 36 cells, each with a value.
        let cells = html.components(separatedBy: "<rect x=").count - 1
        let texts = html.components(separatedBy: "font-size=\"11\" text-anchor=\"middle\"").count - 1
        #expect(texts == 36 + 4 * 144 + 2 * 36)
        #expect(cells >= texts)
        #expect(html.contains("rotate(-45)"))
        #expect(html.contains(CorrelationHTML.escape(r.reading[0])))
        #expect(html.contains("phi (not Cramér&#39;s V)"))
        #expect(CorrelationHTML.escape("<a href='x'>&\"") == "&lt;a href=&#39;x&#39;&gt;&amp;&quot;")
    }

    @Test func colourScales() {
        let d = Heatmap.Scale.diverging
        #expect(d.colour(0)?.hex == "#f7f7f7")
        #expect(d.colour(1)?.hex == "#67001f")
        #expect(d.colour(-1)?.hex == "#053061")
        #expect(d.colour(.nan) == nil)
        let p = Heatmap.Scale.pValue(alpha: 0.05)
        #expect(p.colour(1)?.hex == "#f7fcf5")
        #expect(p.colour(1e-6)?.hex == "#00441b")
        #expect(p.colour(0.01)!.luminance < p.colour(0.5)!.luminance)
    }

    static let chromium: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// Renders the report in headless Chromium. Set TAKESENSE_SCREENSHOT_DIR to keep the HTML and PNG.
    @Test(.enabled(if: chromium != nil, "Chromium is not installed (apt-get install chromium); the screenshot test is skipped"))
    func screenshotInHeadlessChromium() throws {
        let dir = TempDir()
        defer { dir.remove() }
        let keep = ProcessInfo.processInfo.environment["TAKESENSE_SCREENSHOT_DIR"].map { URL(fileURLWithPath: $0) }
        let out = keep ?? dir.url
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let html = out.appendingPathComponent("correlation.html")
        let png = out.appendingPathComponent("correlation.png")
        try? FileManager.default.removeItem(at: png)
        try CorrelationHTML.render(Self.report()).write(to: html, atomically: true, encoding: .utf8)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.chromium!)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--user-data-dir=" + dir.path + "/profile",
                             "--screenshot=" + png.path, "--window-size=1200,1600", html.absoluteString]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(90)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        if process.isRunning { process.terminate() }
        #expect(process.terminationStatus == 0)
        let size = (try FileManager.default.attributesOfItem(atPath: png.path)[.size] as? NSNumber)?.intValue ?? 0
        #expect(size > 10_000, "screenshot is \(size) bytes")
        let header = try Data(contentsOf: png).prefix(8)
        #expect(header == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
    }
}
