import Director
import Foundation
import Reports
import Testing
import TakeSenseTestSupport

/// The valence/arousal view as laid out by a real browser: headless Chromium loads the report with a small
/// script that measures where the face and voice points landed inside the circumplex, and dumps the DOM.
@Suite(.serialized) struct CircumplexRenderTests {
    static let chromium = Tool.find("chromium") ?? Tool.find("chromium-browser")

    struct Layout: Decodable {
        var chart: [Double]  // x, y, width, height of the circumplex SVG
        var face: [Double]   // centre x, y of the face point
        var voice: [Double]  // centre x, y of the voice point
        var probability: String
    }

    func layout(_ take: TakeAnalysis, in dir: URL) throws -> Layout {
        let browser = try #require(Self.chromium)
        var html = try HTMLReportWriter().render(take)
        let probe = """
        <script>
        window.addEventListener('load', () => {
          const box = e => { const r = e.getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; };
          const centre = e => { const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; };
          const facts = [...document.querySelectorAll('.fact')].find(f => f.textContent.startsWith('Same emotion'));
          const out = { chart: box(document.querySelector('svg.circumplex')), face: centre(document.querySelector('svg.circumplex .face-point')),
                        voice: centre(document.querySelector('svg.circumplex .voice-point')), probability: facts ? facts.textContent : '' };
          const pre = document.createElement('pre'); pre.id = 'layout'; pre.textContent = JSON.stringify(out); document.body.appendChild(pre);
        });
        </script>
        """
        html = html.replacingOccurrences(of: "</body>", with: probe + "</body>")
        let page = dir.appendingPathComponent("circumplex.html")
        try Data(html.utf8).write(to: page)
        let result = try Tool.run(browser, [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-dev-shm-usage",
            "--user-data-dir=\(dir.appendingPathComponent("profile").path)", "--window-size=1200,1600", "--dump-dom", page.absoluteString,
        ], timeout: 60)
        let dom = result.output
        let start = try #require(dom.range(of: "<pre id=\"layout\">"), "no layout in the dumped DOM (exit \(result.status)): \(dom.suffix(400))")
        let end = try #require(dom.range(of: "</pre>", range: start.upperBound..<dom.endIndex))
        let json = String(dom[start.upperBound..<end.lowerBound]).replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
        return try JSONDecoder().decode(Layout.self, from: Data(json.utf8))
    }

    @Test(.enabled(if: chromium != nil, "chromium is not installed (apt-get install chromium): skipping the rendering check"),
          .timeLimit(.minutes(1)))
    func pointsSitWhereTheNumbersSay() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("takesense-circumplex-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // The retake fixture: a happy face over a voice that turns sad.
        let take = Fixtures.retakeTake()
        let a = try #require(take.congruence.affect)
        let l = try layout(take, in: dir)
        #expect(l.chart[2] > 150 && l.chart[3] > 150, "the circumplex is drawn at a readable size: \(l.chart)")
        for p in [l.face, l.voice] {
            #expect(p[0] > l.chart[0] && p[0] < l.chart[0] + l.chart[2] && p[1] > l.chart[1] && p[1] < l.chart[1] + l.chart[3])
        }
        // Valence runs left to right, arousal bottom to top: the on-screen order follows the numbers.
        #expect((l.face[0] > l.voice[0]) == (a.face.valence > a.voice.valence))
        #expect((l.face[1] < l.voice[1]) == (a.face.arousal > a.voice.arousal))
        // The chart's scale: its radius spans valence 0 → 1, so the horizontal distance is the gap in that scale.
        let radius = (l.chart[2] - 2 * 28 * l.chart[2] / 300) / 2
        #expect(abs(abs(l.face[0] - l.voice[0]) - a.valenceGap * radius) < 2)
        #expect(l.probability.contains(String(format: "P = %.2f", try #require(take.congruence.probability))))
    }
}
