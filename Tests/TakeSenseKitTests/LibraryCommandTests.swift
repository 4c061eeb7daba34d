import Foundation
import TakeSenseKit
import TensorFiles
import Testing

/// What `doctor`, `models inspect|migrate` and `analyze`'s checks do, called as the library.
@Suite("SystemCheck, ModelInspection, TakeError and the configuration's checks")
struct LibraryCommandTests {
    @Test("onPath finds an executable in the PATH's folders, in order, and nothing that is not executable")
    func onPath() throws {
        let dir = try Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let tool = dir.appendingPathComponent("tool").path, plain = dir.appendingPathComponent("plain").path
        #expect(FileManager.default.createFile(atPath: tool, contents: Data("#!/bin/sh\n".utf8), attributes: [.posixPermissions: 0o755]))
        #expect(FileManager.default.createFile(atPath: plain, contents: Data(), attributes: [.posixPermissions: 0o644]))
        #expect(SystemCheck.onPath("tool", path: "/nonexistent::\(dir.path)") == tool)
        #expect(SystemCheck.onPath("plain", path: dir.path) == nil)
        #expect(SystemCheck.onPath("tool", path: nil) == nil)
    }

    @Test("With an empty PATH every optional tool is reported absent; every requirement gets its line")
    func systemCheck() throws {
        let report = try SystemCheck.run(path: "")
        #expect(report.missingOptional == SystemCheck.optionalTools.map(\.1))
        #expect(report.text.hasPrefix("libtorch      "))
        for (what, package, _) in SystemCheck.requirements {
            #expect(report.text.contains("\(what) [\(package)]"))
        }
        for package in report.missing { #expect(report.text.contains("MISSING")  && report.text.contains("[\(package)]")) }
    }

    @Test("inspect describes a shipped model from its metadata; migrate leaves a contract file alone unless given an output",
          .enabled(if: Repo.haveModels, "Models/ is missing"))
    func inspectAndMigrate() throws {
        let face = Repo.model("face-emotion.safetensors").path
        let lines = try ModelInspection.describe(face)
        let meta = ModelMetadata(try SafeTensorsFile(contentsOf: URL(fileURLWithPath: face)).metadata)
        #expect(lines.first == "file: \(face)")
        #expect(lines.contains("kind: face-emotion"))
        #expect(lines.contains("architecture: \(try #require(meta.architecture))"))
        #expect(lines.contains("labels: \(try #require(meta.labels).joined(separator: ", "))"))
        #expect(lines.last?.hasPrefix("tensors: ") == true)
        #expect(try ModelInspection.migrate(face) == "\(face): already under takesense.* keys")
        let dir = try Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let copy = dir.appendingPathComponent("copy.safetensors").path
        #expect(try ModelInspection.migrate(face, to: copy).hasPrefix("\(copy): "))
        #expect(try ModelInspection.describe(copy).dropFirst() == lines.dropFirst())
    }

    struct Twice: Error, CustomStringConvertible {
        var description: String
    }

    @Test("TakeError: the error's first line, with the file in front unless it already names it")
    func takeError() {
        #expect(TakeError(file: "a.mov", Twice(description: "no video stream\nmore")).description == "a.mov: no video stream")
        #expect(TakeError(file: "a.mov", Twice(description: "a.mov: truncated")).description == "a.mov: truncated")
    }

    @Test("Threshold overrides: NaN and out-of-range values are one-line errors, from the configuration too")
    func overrides() throws {
        try TakeSenseConfiguration.checkOverrides(retakeBelow: 0.5, minFaceCoverage: 0, minSpeechSeconds: 120)
        #expect { try TakeSenseConfiguration.checkOverrides(retakeBelow: .nan, minFaceCoverage: nil, minSpeechSeconds: nil) } throws: {
            "\($0)" == "--retake-below must be a number between 0 and 1, got nan"
        }
        #expect { try TakeSenseConfiguration.checkOverrides(retakeBelow: nil, minFaceCoverage: nil, minSpeechSeconds: 1e6) } throws: {
            "\($0)".contains("between 0 and 86400")
        }
        var configuration = TakeSenseConfiguration()
        configuration.minFaceCoverage = 1.5
        #expect(throws: ConfigurationError.self) { try configuration.resolvedPolicy() }
        #expect(TakeSenseConfiguration.maxThreads >= 4 && TakeSenseConfiguration.maxThreads <= 256)
    }
}
