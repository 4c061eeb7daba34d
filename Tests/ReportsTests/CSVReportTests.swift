import Director
import Foundation
import Reports
import Testing

/// An RFC 4180 reader written for the tests, independent of the library the writer uses.
func parseCSV(_ text: String) -> [[String]] {
    var rows: [[String]] = [], row: [String] = [], field = ""
    var quoted = false, i = text.startIndex
    while i < text.endIndex {
        let c = text[i]
        if quoted {
            if c == "\"" {
                let next = text.index(after: i)
                if next < text.endIndex, text[next] == "\"" { field.append("\""); i = next } else { quoted = false }
            } else { field.append(c) }
        } else {
            switch c {
            case "\"": quoted = true
            case ",": row.append(field); field = ""
            case "\n", "\r\n": row.append(field); rows.append(row); row = []; field = ""
            default: field.append(c)
            }
        }
        i = text.index(after: i)
    }
    if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
    return rows
}

@Suite struct CSVReportTests {
    @Test func writesPerTakeFilesAndSummary() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let dir = root.appendingPathComponent("csv")
        let written = try CSVReportWriter().write(Fixtures.comparison(), to: dir)
        #expect(written.map(\.lastPathComponent) == [
            "scene4_take1.frames.csv", "scene4_take1.segments.csv", "scene4_take1.spans.csv",
            "scene4_take2.frames.csv", "scene4_take2.segments.csv", "scene4_take2.spans.csv",
            "a<b>&\"c\".frames.csv", "a<b>&\"c\".segments.csv", "a<b>&\"c\".spans.csv", "takes.csv",
        ])
        for url in written { #expect(FileManager.default.fileExists(atPath: url.path)) }
    }

    @Test func spansOnTheSourceTimecode() throws {
        var take = Fixtures.retakeTake()
        take.sourceTimecode = SourceTimecode(start: try SMPTETimecode("01:02:03:04", rate: FrameRate(numerator: 25)), origin: .file)
        let rows = parseCSV(try CSVReportWriter().spansCSV(take))
        #expect(rows[0] == ["start", "end", "start_timecode", "end_timecode", "kind", "reason"])
        // 12.4 s = frame 310 = 12:10 after 01:02:03:04 → 01:02:15:14; 18 s → 01:02:21:04.
        #expect(rows[1] == ["12.400", "18.000", "01:02:15:14", "01:02:21:04", "RETAKE", take.verdict.spans[0].reason])
        #expect(rows.count == 2)
    }

    @Test func framesHaveBoxLabelsAndTopEmotion() throws {
        let take = Fixtures.retakeTake()
        let rows = parseCSV(try CSVReportWriter().framesCSV(take))
        #expect(rows.first == ["t", "x", "y", "w", "h", "angry", "happy", "neutral", "sad", "emotion"])
        #expect(rows.count == 1 + take.face.frames.count)
        #expect(rows.allSatisfy { $0.count == 10 })
        #expect(rows[1][0...4] == ["0.000", "412.5", "180.0", "220.0", "220.0"])
        #expect(rows[1][9] == "happy")
        #expect(rows.last?[0] == "20.000")
        // Probabilities of a row sum to 1 (to the printed precision).
        let sum = rows[5][5...8].compactMap(Double.init).reduce(0, +)
        #expect(abs(sum - 1) < 0.0005)
    }

    @Test func segmentsHaveVoiceFaceAndCongruence() throws {
        let take = Fixtures.retakeTake()
        let rows = parseCSV(try CSVReportWriter().segmentsCSV(take))
        #expect(rows.first == ["start", "end", "voice_angry", "voice_happy", "voice_neutral", "voice_sad", "voice_emotion",
                               "face_angry", "face_happy", "face_neutral", "face_sad", "face_emotion", "face_coverage", "agree", "score"])
        #expect(rows.count == 3)
        let first = rows[1], second = rows[2]
        #expect(first[0] == "0.000" && first[1] == "10.000")
        #expect(first[6] == "happy" && first[11] == "happy" && first[13] == "true")
        #expect(second[0] == "12.400" && second[1] == "18.000")
        #expect(second[5] == "0.8500" && second[6] == "sad")
        #expect(second[11] == "happy" && second[12] == "1.0000" && second[13] == "false")
        let score = try #require(Double(second[14]))
        #expect(score < 0.72)  // 1 − JSD of a happy face over a sad voice
        #expect(take.verdict.spans.contains { $0.start == 12.4 && $0.end == 18 })
    }

    @Test func segmentWithoutFaceLeavesFaceColumnsEmpty() throws {
        let rows = parseCSV(try CSVReportWriter().segmentsCSV(Fixtures.unsureTake()))
        #expect(rows.count == 2)
        #expect(rows[1][6] == "sad")
        #expect(rows[1][7...11].allSatisfy { $0.isEmpty })
        #expect(rows[1][13] == "" && rows[1][14] == "")
    }

    @Test func summaryQuotesNamesAndReasons() throws {
        let tricky = Fixtures.keepTake(name: "/shoot/take \"best\", v2.mov")
        let comparison = TakeComparison(ranking: [Fixtures.retakeTake(), tricky, Fixtures.unsureTake()])
        let text = try CSVReportWriter().takesCSV(comparison)
        // The quote-and-comma name is quoted with doubled quotes.
        #expect(text.contains("\"/shoot/take \"\"best\"\", v2.mov\""))
        let rows = parseCSV(text)
        #expect(rows.first == ["take", "duration", "face_emotion", "face_coverage", "voice_emotion", "voice_coverage",
                               "agree", "score", "decision", "reasons"])
        #expect(rows.count == 4)
        #expect(rows.allSatisfy { $0.count == 10 })
        #expect(rows[2][0] == "/shoot/take \"best\", v2.mov")
        #expect(rows[1][1] == "20.000" && rows[1][8] == "retake")
        #expect(rows[1][9] == comparison.takes[0].verdict.reasons.joined(separator: "; "))
        #expect(rows[3][8] == "unsure" && rows[3][2] == "" && rows[3][6] == "")
        // A kept take's reason has a comma ("…, and …" or "…; congruence") and survives intact.
        let keepReasons = comparison.takes[1].verdict.reasons.joined(separator: "; ")
        #expect(keepReasons.contains(";") || keepReasons.contains(","))
        #expect(rows[2][9] == keepReasons)
        #expect(text.hasSuffix("\n") && !text.hasSuffix("\n\n"))
    }

    @Test func repeatedStemsGetNumbered() {
        #expect(TakeStems.stems(of: ["/a/take1.mov", "/b/take1.mov", "/c/Take1.MOV", "x"]) == ["take1", "take1-2", "Take1-3", "x"])
        #expect(TakeStems.stem(of: "C:\\shoot\\t1.mxf") == "t1")
        #expect(TakeStems.stem(of: ".hidden") == ".hidden")
        #expect(TakeStems.stem(of: "") == "take")
    }
}
