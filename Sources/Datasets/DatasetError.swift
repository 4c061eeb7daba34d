import Foundation

/// An error from indexing a corpus. Every description is one line that names the path (and line,
/// for row-based files) and the problem.
///
/// Files that merely do not follow a corpus's naming convention are not errors: they are skipped and
/// counted in ``LoadReport`` — unless the loader is asked to be strict, in which case the first such
/// file throws ``malformedFileName(path:reason:)``.
public enum DatasetError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    /// The directory does not exist.
    case missingDirectory(path: String)
    /// The path exists but is a file where a directory was expected.
    case notADirectory(path: String)
    /// The file does not exist.
    case missingFile(path: String)
    /// The file or directory exists but could not be read.
    case unreadable(path: String, reason: String)
    /// The directory holds no file of the expected layout (`expected` describes what was looked for).
    case noRecognisedFiles(path: String, expected: String)
    /// A file name does not follow the corpus's convention (only thrown in strict mode).
    case malformedFileName(path: String, reason: String)
    /// A row of a text file (CSV) is malformed; `line` is 1-based and counts the header.
    case malformedRow(path: String, line: Int, reason: String)
    /// A `name=DIR` dataset specification could not be understood.
    case invalidSpec(spec: String, reason: String)
    /// A label set is empty or lists a class twice.
    case invalidLabelSet(String)
    /// A split cannot be made as asked (bad fraction, unknown held-out speaker...).
    case invalidSplit(String)

    public var description: String {
        switch self {
        case .missingDirectory(let path): return "\(path): no such directory"
        case .notADirectory(let path): return "\(path): not a directory"
        case .missingFile(let path): return "\(path): no such file"
        case .unreadable(let path, let reason): return "\(path): cannot read: \(reason)"
        case .noRecognisedFiles(let path, let expected): return "\(path): no recognised files (expected \(expected))"
        case .malformedFileName(let path, let reason): return "\(path): malformed file name: \(reason)"
        case .malformedRow(let path, let line, let reason): return "\(path):\(line): \(reason)"
        case .invalidSpec(let spec, let reason): return "invalid dataset spec \"\(spec)\": \(reason)"
        case .invalidLabelSet(let reason): return "invalid label set: \(reason)"
        case .invalidSplit(let reason): return "invalid split: \(reason)"
        }
    }

    public var errorDescription: String? { description }
}
