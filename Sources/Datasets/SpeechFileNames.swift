import Foundation

/// Thrown by the file-name parsers below as ``DatasetError/malformedFileName(path:reason:)`` with the
/// file name as the path; the loaders rethrow it with the full path.
private func malformed(_ name: String, _ reason: String) -> DatasetError {
    .malformedFileName(path: name, reason: reason)
}

/// A RAVDESS file name, `MM-VV-EE-II-SS-RR-AA.wav` (seven two-digit fields).
public struct RAVDESSFileName: Hashable, Codable, Sendable {
    /// 1 full audio-video, 2 video-only, 3 audio-only.
    public var modality: Int
    /// 01 speech, 02 song.
    public var vocalChannel: VocalChannel
    /// 01 neutral, 02 calm, 03 happy, 04 sad, 05 angry, 06 fearful, 07 disgust, 08 surprised.
    public var emotion: Emotion
    /// 01 normal, 02 strong.
    public var intensity: Intensity
    /// 01 "Kids are talking by the door", 02 "Dogs are sitting by the door".
    public var statement: Int
    /// 01 or 02.
    public var repetition: Int
    /// The actor, 01-24.
    public var actor: Int

    /// The emotion of each code 1-8 (index 0 unused).
    public static let emotionCodes: [Emotion?] = [nil, .neutral, .calm, .happy, .sad, .angry, .fear, .disgust, .surprise]

    /// Odd-numbered actors are male, even-numbered female.
    public var gender: Gender { actor % 2 == 1 ? .male : .female }

    /// The actor as a two-digit speaker id (`"01"`).
    public var speaker: String { actor < 10 ? "0\(actor)" : String(actor) }

    /// Parses a file name, with or without extension (`03-01-05-02-01-01-12.wav`).
    public init(parsing fileName: String) throws {
        let fields = FileScan.stem(fileName).split(separator: "-", omittingEmptySubsequences: false)
        guard fields.count == 7, fields.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }) else {
            throw malformed(fileName, "expected seven two-digit fields MM-VV-EE-II-SS-RR-AA")
        }
        let v = fields.map { Int($0)! }
        guard (1...3).contains(v[0]) else { throw malformed(fileName, "modality \(fields[0]) is not 01-03") }
        guard (1...2).contains(v[1]) else { throw malformed(fileName, "vocal channel \(fields[1]) is not 01 or 02") }
        guard (1...8).contains(v[2]), let emotion = Self.emotionCodes[v[2]] else {
            throw malformed(fileName, "emotion \(fields[2]) is not 01-08")
        }
        guard (1...2).contains(v[3]) else { throw malformed(fileName, "intensity \(fields[3]) is not 01 or 02") }
        guard (1...2).contains(v[4]) else { throw malformed(fileName, "statement \(fields[4]) is not 01 or 02") }
        guard (1...2).contains(v[5]) else { throw malformed(fileName, "repetition \(fields[5]) is not 01 or 02") }
        guard v[6] >= 1 else { throw malformed(fileName, "actor \(fields[6]) is not 01-24") }
        modality = v[0]
        vocalChannel = v[1] == 1 ? .speech : .song
        self.emotion = emotion
        intensity = v[3] == 1 ? .normal : .strong
        statement = v[4]
        repetition = v[5]
        actor = v[6]
    }
}

/// A CREMA-D file name, `1001_DFA_ANG_XX.wav`: actor, sentence code, emotion, level.
public struct CREMADFileName: Hashable, Codable, Sendable {
    /// The actor, 1001-1091.
    public var actor: Int
    /// The sentence code (`DFA`, `IEO`, `IOM`, `ITH`, `ITS`, `IWL`, `IWW`, `MTI`, `TAI`, `TIE`, `TSI`, `WSI`).
    public var sentence: String
    /// ANG, DIS, FEA, HAP, NEU, SAD.
    public var emotion: Emotion
    /// LO low, MD medium, HI high, XX unspecified.
    public var intensity: Intensity

    /// The emotion of each CREMA-D code.
    public static let emotionCodes: [String: Emotion] = [
        "ANG": .angry, "DIS": .disgust, "FEA": .fear, "HAP": .happy, "NEU": .neutral, "SAD": .sad,
    ]
    /// The intensity of each CREMA-D level code.
    public static let levelCodes: [String: Intensity] = ["LO": .low, "MD": .medium, "HI": .high, "XX": .unspecified]

    /// The actor as a speaker id (`"1001"`).
    public var speaker: String { String(actor) }

    /// Parses a file name, with or without extension.
    public init(parsing fileName: String) throws {
        let fields = FileScan.stem(fileName).split(separator: "_", omittingEmptySubsequences: false).map { String($0).uppercased() }
        guard fields.count == 4 else { throw malformed(fileName, "expected ACTOR_SENTENCE_EMOTION_LEVEL (e.g. 1001_DFA_ANG_XX)") }
        guard fields[0].count == 4, fields[0].allSatisfy({ $0.isASCII && $0.isNumber }), let actor = Int(fields[0]) else {
            throw malformed(fileName, "actor \"\(fields[0])\" is not a four-digit number")
        }
        guard fields[1].count == 3, fields[1].allSatisfy({ $0.isASCII && $0.isLetter }) else {
            throw malformed(fileName, "sentence \"\(fields[1])\" is not a three-letter code")
        }
        guard let emotion = Self.emotionCodes[fields[2]] else {
            throw malformed(fileName, "emotion \"\(fields[2])\" is not ANG, DIS, FEA, HAP, NEU or SAD")
        }
        guard let level = Self.levelCodes[fields[3]] else {
            throw malformed(fileName, "level \"\(fields[3])\" is not LO, MD, HI or XX")
        }
        self.actor = actor
        self.sentence = fields[1]
        self.emotion = emotion
        self.intensity = level
    }
}

