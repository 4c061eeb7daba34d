import Foundation

/// The metadata every TakeSense model file carries, under `takesense.*` keys (safetensors `__metadata__`, a
/// map of strings): what the file is (`kind`), how to rebuild it (`architecture`, `labels`, `preprocessing`,
/// `config`), how to trust it (`calibration.*`) and where it came from (`recipe`, `dataset`, `licence`,
/// `source`). Written by the face and voice classifiers and the MTCNN import, read by every loader and shown
/// by `takesense models inspect`.
///
/// Files written before this contract used bare keys (`kind`, `architecture`, `labels`, `preprocessing`,
/// `trained_on`, ...): `init(_:)` reads them too, and `migrated()` / `ModelMetadata.migrate(_:to:)` rewrite a
/// file's header under the new keys with its tensors' bytes untouched.
public struct ModelMetadata: Sendable, Equatable {
    public static let prefix = "takesense."

    /// What a model file is for.
    public enum Kind: String, Sendable, CaseIterable, Codable {
        case faceEmotion = "face-emotion"
        case voiceEmotion = "voice-emotion"
        case faceDetector = "face-detector"
        /// A speech encoder without a classifier head (imported Whisper weights).
        case speechEncoder = "speech-encoder"
    }

    /// The contract's keys.
    public enum Key {
        public static let kind = "takesense.kind"
        public static let architecture = "takesense.architecture"
        /// JSON array of names, in output order.
        public static let labels = "takesense.labels"
        /// JSON object: the input transform (face models).
        public static let preprocessing = "takesense.preprocessing"
        /// JSON object: sizes and head options (voice models, Hugging Face names).
        public static let config = "takesense.config"
        public static let temperature = "takesense.calibration.temperature"
        public static let confusion = "takesense.calibration.confusion"
        public static let fitOn = "takesense.calibration.fit_on"
        /// JSON object: the training recipe that produced the weights.
        public static let recipe = "takesense.recipe"
        /// The data the model was trained on.
        public static let dataset = "takesense.dataset"
        public static let licence = "takesense.licence"
        /// Where imported weights came from.
        public static let source = "takesense.source"
        public static let testTimeAugmentation = "takesense.test_time_augmentation"
        public static let flipAveraging = "takesense.flip_averaging"
        public static let epoch = "takesense.epoch"
    }

    /// Legacy keys whose new name is not simply `takesense.` + the old one. `recipe` held a preset's name, not
    /// the JSON recipe `takesense.recipe` holds now.
    static let renamed: [String: String] = ["trained_on": Key.dataset, "recipe": "takesense.recipe_preset", "license": Key.licence]
    /// The legacy face kind's value.
    static let legacyFaceKind = "takesense.face-emotion"

    /// Every entry under its `takesense.*` key (labels as a JSON array).
    public private(set) var entries: [String: String]
    /// For each entry read from a legacy key, that key (error messages name the key the file actually has).
    public private(set) var legacySource: [String: String] = [:]

    /// Reads `raw` (a file's metadata), new keys and legacy keys alike. A legacy key beside its new twin wins:
    /// only writers that predate the contract write legacy keys, so such a value is the later one.
    public init(_ raw: [String: String]) {
        var entries: [String: String] = [:]
        for (key, value) in raw where key.hasPrefix(Self.prefix) { entries[key] = value }
        for (key, value) in raw where !key.hasPrefix(Self.prefix) {
            let new = Self.renamed[key] ?? Self.prefix + key
            entries[new] = Self.convert(legacyKey: key, value)
            legacySource[new] = key
        }
        self.entries = entries
    }

    /// An empty set to fill.
    public init() { entries = [:] }

    /// The value under a `takesense.*` key.
    public subscript(key: String) -> String? {
        get { entries[key] }
        set {
            entries[key] = newValue
            legacySource[key] = nil
        }
    }

    /// The key an entry was read from, for messages: the legacy key when the file had that, else `key`.
    public func sourceKey(_ key: String) -> String { legacySource[key] ?? key }

    /// Whether the file used any legacy key (and `migrated()` would change its header).
    public var hasLegacyKeys: Bool { !legacySource.isEmpty }

    public var kind: Kind? {
        get { entries[Key.kind].flatMap(Kind.init(rawValue:)) }
        set { self[Key.kind] = newValue?.rawValue }
    }

