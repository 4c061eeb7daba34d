import Datasets
import Director
import Foundation
import Correlation

/// A correlation or scene-evaluation input that cannot be used (missing file, manifest cycle, too many
/// takes): one line naming the file and the problem.
public struct CorrelationInputError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ message: String) { description = message }
}

/// The takes named on `correlate`'s command line: analyses read from JSON, videos to analyse, and
/// ground-truth labels from manifests.
public struct CorrelationInputs {
    /// Video file extensions looked for in folders.
    public static let videoExtensions: Set<String> = [
        "mp4", "mov", "mkv", "avi", "webm", "m4v", "mxf", "mts", "m2ts", "mpg", "mpeg", "wmv", "flv", "3gp", "ogv",
    ]

    /// How deep manifests may list manifests (a manifest of manifests of takes is depth 2).
    public static let maxManifestDepth = 8
    /// Takes one run may gather, from every manifest and folder together.
    public static let maxTakes = 100_000

    public init() {}

    public var analyses: [TakeAnalysis] = []
    public var videos: [URL] = []
    public var entries: [ManifestEntry] = []
    /// Every file read or to be analysed: the inputs no output may replace.
    public var files: [String] = []
    /// The manifests being read, outermost first (a manifest listing one of them is a cycle).
    private var manifestStack: [(identity: FileIdentity, path: String)] = []

    public mutating func add(_ input: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory) else {
            throw CorrelationInputError("\(input): no such file or folder")
        }
        if isDirectory.boolValue {
            try addFolder(input)
            return
        }
        files.append(input)
        guard analyses.count + videos.count < Self.maxTakes else {
            throw CorrelationInputError("\(input): more than \(Self.maxTakes) takes in one run; correlate them in smaller sets")
        }
        switch URL(fileURLWithPath: input).pathExtension.lowercased() {
        case "json":
            do { analyses += try TakeFiles.load(input) } catch { throw CorrelationInputError("\(error)") }
        case "csv":
            guard let identity = FileIdentity(path: input) else { throw CorrelationInputError("\(input): cannot be read") }
            if let outer = manifestStack.first(where: { $0.identity == identity }) {
                let via = manifestStack.last.map { " (listed by \($0.path))" } ?? ""
                throw CorrelationInputError("\(input): the manifest lists itself through other manifests\(via); \(outer.path) is already being read")
            }
            guard manifestStack.count < Self.maxManifestDepth else {
                throw CorrelationInputError("\(input): manifests nested more than \(Self.maxManifestDepth) deep")
            }
            let manifest: [ManifestEntry]
            do { manifest = try EmotionManifest.load(path: input) } catch { throw CorrelationInputError("\(error)") }
            manifestStack.append((identity, input))
            defer { manifestStack.removeLast() }
            for entry in manifest { try addEntry(entry, manifest: input) }
        default:
            videos.append(URL(fileURLWithPath: input))
        }
    }

    /// A manifest row: its file (analysis JSON, folder or video) and its label.
    public mutating func addEntry(_ entry: ManifestEntry, manifest: String? = nil) throws {
        guard FileManager.default.fileExists(atPath: entry.path) else {
            throw CorrelationInputError(manifest.map { "\($0):\(entry.line): \(entry.path): no such file" } ?? "\(entry.path): no such file")
        }
        entries.append(entry)
        try add(entry.path)
    }

    /// The videos in a folder (recursively); without any, its analysis JSON files.
    public mutating func addFolder(_ folder: String) throws {
        let root = URL(fileURLWithPath: folder)
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey],
                                                          options: [.skipsHiddenFiles]) else {
            throw CorrelationInputError("\(folder): cannot list the folder")
        }
        var found: [URL] = []
        var jsons: [URL] = []
        for case let url as URL in walker {
            guard found.count + jsons.count < Self.maxTakes else {
                throw CorrelationInputError("\(folder): more than \(Self.maxTakes) takes in one run; correlate them in smaller sets")
            }
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
            let ext = url.pathExtension.lowercased()
            if Self.videoExtensions.contains(ext) { found.append(url) } else if ext == "json" { jsons.append(url) }
        }
        if !found.isEmpty {
            videos += found.sorted { $0.path < $1.path }
            files += found.map(\.path)
        } else if !jsons.isEmpty {
            for url in jsons.sorted(by: { $0.path < $1.path }) {
                files.append(url.path)
                do { analyses += try TakeFiles.load(url.path) } catch { throw CorrelationInputError("\(error)") }
            }
        } else {
            throw CorrelationInputError("\(folder): no videos and no analysis JSON files")
        }
    }

    /// The analyses read plus those of the videos, analysed now by `analyze` (take = the path given),
    /// saved into `folder` when given.
    public func resolve(saveTo folder: String?, log: (String) -> Void, analyze: ([URL]) throws -> [TakeAnalysis]) throws -> [TakeAnalysis] {
        guard !videos.isEmpty else { return analyses }
        log("analysing \(videos.count) video\(videos.count == 1 ? "" : "s")...")
        let results = try analyze(videos)
        var named: [TakeAnalysis] = []
        for (url, result) in zip(videos, results) {
            var analysis = result
            analysis.take = url.path
            named.append(analysis)
        }
        if let folder { try Self.save(named, to: folder, log: log) }
        return analyses + named
    }

    /// The file names `save` gives to the analyses of these takes, in order.
    public static func savedNames(_ takes: [String]) -> [String] {
        var used: [String: Int] = [:]
        return takes.map { take in
            var stem = URL(fileURLWithPath: take).deletingPathExtension().lastPathComponent
            used[stem, default: 0] += 1
            if let n = used[stem], n > 1 { stem += "-\(n)" }
            return stem + ".json"
        }
    }

    /// Writes each analysis as `<folder>/<take name>.json`.
    public static func save(_ analyses: [TakeAnalysis], to folder: String, log: (String) -> Void) throws {
        let dir = URL(fileURLWithPath: folder)
        do { try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true) } catch {
            throw CorrelationInputError("\(folder): cannot create the folder: \(error.localizedDescription)")
        }
        for (a, name) in zip(analyses, savedNames(analyses.map(\.take))) {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let path = dir.appendingPathComponent(name).path
            do { try OutputSet.write(try encoder.encode(a), to: URL(fileURLWithPath: path)) } catch { throw CorrelationInputError("\(error)") }
            log("wrote \(path)")
        }
    }
}


