import Foundation
import TakeSenseTestSupport
import Testing

/// `takesense doctor` on a machine without the test-only tools: they are reported, the exit status stays 0,
/// so `./setup.sh run` (which runs doctor under `set -e`) goes on to the main job.
@Suite("takesense doctor", .enabled(if: CLI.executable != nil, "the takesense executable is not built"))
struct DoctorCLITests {
    /// Runs `takesense doctor` with `PATH` replaced (the optional tools are looked up on PATH).
    static func doctor(path: String) throws -> (status: Int32, out: String, err: String) {
        try TakeSenseCLI.run(TakeSenseCLI.process(["doctor"], in: nil, environment: ["PATH": path]))
    }

    @Test("Without ffmpeg, Chromium or Python on PATH: each reported as absent and optional, exit 0")
    func optionalToolsMissing() throws {
        let empty = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: empty) }
        let r = try Self.doctor(path: empty.path)
        #expect(r.status == 0, "doctor failed without the test-only tools: \(r.err)")
        let lines = r.out.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.contains("absent") && $0.contains("ffmpeg command") && $0.hasSuffix("[ffmpeg]") })
        #expect(lines.contains { $0.contains("absent") && $0.contains("[chromium]") })
        #expect(lines.contains("optional, for tests and benchmarks only:"))
        #expect(lines.contains { $0.hasPrefix("note: the main job runs without these") && $0.contains("ffmpeg") })
        // The required part is unaffected by PATH: on this machine (which builds TakeSense) nothing is missing.
        #expect(!r.out.contains("MISSING"))
    }

    @Test("A tool on PATH is found: ffmpeg in a folder of its own is reported ok")
    func optionalToolFound() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fake = dir.appendingPathComponent("ffmpeg")
        try Data("#!/bin/sh\nexit 0\n".utf8).write(to: fake)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fake.path)
        let r = try Self.doctor(path: dir.path)
        #expect(r.status == 0)
        #expect(r.out.split(separator: "\n").contains { $0.contains("ok") && $0.contains("ffmpeg command") })
        #expect(r.out.contains("absent ") && r.out.contains("[chromium]"))
    }
}
