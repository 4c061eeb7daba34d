import Director
import Foundation
import Reports
import Testing

@Suite struct MarkerTests {
    let take = Fixtures.retakeTake()
    var reason: String { take.verdict.spans[0].reason }

    @Test func subRipCue() throws {
        let srt = SubRipMarkerWriter().render(take)
        #expect(srt == "1\n00:00:12,400 --> 00:00:18,000\nRETAKE: \(reason)\n\n")
        #expect(reason.hasPrefix("P(same emotion) ") && reason.contains("the face reads happy (0.7"))
    }

    @Test func webVTTHeaderAndCue() throws {
        let vtt = WebVTTMarkerWriter().render(take)
        #expect(vtt == "WEBVTT\n\nretake-1\n00:00:12.400 --> 00:00:18.000\nRETAKE: \(reason)\n\n")
    }

    @Test func webVTTEscapesMarkup() throws {
        var t = take
        t.verdict.spans[0].reason = "a <b> & c --> d\nnext"
        let vtt = WebVTTMarkerWriter().render(t)
        #expect(vtt.contains("RETAKE: a &lt;b&gt; &amp; c --&gt; d next\n"))
        #expect(vtt.components(separatedBy: "-->").count == 2)  // only the timing line's arrow
    }

    @Test func edlEventAndResolveMarker() throws {
        let edl = EDLMarkerWriter(fps: 25).render(take)
        let lines = edl.components(separatedBy: "\n")
        #expect(lines[0] == "TITLE: scene4_take1.mov")
        #expect(lines[1] == "FCM: NON-DROP FRAME")
        #expect(lines[2] == "")
        // 12.4 s at 25 fps = 00:00:12:10; 18 s = 00:00:18:00; the timeline starts at 01:00:00:00.
        #expect(lines[3] == "001  001      V     C        00:00:12:10 00:00:18:00 01:00:12:10 01:00:18:00")
        #expect(lines[4] == " RETAKE: \(reason) |C:ResolveColorRed |M:RETAKE 1 |D:140")
        #expect(lines[5] == "")
        #expect(lines.count == 7 && lines[6] == "")

        // Fields by whitespace, as EDL readers split them.
        let fields = lines[3].split(separator: " ")
        #expect(fields.count == 8)
        #expect(fields[0] == "001" && fields[2] == "V" && fields[3] == "C")
    }

    @Test func edlAtOtherRatesAndStarts() throws {
        let edl = EDLMarkerWriter(fps: 24, sourceStart: 10, recordStart: 0).render(take)
        // 12.4 s at 24 fps = frame 297.6 → 298 = 12 s + 10 frames; out 18 s = 432; +10 s source offset.
        #expect(edl.contains("00:00:22:10 00:00:28:00 00:00:12:10 00:00:18:00\n"))
        #expect(edl.contains("|D:134\n"))
    }

    @Test func edlSanitisesPipesAndKeepsOneFrame() throws {
        var t = take
        t.verdict.spans = [VerdictSpan(start: 5, end: 5, reason: "face | voice\nsplit")]
        let edl = EDLMarkerWriter().render(t)
        #expect(edl.contains(" RETAKE: face / voice split |C:ResolveColorRed |M:RETAKE 1 |D:1\n"))
        #expect(edl.contains("00:00:05:00 00:00:05:01 01:00:05:00 01:00:05:01"))
    }

    @Test func keptTakeSpansAreChecksInYellow() throws {
        var t = Fixtures.keepTake()
        t.verdict.spans = [VerdictSpan(start: 1, end: 2, reason: "brief mismatch")]
        #expect(SubRipMarkerWriter().render(t).contains("CHECK: brief mismatch"))
        #expect(EDLMarkerWriter().render(t).contains("|C:ResolveColorYellow |M:CHECK 1 |D:25"))
        #expect(try MarkerCSVWriter().render(t).contains("CHECK 1,CHECK: brief mismatch,00:00:01:00,00:00:02:00,00:00:01:00,Comment,Yellow"))
    }

