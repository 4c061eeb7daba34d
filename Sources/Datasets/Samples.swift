import Foundation

/// The corpora (and generic layouts) this module can index.
public enum Corpus: String, Codable, Sendable, CaseIterable, CustomStringConvertible {
    /// FER2013, either the Kaggle CSV (see ``FER2013CSV``) or the image-folder form (see ``FER2013Folders``).
    case fer2013
    /// CK+ (extended Cohn-Kanade) arranged as `ROOT/<emotion>/*.png`.
    case ckplus
    /// Any `ROOT/<class>/*.jpg|png` tree.
    case imageFolder = "images"
    /// RAVDESS, `Actor_NN/MM-VV-EE-II-SS-RR-AA.wav|flac`.
    case ravdess
    /// CREMA-D, `AudioWAV/1001_DFA_ANG_XX.wav`.
    case cremad
    /// TESS, `OAF_angry/OAF_back_angry.wav`.
    case tess
    /// SAVEE, `ALL/DC_a01.wav` or `DC/a01.wav`.
    case savee

    /// What kind of media the corpus holds.
    public enum Modality: String, Codable, Sendable { case face, speech }

    /// Face (image) or speech (audio).
    public var modality: Modality {
        switch self {
        case .fer2013, .ckplus, .imageFolder: return .face
        case .ravdess, .cremad, .tess, .savee: return .speech
        }
    }

    /// Parses a corpus name, accepting common spellings: `crema-d`, `crema`, `ck+`, `ck`, `fer`,
    /// `folder`, `imagefolder`... (case-insensitive). Returns `nil` for an unknown name.
    public init?(name: String) {
        let key = name.trimmingCharacters(in: .whitespaces).lowercased()
            .replacingOccurrences(of: "-", with: "").replacingOccurrences(of: "_", with: "")
        switch key {
        case "fer2013", "fer", "fer13": self = .fer2013
        case "ckplus", "ck+", "ck", "cohnkanade": self = .ckplus
        case "images", "imagefolder", "folder", "imagefolders": self = .imageFolder
        case "ravdess": self = .ravdess
        case "cremad", "crema": self = .cremad
        case "tess": self = .tess
        case "savee": self = .savee
        default: return nil
        }
    }

    public var description: String { rawValue }
}

/// A speaker's (or actor's) gender as documented by the corpus.
public enum Gender: String, Codable, Sendable, CaseIterable {
    case male, female
}

/// The intensity at which an emotion was expressed, as coded by the corpus.
public enum Intensity: String, Codable, Sendable, CaseIterable {
    /// RAVDESS intensity 01.
    case normal
    /// RAVDESS intensity 02.
    case strong
    /// CREMA-D `LO`.
    case low
    /// CREMA-D `MD`.
    case medium
    /// CREMA-D `HI`.
    case high
    /// CREMA-D `XX`.
    case unspecified
}

/// RAVDESS's vocal channel.
public enum VocalChannel: String, Codable, Sendable, CaseIterable {
    case speech, song
}

/// FER2013's `Usage` column: the original split a row belongs to.
public enum FER2013Usage: String, Codable, Sendable, CaseIterable {
    /// `Training` (28,709 rows; the folder form's `train/`).
    case training = "Training"
    /// `PublicTest` (3,589 rows; the folder form's `validation/` or `test/`).
    case publicTest = "PublicTest"
    /// `PrivateTest` (3,589 rows; the usual FER2013 test set).
    case privateTest = "PrivateTest"

    /// Parses a usage value or a split-folder / file-name prefix (`Training`, `train`, `PublicTest`,
    /// `validation`, `val`, `PrivateTest`...; case-insensitive).
    public init?(name: String) {
        switch name.trimmingCharacters(in: .whitespaces).lowercased() {
        case "training", "train": self = .training
        case "publictest", "public_test", "validation", "val", "valid": self = .publicTest
        case "privatetest", "private_test": self = .privateTest
        default: return nil
        }
    }
}

/// A sample with an emotion label.
public protocol LabeledSample: Sendable {
    /// The sample's (canonical) emotion.
    var label: Emotion { get }
}

/// A FER2013 sample, from the CSV or the folder form, that knows its original usage.
public protocol FER2013UsageProviding: LabeledSample {
    /// The original FER2013 usage, when known.
    var usage: FER2013Usage? { get }
}

