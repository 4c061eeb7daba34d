import Foundation

/// Label lists read from model files: at least two, non-empty, unique names, a bounded count (a repeated
/// label used to crash `analyze` with "Duplicate values for key").
public enum ModelLabels {
    public static func parse(commaSeparated text: String, max: Int) -> Result<[String], LabelProblem> {
        validate(text.split(separator: ",", omittingEmptySubsequences: false).map(String.init), max: max)
    }

    public static func validate(_ labels: [String], max: Int) -> Result<[String], LabelProblem> {
        guard labels.count >= 2 else { return .failure(LabelProblem("needs at least two labels, found \(labels.count)")) }
        guard labels.count <= max else { return .failure(LabelProblem("lists \(labels.count) labels, more than \(max)")) }
        var seen = Set<String>()
        for (i, l) in labels.enumerated() {
            guard !l.trimmingCharacters(in: .whitespaces).isEmpty else { return .failure(LabelProblem("label \(i + 1) is empty")) }
            guard seen.insert(l).inserted else { return .failure(LabelProblem("label '\(l)' appears twice")) }
        }
        return .success(labels)
    }

    public struct LabelProblem: Error, CustomStringConvertible {
        public let description: String
        init(_ d: String) { description = d }
    }
}

extension SafeTensorsFile {
    /// Tensor shapes by name (header only; no tensor data is read).
    public var shapes: [String: [Int]] {
        Dictionary(entries.map { ($0.name, $0.shape) }, uniquingKeysWith: { a, _ in a })
    }
}

/// A model file that cannot be used: missing, malformed, or claiming what its tensors do not hold. One line
/// naming the file and the problem (libtorch's own failures are `TorchError`).
public struct ModelError: Error, CustomStringConvertible, Equatable, Sendable {
    public let file: String
    public let reason: String

    public init(file: String, reason: String) {
        self.file = file
        self.reason = reason
    }

    /// The first line of `error`, about `file` (named once).
    public init(file: String, _ error: any Error) {
        let text = String(describing: error)
        let line = text.split(separator: "\n").first.map(String.init) ?? text
        self.init(file: file, reason: line.hasPrefix(file + ": ") ? String(line.dropFirst(file.count + 2)) : line)
    }

    public var description: String { reason.contains(file) ? reason : "\(file): \(reason)" }
}