/// A TESS file name, `OAF_back_angry.wav`, `YAF_back_ps.wav`: speaker, word, emotion suffix.
public struct TESSFileName: Hashable, Codable, Sendable {
    /// `OAF` (older talker) or `YAF` (younger talker), upper-cased.
    public var speaker: String
    /// The carrier-phrase word (`back`).
    public var word: String
    /// The emotion, from the last underscore-separated part (`ps` → surprise).
    public var emotion: Emotion

    /// TESS's two speakers; both are female.
    public static let speakers: Set<String> = ["OAF", "YAF"]

    /// Parses a file name, with or without extension. `folder`, the parent folder's name
    /// (`OAF_Pleasant_surprise`), is used for the emotion only when the file-name suffix is not a
    /// known emotion.
    public init(parsing fileName: String, folder: String? = nil) throws {
        let parts = FileScan.stem(fileName).split(separator: "_", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 3, !parts[0].isEmpty, parts[0].allSatisfy({ $0.isASCII && $0.isLetter }) else {
            throw malformed(fileName, "expected SPEAKER_WORD_EMOTION (e.g. OAF_back_angry)")
        }
        // The emotion is the last part, or the last two for `..._pleasant_surprise(d)`.
        var emotion: Emotion?
        var suffixParts = 1
        if parts.count >= 4, let e = Emotion.knownAlias(parts[(parts.count - 2)...].joined(separator: "_")) {
            emotion = e
            suffixParts = 2
        } else {
            emotion = Emotion.knownAlias(parts[parts.count - 1])
        }
        if emotion == nil, let folder {
            let folderParts = folder.split(separator: "_", maxSplits: 1).map(String.init)
            if folderParts.count == 2, folderParts[0].uppercased() == parts[0].uppercased() {
                emotion = Emotion.knownAlias(folderParts[1])
            }
        }
        guard let emotion else {
            throw malformed(fileName, "emotion suffix \"\(parts[parts.count - 1])\" is not a known emotion")
        }
        // One original TESS file lacks the speaker's final F (`OAF_neutral/OA_bite_neutral.wav`): a
        // prefix that is not a speaker but begins the folder's speaker takes the folder's speaker.
        var speaker = parts[0].uppercased()
        if !Self.speakers.contains(speaker), let folder,
           let folderSpeaker = folder.split(separator: "_").first.map({ String($0).uppercased() }),
           Self.speakers.contains(folderSpeaker), folderSpeaker.hasPrefix(speaker) {
            speaker = folderSpeaker
        }
        self.speaker = speaker
        let wordParts = parts[1..<(parts.count - suffixParts)]
        self.word = wordParts.joined(separator: "_")
        self.emotion = emotion
    }
}

/// A SAVEE file name: `DC_a01.wav` (the `ALL/` folder) or `a01.wav` in a speaker folder `DC/`.
public struct SAVEEFileName: Hashable, Codable, Sendable {
    /// `DC`, `JE`, `JK` or `KL`.
    public var speaker: String
    /// a anger, d disgust, f fear, h happiness, n neutral, sa sadness, su surprise.
    public var emotion: Emotion
    /// The sentence number within the emotion (`"01"`).
    public var sentence: String

    /// SAVEE's four speakers; all are male.
    public static let speakers: Set<String> = ["DC", "JE", "JK", "KL"]
    /// The emotion of each SAVEE code.
    public static let emotionCodes: [String: Emotion] = [
        "a": .angry, "d": .disgust, "f": .fear, "h": .happy, "n": .neutral, "sa": .sad, "su": .surprise,
    ]

    /// Parses a file name, with or without extension; `folder` (the parent folder's name) gives the
    /// speaker when the name has no `XX_` prefix.
    public init(parsing fileName: String, folder: String? = nil) throws {
        var stem = FileScan.stem(fileName)
        var speaker: String?
        if let underscore = stem.firstIndex(of: "_") {
            speaker = String(stem[..<underscore]).uppercased()
            stem = String(stem[stem.index(after: underscore)...])
        } else if let folder, folder.count == 2, folder.allSatisfy({ $0.isASCII && $0.isLetter }) {
            speaker = folder.uppercased()
        }
        guard let speaker, speaker.count == 2, speaker.allSatisfy({ $0.isASCII && $0.isLetter }) else {
            throw malformed(fileName, "no speaker: expected XX_c01 or a speaker folder XX/c01")
        }
        let code = String(stem.prefix { $0.isASCII && $0.isLetter }).lowercased()
        let number = String(stem.dropFirst(code.count))
        guard let emotion = Self.emotionCodes[code] else {
            throw malformed(fileName, "emotion code \"\(code)\" is not a, d, f, h, n, sa or su")
        }
        guard !number.isEmpty, number.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw malformed(fileName, "expected a sentence number after the emotion code")
        }
        self.speaker = speaker
        self.emotion = emotion
        self.sentence = number
    }
}
