import Director
import Foundation
import Reports
import Testing

/// Checks that open and close tags balance (void elements and `/>` excepted) outside <style>;
/// returns the first problem, or nil.
func tagBalanceProblem(_ html: String) -> String? {
    let void: Set<String> = ["meta", "br", "img", "hr", "input", "link", "col", "source", "wbr", "area", "base", "!doctype"]
    var stack: [String] = []
    var rest = Substring(html)
    while let open = rest.firstIndex(of: "<") {
        guard let close = rest[open...].firstIndex(of: ">") else { return "unclosed tag at \(rest[open...].prefix(40))" }
        let tag = rest[rest.index(after: open)..<close]
        rest = rest[rest.index(after: close)...]
        let name = tag.split(whereSeparator: { $0 == " " || $0 == "\n" }).first.map { String($0).lowercased() } ?? ""
        if name.hasPrefix("/") {
            let n = String(name.dropFirst())
            guard stack.last == n else { return "</\(n)> closes <\(stack.last ?? "nothing")>" }
            stack.removeLast()
        } else if tag.hasSuffix("/") || void.contains(name) {
            continue
        } else {
            stack.append(name)
            if name == "style" {  // skip CSS
                guard let end = rest.range(of: "</style>") else { return "unclosed <style>" }
                rest = rest[end.upperBound...]
                stack.removeLast()
            }
        }
    }
    return stack.isEmpty ? nil : "unclosed: \(stack)"
}

