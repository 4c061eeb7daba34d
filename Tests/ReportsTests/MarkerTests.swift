import Director
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
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

    /// The fixture take on a 25 fps camera clock starting at 01:02:03:04.
    static func onSourceClock(_ t: TakeAnalysis, _ tc: String = "01:02:03:04", rate: FrameRate = FrameRate(numerator: 25)) throws -> TakeAnalysis {
        var t = t
        t.sourceTimecode = SourceTimecode(start: try SMPTETimecode(tc, rate: rate), origin: .file)
        return t
    }

    @Test func edlTakeEventWithLocatorsAndResolveComments() throws {
        let edl = EDLMarkerWriter().render(try Self.onSourceClock(take))
        let lines = edl.components(separatedBy: "\n")
        #expect(lines[0] == "TITLE: scene4_take1.mov")
        #expect(lines[1] == "FCM: NON-DROP FRAME")
        #expect(lines[2] == "")
        // The whole 20 s take (500 frames) from 01:02:03:04; on the timeline from 01:00:00:00.
        #expect(lines[3] == "001  AX       V     C        01:02:03:04 01:02:23:04 01:00:00:00 01:00:20:00")
        #expect(lines[4] == "* FROM CLIP NAME: scene4_take1.mov")
        // 12.4 s = 12 s 10 frames after 01:02:03:04; 5.6 s = 140 frames.
        #expect(lines[5] == "* LOC: 01:02:15:14 RED     RETAKE 1: \(reason)")
        #expect(lines[6] == " RETAKE: \(reason) |C:ResolveColorRed |M:RETAKE 1 |D:140")
        #expect(lines.count == 9 && lines[7] == "" && lines[8] == "")
        let fields = lines[3].split(separator: " ")
        #expect(fields.count == 8)
    }

    @Test func edlWithoutSourceTimecodeStartsAtZeroAndDropFrameUsesSemicolons() throws {
        let plain = EDLMarkerWriter().render(take)
        #expect(plain.contains("001  AX       V     C        00:00:00:00 00:00:20:00 01:00:00:00 01:00:20:00\n"))
        #expect(plain.contains("* LOC: 00:00:12:10 RED "))
        let df = EDLMarkerWriter().render(try Self.onSourceClock(take, "01:02:03;04", rate: FrameRate(numerator: 30000, denominator: 1001, dropFrame: true)))
        #expect(df.contains("FCM: DROP FRAME\n"))
        // 20 s × 29.97 = 599.4 → 599 frames; 12.4 s → frame 372 (371.6), 18 s → 539 (539.46): 167 frames.
        #expect(df.contains("01:02:03;04 01:02:23;03 01:00:00;00 01:00:19;29"))
        #expect(df.contains("* LOC: 01:02:15;16 RED ") && df.contains("|D:167\n"))
    }

    @Test func edlSanitisesPipesAndKeepsOneFrame() throws {
        var t = take
        t.verdict.spans = [VerdictSpan(start: 5, end: 5, reason: "face | voice\nsplit")]
        let edl = EDLMarkerWriter().render(t)
        #expect(edl.contains(" RETAKE: face / voice split |C:ResolveColorRed |M:RETAKE 1 |D:1\n"))
        #expect(edl.contains("* LOC: 00:00:05:00 RED     RETAKE 1: face / voice split\n"))
    }

    @Test func keptTakeSpansAreChecksInYellow() throws {
        var t = Fixtures.keepTake()
        t.verdict.spans = [VerdictSpan(start: 1, end: 2, reason: "brief mismatch")]
        #expect(SubRipMarkerWriter().render(t).contains("CHECK: brief mismatch"))
        #expect(EDLMarkerWriter().render(t).contains("* LOC: 00:00:01:00 YELLOW  CHECK 1: brief mismatch\n"))
        #expect(EDLMarkerWriter().render(t).contains("|C:ResolveColorYellow |M:CHECK 1 |D:25"))
        #expect(try MarkerCSVWriter().render(t).contains("CHECK 1,CHECK: brief mismatch,00:00:01:00,00:00:02:00,00:00:01:00,Comment,Yellow"))
        #expect(AvidMarkerWriter().render(t) == "TakeSense\t00:00:01:00\tV1\tyellow\tCHECK 1: brief mismatch\t25\n")
        #expect(try OTIOMarkerWriter().render(t).contains("\"color\" : \"YELLOW\""))
        #expect(try FCPXMLMarkerWriter().render(t).contains("value=\"CHECK 1\"") && !(try FCPXMLMarkerWriter().render(t).contains("completed")))
    }

    @Test func markerCSVLayout() throws {
        let rows = parseCSV(try MarkerCSVWriter().render(try Self.onSourceClock(take)))
        #expect(rows.count == 2)
        #expect(rows[0] == ["Marker Name", "Description", "In", "Out", "Duration", "Marker Type", "Color"])
        #expect(rows[1] == ["RETAKE 1", "RETAKE: \(reason)", "01:02:15:14", "01:02:21:04", "00:00:05:15", "Comment", "Red"])
    }

    @Test func avidMarkerText() throws {
        var t = try Self.onSourceClock(take)
        t.verdict.spans[0].reason = "tab\there\nand a line"
        #expect(AvidMarkerWriter().render(t) == "TakeSense\t01:02:15:14\tV1\tred\tRETAKE 1: tab here and a line\t140\n")
    }

    @Test func xmlFormatsAreWellFormedAndEscaped() throws {
        var t = try Self.onSourceClock(take)
        t.verdict.spans[0].reason = "a <b> & \"c\" 'd'"
        for writer in [FCP7XMLMarkerWriter() as any MarkerWriting, FCPXMLMarkerWriter()] {
            let text = try writer.render(t)
            #expect(text.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE "))
            let parser = XMLParser(data: Data(text.utf8))
            #expect(parser.parse(), "\(writer.fileExtension): \(parser.parserError.map { "\($0)" } ?? "")")
            #expect(text.contains("&lt;b&gt; &amp;"))
        }
        let fcpxml = try FCPXMLMarkerWriter().render(t)
        // 01:02:03:04 at 25 fps = frame 93079; the marker 310 frames later, 140 long; a retake is a to-do marker.
        #expect(fcpxml.contains("start=\"93079/25s\"") && fcpxml.contains("start=\"93389/25s\"") && fcpxml.contains("duration=\"28/5s\""))
        #expect(fcpxml.contains("completed=\"0\""))
        let xml = try FCP7XMLMarkerWriter().render(t)
        #expect(
            xml.contains("<string>01:02:03:04</string>") && xml.contains("<frame>93079</frame>") && xml.contains("<in>310</in>")
                && xml.contains("<out>450</out>"))
    }

    @Test func noSpansGiveValidEmptyFiles() throws {
        let t = Fixtures.keepTake()
        #expect(t.verdict.spans.isEmpty)
        #expect(SubRipMarkerWriter().render(t) == "")
        #expect(WebVTTMarkerWriter().render(t) == "WEBVTT\n\n")
        #expect(
            EDLMarkerWriter().render(t)
                == "TITLE: scene4_take2.mov\nFCM: NON-DROP FRAME\n\n001  AX       V     C        00:00:00:00 00:00:16:00 01:00:00:00 01:00:16:00\n* FROM CLIP "
                    + "NAME: scene4_take2.mov\n\n"
        )
        #expect(try MarkerCSVWriter().render(t) == "Marker Name,Description,In,Out,Duration,Marker Type,Color\n")
        #expect(AvidMarkerWriter().render(t) == "")
        #expect(try !FCPXMLMarkerWriter().render(t).contains("<marker"))
        #expect(try !FCP7XMLMarkerWriter().render(t).contains("<marker"))
    }

    @Test func writesOneFilePerTake() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let dir = root.appendingPathComponent("markers")
        let comparison = Fixtures.comparison()
        for format in MarkerFormat.allCases {
            let files = try format.writer.write(comparison, to: dir)
            let ext = format.writer.fileExtension
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
                                            markers: [.edl, .otio], markersDir: root.appendingPathComponent("m").path, fps: 24)
        #expect(files.map(\.lastPathComponent) == [
            "a.json",
            "scene4_take1.frames.csv", "scene4_take1.segments.csv", "scene4_take1.spans.csv",
            "scene4_take2.frames.csv", "scene4_take2.segments.csv", "scene4_take2.spans.csv",
            "a<b>&\"c\".frames.csv", "a<b>&\"c\".segments.csv", "a<b>&\"c\".spans.csv", "takes.csv",
            "r.html",
            "scene4_take1.retakes.edl", "scene4_take2.retakes.edl", "a<b>&\"c\".retakes.edl",
            "scene4_take1.retakes.otio", "scene4_take2.retakes.otio", "a<b>&\"c\".retakes.otio",
        ])
        // The JSON carries each span's source timecode (the fixture has no rate: 25 fps from 00:00:00:00).
        #expect(try AnalysisReader.read(files[0]).comparison == comparison.withSpanTimecodes())
        #expect(try AnalysisReader.read(files[0]).comparison.takes[0].verdict.spans[0].startTimecode == "00:00:12:10")
        let edl = try String(contentsOf: files[12], encoding: .utf8)
        #expect(edl.contains("* LOC: 00:00:12:10 RED "))
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

@Suite struct TextSummaryTimecodeTests {
    @Test func spansShowSourceTimecodeOnlyOnACameraClock() throws {
        let take = Fixtures.retakeTake()
        #expect(!TextSummary.take(take).contains("timecode"))
        let clocked = try MarkerTests.onSourceClock(take)
        let text = TextSummary.take(clocked)
        #expect(text.contains("  timecode 01:02:03:04 (25, from the file)\n"))
        #expect(text.contains("12.4-00:18.0: \(take.verdict.spans[0].reason)  [01:02:15:14-01:02:21:04]"))
    }
}
