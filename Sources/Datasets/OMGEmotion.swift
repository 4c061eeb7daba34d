import Foundation

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
            return
                "\(label?.rawValue ?? "-"): tie between \(tied.map(\.rawValue).joined(separator: " and ")) (\(top) votes each of \(annotators)), broken by "
                    + "EmotionMaxVote"
        case .unresolvedTie:
            return
                "no label: tie between \(tied.map(\.rawValue).joined(separator: " and ")) (\(top) votes each of \(annotators)) that EmotionMaxVote does not "
                    + "break"
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
        guard let header = rows.first else {
            throw DatasetError.malformedRow(path: path, line: 1, reason: "the file is empty (expected a header link,start,end,video,utterance,...)")
        }
        let names = header.fields.map(ManifestText.columnName)
        func column(_ name: String, required: Bool) throws -> Int? {
            if let i = names.firstIndex(of: name) { return i }
            if required {
                throw DatasetError.malformedRow(
                    path: path, line: header.line, reason: "header has no \"\(name)\" column (found: \(names.joined(separator: ",")))")
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
                // `Int(exactly:)`, not `Int(_:)`: a vote like -2.9e90 or 1e19 is a whole number outside Int's range,
                // which `Int(_:)` traps on (found by FuzzManifest); such a value is then read as a name and refused.
                if let code = Int(raw) ?? Double(raw).flatMap({ Int(exactly: $0) }) {
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
        guard let header = rows.first else {
            throw DatasetError.malformedRow(path: path, line: 1, reason: "the file is empty (expected arousal,valence,emotion and one row)")
        }
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
