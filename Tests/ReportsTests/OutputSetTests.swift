import Director
import Foundation
import Reports
import Testing

/// A writer that fails after the others have staged their files (a full disk, a bad path...).
private struct FailingWriter: ResultWriting {
    var destination: ReportDestination { .file }
    func write(_ comparison: TakeComparison, to url: URL) throws -> [URL] {
        throw ReportError(.unwritable, path: url.path, reason: "simulated failure")
    }
}

/// `ReportOutputs` replaces one run's files together: all staged, then renamed with the JSON last; inputs are
/// never replaced; what a killed run leaves behind is cleaned up (or finished) by the next run.
@Suite("Output sets: all or nothing, inputs protected")
struct OutputSetTests {
    static func names(_ dir: URL) -> [String] {
        ((try? FileManager.default.subpathsOfDirectory(atPath: dir.path)) ?? []).sorted()
    }

    @Test("A writer failing after others staged leaves the old set untouched and no temporary file")
    func failureLeavesOldSet() throws {
        let dir = try Fixtures.temporaryDirectory()
        let json = dir.appendingPathComponent("take.json"), csv = dir.appendingPathComponent("csv")
        try ReportOutputs.write(TakeComparison(single: Fixtures.keepTake()), json: json.path, csv: csv.path, markers: [.srt], markersDir: dir.path)
        let before = Self.names(dir)
        let oldJSON = try Data(contentsOf: json)
        #expect(throws: ReportError.self) {
            try OutputSet.replaceTogether {
                try JSONReportWriter().write(TakeComparison(single: Fixtures.retakeTake()), to: json)
                try CSVReportWriter().write(TakeComparison(single: Fixtures.retakeTake()), to: csv)
                _ = try FailingWriter().write(TakeComparison(single: Fixtures.retakeTake()), to: dir.appendingPathComponent("x.html"))
            }
        }
        #expect(try Data(contentsOf: json) == oldJSON)
        #expect(Self.names(dir) == before, "temporaries or new files left: \(Self.names(dir))")
    }

    @Test("The set is replaced whole: every file new, the JSON renamed last, nothing hidden left")
    func replacedTogether() throws {
        let dir = try Fixtures.temporaryDirectory()
        let json = dir.appendingPathComponent("take.json"), html = dir.appendingPathComponent("take.html")
        let csv = dir.appendingPathComponent("csv")
        try ReportOutputs.write(TakeComparison(single: Fixtures.keepTake(name: "/s/take.mov")), json: json.path, csv: csv.path, html: html.path,
                                markers: [.vtt], markersDir: dir.path)
        let written = try ReportOutputs.write(TakeComparison(single: Fixtures.retakeTake(name: "/s/take.mov")), json: json.path, csv: csv.path,
                                              html: html.path, markers: [.vtt], markersDir: dir.path)
        // JSON; frames, segments, spans and takes CSV; HTML; the WebVTT markers.
        #expect(written.count == 7)
        #expect(try String(contentsOf: json, encoding: .utf8).contains("\"retake\""))
        #expect(try String(contentsOf: csv.appendingPathComponent("takes.csv"), encoding: .utf8).contains("retake"))
        #expect(!Self.names(dir).contains { $0.split(separator: "/").last?.hasPrefix(".") == true })
    }

    @Test("A file a writer names only at write time is still refused when it is an input")
    func protectionAtCommit() throws {
        let dir = try Fixtures.temporaryDirectory()
        let input = dir.appendingPathComponent("take.retakes.srt")
        try Data("the user's own subtitles\n".utf8).write(to: input)
        let protection = InputProtection(inputs: [input.path])
        #expect(throws: ReportError.self) {
            try ReportOutputs.write(TakeComparison(single: Fixtures.retakeTake(name: "/s/take.mov")), markers: [.srt], markersDir: dir.path,
                                    protecting: protection)
        }
        #expect(try String(contentsOf: input, encoding: .utf8) == "the user's own subtitles\n")
        #expect(Self.names(dir) == ["take.retakes.srt"])
    }

    @Test("Symbolic links, .. and hard links resolve to the input they name")
    func identities() throws {
        let dir = try Fixtures.temporaryDirectory()
        let take = dir.appendingPathComponent("a.mp4")
        try Data("video".utf8).write(to: take)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("sub"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("sub/link").path, withDestinationPath: take.path)
        try FileManager.default.linkItem(atPath: take.path, toPath: dir.appendingPathComponent("hard").path)
        let p = InputProtection(inputs: [take.path])
        for path in ["sub/link", "sub/../a.mp4", "hard", "./a.mp4"] {
            #expect(p.input(replacedBy: dir.appendingPathComponent(path).path) == take.path, "\(path)")
        }
        #expect(p.input(replacedBy: dir.appendingPathComponent("other.json").path) == nil)
        #expect(throws: ReportError.self) { try p.check("--json", dir.appendingPathComponent("hard").path) }
    }

    @Test("A killed run's temporaries are removed, and its unfinished commit is completed, by the next run")
    func staleFilesOfAKilledRun() throws {
        let dir = try Fixtures.temporaryDirectory()
        // A pid that is not running: a child that has exited and been reaped.
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/true")
        try child.run()
        child.waitUntilExit()
        let dead = child.processIdentifier
        try Data("half".utf8).write(to: dir.appendingPathComponent(".take.html.takesense-tmp-\(dead)"))
        // A commit journal: the CSV was renamed, the JSON (last) was not when the run was killed.
        try Data("old json".utf8).write(to: dir.appendingPathComponent("take.json"))
        try Data("new json".utf8).write(to: dir.appendingPathComponent(".take.json.takesense-tmp-\(dead)"))
        try Data("new csv".utf8).write(to: dir.appendingPathComponent("takes.csv"))
        let pairs = [[dir.appendingPathComponent(".takes.csv.takesense-tmp-\(dead)").path, dir.appendingPathComponent("takes.csv").path],
                     [dir.appendingPathComponent(".take.json.takesense-tmp-\(dead)").path, dir.appendingPathComponent("take.json").path]]
        try JSONSerialization.data(withJSONObject: pairs).write(to: dir.appendingPathComponent(".takesense-commit.takesense-tmp-\(dead)"))
        // A live writer's temporary (this process) is left alone.
        try Data("live".utf8).write(to: dir.appendingPathComponent(".other.json.takesense-tmp-1"))

        try ReportOutputs.write(TakeComparison(single: Fixtures.keepTake()), html: dir.appendingPathComponent("report.html").path)
        #expect(try String(contentsOf: dir.appendingPathComponent("take.json"), encoding: .utf8) == "new json")
        #expect(Self.names(dir) == [".other.json.takesense-tmp-1", "report.html", "take.json", "takes.csv"])
    }
}