@Suite struct HTMLReportTests {
    @Test func oneTakeReport() throws {
        let take = Fixtures.retakeTake()
        let html = try HTMLReportWriter().render(take)
        #expect(tagBalanceProblem(html) == nil)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<div class=\"badge retake\">RETAKE</div>"))
        // Reasons as a list, the span with its timecodes.
        for r in take.verdict.reasons { #expect(html.contains("<li>\(r)</li>")) }
        #expect(html.contains("<span class=\"tc\">00:12.4 – 00:18.0</span>"))
        #expect(html.contains("00:00:12:10 – 00:00:18:00"))
        // Three plots: the timeline, the distributions and the circumplex.
        #expect(html.components(separatedBy: "<svg").count - 1 == 3)
        #expect(html.contains("<svg class=\"circumplex\""))
        // The congruence probability and the valence/arousal table with the numbers of the analysis.
        let p = try #require(take.congruence.probability), a = try #require(take.congruence.affect)
        #expect(html.contains("P = \(String(format: "%.2f", p))"))
        #expect(html.contains(String(format: "<td>Valence</td><td>%+.2f ", a.face.valence)))
        #expect(html.contains(String(format: "<td>Arousal</td><td>%+.2f ", a.face.arousal)))
        #expect(html.contains("<svg class=\"timeline\""))
        #expect(html.contains("<svg class=\"bars\""))
        // Face: one polyline per label; voice: one band per segment; the span shaded.
        let start = try #require(html.range(of: "<svg class=\"timeline\""))
        let end = try #require(html.range(of: "</svg>", range: start.upperBound..<html.endIndex))
        let timelineSVG = String(html[start.lowerBound..<end.upperBound])
        #expect(timelineSVG.components(separatedBy: "<polyline").count - 1 == Fixtures.labels.count)
        #expect(timelineSVG.contains("<title>00:00.0–00:10.0 voice: angry 0.05, happy 0.70, neutral 0.15, sad 0.10</title>"))
        #expect(timelineSVG.contains("fill-opacity=\"0.09\""))
        // mm:ss ticks: 20 s at a 2 s step.
        for label in ["00:00", "00:10", "00:20"] { #expect(timelineSVG.contains(">\(label)</text>")) }
        // Thumbnails inline, segment table, no ranking for one take.
        #expect(html.components(separatedBy: "<img src=\"data:image/png;base64,iVBORw0KGgo").count - 1 == 3)
        #expect(html.contains("<table class=\"segments\">"))
        #expect(html.contains("<tr class=\"flag\">"))
        #expect(!html.contains("id=\"ranking\""))
    }

    @Test func legendColoursMatchTheLines() throws {
        let html = try HTMLReportWriter().render(Fixtures.retakeTake())
        let palette = EmotionPalette(labels: Fixtures.labels)
        for label in Fixtures.labels {
            let colour = palette.colour(label)
            #expect(html.contains("<span class=\"swatch\" style=\"background:\(colour)\"></span>\(label)</span>"))
            #expect(html.contains("<g stroke=\"\(colour)\""))
        }
        #expect(Set(Fixtures.labels.map(palette.colour)).count == Fixtures.labels.count)
    }

    @Test func severalTakesHaveARankingLinkingToSections() throws {
        let comparison = Fixtures.comparison()
        let html = try HTMLReportWriter().render(comparison)
        #expect(tagBalanceProblem(html) == nil)
        #expect(html.contains("id=\"ranking\""))
        #expect(html.components(separatedBy: "<svg").count - 1 == 3 * comparison.takes.count)  // timeline, bars, circumplex
        for (i, _) in comparison.takes.enumerated() {
            #expect(html.contains("<a href=\"#take-\(i + 1)\">"))
            #expect(html.contains("<section class=\"panel take\" id=\"take-\(i + 1)\">"))
        }
        // The ranking's order: the kept take first, the unsure one last.
        #expect(comparison.ranking.map(\.decision) == [.keep, .retake, .unsure])
        let keep = try #require(html.range(of: "id=\"take-2\""))
        let retake = try #require(html.range(of: "id=\"take-1\""))
        let unsure = try #require(html.range(of: "id=\"take-3\""))
        #expect(keep.lowerBound < retake.lowerBound && retake.lowerBound < unsure.lowerBound)
        for d in ["KEEP", "RETAKE", "UNSURE"] { #expect(html.contains("<div class=\"badge \(d.lowercased())\">\(d)</div>")) }
        #expect(html.contains("3 takes: 1 keep, 1 retake, 1 unsure"))
    }

    @Test func escapesEverything() throws {
        let html = try HTMLReportWriter().render(Fixtures.comparison())
        #expect(html.contains("a&lt;b&gt;&amp;&quot;c&quot;.mov"))
        #expect(!html.contains("a<b>"))
        #expect(!html.contains("&\"c\""))
        // A reason with markup stays text.
        var take = Fixtures.retakeTake()
        take.verdict.reasons = ["<script>alert(1)</script> & \"more\""]
        take.verdict.spans[0].reason = "<b>bold</b>"
        let escaped = try HTMLReportWriter().render(take)
        #expect(!escaped.contains("<script>") && !escaped.contains("<b>bold"))
        #expect(escaped.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;more&quot;"))
        #expect(escaped.contains("<title>00:12.4-00:18.0: &lt;b&gt;bold&lt;/b&gt;</title>"))
    }

    @Test func selfContained() throws {
        let html = try HTMLReportWriter().render(Fixtures.comparison())
        #expect(!html.contains("http://") && !html.contains("https://"))
        #expect(!html.contains("<script") && !html.contains("<link") && !html.contains("@import") && !html.contains("url("))
        // Every src is inline.
        let srcs = html.components(separatedBy: "src=\"").dropFirst()
        #expect(!srcs.isEmpty)
        #expect(srcs.allSatisfy { $0.hasPrefix("data:image/png;base64,") })
    }

    @Test func takesWithoutFaceOrSpeechStillRender() throws {
        let t = TakeAssembler(labels: Fixtures.labels).assemble(
            take: "silent.mov", duration: 8, faceFrames: [], sampledTimes: [], otherFaces: 0, voiceSegments: [], settings: Fixtures.settings)
        let html = try HTMLReportWriter().render(t)
        #expect(tagBalanceProblem(html) == nil)
        #expect(html.contains("no face was classified in this take"))
        #expect(html.contains("no speech found"))
        #expect(html.contains("No speech was found."))
        #expect(html.contains("UNSURE"))
    }

    @Test func writesTheFile() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let url = root.appendingPathComponent("out/report.html")
        #expect(try HTMLReportWriter().write(Fixtures.keepTake(), to: url) == [url])
        let text = try String(contentsOf: url, encoding: .utf8)
        #expect(text.contains("<title>TakeSense report: scene4_take2.mov</title>"))
    }

    @Test func timeTicksAreRound() throws {
        let html = try HTMLReportWriter().render(Fixtures.keepTake())  // 16 s: a 2 s step
        for label in ["00:00", "00:02", "00:14", "00:16"] { #expect(html.contains(">\(label)</text>")) }
        #expect(!html.contains(">00:01</text>"))
    }
}
