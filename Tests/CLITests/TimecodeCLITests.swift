import Foundation
import Testing

/// `takesense analyze` on a take with its own timecode: markers and JSON on the source clock, the
/// `--start-timecode` override, and one-line errors for malformed options.
@Suite("takesense analyze: source timecode and marker formats", .enabled(if: CLI.ready, "the takesense executable or the shipped face model is missing"))
struct TimecodeCLITests {
    static let ffmpeg: String? = ((ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { "\($0)/ffmpeg" })
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    static func json(_ url: URL) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    }

    @Test("The sample re-wrapped with `ffmpeg -timecode 01:02:03:04`: spans, EDL, OTIO and Avid markers on that clock; --start-timecode overrides",
          .enabled(if: ffmpeg != nil, "ffmpeg is not installed: it makes the timecoded copy of the sample"))
    func sourceTimecodeEndToEnd() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let sample = CLI.repository.appendingPathComponent("Samples/sample-take.mp4").path
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.ffmpeg!)
        p.arguments = [
            "-nostdin", "-v", "error", "-y", "-i", sample, "-c", "copy", "-timecode", "01:02:03:04", dir.appendingPathComponent("A001_C003.mov").path,
        ]
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)

        let r = try CLI.run(["analyze", "A001_C003.mov", "--json", "a.json", "--markers", "edl,otio,avid,xml,fcpxml", "--markers-dir", "m", "--quiet"], in: dir)
        #expect(r.status == 0, "\(r.err)")
        let take = try Self.json(dir.appendingPathComponent("a.json"))
        let tc = try #require(take["source_timecode"] as? [String: Any])
        #expect(tc["start"] as? String == "01:02:03:04" && tc["frame_rate"] as? String == "25/1" && tc["origin"] as? String == "file")
        let spans = try #require((take["verdict"] as? [String: Any])?["spans"] as? [[String: Any]])
        #expect(!spans.isEmpty)
        for s in spans {
            let start = try #require(s["start"] as? Double)
            let frames = 93079 + Int((start * 25).rounded())  // 01:02:03:04 = frame 93079
            let expected = String(format: "%02d:%02d:%02d:%02d", frames / 90000, frames / 1500 % 60, frames / 25 % 60, frames % 25)
            #expect(s["start_timecode"] as? String == expected)
        }
        for ext in ["edl", "otio", "txt", "xml", "fcpxml"] {
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("m/A001_C003.retakes.\(ext)").path), "\(ext)")
        }
        let edl = try String(contentsOf: dir.appendingPathComponent("m/A001_C003.retakes.edl"), encoding: .utf8)
        #expect(edl.contains("001  AX       V     C        01:02:03:04 "))
        // Red for a span to reshoot, yellow for one to check (the colour follows the take's decision).
        let colour = (take["verdict"] as? [String: Any])?["decision"] as? String == "retake" ? "RED" : "YELLOW"
        #expect(edl.contains("* LOC: \(spans[0]["start_timecode"] as! String) \(colour) "))
        let avid = try String(contentsOf: dir.appendingPathComponent("m/A001_C003.retakes.txt"), encoding: .utf8)
        #expect(avid.hasPrefix("TakeSense\t\(spans[0]["start_timecode"] as! String)\tV1\t\(colour.lowercased())\t"))

        let o = try CLI.run(["analyze", "A001_C003.mov", "--json", "b.json", "--start-timecode", "10:00:00:00", "--quiet"], in: dir)
        #expect(o.status == 0, "\(o.err)")
        let overridden = try #require(try Self.json(dir.appendingPathComponent("b.json"))["source_timecode"] as? [String: Any])
        #expect(overridden["start"] as? String == "10:00:00:00" && overridden["origin"] as? String == "override")
    }

    @Test("Malformed --start-timecode or an unknown --markers format: one line naming the option, no analysis")
    func badOptions() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let sample = CLI.repository.appendingPathComponent("Samples/sample-take.mp4").path
        for (args, needle) in [(["--start-timecode", "1:02:03"], "--start-timecode: '1:02:03' is not a timecode"),
                               (["--start-timecode", "01:61:00:00"], "--start-timecode: '01:61:00:00': hours must be below 24, minutes and seconds below 60"),
                               (["--markers", "edl,premiere"], "unknown marker format 'premiere'")] {
            let r = try CLI.run(["analyze", sample, "--json", "x.json"] + args, in: dir)
            #expect(r.status != 0)
            let lines = r.err.split(separator: "\n").filter { !$0.isEmpty && !$0.hasPrefix("Usage") && !$0.hasPrefix("  See") }
            #expect(lines.count == 1 && lines[0].contains(needle), "\(r.err)")
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("x.json").path))
        }
        // A frame number the take's rate does not have (25 fps: frames 00-24) is refused for that take, naming it.
        let r = try CLI.run(["analyze", sample, "--json", "y.json", "--start-timecode", "01:00:00:27", "--quiet"], in: dir)
        #expect(r.status == 1)
        #expect(r.err.contains("sample-take.mp4: --start-timecode: '01:00:00:27': frame 27 does not exist at 25"), "\(r.err)")
    }
}