extension CorrelationInputs {
    /// The analyses of `evaluate scenes`' manifest rows, in order: analysis JSON files are read (one
    /// take each); everything else is analysed by `analyze`, in one batch, and saved into `folder` when given.
    public static func sceneAnalyses(_ scenes: [LabelledScene], manifest: String, saveTo folder: String?, log: (String) -> Void,
                                     analyze: ([URL]) throws -> [TakeAnalysis]) throws -> [TakeAnalysis?] {
        // Analysis JSON files are read; everything else is analysed, in one batch.
        var analyses = [TakeAnalysis?](repeating: nil, count: scenes.count)
        var videos: [(index: Int, url: URL)] = []
        for (i, scene) in scenes.enumerated() {
            guard FileManager.default.fileExists(atPath: scene.path) else {
                throw CorrelationInputError("\(manifest):\(scene.line): \(scene.path): no such file")
            }
            if scene.path.lowercased().hasSuffix(".json") {
                let takes: [TakeAnalysis]
                do { takes = try TakeFiles.load(scene.path) } catch { throw CorrelationInputError("\(error)") }
                guard takes.count == 1 else {
                    throw CorrelationInputError("\(manifest):\(scene.line): \(scene.path) holds \(takes.count) takes; a scene needs exactly one")
                }
                analyses[i] = takes[0]
            } else {
                videos.append((i, URL(fileURLWithPath: scene.path)))
            }
        }
        if !videos.isEmpty {
            log("analysing \(videos.count) video\(videos.count == 1 ? "" : "s")...")
            let results = try analyze(videos.map(\.url))
            var named: [TakeAnalysis] = []
            for (video, result) in zip(videos, results) {
                var analysis = result
                analysis.take = video.url.path
                analyses[video.index] = analysis
                named.append(analysis)
            }
            if let folder { try save(named, to: folder, log: log) }
        }
        return analyses
    }
}
