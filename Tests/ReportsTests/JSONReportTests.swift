import Director
import Foundation
import Reports
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
