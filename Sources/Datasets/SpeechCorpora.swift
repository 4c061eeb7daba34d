import Foundation

/// Shared scan for the file-name-convention speech corpora.
enum SpeechScan {
    /// Walks `root` recursively; non-audio files are counted as unrecognised; audio files are handed to
    /// `parse` (which throws ``DatasetError/malformedFileName(path:reason:)`` for a name that does not
    /// follow the convention). A second file with the same speaker and file stem (a nested copy of
    /// the corpus, or `x.wav` beside `x.flac`) is left out and counted in ``LoadReport/duplicates``;
    /// the first in sorted path order is kept.
    static func load(
        root: String, expected: String, options: LoadOptions,
        parse: (_ relativePath: String, _ fileName: String, _ folder: String?) throws -> SpeechSample
    ) throws -> LoadedDataset<SpeechSample> {
        try FileScan.requireDirectory(root)
        var result = LoadedDataset<SpeechSample>(samples: [])
        var recognised = 0
        var seen = Set<String>()
        for relative in try FileScan.filesRecursively(under: root) {
            let name = FileScan.lastComponent(relative)
            guard SpeechCorpora.audioExtensions.contains(FileScan.fileExtension(name)) else {
                result.report.recordUnrecognised(relative)
                continue
            }
            let sample: SpeechSample
            do {
                sample = try parse(relative, name, FileScan.parentName(relative))
            } catch DatasetError.malformedFileName(_, let reason) {
                if options.strict {
                    throw DatasetError.malformedFileName(path: FileScan.join(root, relative), reason: reason)
                }
                result.report.recordUnrecognised(relative)
                continue
            }
            recognised += 1
            // The same utterance twice (a nested copy of the corpus, WAV and FLAC side by side).
            let key = sample.speaker + "/" + FileScan.stem(name).lowercased()
            guard seen.insert(key).inserted else {
                result.report.duplicates += 1
                continue
            }
            if options.labels.contains(sample.label) {
                result.samples.append(sample)
            } else {
                result.report.recordSkipped(sample.label)
            }
        }
        guard recognised > 0 else { throw DatasetError.noRecognisedFiles(path: root, expected: expected) }
        return result
    }
}

/// RAVDESS speech and song: `Actor_NN/MM-VV-EE-II-SS-RR-AA.wav|flac`, found anywhere below the root.
///
/// The speaker is the file name's actor field (`"01"`), the gender follows the corpus's convention
/// (odd actors male, even female), the intensity is normal or strong. `calm` and `surprise` are
/// outside the six-class set and so are skipped and counted by default.
public enum RAVDESS {
    /// Indexes a RAVDESS tree.
    public static func load(root: String, options: LoadOptions = LoadOptions()) throws -> LoadedDataset<SpeechSample> {
        try SpeechScan.load(root: root, expected: "Actor_NN/MM-VV-EE-II-SS-RR-AA.wav|flac", options: options) { rel, name, _ in
            let f = try RAVDESSFileName(parsing: name)
            return SpeechSample(
                path: FileScan.join(root, rel), label: f.emotion, corpus: .ravdess, speaker: f.speaker,
                gender: f.gender, intensity: f.intensity, sentence: f.statement < 10 ? "0\(f.statement)" : "\(f.statement)",
                vocalChannel: f.vocalChannel)
        }
    }
}

/// CREMA-D: `AudioWAV/1001_DFA_ANG_XX.wav` (actors 1001-1091).
///
/// The root may be the corpus folder (then its `AudioWAV/` is scanned, ignoring `AudioMP3/` and the
/// videos) or the `AudioWAV/` folder itself. Genders come from `VideoDemographics.csv`
/// (`ActorID,Age,Sex,Race,Ethnicity`) when it is found next to `AudioWAV/` or given explicitly;
/// otherwise ``SpeechSample/gender`` is `nil`.
public enum CREMAD {
    /// Indexes a CREMA-D tree.
    /// - Parameter demographics: A `VideoDemographics.csv` to read; by default one is looked for in
    ///   the root and, when the root is `AudioWAV/`, in its parent.
    public static func load(
        root: String, demographics: String? = nil, options: LoadOptions = LoadOptions()
    ) throws -> LoadedDataset<SpeechSample> {
        try FileScan.requireDirectory(root)
        let audioRoot = FileScan.isDirectory(FileScan.join(root, "AudioWAV")) ? FileScan.join(root, "AudioWAV") : root
        var genders: [Int: Gender] = [:]
        if let demographics {
            genders = try readDemographics(path: demographics)
        } else {
            let parent = URL(fileURLWithPath: audioRoot).deletingLastPathComponent().path
            for candidate in [FileScan.join(root, "VideoDemographics.csv"), FileScan.join(parent, "VideoDemographics.csv")]
            where FileManager.default.fileExists(atPath: candidate) {
                genders = try readDemographics(path: candidate)
                break
            }
        }
        return try SpeechScan.load(root: audioRoot, expected: "AudioWAV/1001_DFA_ANG_XX.wav", options: options) { rel, name, _ in
            let f = try CREMADFileName(parsing: name)
            return SpeechSample(
                path: FileScan.join(audioRoot, rel), label: f.emotion, corpus: .cremad, speaker: f.speaker,
                gender: genders[f.actor], intensity: f.intensity, sentence: f.sentence)
        }
    }

