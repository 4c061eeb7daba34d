import Foundation
#if canImport(Glibc)
import Glibc
#endif

// Lists of scenes (takes, clips) with known emotions, for `takesense correlate` and
// `takesense evaluate scenes`:
//
// - ``SceneManifest``: the generic `path[,label]` manifest.
// - ``ScenesManifest``: the scenes-evaluation manifest `path,face_label,voice_label`.
// - ``OMGEmotion``: the OMG-Emotion corpus' CSVs and per-annotator files, with the ground truth by
//   majority vote, matched to a folder of clips the user has cut.
//
// All readers accept a UTF-8 byte-order mark, CRLF line ends, blank lines, lines starting with `#`
// (comments) and fields in double quotes (`"a, b.mp4"`, with `""` for a quote inside). Every problem
// throws ``DatasetError`` naming the file and, for rows, the 1-based line (the header is line 1).

// MARK: - Generic manifest

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
public enum SceneManifest {
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

// MARK: - Scenes-evaluation manifest

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
///   ``SceneManifest/pathColumns``), the face column (`face_label`, `face`, `face_emotion`) and the
///   voice column (`voice_label`, `voice`, `voice_emotion`); other columns are ignored.
///   Without a header (the first row names no path column) the columns are `path,face_label,voice_label`.
/// - Relative paths are resolved against the manifest's folder; labels are ``Emotion`` names or
///   aliases, both required; a path listed twice is an error.
/// - A scene is **congruent** when its two labels are the same emotion (expected verdict: keep),
///   **incongruent** otherwise (expected verdict: retake).
public enum ScenesManifest {
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
        if let p = names.firstIndex(where: { SceneManifest.pathColumns.contains($0) }) {
            guard let f = names.firstIndex(where: { faceColumns.contains($0) }) else {
                throw DatasetError.malformedRow(path: path, line: first.line, reason: "header has no face_label column (found: \(names.joined(separator: ",")))")
            }
            guard let v = names.firstIndex(where: { voiceColumns.contains($0) }) else {
                throw DatasetError.malformedRow(path: path, line: first.line, reason: "header has no voice_label column (found: \(names.joined(separator: ",")))")
            }
            columns = (p, f, v)
            body = rows.dropFirst()
        }
        var scenes: [LabelledScene] = []
        var seen: [String: Int] = [:]
        for row in body {
            let needed = max(columns.path, columns.face, columns.voice) + 1
            guard row.fields.count >= needed else {
                throw DatasetError.malformedRow(path: path, line: row.line, reason: "expected path,face_label,voice_label, found \(row.fields.count) field\(row.fields.count == 1 ? "" : "s")")
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

// MARK: - OMG-Emotion

/// One utterance of OMG-Emotion's `omg_TrainVideos.csv` / `omg_ValidationVideos.csv` /
/// `omg_TestVideos_WithLabels.csv`.
public struct OMGUtterance: Hashable, Codable, Sendable {
    /// The YouTube link of the whole video.
    public var link: String
    /// Start and end of the utterance in the whole video, in seconds.
    public var start: Double
    public var end: Double
    /// Video id (e.g. `5b44393ed`, `8c49a05d3_1`): the folder of its clips.
    public var video: String
    /// Utterance file name (e.g. `utterance_4.mp4`): the clip's name in its video folder.
    public var utterance: String
    /// Gold-standard arousal and valence (absent from the test file without labels).
    public var arousal: Double?
    public var valence: Double?
    /// `EmotionMaxVote`: the organisers' categorical emotion from voting over the annotations.
    public var maxVote: Emotion?
    /// 1-based line in the CSV.
    public var line: Int

    /// `video/utterance`: the key of the utterance's detailed annotations.
    public var id: String { video + "/" + utterance }

    enum CodingKeys: String, CodingKey {
        case link, start, end, video, utterance, arousal, valence, line
        case maxVote = "emotion_max_vote"
    }

    public init(link: String, start: Double, end: Double, video: String, utterance: String,
                arousal: Double? = nil, valence: Double? = nil, maxVote: Emotion? = nil, line: Int = 0) {
        self.link = link
        self.start = start
        self.end = end
        self.video = video
        self.utterance = utterance
        self.arousal = arousal
        self.valence = valence
        self.maxVote = maxVote
        self.line = line
    }
}

/// One annotator's judgement of one utterance (a file of OMG-Emotion's `DetailedAnnotation` folder).
public struct OMGAnnotation: Hashable, Codable, Sendable {
    /// The annotator: the file's name without `.txt` (`0` … `4`).
    public var annotator: String
    public var emotion: Emotion
    /// The annotator's arousal and valence on the tool's 0-100 scale, when given.
    public var arousal: Double?
    public var valence: Double?
    /// The file read.
    public var file: String

    public init(annotator: String, emotion: Emotion, arousal: Double? = nil, valence: Double? = nil, file: String = "") {
        self.annotator = annotator
        self.emotion = emotion
        self.arousal = arousal
        self.valence = valence
        self.file = file
    }
}

/// The ground truth of an utterance and how it was decided.
public struct OMGVote: Hashable, Codable, Sendable {
    /// How ``OMGVote/label`` was reached.
    public enum Rule: String, Codable, Sendable {
        /// One emotion has more than half of the annotators' votes.
        case majority
        /// One emotion has more votes than any other, but not more than half.
        case plurality
        /// Several emotions share the most votes and `EmotionMaxVote` is one of them: it is used.
        case tieBrokenByMaxVote = "tie_broken_by_max_vote"
        /// Several emotions share the most votes and `EmotionMaxVote` is not one of them (or is
        /// absent): no label; the utterance is left out of accuracy figures.
        case unresolvedTie = "unresolved_tie"
        /// No detailed annotations: `EmotionMaxVote` from the CSV is used as it is.
        case maxVote = "max_vote"
        /// Neither annotations nor `EmotionMaxVote`: no label.
        case none
    }

    /// The ground truth, nil for an unresolved tie or an unannotated utterance.
    public var label: Emotion?
    public var rule: Rule
    /// Votes per emotion (canonical name → count).
    public var votes: [String: Int]
    /// Number of annotations counted.
    public var annotators: Int
    /// The emotions that shared the most votes, when there was a tie (sorted).
    public var tied: [Emotion]

    public init(label: Emotion?, rule: Rule, votes: [String: Int], annotators: Int, tied: [Emotion] = []) {
        self.label = label
        self.rule = rule
        self.votes = votes
        self.annotators = annotators
        self.tied = tied
    }

    /// One line, e.g. "tie between angry and sad (2 votes each of 5)".
    public var explanation: String {
        let top = votes.values.max() ?? 0
        switch rule {
        case .majority, .plurality:
            return "\(label?.rawValue ?? "-"): \(rule.rawValue) (\(top) of \(annotators) votes)"
        case .tieBrokenByMaxVote:
            return "\(label?.rawValue ?? "-"): tie between \(tied.map(\.rawValue).joined(separator: " and ")) (\(top) votes each of \(annotators)), broken by EmotionMaxVote"
        case .unresolvedTie:
            return "no label: tie between \(tied.map(\.rawValue).joined(separator: " and ")) (\(top) votes each of \(annotators)) that EmotionMaxVote does not break"
        case .maxVote:
            return "\(label?.rawValue ?? "-"): EmotionMaxVote (no detailed annotations)"
        case .none:
            return "no label: neither annotations nor EmotionMaxVote"
        }
    }
}

/// An OMG-Emotion utterance with its annotations, ground truth and local clip.
public struct OMGScene: Hashable, Codable, Sendable {
    public var utterance: OMGUtterance
    public var annotations: [OMGAnnotation]
    public var vote: OMGVote
    /// The clip found for it in the clips folder, if any.
    public var clip: String?

    public var label: Emotion? { vote.label }

    public init(utterance: OMGUtterance, annotations: [OMGAnnotation], vote: OMGVote, clip: String?) {
        self.utterance = utterance
        self.annotations = annotations
        self.vote = vote
        self.clip = clip
    }
}

/// The utterances of OMG-Emotion CSVs matched to annotations and local clips, with what could not be.
public struct OMGSceneSet: Sendable, Codable {
    public var scenes: [OMGScene]
    /// Utterances for which no clip was found (when a clips folder was given).
    public var missingClips: [String]
    /// Utterances whose vote ended in an unresolved tie.
    public var unresolvedTies: [String]
    /// Annotation files for the same utterance and annotator found more than once (the first, in
    /// path order, is kept).
    public var duplicateAnnotations: [String]

    /// The scenes that have a clip, as manifest entries (label = the ground truth).
    public var manifestEntries: [ManifestEntry] {
        scenes.compactMap { s in s.clip.map { ManifestEntry(path: $0, label: s.label, line: s.utterance.line) } }
    }

    /// One line: counts of scenes, clips found, labels and ties.
    public var summary: String {
        let withClip = scenes.filter { $0.clip != nil }.count
        let labelled = scenes.filter { $0.label != nil }.count
        return "\(scenes.count) utterances, \(withClip) with a local clip, \(labelled) with a ground-truth label"
            + (unresolvedTies.isEmpty ? "" : ", \(unresolvedTies.count) unresolved tie\(unresolvedTies.count == 1 ? "" : "s")")
    }
}

/// OMG-Emotion (One-Minute-Gradual Emotion, Barros et al., IJCNN 2018): 420 monologue videos from
/// YouTube cut into utterances, each annotated by five Amazon Mechanical Turk workers.
///
/// Layout, as published in the challenge repository (`knowledgetechnologyuhh/OMGEmotionChallenge`):
///
/// - `omg_TrainVideos.csv`, `omg_ValidationVideos.csv`, `omg_TestVideos_WithLabels.csv`:
///   header `link,start,end,video,utterance,arousal,valence,EmotionMaxVote`, one utterance per row:
///   the YouTube link, start and end in seconds within the video, the video id, the utterance's
///   file name (`utterance_4.mp4`), the gold-standard arousal (0..1) and valence (-1..1), and the
///   categorical emotion voted over the annotations, coded 0 anger, 1 disgust, 2 fear, 3 happy,
///   4 neutral, 5 sad, 6 surprise. (`omg_TestVideos_WithoutLabels.csv` stops after `utterance`.)
///   Columns are found by header name, case-insensitively; only link, start, end, video and
///   utterance are required.
/// - `DetailedAnnotation/<split>/<video>/<utterance>/<annotator>.txt`, one file per annotator
///   (`0.txt` … `4.txt`) holding `arousal,valence,emotion` and one row such as `96.0,90.3,Surprise`
///   (emotion as a word: Anger, Disgust, Fear, Happy, Neutral, Sad, Surprise). One revision of the
///   repository nests a second utterance folder (`<video>/utterance_1.mp4/utterance_3.mp4/3.txt`);
///   such files are read with the innermost utterance folder as the utterance and the nearest
///   ancestor folder not named `utterance_*` as the video.
/// - Clips: the challenge's `prepare_data.py` downloads each video and cuts it into
///   `<target>/<video>/<utterance>`; ``findClip(for:in:)`` looks there first (see it for the
///   other names accepted).
///
/// **Ground truth** (``vote(_:maxVote:)``): the emotion with the most annotator votes (plurality;
/// with five annotators that is usually a majority). A tie for the most votes is broken by the
/// CSV's `EmotionMaxVote` when that is one of the tied emotions; otherwise the utterance gets no
/// label (reported, and left out of accuracy figures) rather than an arbitrary one. Without
/// detailed annotations, `EmotionMaxVote` is the label.
public enum OMGEmotion {
    /// `EmotionMaxVote` codes 0-6.
    public static let emotionCodes: [Emotion] = [.angry, .disgust, .fear, .happy, .neutral, .sad, .surprise]

    /// The file extensions tried for clips.
    public static let clipExtensions = ["mp4", "mkv", "webm", "mov", "avi", "m4v", "wav", "flac", "mp3", "m4a"]

    /// The emotion of an `EmotionMaxVote` code, or nil.
    public static func emotion(code: Int) -> Emotion? {
        emotionCodes.indices.contains(code) ? emotionCodes[code] : nil
    }

    // MARK: Videos CSV

    /// Reads one of the videos CSVs.
    public static func loadUtterances(path: String) throws -> [OMGUtterance] {
        try parseUtterances(try ManifestText.read(path), path: path)
    }

    /// Parses a videos CSV; `path` names the source in errors.
    public static func parseUtterances(_ text: String, path: String) throws -> [OMGUtterance] {
        let rows = try ManifestText.rows(text, path: path)
        guard let header = rows.first else { throw DatasetError.malformedRow(path: path, line: 1, reason: "the file is empty (expected a header link,start,end,video,utterance,...)") }
        let names = header.fields.map(ManifestText.columnName)
        func column(_ name: String, required: Bool) throws -> Int? {
            if let i = names.firstIndex(of: name) { return i }
            if required {
                throw DatasetError.malformedRow(path: path, line: header.line, reason: "header has no \"\(name)\" column (found: \(names.joined(separator: ",")))")
            }
            return nil
        }
        let link = try column("link", required: true)!
        let start = try column("start", required: true)!
        let end = try column("end", required: true)!
        let video = try column("video", required: true)!
        let utterance = try column("utterance", required: true)!
        let arousal = try column("arousal", required: false)
        let valence = try column("valence", required: false)
        let maxVote = try column("emotionmaxvote", required: false)

        var result: [OMGUtterance] = []
        var seen: [String: Int] = [:]
        for row in rows.dropFirst() {
            func field(_ i: Int) -> String { i < row.fields.count ? row.fields[i] : "" }
            func number(_ i: Int, _ name: String) throws -> Double {
                guard let v = Double(field(i)), v.isFinite else {
                    throw DatasetError.malformedRow(path: path, line: row.line, reason: "\(name) \"\(field(i))\" is not a number")
                }
                return v
            }
            func optionalNumber(_ i: Int?, _ name: String) throws -> Double? {
                guard let i, !field(i).isEmpty else { return nil }
                return try number(i, name)
            }
            let v = field(video), u = field(utterance)
            guard !v.isEmpty, !u.isEmpty else {
                throw DatasetError.malformedRow(path: path, line: row.line, reason: "video and utterance must not be empty")
            }
            let s = try number(start, "start"), e = try number(end, "end")
            guard e >= s else {
                throw DatasetError.malformedRow(path: path, line: row.line, reason: "end \(e) is before start \(s)")
            }
            var vote: Emotion?
            if let maxVote, !field(maxVote).isEmpty {
                let raw = field(maxVote)
                if let code = Int(raw) ?? Double(raw).flatMap({ $0 == $0.rounded() ? Int($0) : nil }) {
                    guard let emotion = emotion(code: code) else {
                        throw DatasetError.malformedRow(path: path, line: row.line, reason: "EmotionMaxVote \(raw) is not a code 0-6")
                    }
                    vote = emotion
                } else {
                    vote = try ManifestText.emotion(raw, path: path, line: row.line)
                }
            }
            let id = v + "/" + u
            if let earlier = seen[id] {
                throw DatasetError.malformedRow(path: path, line: row.line, reason: "utterance \(id) is listed twice (first on line \(earlier))")
            }
            seen[id] = row.line
            result.append(OMGUtterance(
                link: field(link), start: s, end: e, video: v, utterance: u,
                arousal: try optionalNumber(arousal, "arousal"), valence: try optionalNumber(valence, "valence"),
                maxVote: vote, line: row.line))
        }
        return result
    }

    // MARK: Detailed annotations

    /// The per-annotator files under `root` (a `DetailedAnnotation` folder, one split of it, or one
    /// video's folder), keyed by `video/utterance`, each list sorted by annotator. Also returns the
    /// duplicates skipped (`video/utterance/annotator`).
    public static func loadAnnotations(root: String) throws -> (annotations: [String: [OMGAnnotation]], duplicates: [String]) {
        try FileScan.requireDirectory(root)
        var result: [String: [OMGAnnotation]] = [:]
        var seen = Set<String>()
        var duplicates: [String] = []
        let rootName = FileScan.lastComponent(URL(fileURLWithPath: root).standardizedFileURL.path)
        for relative in try FileScan.filesRecursively(under: root) where FileScan.fileExtension(relative) == "txt" {
            var parts = relative.split(separator: "/").map(String.init)
            let annotator = FileScan.stem(parts.removeLast())
            // The utterance is the file's folder; the video the nearest ancestor not named utterance_*.
            // (When `root` is one video's folder, that ancestor is the root itself.)
            guard let utterance = parts.last, isUtteranceFolder(utterance) else { continue }
            parts.removeLast()
            guard let video = parts.last(where: { !isUtteranceFolder($0) }) ?? (isUtteranceFolder(rootName) ? nil : rootName) else { continue }
            let key = video + "/" + utterance
            guard seen.insert(key + "/" + annotator).inserted else {
                duplicates.append(key + "/" + annotator)
                continue
            }
            let file = FileScan.join(root, relative)
            result[key, default: []].append(try parseAnnotation(try ManifestText.read(file), annotator: annotator, path: file))
        }
        for key in result.keys { result[key]!.sort { $0.annotator.localizedStandardCompare($1.annotator) == .orderedAscending } }
        return (result, duplicates)
    }

    /// Parses one annotator's file (`arousal,valence,emotion` and one row).
    public static func parseAnnotation(_ text: String, annotator: String, path: String) throws -> OMGAnnotation {
        let rows = try ManifestText.rows(text, path: path)
        guard let header = rows.first else { throw DatasetError.malformedRow(path: path, line: 1, reason: "the file is empty (expected arousal,valence,emotion and one row)") }
        let names = header.fields.map(ManifestText.columnName)
        guard let e = names.firstIndex(of: "emotion") else {
            throw DatasetError.malformedRow(path: path, line: header.line, reason: "header has no \"emotion\" column (found: \(names.joined(separator: ",")))")
        }
        guard rows.count >= 2 else { throw DatasetError.malformedRow(path: path, line: header.line, reason: "no annotation row after the header") }
        let row = rows[1]
        guard e < row.fields.count, !row.fields[e].isEmpty else {
            throw DatasetError.malformedRow(path: path, line: row.line, reason: "the emotion is empty")
        }
        func number(_ name: String) -> Double? {
            guard let i = names.firstIndex(of: name), i < row.fields.count else { return nil }
            return Double(row.fields[i])
        }
        return OMGAnnotation(annotator: annotator, emotion: try ManifestText.emotion(row.fields[e], path: path, line: row.line),
                             arousal: number("arousal"), valence: number("valence"), file: path)
    }

    // MARK: Vote

    /// The ground truth from annotators' labels: see the tie rule in ``OMGEmotion``.
    public static func vote(_ labels: [Emotion], maxVote: Emotion?) -> OMGVote {
        var counts: [String: Int] = [:]
        for l in labels { counts[l.rawValue, default: 0] += 1 }
        guard let top = counts.values.max() else {
            return maxVote.map { OMGVote(label: $0, rule: .maxVote, votes: [:], annotators: 0) }
                ?? OMGVote(label: nil, rule: .none, votes: [:], annotators: 0)
        }
        let leaders = counts.filter { $0.value == top }.keys.sorted().map { Emotion($0) }
        if leaders.count == 1 {
            return OMGVote(label: leaders[0], rule: 2 * top > labels.count ? .majority : .plurality, votes: counts, annotators: labels.count)
        }
        if let maxVote, leaders.contains(maxVote) {
            return OMGVote(label: maxVote, rule: .tieBrokenByMaxVote, votes: counts, annotators: labels.count, tied: leaders)
        }
        return OMGVote(label: nil, rule: .unresolvedTie, votes: counts, annotators: labels.count, tied: leaders)
    }

    // MARK: Clips

    /// The local clip of an utterance under `clipsRoot`, trying in order:
    /// `<video>/<utterance>` (the layout of the challenge's `prepare_data.py`),
    /// `<video>/<utterance stem>.<ext>`, `<video>_<utterance>`, `<video>_<utterance stem>.<ext>`,
    /// and the same two with `-` instead of `_`, for the extensions in ``clipExtensions``.
    public static func findClip(for utterance: OMGUtterance, in clipsRoot: String) -> String? {
        let fm = FileManager.default
        let stem = FileScan.stem(utterance.utterance)
        var candidates = [FileScan.join(FileScan.join(clipsRoot, utterance.video), utterance.utterance)]
        candidates += clipExtensions.map { FileScan.join(FileScan.join(clipsRoot, utterance.video), stem + "." + $0) }
        for separator in ["_", "-"] {
            candidates.append(FileScan.join(clipsRoot, utterance.video + separator + utterance.utterance))
            candidates += clipExtensions.map { FileScan.join(clipsRoot, utterance.video + separator + stem + "." + $0) }
        }
        return candidates.first { path in
            var isDirectory: ObjCBool = false
            return fm.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
        }
    }

    /// Reads videos CSVs, the detailed annotations (optional) and finds each utterance's clip
    /// (optional): everything `takesense correlate --omg` needs.
    public static func load(videosCSVs: [String], annotationsRoot: String? = nil, clipsRoot: String? = nil) throws -> OMGSceneSet {
        var utterances: [OMGUtterance] = []
        for csv in videosCSVs { utterances += try loadUtterances(path: csv) }
        var annotations: [String: [OMGAnnotation]] = [:]
        var duplicates: [String] = []
        if let annotationsRoot { (annotations, duplicates) = try loadAnnotations(root: annotationsRoot) }
        if let clipsRoot { try FileScan.requireDirectory(clipsRoot) }
        var scenes: [OMGScene] = []
        var missing: [String] = []
        var ties: [String] = []
        for u in utterances {
            let notes = annotations[u.id] ?? []
            let vote = vote(notes.map(\.emotion), maxVote: u.maxVote)
            if vote.rule == .unresolvedTie { ties.append(u.id) }
            var clip: String?
            if let clipsRoot {
                clip = findClip(for: u, in: clipsRoot)
                if clip == nil { missing.append(u.id) }
            }
            scenes.append(OMGScene(utterance: u, annotations: notes, vote: vote, clip: clip))
        }
        return OMGSceneSet(scenes: scenes, missingClips: missing, unresolvedTies: ties, duplicateAnnotations: duplicates)
    }

    static func isUtteranceFolder(_ name: String) -> Bool { name.lowercased().hasPrefix("utterance") }
}

// MARK: - Shared text handling

/// Small CSV reader shared by the manifests.
enum ManifestText {
    struct Row {
        var line: Int
        var fields: [String]
    }

    /// Largest manifest read, and most rows in one manifest: a manifest can't make memory grow without bound.
    static let maxBytes = 64 << 20
    static let maxRows = 100_000

    static func read(_ path: String) throws -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw DatasetError.missingFile(path: path) }
        if isDirectory.boolValue { throw DatasetError.unreadable(path: path, reason: "is a directory, expected a CSV file") }
        // Only regular files: reading a FIFO would block forever.
        var st = stat()
        if stat(path, &st) == 0 {
            guard st.st_mode & S_IFMT == S_IFREG else { throw DatasetError.unreadable(path: path, reason: "is not a regular file (a FIFO or device?), expected a CSV file") }
            guard Int(st.st_size) <= maxBytes else {
                throw DatasetError.unreadable(path: path, reason: "\(st.st_size) bytes, more than the \(maxBytes >> 20) MB a manifest may hold")
            }
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw DatasetError.unreadable(path: path, reason: FileScan.describe(error))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw DatasetError.unreadable(path: path, reason: "not UTF-8 text")
        }
        return text
    }

    /// The folder holding `path`, absolute.
    static func folder(of path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.deletingLastPathComponent().path
    }

    /// `relative` joined to `base` unless already absolute (`~` expanded), standardised.
    static func resolve(_ raw: String, against base: String) -> String {
        let expanded = (raw as NSString).expandingTildeInPath
        if expanded.hasPrefix("/") { return URL(fileURLWithPath: expanded).standardizedFileURL.path }
        return URL(fileURLWithPath: base, isDirectory: true).appendingPathComponent(expanded).standardizedFileURL.path
    }

    /// Header cell → lookup name: trimmed, lower-cased, spaces and hyphens as underscores.
    static func columnName(_ field: String) -> String {
        String(field.trimmingCharacters(in: .whitespaces).lowercased().map { $0 == " " || $0 == "-" ? "_" : $0 })
    }

    /// A known emotion name or alias, else an error naming the file and line.
    static func emotion(_ raw: String, path: String, line: Int) throws -> Emotion {
        if let e = Emotion.knownAlias(raw) { return e }
        throw DatasetError.malformedRow(
            path: path, line: line,
            reason: "unknown emotion \"\(raw)\" (known: \(Emotion.known.map(\.rawValue).joined(separator: ", ")), or an alias such as anger, happiness)")
    }

    /// Non-blank, non-comment rows split into trimmed fields.
    static func rows(_ text: String, path: String) throws -> [Row] {
        var rows: [Row] = []
        var body = Substring(text)
        if body.hasPrefix("\u{FEFF}") { body = body.dropFirst() }
        var number = 0
        // "\r\n" is one Character in Swift, so split on any line break rather than on "\n".
        for line in body.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            number += 1
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            guard rows.count < maxRows else {
                throw DatasetError.malformedRow(path: path, line: number, reason: "more than \(maxRows) rows; split the manifest")
            }
            rows.append(Row(line: number, fields: try fields(line, path: path, line: number)))
        }
        return rows
    }

