import Foundation

/// A recipe or run setting that cannot be used (unknown preset, bad option value, unusable data):
/// one line naming the problem, which the command line prints as it is.
public struct RecipeError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ message: String) { description = message }
}

/// Files a training or evaluation run writes beside its checkpoints.
public enum RunFiles {
    /// Pretty-printed JSON with sorted keys, written atomically (whole or not at all).
    public static func writeJSON<T: Encodable>(_ value: T, to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(value).write(to: url, options: .atomic)
    }

    /// The metadata key under which a trained model records its recipe as JSON.
    public static let recipeKey = "takesense.recipe"

    /// A line on standard error (training logs; standard output carries the results).
    public static func logToStandardError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
