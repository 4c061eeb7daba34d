import Foundation
@testable import Datasets

/// A temporary directory tree for one test; call `remove()` when done (e.g. with `defer`).
struct Fixture {
    let root: String

    init(_ name: String = #function) {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        root = FileManager.default.temporaryDirectory
            .appendingPathComponent("takesense-datasets-\(safe)-\(UUID().uuidString)").path
        try! FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    /// Creates an (empty, unless `contents` is given) file at a path relative to the root.
    @discardableResult
    func file(_ relative: String, _ contents: String = "") -> String {
        let path = root + "/" + relative
        let dir = (path as NSString).deletingLastPathComponent
        try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        precondition(FileManager.default.createFile(atPath: path, contents: Data(contents.utf8)), "cannot create \(path)")
        return path
    }

    /// Creates an empty directory.
    func directory(_ relative: String) {
        try! FileManager.default.createDirectory(atPath: root + "/" + relative, withIntermediateDirectories: true)
    }

    func path(_ relative: String) -> String { root + "/" + relative }

    func remove() { try? FileManager.default.removeItem(atPath: root) }
}

/// Builders for the corpora's file-name conventions.
enum Names {
    /// `MM-VV-EE-II-SS-RR-AA.ext`.
    static func ravdess(modality: Int = 3, channel: Int = 1, emotion: Int, intensity: Int, statement: Int, repetition: Int, actor: Int, ext: String = "wav")
        -> String
    {
        [modality, channel, emotion, intensity, statement, repetition, actor].map { String(format: "%02d", $0) }.joined(separator: "-") + "." + ext
    }
}

/// Counts of an array of labeled samples by canonical name.
func labelCounts<S: LabeledSample>(_ samples: [S]) -> [String: Int] {
    var counts: [String: Int] = [:]
    for s in samples { counts[s.label.rawValue, default: 0] += 1 }
    return counts
}

/// Runs `body` and returns the `DatasetError` it throws, or `nil`.
func datasetError(_ body: () throws -> Void) -> DatasetError? {
    do {
        try body()
        return nil
    } catch let error as DatasetError {
        return error
    } catch {
        return nil
    }
}