    /// Splits a CSV line at commas outside double quotes; `""` inside quotes is a quote.
    static func fields(_ line: Substring, path: String, line number: Int) throws -> [String] {
        var fields: [String] = []
        var current = ""
        var inQuotes = false
        var wasQuoted = false
        var chars = line.makeIterator()
        var pending: Character? = nil
        func next() -> Character? {
            if let p = pending { pending = nil; return p }
            return chars.next()
        }
        while let c = next() {
            if inQuotes {
                if c == "\"" {
                    if let after = chars.next() {
                        if after == "\"" { current.append("\"") } else { inQuotes = false; pending = after }
                    } else {
                        inQuotes = false
                    }
                } else {
                    current.append(c)
                }
            } else if c == "\"" && current.trimmingCharacters(in: .whitespaces).isEmpty && !wasQuoted {
                current = ""
                inQuotes = true
                wasQuoted = true
            } else if c == "," {
                fields.append(wasQuoted ? current : current.trimmingCharacters(in: .whitespaces))
                current = ""
                wasQuoted = false
            } else if wasQuoted {
                guard c == " " || c == "\t" else {
                    throw DatasetError.malformedRow(path: path, line: number, reason: "unexpected text after a closing quote")
                }
            } else {
                current.append(c)
            }
        }
        if inQuotes { throw DatasetError.malformedRow(path: path, line: number, reason: "unterminated quoted field") }
        fields.append(wasQuoted ? current : current.trimmingCharacters(in: .whitespaces))
        return fields
    }
}
