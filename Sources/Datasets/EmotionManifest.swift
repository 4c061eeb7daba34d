import Foundation

/// One scene of a manifest: a file and, when known, its emotion.
public struct ManifestEntry: Hashable, Codable, Sendable {
    /// The path as resolved: absolute paths are kept, relative ones are joined to the manifest's folder.
    public var path: String
    /// The ground-truth emotion (canonical name), or nil when the row gives none.
    public var label: Emotion?
    /// 1-based line in the manifest (0 for entries not read from a file).
    public var line: Int

    public init(path: String, label: Emotion? = nil, line: Int = 0) {
        self.path = path
        self.label = label
        self.line = line
    }
}

/// The generic manifest: one scene per row, `path[,label]`.
///
/// ```
/// path,label
/// takes/scene1_take3.mp4,happy
/// /data/clips/b.mov,anger
/// analyses/c.json,
/// ```
///
/// - **Header:** the first row is a header when one of its fields is a path column name
///   (``pathColumns``: `path`, `file`, `filename`, `video`, `take`, `clip`, `scene`). Columns are then
///   found by name, case-insensitively: the path column, and the label column if any
///   (``labelColumns``: `label`, `emotion`, `truth`, `ground_truth`, `class`); other columns are ignored.
///   Without a header, the first column is the path and the optional second the label; a headerless
///   row with more than two fields is an error.
/// - **Paths:** relative paths are resolved against the folder that holds the manifest (not the
///   working directory), so a manifest can travel with its clips.
/// - **Labels:** any name or alias ``Emotion`` knows (`anger` → `angry`); an empty label means
///   unknown; an unrecognised name is an error (a typo would otherwise become a class of its own).
/// - A path listed twice is an error.
public enum EmotionManifest {
    /// Header names that mark the path column.
    public static let pathColumns = ["path", "file", "filename", "video", "take", "clip", "scene"]
    /// Header names that mark the label column.
    public static let labelColumns = ["label", "emotion", "truth", "ground_truth", "class"]

    /// Reads the manifest at `path`.
    public static func load(path: String) throws -> [ManifestEntry] {
        let text = try ManifestText.read(path)
        return try parse(text, path: path, baseDirectory: ManifestText.folder(of: path))
    }

    /// Parses manifest text; `path` names the source in errors, relative paths are joined to `baseDirectory`.
    public static func parse(_ text: String, path: String, baseDirectory: String) throws -> [ManifestEntry] {
        let rows = try ManifestText.rows(text, path: path)
        guard let first = rows.first else { return [] }
        var pathIndex = 0
        var labelIndex: Int? = 1
        var body = rows[...]
        let names = first.fields.map(ManifestText.columnName)
        if let p = names.firstIndex(where: { pathColumns.contains($0) }) {
            pathIndex = p
            labelIndex = names.firstIndex(where: { labelColumns.contains($0) })
            body = rows.dropFirst()
        }
        let headerless = body.startIndex == rows.startIndex
        var entries: [ManifestEntry] = []
        var seen: [String: Int] = [:]
        for row in body {
            if headerless, row.fields.count > 2 {
                throw DatasetError.malformedRow(
                    path: path, line: row.line,
                    reason: "expected path[,label], found \(row.fields.count) fields (name the columns in a header row such as path,label)")
            }
            guard pathIndex < row.fields.count, !row.fields[pathIndex].isEmpty else {
                throw DatasetError.malformedRow(path: path, line: row.line, reason: "the path is empty")
            }
            let resolved = ManifestText.resolve(row.fields[pathIndex], against: baseDirectory)
            if let earlier = seen[resolved] {
                throw DatasetError.malformedRow(path: path, line: row.line, reason: "\(row.fields[pathIndex]) is listed twice (first on line \(earlier))")
            }
            seen[resolved] = row.line
            var label: Emotion?
            if let labelIndex, labelIndex < row.fields.count, !row.fields[labelIndex].isEmpty {
                label = try ManifestText.emotion(row.fields[labelIndex], path: path, line: row.line)
            }
            entries.append(ManifestEntry(path: resolved, label: label, line: row.line))
        }
        return entries
    }
}

