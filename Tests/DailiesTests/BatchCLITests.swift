import Dailies
import Foundation
import TakeSenseTestSupport
import Testing

/// `takesense` run as a user would (the executable `swift build --build-tests` builds beside this bundle).
enum Takesense {
    static let repository = Repository.root
    static let executable = TakeSenseCLI.executable
    static var ready: Bool {
        executable != nil && FileManager.default.isExecutableFile(atPath: "/usr/bin/ffmpeg")
            && FileManager.default.fileExists(atPath: repository.appendingPathComponent("Models/face-emotion.safetensors").path)
    }

    /// The shipped models, passive OpenMP threads, and no array-job variables of the machine running the tests.
    static func process(_ args: [String], in dir: URL) -> Process {
        TakeSenseCLI.process(args, in: dir, environment: [
            "TAKESENSE_MODELS": TakeSenseCLI.models.path, "OMP_WAIT_POLICY": "PASSIVE", "SLURM_ARRAY_TASK_ID": nil, "JOB_COMPLETION_INDEX": nil,
        ])
    }

    static func run(_ args: [String], in dir: URL) throws -> (status: Int32, out: String, err: String) {
        try TakeSenseCLI.run(process(args, in: dir))
    }

    static func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("takesense-dailies-\(getpid())-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    static func ffmpeg(_ args: [String]) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/ffmpeg")
        p.arguments = ["-nostdin", "-v", "error", "-y"] + args
        try p.run()
        p.waitUntilExit()
        try #require(p.terminationStatus == 0, "ffmpeg \(args) failed")
    }

    /// `count` distinct short takes cut from the bundled sample (face and speech), `seconds` long, in `dir`.
    static func makeTakes(_ count: Int, seconds: Double = 3, in dir: URL, prefix: String = "take") throws -> [URL] {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let sample = repository.appendingPathComponent("Samples/sample-take.mp4").path
        return try (0..<count).map { i in
            let url = dir.appendingPathComponent("\(prefix)\(i + 1).mp4")
            try ffmpeg(["-ss", String(format: "%.2f", Double(i) * 1.7), "-i", sample, "-t", String(seconds), "-c:v", "libx264", "-preset", "ultrafast",
                        "-c:a", "aac", url.path])
            return url
        }
    }
}

@Suite("takesense batch: resumable store", .serialized, .enabled(if: Takesense.ready, "the takesense executable, ffmpeg or the shipped models are missing"))
struct BatchCLITests {
    @Test("kill -9 mid-batch, then the same command again: every take once, nothing lost, nothing analysed twice")
    func killAndResume() async throws {
        let dir = try Takesense.temporaryDirectory()
        let takes = try Takesense.makeTakes(5, in: dir.appendingPathComponent("day1/A"))
        try Data("call sheet\n".utf8).write(to: dir.appendingPathComponent("day1/A/notes.mov"))  // not a video: skipped in a folder
        let store = dir.appendingPathComponent("day1.takesense").path
        let args = ["batch", "day1", "--store", store, "--json-dir", "json", "--threads", "1", "--quiet"]
        let first = Takesense.process(args, in: dir)
        first.standardError = FileHandle.nullDevice
        first.standardOutput = FileHandle.nullDevice
        try first.run()
        // Wait for the first committed take, then kill -9 in the middle of the next ones.
        var committed = 0
        for _ in 0..<600 where committed == 0 {
            try await Task.sleep(nanoseconds: 200_000_000)
            if FileManager.default.fileExists(atPath: store), let s = try? await TakeStores.open(store) {
                committed = (try? await s.records().count) ?? 0
                try? await s.close()
            }
        }
        try #require(committed > 0, "no take was committed within 120 s")
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        let killed = try await TakeStores.open(store)
        let before = try await killed.records()
        try await killed.close()
        #expect(before.count < takes.count, "the kill came too late to test anything")

        let rerun = try Takesense.run(args, in: dir)
        #expect(rerun.status == 0, "\(rerun.err)")
        #expect(rerun.out.contains("\(takes.count - before.count) analysed") && rerun.out.contains("\(before.count) already in the store"), "\(rerun.out)")
        let s = try await TakeStores.open(store)
        let after = try await s.records()
        try await s.close()
        #expect(after.count == takes.count)
        #expect(after.allSatisfy { $0.status == .done && $0.analyses == 1 })
        #expect(Set(after.map(\.path)) == Set(takes.map { "day1/A/\($0.lastPathComponent)" }))
        // What was committed before the kill is still there, untouched.
        for r in before { #expect(after.contains(r)) }
        for take in takes {
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("json/\(take.deletingPathExtension().lastPathComponent).json").path))
        }

        // A third run has nothing to do.
        let third = try Takesense.run(args, in: dir)
        #expect(third.status == 0 && third.out.contains("0 analysed") && third.out.contains("\(takes.count) already in the store"), "\(third.out)")

