import Director
import Foundation
import Media
import Reports
import TakeSenseTestSupport
import Testing

@Suite struct JSONReportTests {
    @Test func fixtureIsARetakeWithOneSpan() {
        let t = Fixtures.retakeTake()
        #expect(t.verdict.decision == .retake)
        #expect(t.verdict.spans.count == 1)
        #expect(t.verdict.spans.first?.start == 12.4)
        #expect(t.verdict.spans.first?.end == 18)
        #expect(Fixtures.keepTake().verdict.decision == .keep)
        #expect(Fixtures.unsureTake().verdict.decision == .unsure)
    }

    @Test func oneTakeIsTheAnalysisObjectAndRoundTrips() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("sub/take1.json")
        let take = Fixtures.retakeTake()
        let written = try JSONReportWriter().write(take, to: url)
        #expect(written == [url])

        let top = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]
        #expect(top?["take"] as? String == take.take)
        #expect(top?["takes"] == nil)
        #expect((top?["verdict"] as? [String: Any])?["decision"] as? String == "retake")

        let doc = try AnalysisReader.read(url)
        #expect(doc == .single(take))
        #expect(doc.takes == [take])
    }

    @Test func severalTakesAreTakesAndRankingAndRoundTrip() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("scene4.json")
        let comparison = Fixtures.comparison()
        try JSONReportWriter().write(comparison, to: url)

        let top = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        #expect(Set(top.keys) == ["takes", "ranking"])
        #expect((top["takes"] as? [Any])?.count == 3)
        let ranking = try #require(top["ranking"] as? [[String: Any]])
        #expect(ranking.map { $0["rank"] as? Int } == [1, 2, 3])

        let doc = try AnalysisReader.read(url)
        #expect(doc == .comparison(comparison))
        #expect(doc.comparison == comparison)
        #expect(try AnalysisReader.readTakes([url, url]).count == 6)
    }

    @Test func prettyPrintedWithSortedKeysAndSnakeCase() throws {
        let data = try JSONReportWriter().encode(Fixtures.keepTake())
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.hasSuffix("}\n"))
        #expect(text.contains("\n  \"congruence\" : {"))
        #expect(text.contains("\"sampled_frames\""))
        #expect(text.contains("\"/shoot/day2/scene4_take2.mov\""))  // slashes unescaped
        // Sorted keys: the top-level keys appear in alphabetical order.
        let keys = ["congruence", "duration", "face", "labels", "settings", "take", "verdict", "voice"]
        let positions = keys.map { text.range(of: "\n  \"\($0)\" :")?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil })
        #expect(positions.compactMap { $0 } == positions.compactMap { $0 }.sorted())
    }

    @Test func badJSONIsOneLineNamingTheFile() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("broken.json")
        try Data("{\"take\": \"x.mov\",\n \"duration\": }".utf8).write(to: url)
        let error = try #require(throws: ReportError.self) { try AnalysisReader.read(url) }
        #expect(error.kind == .badJSON)
        #expect(error.description.hasPrefix(url.path + ": not valid JSON"))
        #expect(!error.description.contains("\n"))
    }

    @Test func wrongShapesSayWhatIsWrongAndWhere() throws {
        // Valid JSON, not an analysis.
        let notAnalysis = try #require(throws: ReportError.self) { try AnalysisReader.decode(Data("[1, 2]".utf8), path: "x.json") }
        #expect(notAnalysis.kind == .notAnAnalysis)
        #expect(notAnalysis.description.hasPrefix("x.json: "))

        // A comparison whose second take has a string where a number belongs.
        var object = try #require(try JSONSerialization.jsonObject(with: JSONReportWriter().encode(Fixtures.comparison())) as? [String: Any])
        var takes = try #require(object["takes"] as? [[String: Any]])
        takes[1]["duration"] = "long"
        object["takes"] = takes
        let data = try JSONSerialization.data(withJSONObject: object)
        let mismatch = try #require(throws: ReportError.self) { try AnalysisReader.decode(data, path: "scene.json") }
        #expect(mismatch.description == "scene.json: expected a number at takes[1].duration")

        // A take without its verdict.
        var single = try #require(try JSONSerialization.jsonObject(with: JSONReportWriter().encode(Fixtures.keepTake())) as? [String: Any])
        var face = try #require(single["face"] as? [String: Any])
        face.removeValue(forKey: "coverage")
        single["face"] = face
        let missing = try #require(throws: ReportError.self) {
            try AnalysisReader.decode(JSONSerialization.data(withJSONObject: single), path: "t.json")
        }
        #expect(missing.description == "t.json: missing \"coverage\" at face")
    }

    /// FuzzAnalysisJSON (session 9): a take named `a.mp4////)//` trapped in corelibs-foundation's
    /// NSString.lastPathComponent while the summary named the take; names now come from PathName.
    @Test func takePathsThatTrapFoundationAreNamed() throws {
        let find = try Data(contentsOf: Repository.root.appendingPathComponent("Fuzz/Seeds/analysis-take-path-slashes.json"))
        let document = try AnalysisReader.decode(find, path: "find.json")
        #expect(document.takes.map(\.take) == ["a.mp4////)//"])
        let summary = TextSummary.comparison(TakeComparison(ranking: document.takes))
        #expect(summary.hasPrefix(")  ("), "\(summary)")
        var two = document.takes + document.takes
        two[1].take = "b.mp4"
        let ranked = TextSummary.comparison(TakeComparison(ranking: two))
        #expect(ranked.contains("Ranking (best first):"))
        #expect(ranked.contains(". )  ") && ranked.contains(". b.mp4  "), "\(ranked)")
    }

    /// FuzzAnalysisJSON's find (session 7): a verdict span starting at 12666666666666666666 s trapped converting
    /// seconds to frames while the text summary gave it a timecode. Times, spans and frame rates are now bounded
    /// when read (48 hours, 1,000 frames a second) and the timecode arithmetic saturates instead of trapping.
    @Test func timesBeyondAnyClockAreRefusedWhereTheyAreRead() throws {
        let find = try Data(contentsOf: Repository.root.appendingPathComponent("Fuzz/Seeds/analysis-huge-span-start.json"))
        let error = try #require(throws: ReportError.self) { try AnalysisReader.decode(find, path: "find.json") }
        #expect(error.description.hasPrefix("find.json: "))
        #expect(error.description.contains("takes[0].verdict.spans[1].start is 1.266666666666666"), "\(error.description)")
        #expect(!error.description.contains("\n"))

        let take = try #require(try JSONSerialization.jsonObject(with: JSONReportWriter().encode(Fixtures.retakeTake())) as? [String: Any])
        func refused(_ edit: (inout [String: Any]) -> Void, _ needle: String) throws {
            var t = take
            edit(&t)
            let e = try #require(throws: ReportError.self) { try AnalysisReader.decode(JSONSerialization.data(withJSONObject: t), path: "t.json") }
            #expect(e.description.contains(needle), "\(e.description)")
        }
        func span(_ key: String, _ value: Double) -> (inout [String: Any]) -> Void {
            { t in
                var verdict = t["verdict"] as! [String: Any], spans = verdict["spans"] as! [[String: Any]]
                spans[0][key] = value
                verdict["spans"] = spans
                t["verdict"] = verdict
            }
        }
        try refused(span("start", 1e300), "verdict.spans[0].start")
        try refused(span("end", -2), "verdict.spans[0].end")
        try refused(span("end", 0), "verdict.spans[0] ends")
        try refused({ $0["duration"] = 172_801.0 }, "duration is 172801")
        try refused({ $0["frame_rate"] = 1e20 }, "frameRate")
        try refused({ t in
            var c = t["congruence"] as! [String: Any], segments = c["segments"] as! [[String: Any]]
            segments[0]["start"] = 9e18
            c["segments"] = segments
            t["congruence"] = c
        }, "congruence.segments[0].start")
        try refused({ t in
            t["source_timecode"] = ["start": "01:00:00:00", "frame_rate": "9223372036854775807/1"]
        }, "frame_rate")

        // The arithmetic itself cannot trap, whatever a caller passes.
        #expect(Timecode.short(1e300) == "48:00:00.0")
        #expect(Timecode.srt(.infinity) == "48:00:00,000")
        #expect(Timecode.smpte(9e18, fps: Int.max) == "48:00:00:00")
        #expect(FrameRate(numerator: Int.max).nominal == FrameRate.maxNominal)
        // What analyze believes of a video stream is what reading its analysis back accepts.
        #expect(MediaInfo.maxFrameRate == Double(FrameRate.maxNominal))
        #expect(FrameRate.standard(1e300).fps == 1000)
        #expect(FrameRate.fps25.frame(atSeconds: .nan) == 0)
        #expect(SourceTimecode(rate: .fps25).timecode(atSeconds: 1e300).description == "00:00:00:00")
    }

    @Test func missingFileIsUnreadable() throws {
        let url = URL(fileURLWithPath: "/nonexistent/take.json")
        let error = try #require(throws: ReportError.self) { try AnalysisReader.read(url) }
        #expect(error.kind == .unreadable)
        #expect(error.description.hasPrefix("/nonexistent/take.json: "))
    }

    @Test func nonFiniteNumbersAreRefusedWithAClearError() throws {
        var take = Fixtures.keepTake()
        take.duration = .nan
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("nan.json")
        let error = try #require(throws: ReportError.self) { try JSONReportWriter().write(take, to: url) }
        #expect(error.kind == .invalidInput)
        #expect(error.description.contains("duration"))
        #expect(!FileManager.default.fileExists(atPath: url.path))
    }
}

@Suite struct AnalysisReaderShapeTests {
    @Test func takesWithoutRankingAreRanked() throws {
        let takes = [Fixtures.unsureTake(), Fixtures.keepTake()]
        let encoder = JSONEncoder()
        let data = try encoder.encode(["takes": takes])
        let doc = try AnalysisReader.decode(data, path: "gathered.json")
        #expect(doc.takes == takes)
        #expect(doc.comparison.ranking == TakeRanking.rank(takes))
        #expect(doc.comparison.ranking.first?.decision == .keep)
    }
}
