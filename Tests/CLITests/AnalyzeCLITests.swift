import Foundation
import TakeSenseTestSupport
import Testing

/// `takesense` as users run it: exit status, standard output and error, files written.
enum CLI {
    static let repository = Repository.root

    /// The executable built beside this test bundle (`swift build --build-tests` builds every product).
    static let executable = TakeSenseCLI.executable

    static var ready: Bool {
        executable != nil && FileManager.default.fileExists(atPath: repository.appendingPathComponent("Models/face-emotion.safetensors").path)
    }

    static func run(_ args: [String], in dir: URL) throws -> (status: Int32, out: String, err: String) {
        try TakeSenseCLI.run(TakeSenseCLI.process(args, in: dir, environment: ["TAKESENSE_MODELS": TakeSenseCLI.models.path]))
    }

    static func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("takesense-cli-\(getpid())-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }
}

@Suite("takesense analyze from the command line", .enabled(if: CLI.ready, "the takesense executable or the shipped face model is missing"))
struct AnalyzeCLITests {
    @Test("The README's main command: verdict printed, HTML, JSON and SubRip markers written, exit 0")
    func mainCommand() throws {
        let dir = try CLI.temporaryDirectory()
        let sample = CLI.repository.appendingPathComponent("Samples/sample-take.mp4").path
        let r = try CLI.run(["analyze", sample, "--html", "report.html", "--json", "report.json", "--markers", "srt", "--markers-dir", ".", "--quiet"], in: dir)
        #expect(r.status == 0, "\(r.err)")
        let html = try String(contentsOf: dir.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.contains("<svg") && !html.contains("https://"))
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("report.json"))) as! [String: Any]
        // The terminal says what the JSON says; the sample's sad half is a span in every case (SceneAnalysisTests).
        let decision = try #require((json["verdict"] as? [String: Any])?["decision"] as? String)
        #expect(["keep", "retake"].contains(decision))
        #expect(r.out.contains("sample-take.mp4") && r.out.contains(decision.uppercased()))
        let srt = try String(contentsOf: dir.appendingPathComponent("sample-take.retakes.srt"), encoding: .utf8)
        #expect(srt.hasPrefix("1\n00:00:") && srt.contains(" --> "))
    }

    @Test("A take named with one non-ASCII character after a double slash is named in the summary (Foundation's NSString trapped)")
    func doubleSlashBeforeAOneCharacterNonASCIIName() throws {
        let dir = try CLI.temporaryDirectory()
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("Day 1"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: CLI.repository.appendingPathComponent("Samples/sample-take.mp4"),
                                         to: dir.appendingPathComponent("Day 1/é"))
        let r = try CLI.run(["analyze", "Day 1//é", "--quiet"], in: dir)
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.hasPrefix("é  ("), "\(r.out)")
    }

    @Test("--json - writes only the JSON on standard output")
    func jsonOnStandardOutput() throws {
        let dir = try CLI.temporaryDirectory()
        let sample = CLI.repository.appendingPathComponent("Samples/sample-take.mp4").path
        let r = try CLI.run(["analyze", sample, "--json", "-", "--quiet"], in: dir)
        #expect(r.status == 0)
        let json = try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any]
        #expect(json?["take"] as? String == sample)
        let decision = try #require((json?["verdict"] as? [String: Any])?["decision"] as? String)
        #expect(r.err.contains(decision.uppercased()))
    }

    @Test("Unreadable takes: one line each naming the file, the good take still reported, exit 1")
    func badInput() throws {
        let dir = try CLI.temporaryDirectory()
        try Data("not a video\n".utf8).write(to: dir.appendingPathComponent("notes.mov"))
        let sample = CLI.repository.appendingPathComponent("Samples/sample-take.mp4").path
        let r = try CLI.run(["analyze", "notes.mov", "missing.mp4", sample, "--json", "out.json", "--quiet"], in: dir)
        #expect(r.status == 1)
        let errors = r.err.split(separator: "\n").filter { $0.hasPrefix("error:") }
        #expect(errors.count == 2)
        #expect(errors.contains { $0.contains("notes.mov") && $0.contains("not a media file") })
        #expect(errors.contains { $0.contains("missing.mp4") && $0.contains("no such file") })
        #expect(r.out.contains("sample-take.mp4"))
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("out.json").path))

        let intent = try CLI.run(["analyze", sample, "--intended", "joyful"], in: dir)
        #expect(intent.status != 0 && intent.err.contains("unknown emotion 'joyful'"))
        try Data("{\"retake_below\": \"high\"}".utf8).write(to: dir.appendingPathComponent("policy.json"))
        let policy = try CLI.run(["analyze", sample, "--policy", "policy.json"], in: dir)
        #expect(policy.status != 0 && policy.err.contains("policy.json: not a verdict policy"))
    }
}