        // The day's report: analyze's several-take schema, the dashboard, CSV, correlation.
        let report = try Takesense.run(["batch", "report", "--store", store, "--json", "day.json", "--html", "day.html", "--csv", "csv",
                                        "--correlation", "correlation.html"], in: dir)
        #expect(report.status == 0, "\(report.err)")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("day.json"))) as? [String: Any]
        let reported = try #require(json?["takes"] as? [[String: Any]])
        #expect(reported.count == takes.count && (json?["ranking"] as? [Any])?.count == takes.count)
        #expect(reported.allSatisfy { ($0["verdict"] as? [String: Any])?["decision"] is String })
        let dashboard = try String(contentsOf: dir.appendingPathComponent("day.html"), encoding: .utf8)
        #expect(dashboard.contains("day1/A") && after.allSatisfy { dashboard.contains("day-reports/\($0.id).html") })
        for r in after { #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("day-reports/\(r.id).html").path)) }
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("csv/takes.csv").path))
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("correlation.html").path))

        // `correlate` reads the store: every take counted.
        let correlate = try Takesense.run(["correlate", "--store", store, "--json", "corr.json"], in: dir)
        #expect(correlate.status == 0, "\(correlate.err)")
        let corr = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("corr.json"))) as? [String: Any]
        #expect(corr?["scenes_total"] as? Int == takes.count)

        // The same JSON as analyze gives for the same take and settings.
        let one = try Takesense.run(["analyze", "day1/A/take1.mp4", "--threads", "1", "--json", "one.json", "--quiet"], in: dir)
        #expect(one.status == 0)
        let single = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("one.json"))) as? NSDictionary
        #expect(reported.first { $0["take"] as? String == "day1/A/take1.mp4" }.map { NSDictionary(dictionary: $0) } == single)
    }

    @Test("A one-character file name is grouped in the dashboard (Foundation's NSString.deletingLastPathComponent trapped on it)")
    func oneCharacterNameInTheDashboard() throws {
        let dir = try Takesense.temporaryDirectory()
        try Data("not a video\n".utf8).write(to: dir.appendingPathComponent("x"))
        let r = try Takesense.run(["batch", "x", "--store", "s.db", "--threads", "1", "--quiet"], in: dir)
        #expect(r.status == 1 && r.out.contains("0 analysed, 1 failed"), "\(r.out)")
        let report = try Takesense.run(["batch", "report", "--store", "s.db", "--html", "r.html"], in: dir)
        #expect(report.status == 0, "\(report.err)")
        let html = try String(contentsOf: dir.appendingPathComponent("r.html"), encoding: .utf8)
        #expect(html.contains("FAILED") && html.contains(">x<"), "\(html)")
    }

    @Test("A failing take is recorded with its one-line error and never stops the batch; a foreign store is refused")
    func failuresAndForeignStore() throws {
        let dir = try Takesense.temporaryDirectory()
        let takes = try Takesense.makeTakes(1, in: dir)
        try Data("not a video\n".utf8).write(to: dir.appendingPathComponent("broken.mov"))
        let r = try Takesense.run(["batch", "broken.mov", takes[0].lastPathComponent, "--store", "s.db", "--threads", "1", "--quiet"], in: dir)
        #expect(r.status == 1)
        #expect(r.out.contains("1 analysed, 1 failed"), "\(r.out)")
        let report = try Takesense.run(["batch", "report", "--store", "s.db", "--html", "r.html"], in: dir)
        let html = try String(contentsOf: dir.appendingPathComponent("r.html"), encoding: .utf8)
        #expect(report.status == 0 && html.contains("FAILED") && html.contains("broken.mov"))

        // The same run again: nothing to do, the failure is not retried; other settings analyse again.
        let same = try Takesense.run(["batch", "broken.mov", takes[0].lastPathComponent, "--store", "s.db", "--threads", "1", "--quiet"], in: dir)
        #expect(same.status == 0 && same.out.contains("0 analysed, 0 failed, 2 already in the store"), "\(same.out)")
        let changed = try Takesense.run(["batch", takes[0].lastPathComponent, "--store", "s.db", "--face-fps", "2", "--threads", "1", "--quiet"], in: dir)
        #expect(changed.status == 0 && changed.out.contains("1 analysed, 0 failed, 0 already in the store"), "\(changed.out)")

        try Data("my notes\n".utf8).write(to: dir.appendingPathComponent("notes.db"))
        let foreign = try Takesense.run(["batch", takes[0].lastPathComponent, "--store", "notes.db", "--quiet"], in: dir)
        #expect(foreign.status != 0 && foreign.err.contains("notes.db: not a TakeSense store"))
        #expect(try String(contentsOf: dir.appendingPathComponent("notes.db"), encoding: .utf8) == "my notes\n")
    }
}
