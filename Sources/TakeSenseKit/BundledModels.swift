import Foundation
import TensorFiles

/// Where the models shipped in the repository's `Models/` folder are found: `TAKESENSE_MODELS`, then a
/// `Models/` folder (one holding README.md) beside or above the running executable (up to five levels: the
/// `takesense` binary and test bundles in `.build/<triple>/<config>/`), then the one in the checkout this
/// library was built from, then `./Models`.
public enum BundledModels {
    public static let faceFile = "face-emotion.safetensors"
    public static let voiceFile = "voice-emotion.safetensors"
    public static let mtcnnFile = "mtcnn.safetensors"

    public static var directory: URL {
        let fm = FileManager.default
        if let env = ProcessInfo.processInfo.environment["TAKESENSE_MODELS"] { return URL(fileURLWithPath: env) }
        func isModels(_ url: URL) -> Bool { fm.fileExists(atPath: url.appendingPathComponent("README.md").path) }
        var dir = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            let candidate = dir.appendingPathComponent("Models")
            if isModels(candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        // Sources/TakeSenseKit/BundledModels.swift → the checkout's Models/ (a package depending on TakeSenseKit).
        let checkout = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Models")
        if isModels(checkout) { return checkout }
        return URL(fileURLWithPath: "Models")
    }

    /// The repository the bundled models came from (the benchmarks look for shared data and samples beside it).
    public static var repository: URL { directory.deletingLastPathComponent() }

    /// The face-emotion model: `path` when given, else the bundled one.
    public static func face(_ path: String? = nil) throws -> URL {
        try locate(path, faceFile, what: "face model")
    }

    /// The voice-emotion model: `path` when given, else the bundled one.
    public static func voice(_ path: String? = nil) throws -> URL {
        try locate(path, voiceFile, what: "voice model")
    }

    /// The MTCNN detector's weights: `path` when given, else the bundled ones.
    public static func mtcnn(_ path: String? = nil) throws -> URL {
        try locate(path, mtcnnFile, what: "MTCNN weights")
    }

    static func locate(_ path: String?, _ name: String, what: String) throws -> URL {
        if let path { return URL(fileURLWithPath: path) }
        let url = directory.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw ModelError(file: url.path, reason: "no bundled \(what) found; name the file (see --help) or set TAKESENSE_MODELS")
        }
        return url
    }
}