    public var architecture: String? {
        get { entries[Key.architecture] }
        set { self[Key.architecture] = newValue }
    }

    /// The labels as stored: a JSON array of strings (nil when missing or not such an array).
    public var labels: [String]? {
        get { entries[Key.labels].flatMap { try? JSONDecoder().decode([String].self, from: Data($0.utf8)) } }
        set { self[Key.labels] = newValue.map(Self.json) }
    }

    public var temperature: Double? { entries[Key.temperature].flatMap { Double($0.trimmingCharacters(in: .whitespaces)) } }

    /// The training recipe (JSON text).
    public var recipe: String? {
        get { entries[Key.recipe] }
        set { self[Key.recipe] = newValue }
    }

    /// Infers `kind` for files written before it was recorded, from what else they say.
    public var inferredKind: Kind? {
        if let kind { return kind }
        switch architecture?.lowercased() {
        case "mtcnn"?: return .faceDetector
        case "whisperencoder"?: return .speechEncoder
        case let a? where a.hasSuffix("forsequenceclassification") || a.hasSuffix("foraudioclassification"): return .voiceEmotion
        default: return entries[Key.preprocessing] != nil ? .faceEmotion : nil
        }
    }

    /// The metadata as written: legacy keys renamed, `kind` recorded.
    public func migrated() -> [String: String] {
        var out = entries
        if kind == nil, let k = inferredKind { out[Key.kind] = k.rawValue }
        return out
    }

    static func convert(legacyKey key: String, _ value: String) -> String {
        switch key {
        case "kind": return value == legacyFaceKind ? Kind.faceEmotion.rawValue : value
        // Legacy labels were comma-separated; kept verbatim when empty fields would be lost by splitting, so the
        // reader's checks still see them (a trailing comma is an empty label, not one label fewer).
        case "labels": return json(value.split(separator: ",", omittingEmptySubsequences: false).map(String.init))
        default: return value
        }
    }

    static func json(_ labels: [String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return (try? encoder.encode(labels)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
    }
}

extension ModelMetadata {
    /// Rewrites the metadata of the safetensors file `url` under the contract's keys into `output` (default: the
    /// file itself, replaced atomically). Only the header changes: the tensors' bytes are copied as they are.
    /// Returns the metadata written.
    @discardableResult
    public static func migrate(_ url: URL, to output: URL? = nil) throws -> [String: String] {
        let file = try SafeTensorsFile(contentsOf: url)
        let metadata = ModelMetadata(file.metadata).migrated()
        try rewriteHeader(of: url, metadata: metadata, to: output ?? url)
        return metadata
    }

    /// Copies the safetensors file `url` to `output` with `metadata` as its `__metadata__`, the tensor entries
    /// and the data section unchanged (offsets are relative to the data section, so a longer header moves nothing).
    public static func rewriteHeader(of url: URL, metadata: [String: String], to output: URL) throws {
        let data = try Data(contentsOf: url)
        _ = try SafeTensorsFile(data: data, name: url.path)  // validated before anything is written
        let headerLength = data.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        guard var header = try JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + headerLength))) as? [String: Any] else {
            throw ModelError(file: url.path, reason: "the safetensors header is not a JSON object")
        }
        header["__metadata__"] = metadata.isEmpty ? nil : metadata
        var text = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys, .withoutEscapingSlashes])
        // The data section stays 8-byte aligned, as the format recommends.
        while text.count % 8 != 0 { text.append(UInt8(ascii: " ")) }
        var out = Data(capacity: 8 + text.count + data.count - 8 - headerLength)
        for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: text.count >> (8 * i))) }
        out.append(text)
        out.append(data.subdata(in: (8 + headerLength)..<data.count))
        let partial = output.deletingLastPathComponent().appendingPathComponent(".\(output.lastPathComponent).partial-\(getpid())")
        do {
            try out.write(to: partial)
            _ = try SafeTensorsFile(contentsOf: partial)
            // rename(2): atomic, and replaces an existing file (Foundation's replaceItemAt lost both files on Linux).
            guard rename(partial.path, output.path) == 0 else {
                throw ModelError(file: output.path, reason: "cannot replace: \(String(cString: strerror(errno)))")
            }
        } catch {
            try? FileManager.default.removeItem(at: partial)
            throw ModelError(file: output.path, error)
        }
    }
}
