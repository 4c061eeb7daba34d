import Foundation

/// The repository (found from this file's path) and the project's real data, which users' machines
/// don't have: tests that need it skip with a message naming `TAKESENSE_SHARED_DATA`.
public enum Repository {
    /// The repository root: Tests/TakeSenseTestSupport/Paths.swift → up three levels (also through
    /// the symlinks of a scratch package whose test folder links to the repository's).
    public static let root: URL = {
        let file = URL(fileURLWithPath: #filePath)
        let candidates = [file, file.resolvingSymlinksInPath()].map {
            $0.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        }
        return candidates.first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("Package.swift").path) } ?? candidates[0]
    }()

    /// A file under the repository, e.g. `Models/mtcnn.safetensors`.
    public static func file(_ relative: String) -> URL { root.appendingPathComponent(relative) }
}

/// The shared real data (FER2013, RAVDESS, TESS): `TAKESENSE_SHARED_DATA` when set (then the only
/// place looked at), else `../shared/data` beside the repository.
public enum SharedData {
    public static let root: String? = {
        if let env = ProcessInfo.processInfo.environment["TAKESENSE_SHARED_DATA"], !env.isEmpty {
            return isDirectory(env) ? env : nil
        }
        let file = URL(fileURLWithPath: #filePath)
        let repositories = [file, file.resolvingSymlinksInPath()].map {
            $0.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        }
        return repositories.map { $0.deletingLastPathComponent().appendingPathComponent("shared/data").path }.first { isDirectory($0) }
    }()

    /// `root/name` when it is a folder (e.g. "fer2013", "ravdess", "tess"), else nil.
    public static func folder(_ name: String) -> String? {
        root.map { $0 + "/" + name }.flatMap { isDirectory($0) ? $0 : nil }
    }

    public static func isDirectory(_ path: String) -> Bool {
        var d: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &d) && d.boolValue
    }
}

/// Fresh scratch folders under the system's temporary directory.
public enum TemporaryFolder {
    /// A new, empty folder; the caller removes it.
    public static func make(_ prefix: String = "takesense-tests") throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
