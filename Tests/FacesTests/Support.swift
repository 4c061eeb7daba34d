import Foundation
import Testing

import Faces
import Media

/// Paths the face tests use: the repository (from this file's path), its Models/ folder, the test
/// fixtures, and the real data in `../shared/data` (or `TAKESENSE_SHARED_DATA`), absent on users' machines.
enum Paths {
    static let repository: URL = {
        // Tests/FacesTests/Support.swift → repository root (also through symlinks, for a scratch package
        // whose test folder links to the repository's).
        let file = URL(fileURLWithPath: #filePath)
        let candidates = [file, file.resolvingSymlinksInPath()].map {
            $0.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        }
        return candidates.first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("Models/mtcnn.safetensors").path) } ?? candidates[0]
    }()
    static let mtcnnWeights = repository.appendingPathComponent("Models/mtcnn.safetensors")
    static let fixtures: URL = {
        if let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil) { return url }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    }()

    static let sharedData: String? = {
        if let env = ProcessInfo.processInfo.environment["TAKESENSE_SHARED_DATA"], !env.isEmpty {
            return isDirectory(env) ? env : nil
        }
        let file = URL(fileURLWithPath: #filePath)
        let roots = [file, file.resolvingSymlinksInPath()].map {
            $0.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        }
        return roots.map { $0.appendingPathComponent("shared/data").path }.first { isDirectory($0) }
    }()

    static var fer2013: String? { sharedData.map { $0 + "/fer2013" }.flatMap { isDirectory($0) ? $0 : nil } }

    static func isDirectory(_ path: String) -> Bool {
        var d: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &d) && d.boolValue
    }

    static func temporary(_ name: String) -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("takesense-faces-tests", isDirectory: true)
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent("\(ProcessInfo.processInfo.processIdentifier)-\(name)")
    }
}

let noFER: Comment = "shared/data/fer2013 not found (set TAKESENSE_SHARED_DATA to the shared/data folder); skipping tests on real FER2013 faces"

/// Detectors are loaded once (the MTCNN weights and the cascade are reused by every test).
enum Detectors {
    nonisolated(unsafe) static let haar: HaarCascadeDetector = try! HaarCascadeDetector()
    nonisolated(unsafe) static let mtcnn: MTCNNDetector = try! MTCNNDetector(weights: Paths.mtcnnWeights)
    static let lock = NSLock()

    /// Runs `body` with exclusive use of the shared detectors (tests may run in parallel).
    static func with<R>(_ body: () throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
}

/// A few FER2013 faces (validation split), decoded gray.
enum FERFaces {
    static func load(count: Int, offset: Int = 0) throws -> [PixelBuffer] {
        let root = try #require(Paths.fer2013)
        let dir = root + "/validation/happy"
        let names = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".jpg") }.sorted()
        return try names.dropFirst(offset).prefix(count).map {
            PixelBuffer(try ImageDecoder.decode(URL(fileURLWithPath: dir + "/" + $0), format: .gray))
        }
    }
}

/// The `ffmpeg` command-line tool, which the tests use to make videos.
enum FFmpegCLI {
    static let path: String? = ["/usr/bin/ffmpeg", "/usr/local/bin/ffmpeg"].first { FileManager.default.isExecutableFile(atPath: $0) }

    struct Failure: Error, CustomStringConvertible { let description: String }

    static func run(_ arguments: [String]) throws {
        guard let path else { throw Failure(description: "ffmpeg not found") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["-nostdin", "-hide_banner", "-loglevel", "error", "-y"] + arguments
        process.standardOutput = FileHandle.nullDevice
        let err = Pipe()
        process.standardError = err
        try process.run()
        let data = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "ffmpeg failed: \(String(decoding: data, as: UTF8.self))")
        }
    }
}