/// A face image on disk, from an image-folder layout (FER2013 folders, CK+, any `ROOT/<class>/`).
public struct FaceImage: Hashable, Codable, Sendable, FER2013UsageProviding {
    /// The image file's path (the loader's root joined with the relative path).
    public var path: String
    /// The class, from the parent folder's name (canonicalised).
    public var label: Emotion
    /// FER2013 usage, from the split folder (`train/`, `validation/`) or the file-name prefix
    /// (`Training_`, `PublicTest_`, `PrivateTest_`); `nil` for other corpora.
    public var usage: FER2013Usage?
    /// Which corpus the image was indexed as.
    public var corpus: Corpus

    public init(path: String, label: Emotion, usage: FER2013Usage? = nil, corpus: Corpus = .imageFolder) {
        self.path = path
        self.label = label
        self.usage = usage
        self.corpus = corpus
    }

    /// The image file's URL.
    public var url: URL { URL(fileURLWithPath: path) }
}

/// An utterance on disk from a speech corpus, with what its file name (or the corpus's metadata)
/// says about it.
public struct SpeechSample: Hashable, Codable, Sendable, LabeledSample {
    /// The audio file's path (the loader's root joined with the relative path).
    public var path: String
    /// The (canonical) emotion.
    public var label: Emotion
    /// The corpus the file belongs to.
    public var corpus: Corpus
    /// The speaker's id within the corpus: RAVDESS `"01"`…`"24"`, CREMA-D `"1001"`…`"1091"`,
    /// TESS `"OAF"`/`"YAF"`, SAVEE `"DC"`, `"JE"`, `"JK"`, `"KL"`.
    public var speaker: String
    /// The speaker's gender, when the corpus documents it (CREMA-D: only with VideoDemographics.csv).
    public var gender: Gender?
    /// The expressed intensity, when coded (RAVDESS, CREMA-D).
    public var intensity: Intensity?
    /// The sentence or word: RAVDESS statement `"01"`/`"02"`, CREMA-D sentence code (`"DFA"`),
    /// TESS word (`"back"`), SAVEE sentence number (`"01"`).
    public var sentence: String?
    /// RAVDESS's vocal channel (speech or song); `nil` for other corpora, which are all speech.
    public var vocalChannel: VocalChannel?

    public init(
        path: String, label: Emotion, corpus: Corpus, speaker: String, gender: Gender? = nil,
        intensity: Intensity? = nil, sentence: String? = nil, vocalChannel: VocalChannel? = nil
    ) {
        self.path = path
        self.label = label
        self.corpus = corpus
        self.speaker = speaker
        self.gender = gender
        self.intensity = intensity
        self.sentence = sentence
        self.vocalChannel = vocalChannel
    }

    /// The speaker, unique across corpora (e.g. `"ravdess:01"`).
    public var speakerRef: SpeakerRef { SpeakerRef(corpus: corpus, speaker: speaker) }

    /// The audio file's URL.
    public var url: URL { URL(fileURLWithPath: path) }
}

/// A speaker of a given corpus, written `corpus:speaker` (e.g. `ravdess:19`, `tess:OAF`).
public struct SpeakerRef: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    /// The corpus.
    public var corpus: Corpus
    /// The speaker's id as ``SpeechSample/speaker`` holds it.
    public var speaker: String

    /// Creates a reference, normalising the id the way the corpus's loader writes it: RAVDESS
    /// `19`, `Actor_19` → `"19"`; TESS and SAVEE ids upper-cased.
    public init(corpus: Corpus, speaker: String) {
        self.corpus = corpus
        var id = speaker.trimmingCharacters(in: .whitespaces)
        switch corpus {
        case .ravdess:
            if id.lowercased().hasPrefix("actor_") { id = String(id.dropFirst(6)) }
            if let n = Int(id) { id = n < 10 ? "0\(n)" : String(n) }
        case .tess, .savee:
            id = id.uppercased()
        default:
            break
        }
        self.speaker = id
    }

    /// Parses `corpus:speaker` (e.g. `"ravdess:19"`).
    public init(parsing text: String) throws {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, let corpus = Corpus(name: parts[0]), !parts[1].isEmpty else {
            throw DatasetError.invalidSplit("speaker \"\(text)\" is not of the form corpus:speaker (e.g. ravdess:19)")
        }
        self.init(corpus: corpus, speaker: parts[1])
    }

    public var description: String { "\(corpus.rawValue):\(speaker)" }

    public static func < (lhs: SpeakerRef, rhs: SpeakerRef) -> Bool {
        (lhs.corpus.rawValue, lhs.speaker) < (rhs.corpus.rawValue, rhs.speaker)
    }
}

