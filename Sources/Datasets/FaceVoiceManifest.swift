import Foundation

/// A scene whose face and voice emotions are known, e.g. one of the congruence benchmark's clips.
public struct LabelledScene: Hashable, Codable, Sendable {
    /// Resolved path of the scene (a video, or an analysis JSON written by `takesense analyze`).
    public var path: String
    /// The emotion the face shows.
    public var faceLabel: Emotion
    /// The emotion the voice carries.
    public var voiceLabel: Emotion
    /// 1-based line in the manifest.
    public var line: Int

    /// Face and voice carry the same emotion: a take to keep. Otherwise one to retake.
    public var congruent: Bool { faceLabel == voiceLabel }

    enum CodingKeys: String, CodingKey {
        case path, line
        case faceLabel = "face_label", voiceLabel = "voice_label"
    }

    public init(path: String, faceLabel: Emotion, voiceLabel: Emotion, line: Int = 0) {
        self.path = path
        self.faceLabel = faceLabel
        self.voiceLabel = voiceLabel
        self.line = line
    }
}

/// The manifest of `takesense evaluate scenes`: scenes with known face and voice emotions.
///
/// ```
/// path,face_label,voice_label
/// bench/happy_happy_01.mp4,happy,happy
/// bench/happy_sad_01.mp4,happy,sad
/// ```
///
/// - **Header** (recommended): columns found by name, case-insensitively: the path column (any of
///   ``EmotionManifest/pathColumns``), the face column (`face_label`, `face`, `face_emotion`) and the
///   voice column (`voice_label`, `voice`, `voice_emotion`); other columns are ignored.
///   Without a header (the first row names no path column) the columns are `path,face_label,voice_label`.
/// - Relative paths are resolved against the manifest's folder; labels are ``Emotion`` names or
///   aliases, both required; a path listed twice is an error.
/// - A scene is **congruent** when its two labels are the same emotion (expected verdict: keep),
///   **incongruent** otherwise (expected verdict: retake).
public enum FaceVoiceManifest {
    public static let faceColumns = ["face_label", "face", "face_emotion"]
    public static let voiceColumns = ["voice_label", "voice", "voice_emotion"]

    public static func load(path: String) throws -> [LabelledScene] {
        let text = try ManifestText.read(path)
        return try parse(text, path: path, baseDirectory: ManifestText.folder(of: path))
    }

    public static func parse(_ text: String, path: String, baseDirectory: String) throws -> [LabelledScene] {
        let rows = try ManifestText.rows(text, path: path)
        guard let first = rows.first else { return [] }
        var columns = (path: 0, face: 1, voice: 2)
        var body = rows[...]
        let names = first.fields.map(ManifestText.columnName)
        if let p = names.firstIndex(where: { EmotionManifest.pathColumns.contains($0) }) {
            guard let f = names.firstIndex(where: { faceColumns.contains($0) }) else {
                throw DatasetError.malformedRow(
                    path: path, line: first.line, reason: "header has no face_label column (found: \(names.joined(separator: ",")))")
            }
            guard let v = names.firstIndex(where: { voiceColumns.contains($0) }) else {
                throw DatasetError.malformedRow(
                    path: path, line: first.line, reason: "header has no voice_label column (found: \(names.joined(separator: ",")))")
            }
            columns = (p, f, v)
            body = rows.dropFirst()
        }
        var scenes: [LabelledScene] = []
        var seen: [String: Int] = [:]
        for row in body {
            let needed = max(columns.path, columns.face, columns.voice) + 1
            guard row.fields.count >= needed else {
                throw DatasetError.malformedRow(
                    path: path, line: row.line,
                    reason: "expected path,face_label,voice_label, found \(row.fields.count) field\(row.fields.count == 1 ? "" : "s")")
            }
            let raw = row.fields[columns.path]
            guard !raw.isEmpty else { throw DatasetError.malformedRow(path: path, line: row.line, reason: "the path is empty") }
            let resolved = ManifestText.resolve(raw, against: baseDirectory)
            if let earlier = seen[resolved] {
                throw DatasetError.malformedRow(path: path, line: row.line, reason: "\(raw) is listed twice (first on line \(earlier))")
            }
            seen[resolved] = row.line
            for (name, index) in [("face_label", columns.face), ("voice_label", columns.voice)] where row.fields[index].isEmpty {
                throw DatasetError.malformedRow(path: path, line: row.line, reason: "\(name) is empty")
            }
            scenes.append(LabelledScene(
                path: resolved,
                faceLabel: try ManifestText.emotion(row.fields[columns.face], path: path, line: row.line),
                voiceLabel: try ManifestText.emotion(row.fields[columns.voice], path: path, line: row.line),
                line: row.line))
        }
        return scenes
    }
}

