import Correlation
import Datasets
import Director
import Foundation

/// Reading the JSON files `takesense analyze` writes, and matching takes to labels by path.
public enum TakeFiles {
    /// The takes in an analysis JSON file: one `TakeAnalysis`, or every take of a `TakeComparison`.
    public static func load(_ path: String) throws -> [TakeAnalysis] {
        let data: Data
        do { data = try SmallInputFile.read(path) } catch let e as ReportError {
            throw CorrelationError.unreadable(path: path, reason: e.reason)
        }
        let decoder = JSONDecoder()
        let takes: [TakeAnalysis]
        do {
            takes = [try decoder.decode(TakeAnalysis.self, from: data)]
        } catch let single {
            guard let comparison = try? decoder.decode(TakeComparison.self, from: data) else {
                throw CorrelationError.notAnAnalysis(path: path, reason: describe(single))
            }
            takes = comparison.takes
        }
        // Negative, NaN or out-of-range numbers would flow into the statistics as if they were real.
        if let problem = AnalysisValidation.problem(in: takes) { throw CorrelationError.notAnAnalysis(path: path, reason: problem) }
        return takes
    }

    /// Looks up a take's label in `entries` by its path: the same file (standardised absolute
    /// path), else the same file name, else the same name without extension — each only when it
    /// identifies one entry. `relativeTo` resolves a relative take path.
    public static func matcher(_ entries: [ManifestEntry], relativeTo base: String = FileManager.default.currentDirectoryPath) -> (String) -> String? {
        var byPath: [String: String] = [:]
        var byName: [String: [String]] = [:]
        var byStem: [String: [String]] = [:]
        for e in entries {
            guard let label = e.label?.rawValue else { continue }
            let url = URL(fileURLWithPath: e.path).standardizedFileURL
            byPath[url.path] = label
            byName[url.lastPathComponent, default: []].append(label)
            byStem[url.deletingPathExtension().lastPathComponent, default: []].append(label)
        }
        return { take in
            let url = (take.hasPrefix("/") ? URL(fileURLWithPath: take) : URL(fileURLWithPath: base, isDirectory: true).appendingPathComponent(take))
                .standardizedFileURL
            if let l = byPath[url.path] { return l }
            if let l = byName[url.lastPathComponent], l.count == 1 { return l[0] }
            if let l = byStem[url.deletingPathExtension().lastPathComponent], l.count == 1 { return l[0] }
            return nil
        }
    }

    static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return "missing \"\((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))\""
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "unexpected value at \"\(context.codingPath.map(\.stringValue).joined(separator: "."))\""
        case DecodingError.dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not valid JSON" : "invalid value at \"\(context.codingPath.map(\.stringValue).joined(separator: "."))\""
        default:
            return String(describing: error)
        }
    }
}