    @Test func markerCSVLayout() throws {
        let rows = parseCSV(try MarkerCSVWriter(fps: 25).render(take))
        #expect(rows.count == 2)
        #expect(rows[0] == ["Marker Name", "Description", "In", "Out", "Duration", "Marker Type", "Color"])
        #expect(rows[1] == ["RETAKE 1", "RETAKE: \(reason)", "00:00:12:10", "00:00:18:00", "00:00:05:15", "Comment", "Red"])
    }

    @Test func noSpansGiveValidEmptyFiles() throws {
        let t = Fixtures.keepTake()
        #expect(t.verdict.spans.isEmpty)
        #expect(SubRipMarkerWriter().render(t) == "")
        #expect(WebVTTMarkerWriter().render(t) == "WEBVTT\n\n")
        #expect(EDLMarkerWriter().render(t) == "TITLE: scene4_take2.mov\nFCM: NON-DROP FRAME\n\n")
        #expect(try MarkerCSVWriter().render(t) == "Marker Name,Description,In,Out,Duration,Marker Type,Color\n")
    }

    @Test func writesOneFilePerTake() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let dir = root.appendingPathComponent("markers")
        let comparison = Fixtures.comparison()
        for format in MarkerFormat.allCases {
            let files = try format.writer(fps: 25).write(comparison, to: dir)
            let ext = format.rawValue
            #expect(files.map(\.lastPathComponent) == ["scene4_take1.retakes.\(ext)", "scene4_take2.retakes.\(ext)", "a<b>&\"c\".retakes.\(ext)"])
            for f in files { #expect(FileManager.default.fileExists(atPath: f.path)) }
        }
        let srt = try String(contentsOf: dir.appendingPathComponent("scene4_take1.retakes.srt"), encoding: .utf8)
        #expect(srt.hasPrefix("1\n00:00:12,400 --> 00:00:18,000\n"))
    }

    @Test func spansAreSortedAndNumberedInTimeOrder() throws {
        var t = take
        t.verdict.spans = [VerdictSpan(start: 30, end: 31, reason: "later"), VerdictSpan(start: 3, end: 4.5, reason: "earlier")]
        let srt = SubRipMarkerWriter().render(t)
        #expect(srt == "1\n00:00:03,000 --> 00:00:04,500\nRETAKE: earlier\n\n2\n00:00:30,000 --> 00:00:31,000\nRETAKE: later\n\n")
    }
}

@Suite struct ReportOutputsTests {
    @Test func eachOptionPicksItsWriter() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let comparison = Fixtures.comparison()
        let files = try ReportOutputs.write(comparison, json: root.appendingPathComponent("a.json").path,
                                            csv: root.appendingPathComponent("tables").path,
                                            html: root.appendingPathComponent("r.html").path,
                                            markers: .edl, markersDir: root.appendingPathComponent("m").path, fps: 24)
        #expect(files.map(\.lastPathComponent) == [
            "a.json",
            "scene4_take1.frames.csv", "scene4_take1.segments.csv", "scene4_take2.frames.csv", "scene4_take2.segments.csv",
            "a<b>&\"c\".frames.csv", "a<b>&\"c\".segments.csv", "takes.csv",
            "r.html",
            "scene4_take1.retakes.edl", "scene4_take2.retakes.edl", "a<b>&\"c\".retakes.edl",
        ])
        #expect(try AnalysisReader.read(files[0]).comparison == comparison)
        let edl = try String(contentsOf: files[9], encoding: .utf8)
        #expect(edl.contains("00:00:12:10 00:00:18:00 01:00:12:10 01:00:18:00"))  // 12.4 s at 24 fps is frame 298 = 12:10
        #expect(try ReportOutputs.write(comparison).isEmpty)
    }

    @Test func aFileWhereAFolderBelongsIsAnError() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let file = root.appendingPathComponent("taken")
        try Data("x".utf8).write(to: file)
        let error = try #require(throws: ReportError.self) { try CSVReportWriter().write(Fixtures.comparison(), to: file) }
        #expect(error.description == "\(file.path): exists and is not a folder")
    }
}