/// Options common to the loaders.
public struct LoadOptions: Hashable, Codable, Sendable {
    /// The classes to keep; samples of other classes are skipped and counted in ``LoadReport/skipped``.
    public var labels: LabelSet
    /// When `true`, a file whose name does not follow the corpus's convention throws
    /// ``DatasetError/malformedFileName(path:reason:)``; when `false` (the default) it is skipped and
    /// counted in ``LoadReport/unrecognised``.
    public var strict: Bool

    public init(labels: LabelSet = .six, strict: Bool = false) {
        self.labels = labels
        self.strict = strict
    }
}

/// What a loader left out.
public struct LoadReport: Hashable, Codable, Sendable, CustomStringConvertible {
    /// Samples whose label is not in the label set, by canonical label (e.g. `["surprise": 3171]`).
    public var skipped: [String: Int]
    /// Files (or rows) that were not recognised as samples of the layout and were ignored.
    /// Hidden files (names starting with `.`) are ignored without being counted.
    public var unrecognised: Int
    /// The relative paths of the first few unrecognised files (at most ``maxExamples``), for messages.
    public var unrecognisedExamples: [String]
    /// Speech files left out because the same utterance (speaker and file stem) was already indexed,
    /// e.g. from a nested second copy of the corpus.
    public var duplicates: Int

    /// How many unrecognised paths are kept in ``unrecognisedExamples``.
    public static let maxExamples = 10

    public init(skipped: [String: Int] = [:], unrecognised: Int = 0, unrecognisedExamples: [String] = [], duplicates: Int = 0) {
        self.skipped = skipped
        self.unrecognised = unrecognised
        self.unrecognisedExamples = unrecognisedExamples
        self.duplicates = duplicates
    }

    /// The total number of skipped samples.
    public var skippedTotal: Int { skipped.values.reduce(0, +) }

    /// Counts one sample skipped for its label.
    public mutating func recordSkipped(_ label: Emotion) { skipped[label.rawValue, default: 0] += 1 }

    /// Counts one unrecognised file.
    public mutating func recordUnrecognised(_ relativePath: String) {
        unrecognised += 1
        if unrecognisedExamples.count < LoadReport.maxExamples { unrecognisedExamples.append(relativePath) }
    }

    /// Adds another report's counts to this one.
    public mutating func merge(_ other: LoadReport) {
        for (k, v) in other.skipped { skipped[k, default: 0] += v }
        unrecognised += other.unrecognised
        duplicates += other.duplicates
        for e in other.unrecognisedExamples where unrecognisedExamples.count < LoadReport.maxExamples {
            unrecognisedExamples.append(e)
        }
    }

    /// E.g. `skipped: calm 160, surprise 160; unrecognised: 2 files` (`; duplicates: N` when any).
    public var description: String {
        let s = skipped.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        var text = "skipped: \(s.isEmpty ? "none" : s); unrecognised: \(unrecognised) file\(unrecognised == 1 ? "" : "s")"
        if duplicates > 0 { text += "; duplicates: \(duplicates)" }
        return text
    }
}

/// The result of indexing a corpus: the kept samples, in a deterministic (sorted) order, and what
/// was left out.
public struct LoadedDataset<Sample> {
    /// The samples whose label is in the label set.
    public var samples: [Sample]
    /// Skipped and unrecognised counts.
    public var report: LoadReport

    public init(samples: [Sample], report: LoadReport = LoadReport()) {
        self.samples = samples
        self.report = report
    }

    /// Shorthand for `report.skipped`.
    public var skipped: [String: Int] { report.skipped }
}

extension LoadedDataset: Sendable where Sample: Sendable {}
extension LoadedDataset: Codable where Sample: Codable {}
extension LoadedDataset: Equatable where Sample: Equatable {}

extension LoadedDataset where Sample: LabeledSample {
    /// The number of samples per label.
    public var countsByLabel: [Emotion: Int] {
        var counts: [Emotion: Int] = [:]
        for s in samples { counts[s.label, default: 0] += 1 }
        return counts
    }
}