    /// Reads CREMA-D's `VideoDemographics.csv` into actor → gender. Columns are found by name
    /// (`ActorID`, `Sex`); `Male`/`Female` (any case, or `M`/`F`) are understood, other values are
    /// left out. Throws ``DatasetError/malformedRow(path:line:reason:)`` for a bad row.
    public static func readDemographics(path: String) throws -> [Int: Gender] {
        guard FileManager.default.fileExists(atPath: path) else { throw DatasetError.missingFile(path: path) }
        let text: String
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            text = String(decoding: data, as: UTF8.self)
        } catch {
            throw DatasetError.unreadable(path: path, reason: FileScan.describe(error))
        }
        var genders: [Int: Gender] = [:]
        var actorColumn = -1
        var sexColumn = -1
        var lineNumber = 0
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            lineNumber += 1
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
                .trimmingCharacters(in: CharacterSet(charactersIn: "\u{FEFF}"))
            if line.isEmpty { continue }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
            if actorColumn < 0 {
                let names = fields.map { $0.lowercased() }
                guard let a = names.firstIndex(where: { $0 == "actorid" || $0 == "actor_id" || $0 == "actor" }),
                    let s = names.firstIndex(where: { $0 == "sex" || $0 == "gender" })
                else {
                    throw DatasetError.malformedRow(path: path, line: lineNumber, reason: "header lacks ActorID and Sex columns")
                }
                actorColumn = a
                sexColumn = s
                continue
            }
            guard fields.count > max(actorColumn, sexColumn) else {
                throw DatasetError.malformedRow(
                    path: path, line: lineNumber, reason: "expected at least \(max(actorColumn, sexColumn) + 1) fields, found \(fields.count)")
            }
            guard let actor = Int(fields[actorColumn]) else {
                throw DatasetError.malformedRow(path: path, line: lineNumber, reason: "ActorID \"\(fields[actorColumn])\" is not a number")
            }
            switch fields[sexColumn].lowercased() {
            case "male", "m": genders[actor] = .male
            case "female", "f": genders[actor] = .female
            default: break
            }
        }
        return genders
    }
}

/// TESS: `OAF_angry/OAF_back_angry.wav`, `YAF_pleasant_surprised/YAF_back_ps.wav`.
///
/// The emotion comes from the file name's suffix (folder names vary in case and spelling:
/// `OAF_Fear`, `YAF_pleasant_surprised`, `OAF_Pleasant_surprise`); the folder is consulted only when
/// the suffix is not a known emotion. `ps` maps to surprise, which the six-class set skips. Both
/// speakers (OAF, YAF) are female.
public enum TESS {
    /// Indexes a TESS tree.
    public static func load(root: String, options: LoadOptions = LoadOptions()) throws -> LoadedDataset<SpeechSample> {
        try SpeechScan.load(root: root, expected: "OAF_angry/OAF_back_angry.wav", options: options) { rel, name, folder in
            let f = try TESSFileName(parsing: name, folder: folder)
            return SpeechSample(
                path: FileScan.join(root, rel), label: f.emotion, corpus: .tess, speaker: f.speaker,
                gender: TESSFileName.speakers.contains(f.speaker) ? .female : nil, sentence: f.word)
        }
    }
}

/// SAVEE: `ALL/DC_a01.wav` or `AudioData/DC/a01.wav` (speakers DC, JE, JK, KL, all male; codes a, d,
/// f, h, n, sa, su). With the default six classes, `su` (surprise) is skipped and counted.
///
/// If a tree holds both forms (`ALL/` and per-speaker folders), only `ALL/` is read, so that no
/// utterance is indexed twice.
public enum SAVEE {
    /// Indexes a SAVEE tree.
    public static func load(root: String, options: LoadOptions = LoadOptions()) throws -> LoadedDataset<SpeechSample> {
        try FileScan.requireDirectory(root)
        let allRoot = FileScan.join(root, "ALL")
        let scanRoot = FileScan.isDirectory(allRoot) ? allRoot : root
        return try SpeechScan.load(root: scanRoot, expected: "ALL/DC_a01.wav or DC/a01.wav", options: options) { rel, name, folder in
            let f = try SAVEEFileName(parsing: name, folder: folder)
            return SpeechSample(
                path: FileScan.join(scanRoot, rel), label: f.emotion, corpus: .savee, speaker: f.speaker,
                gender: SAVEEFileName.speakers.contains(f.speaker) ? .male : nil, sentence: f.sentence)
        }
    }
}

/// A corpus and where it is: the `name=DIR` of a command line's `--data ravdess=DIR`.
public struct DatasetSpec: Hashable, Codable, Sendable, LosslessStringConvertible {
    /// Which corpus (layout) the folder holds.
    public var kind: Corpus
    /// The corpus's folder (or, for ``Corpus/fer2013``, possibly the Kaggle CSV).
    public var path: String

