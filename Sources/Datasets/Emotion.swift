import Foundation

/// An emotion label, always held under its canonical lower-case name.
///
/// Corpora spell the same emotion in many ways (`ANG`, `anger`, `a`, `05`, `ps`...). Creating an
/// `Emotion` from any known alias yields the canonical value, so `Emotion("Anger") == .angry` and
/// `Emotion("ps") == .surprise`. A name that is not a known alias is kept as given (lower-cased,
/// trimmed, spaces and hyphens turned into underscores), so unusual class folders such as
/// `contempt` or `boredom` still get a stable label that can be counted when it is skipped.
///
/// Encoded as a single string (its canonical name).
public struct Emotion: RawRepresentable, Hashable, Comparable, Codable, Sendable,
    ExpressibleByStringLiteral, CustomStringConvertible
{
    /// The canonical name, e.g. `"angry"`, `"surprise"`.
    public let rawValue: String

    /// Creates an emotion from a name or alias, mapping known aliases to their canonical name.
    public init(rawValue: String) {
        self.rawValue = Emotion.canonicalName(for: rawValue)
    }

    /// Creates an emotion from a name or alias, mapping known aliases to their canonical name.
    public init(_ name: String) {
        self.init(rawValue: name)
    }

    /// Creates an emotion from a string literal, mapping known aliases to their canonical name.
    public init(stringLiteral value: String) {
        self.init(rawValue: value)
    }

    public var description: String { rawValue }

    public static func < (lhs: Emotion, rhs: Emotion) -> Bool { lhs.rawValue < rhs.rawValue }

    public static let angry = Emotion(canonical: "angry")
    public static let disgust = Emotion(canonical: "disgust")
    public static let fear = Emotion(canonical: "fear")
    public static let happy = Emotion(canonical: "happy")
    public static let neutral = Emotion(canonical: "neutral")
    public static let sad = Emotion(canonical: "sad")
    public static let surprise = Emotion(canonical: "surprise")
    /// RAVDESS's "calm"; not one of the study's classes.
    public static let calm = Emotion(canonical: "calm")
    /// CK+'s "contempt"; not one of the study's classes.
    public static let contempt = Emotion(canonical: "contempt")

    /// Every emotion with built-in aliases, in alphabetical order.
    public static let known: [Emotion] = [.angry, .calm, .contempt, .disgust, .fear, .happy, .neutral, .sad, .surprise]

    /// Whether this emotion is one of ``known`` (as opposed to an unrecognised name kept verbatim).
    public var isKnown: Bool { Emotion.aliasTable.values.contains(rawValue) }

    /// Returns the canonical emotion for a known alias, or `nil` when `name` is not a known alias.
    ///
    /// Use this where an unknown name means a malformed input (e.g. a TESS file-name suffix).
    public static func knownAlias(_ name: String) -> Emotion? {
        aliasTable[normalise(name)].map(Emotion.init(canonical:))
    }

    /// The canonical name for `name`: the mapped name for a known alias, otherwise `name`
    /// normalised (trimmed, lower-cased, spaces and hyphens replaced by underscores).
    public static func canonicalName(for name: String) -> String {
        let key = normalise(name)
        return aliasTable[key] ?? key
    }

    /// Alias (normalised) → canonical name. Single letters and two-letter codes are SAVEE's,
    /// three-letter codes are CREMA-D's, `ps` is TESS's "pleasant surprise".
    public static let aliases: [String: String] = aliasTable

    private init(canonical: String) { self.rawValue = canonical }

    private static func normalise(_ name: String) -> String {
        var s = name.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        s = String(s.map { $0 == " " || $0 == "-" ? "_" : $0 })
        return s
    }

    private static let aliasTable: [String: String] = {
        let groups: [String: [String]] = [
            "angry": ["angry", "anger", "ang", "a", "angered"],
            "disgust": ["disgust", "disgusted", "dis", "d"],
            "fear": ["fear", "fearful", "fea", "f", "afraid", "scared"],
            "happy": ["happy", "happiness", "hap", "h", "joy"],
            "neutral": ["neutral", "neu", "n"],
            "sad": ["sad", "sadness", "sa"],
            "surprise": [
                "surprise", "surprised", "sur", "su", "ps", "pleasant_surprise", "pleasant_surprised",
                "pleasantly_surprised", "pleasantsurprise",
            ],
            "calm": ["calm", "cal"],
            "contempt": ["contempt", "con"],
        ]
        var table: [String: String] = [:]
        for (canonical, names) in groups {
            for name in names { table[name] = canonical }
        }
        return table
    }()
}

/// An ordered list of class names: class `i` of a classifier is `classes[i]`.
///
/// The study's default is six classes (``six``); ``seven`` adds `surprise`. Names are canonicalised
/// through ``Emotion``'s aliases and must be unique. Encoded as a JSON array of names.
public struct LabelSet: Hashable, Codable, Sendable, RandomAccessCollection, CustomStringConvertible {
    /// The classes, in classifier order.
    public let classes: [Emotion]
    private let indexByName: [String: Int]

    /// The study's six classes: angry, disgust, fear, happy, neutral, sad.
    public static let six = LabelSet(checked: [.angry, .disgust, .fear, .happy, .neutral, .sad])
    /// The six classes plus surprise (FER2013's seven, in alphabetical order).
    public static let seven = LabelSet(checked: [.angry, .disgust, .fear, .happy, .neutral, .sad, .surprise])
    /// The default label set, ``six``.
    public static let `default` = six

    /// Creates a label set; throws ``DatasetError/invalidLabelSet(_:)`` when empty or when two names
    /// map to the same canonical emotion.
    public init(_ classes: [Emotion]) throws {
        guard !classes.isEmpty else { throw DatasetError.invalidLabelSet("a label set needs at least one class") }
        var seen = Set<Emotion>()
        for c in classes where !seen.insert(c).inserted {
            throw DatasetError.invalidLabelSet("class \"\(c.rawValue)\" is listed twice")
        }
        self.init(checked: classes)
    }

    /// Creates a label set from names or aliases (e.g. `["anger", "happiness", "neu"]`).
    public init(names: [String]) throws {
        try self.init(names.map { Emotion($0) })
    }

    /// Parses a comma-separated list such as `"angry,disgust,fear,happy,neutral,sad"`.
    public init(parsing list: String) throws {
        let names = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        try self.init(names: names)
    }

    private init(checked classes: [Emotion]) {
        self.classes = classes
        var map: [String: Int] = [:]
        for (i, c) in classes.enumerated() { map[c.rawValue] = i }
        self.indexByName = map
    }

    /// The class names, in order.
    public var names: [String] { classes.map(\.rawValue) }

    /// The class index of `emotion`, or `nil` if it is not in the set.
    public func index(of emotion: Emotion) -> Int? { indexByName[emotion.rawValue] }

    /// Whether `emotion` is one of the classes.
    public func contains(_ emotion: Emotion) -> Bool { indexByName[emotion.rawValue] != nil }

    public var startIndex: Int { 0 }
    public var endIndex: Int { classes.count }
    public subscript(position: Int) -> Emotion { classes[position] }

    public var description: String { names.joined(separator: ",") }

    public static func == (lhs: LabelSet, rhs: LabelSet) -> Bool { lhs.classes == rhs.classes }
    public func hash(into hasher: inout Hasher) { hasher.combine(classes) }

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let names = try container.decode([String].self)
        do {
            try self.init(names: names)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "\(error)")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(names)
    }
}
