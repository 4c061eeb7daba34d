import Foundation
import Media

/// The repository (from this file's path), its shipped models and the bundled sample take.
enum Repo {
    static let root: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static func model(_ name: String) -> URL { root.appendingPathComponent("Models/" + name) }
    static let sample = root.appendingPathComponent("Samples/sample-take.mp4")
    static var haveModels: Bool {
        ["face-emotion", "voice-emotion", "mtcnn"].allSatisfy {
            FileManager.default.fileExists(atPath: model("\($0).safetensors").path)
        }
    }

    static func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("takesensekit-tests-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Runs a tool (ffmpeg, sha256sum) and returns its standard output.
    @discardableResult
    static func run(_ tool: String, _ args: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = args
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw MediaError.invalidArgument(tool, reason: "\(tool) \(args) failed") }
        return String(decoding: data, as: UTF8.self)
    }

    static func ffmpeg(_ args: [String]) throws {
        try run("/usr/bin/ffmpeg", ["-nostdin", "-hide_banner", "-loglevel", "error", "-y"] + args)
    }
}