    public init(kind: Corpus, path: String) {
        self.kind = kind
        self.path = path
    }

    /// Parses `name=DIR` (split at the first `=`; names as ``Corpus/init(name:)`` accepts them, e.g.
    /// `ravdess`, `cremad`/`crema-d`, `tess`, `savee`, `fer2013`, `ckplus`/`ck+`, `images`).
    /// A leading `~/` in the path is expanded to the home directory.
    public init(parsing text: String) throws {
        guard let eq = text.firstIndex(of: "=") else {
            throw DatasetError.invalidSpec(spec: text, reason: "expected name=DIR, e.g. ravdess=/data/RAVDESS")
        }
        let name = String(text[..<eq])
        var path = String(text[text.index(after: eq)...]).trimmingCharacters(in: .whitespaces)
        guard let kind = Corpus(name: name) else {
            let known = Corpus.allCases.map(\.rawValue).joined(separator: ", ")
            throw DatasetError.invalidSpec(spec: text, reason: "unknown dataset \"\(name)\" (known: \(known))")
        }
        guard !path.isEmpty else { throw DatasetError.invalidSpec(spec: text, reason: "empty path") }
        if path == "~" || path.hasPrefix("~/") {
            path = FileManager.default.homeDirectoryForCurrentUser.path + path.dropFirst()
        }
        self.init(kind: kind, path: path)
    }

    /// Parses `name=DIR`, or returns `nil`.
    public init?(_ description: String) {
        guard let spec = try? DatasetSpec(parsing: description) else { return nil }
        self = spec
    }

    /// `name=DIR`.
    public var description: String { "\(kind.rawValue)=\(path)" }
}

/// Loading several speech corpora at once (`--data ravdess=DIR --data cremad=DIR ...`).
public enum SpeechCorpora {
    /// Audio file extensions the speech loaders recognise (case-insensitive). Anything else (MP3
    /// copies, videos, text) is counted as unrecognised.
    public static let audioExtensions: Set<String> = ["wav", "flac"]

    /// Indexes one speech corpus. Throws ``DatasetError/invalidSpec(spec:reason:)`` for a face corpus.
    public static func load(_ spec: DatasetSpec, options: LoadOptions = LoadOptions()) throws -> LoadedDataset<SpeechSample> {
        switch spec.kind {
        case .ravdess: return try RAVDESS.load(root: spec.path, options: options)
        case .cremad: return try CREMAD.load(root: spec.path, options: options)
        case .tess: return try TESS.load(root: spec.path, options: options)
        case .savee: return try SAVEE.load(root: spec.path, options: options)
        case .fer2013, .ckplus, .imageFolder:
            throw DatasetError.invalidSpec(spec: spec.description, reason: "\(spec.kind) is a face corpus, not a speech corpus")
        }
    }

    /// Indexes several speech corpora and concatenates them in the order given, adding up the reports.
    public static func load(_ specs: [DatasetSpec], options: LoadOptions = LoadOptions()) throws -> LoadedDataset<SpeechSample> {
        var combined = LoadedDataset<SpeechSample>(samples: [])
        for spec in specs {
            let one = try load(spec, options: options)
            combined.samples += one.samples
            combined.report.merge(one.report)
        }
        return combined
    }
}

/// Loading several face image-folder corpora at once (`--data fer2013=DIR --data ckplus=DIR`).
/// The FER2013 Kaggle CSV has pixels rather than files: read it with ``FER2013CSV``.
public enum FaceCorpora {
    /// Indexes one face corpus in image-folder form. Throws ``DatasetError/invalidSpec(spec:reason:)``
    /// for a speech corpus or a FER2013 CSV file.
    public static func load(_ spec: DatasetSpec, options: LoadOptions = LoadOptions()) throws -> LoadedDataset<FaceImage> {
        switch spec.kind {
        case .fer2013:
            if FileScan.fileExtension(spec.path) == "csv" {
                throw DatasetError.invalidSpec(spec: spec.description, reason: "a FER2013 CSV holds pixels, not image files: read it with FER2013CSV")
            }
            return try FER2013Folders.load(root: spec.path, options: options)
        case .ckplus: return try CKPlus.load(root: spec.path, options: options)
        case .imageFolder: return try ImageFolder.load(root: spec.path, options: options)
        case .ravdess, .cremad, .tess, .savee:
            throw DatasetError.invalidSpec(spec: spec.description, reason: "\(spec.kind) is a speech corpus, not a face corpus")
        }
    }

    /// Indexes several face corpora and concatenates them in the order given, adding up the reports.
    public static func load(_ specs: [DatasetSpec], options: LoadOptions = LoadOptions()) throws -> LoadedDataset<FaceImage> {
        var combined = LoadedDataset<FaceImage>(samples: [])
        for spec in specs {
            let one = try load(spec, options: options)
            combined.samples += one.samples
            combined.report.merge(one.report)
        }
        return combined
    }
}
