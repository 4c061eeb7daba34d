import Director
import Foundation

/// What a writer's destination URL names.
public enum ReportDestination: Sendable, Equatable {
    /// One file (JSON, HTML): its parent folder is created when missing.
    case file
    /// A folder that receives one or more files per take (CSV, markers): created when missing.
    case directory
}

/// Turns the analysis of one or several takes into files an editor or director opens.
/// One conforming type per format; every writer takes the same input, a `TakeComparison`
/// (one take is a comparison of one: see `TakeComparison.init(single:)`).
public protocol ResultWriting: Sendable {
    /// Whether `write(_:to:)` expects a file or a folder.
    var destination: ReportDestination { get }

    /// Writes the report(s) and returns the files written, in order.
    @discardableResult
    func write(_ comparison: TakeComparison, to url: URL) throws -> [URL]
}

public extension ResultWriting {
    /// One take.
    @discardableResult
    func write(_ analysis: TakeAnalysis, to url: URL) throws -> [URL] {
        try write(TakeComparison(single: analysis), to: url)
    }
}

public extension TakeComparison {
    /// One take as a comparison of one (ranked by `TakeRanking`, so its ranking has one row).
    init(single analysis: TakeAnalysis) {
        self.init(takes: [analysis], ranking: TakeRanking.rank([analysis]))
    }

    /// Several takes ranked by `TakeRanking`.
    init(ranking takes: [TakeAnalysis]) {
        self.init(takes: takes, ranking: TakeRanking.rank(takes))
    }
}

/// Why a report could not be read or written: `description` is one line naming the file.
public struct ReportError: Error, CustomStringConvertible, Equatable, Sendable {
    public enum Kind: Sendable, Equatable {
        case unreadable, badJSON, notAnAnalysis, unwritable, invalidInput
        /// An output path that resolves to one of the run's input files (refused: inputs are never replaced).
        case overwritesInput
    }

    public var kind: Kind
    /// The file (or folder) concerned, as a path.
    public var path: String
    /// What went wrong, one line.
    public var reason: String

    public init(_ kind: Kind, path: String, reason: String) {
        self.kind = kind
        self.path = path
        self.reason = reason.split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    public var description: String { "\(path): \(reason)" }
}

/// Shared file plumbing: atomic writes, folders.
///
/// Every writer goes through `write(_:to:)`: inside `OutputSet.replaceTogether` the file is only staged
/// (written whole under a hidden temporary name) and renamed into place with the rest of the set, so a new
/// writer joins the all-or-nothing set without any change of its own.
enum ReportFiles {
    /// Writes `data` atomically (temporary file + rename), creating the parent folder when missing.
    static func write(_ data: Data, to url: URL) throws {
        if let set = OutputSet.current {
            try set.stage(data, to: url)
            return
        }
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url, options: .atomic)
        } catch {
            throw ReportError(.unwritable, path: url.path, reason: "cannot write: \(error.localizedDescription)")
        }
    }

    static func write(_ text: String, to url: URL) throws {
        try write(Data(text.utf8), to: url)
    }

    /// Creates `url` as a folder (with its parents) unless it already is one.
    static func makeDirectory(_ url: URL) throws {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) {
            guard isDir.boolValue else {
                throw ReportError(.unwritable, path: url.path, reason: "exists and is not a folder")
            }
            return
        }
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw ReportError(.unwritable, path: url.path, reason: "cannot create the folder: \(error.localizedDescription)")
        }
    }
}
