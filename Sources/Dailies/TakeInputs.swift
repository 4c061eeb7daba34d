import Datasets
import Foundation
import Media
#if canImport(Glibc)
import Glibc
#endif

/// One take to analyse, as found among the inputs.
public struct TakeInput: Sendable, Equatable {
    /// The path as given, or under the folder given (the take's name in reports).
    public var path: String
    /// Footage length when the container was probed (folders), else nil until analysed.
    public var seconds: Double?
    public init(path: String, seconds: Double? = nil) {
        self.path = path
        self.seconds = seconds
    }
}

/// Turns `batch`'s INPUT arguments into takes: files as given, folders searched recursively for video files (by
/// probing the container, not by extension: a `.mov` of notes is skipped, an `.mxf` without extension is kept),
/// glob patterns, and manifest CSVs (rows path[,label], relative paths against the manifest's folder).
public enum TakeInputs {
    public struct Found: Sendable {
        public var takes: [TakeInput]
        /// Inputs that named nothing (missing file, glob without a match): one line each.
        public var problems: [String]
    }

    public static func discover(_ inputs: [String]) -> Found {
        var takes: [TakeInput] = [], problems: [String] = [], seen = Set<String>()
        func add(_ take: TakeInput) {
            let key = URL(fileURLWithPath: take.path).standardizedFileURL.path
            if seen.insert(key).inserted { takes.append(take) }
        }
        let fm = FileManager.default
        for input in inputs {
            var isDirectory: ObjCBool = false
            if fm.fileExists(atPath: input, isDirectory: &isDirectory) {
                if isDirectory.boolValue {
                    for take in videos(under: input) { add(take) }
                } else if input.lowercased().hasSuffix(".csv") {
                    do {
                        for entry in try EmotionManifest.load(path: input) { add(TakeInput(path: entry.path)) }
                    } catch { problems.append("\(error)") }
                } else {
                    add(TakeInput(path: input))
                }
            } else if input.contains(where: { "*?[".contains($0) }) {
                let matches = glob(input)
                if matches.isEmpty { problems.append("\(input): no file matches") }
                for match in matches {
                    var dir: ObjCBool = false
                    if fm.fileExists(atPath: match, isDirectory: &dir), dir.boolValue {
                        for take in videos(under: match) { add(take) }
                    } else {
                        add(TakeInput(path: match))
                    }
                }
            } else {
                // Named explicitly: recorded as a failure by the batch, so it is reported with the day's takes.
                add(TakeInput(path: input))
            }
        }
        return Found(takes: takes, problems: problems)
    }

    /// Video files under `folder` (recursive, hidden files skipped), sorted by path.
    public static func videos(under folder: String) -> [TakeInput] {
        let fm = FileManager.default
        guard let walker = fm.enumerator(atPath: folder) else { return [] }
        var found: [TakeInput] = []
        while let relative = walker.nextObject() as? String {
            let name = PathName.last(relative)
            if name.hasPrefix(".") { walker.skipDescendants(); continue }
            let path = (folder as NSString).appendingPathComponent(relative)
            var dir: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &dir), !dir.boolValue else { continue }
            if let seconds = videoSeconds(path) { found.append(TakeInput(path: path, seconds: seconds)) }
        }
        return found.sorted { $0.path < $1.path }
    }

    /// The footage length when `path` is a readable container with a (moving) video stream, else nil.
    public static func videoSeconds(_ path: String) -> Double? {
        guard let info = try? probe(URL(fileURLWithPath: path)), let video = info.video, video.isAttachedPicture != true else { return nil }
        return info.duration ?? video.duration ?? 0
    }

    static func glob(_ pattern: String) -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        guard Glibc.glob(pattern, 0, nil, &result) == 0 else { return [] }
        return (0..<Int(result.gl_pathc)).compactMap { result.gl_pathv[$0].map { String(cString: $0) } }.sorted()
    }
}
