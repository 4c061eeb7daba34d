import Director
import Foundation

/// What an analysis JSON file holds: one take (`takesense analyze take.mov --json`) or several
/// (`{"takes": [...], "ranking": [...]}`).
public enum AnalysisDocument: Sendable, Equatable {
    case single(TakeAnalysis)
    case comparison(TakeComparison)

    /// The takes, in file order.
    public var takes: [TakeAnalysis] {
        switch self {
        case .single(let t): [t]
        case .comparison(let c): c.takes
        }
    }

    /// Either shape as a comparison (one take is ranked on its own).
    public var comparison: TakeComparison {
        switch self {
        case .single(let t): TakeComparison(single: t)
        case .comparison(let c): c
        }
    }
}

/// Loads analysis JSON written by `JSONReportWriter` (for `correlate` and other commands that read
/// earlier results): a take object, or `{"takes": [...], "ranking": [...]}` (without `ranking`, the
/// takes are ranked by `TakeRanking`). Errors are `ReportError`s whose description is one line naming the file,
/// e.g. `takes/t1.json: not valid JSON (...)` or `t1.json: missing "verdict" at takes[0]`.
public enum AnalysisReader {
    public static func read(_ url: URL) throws -> AnalysisDocument {
        try decode(try SmallInputFile.read(url.path), path: url.path)
    }

    /// All takes of several files, in order.
    public static func readTakes(_ urls: [URL]) throws -> [TakeAnalysis] {
        try urls.flatMap { try read($0).takes }
    }

    /// Decodes either shape; `path` only names the source in errors.
    public static func decode(_ data: Data, path: String = "<data>") throws -> AnalysisDocument {
        let document = try decodeUnchecked(data, path: path)
        if let problem = AnalysisValidation.problem(in: document.takes) {
            throw ReportError(.notAnAnalysis, path: path, reason: problem)
        }
        return document
    }

    private static func decodeUnchecked(_ data: Data, path: String) throws -> AnalysisDocument {
        let top: Any
        do {
            top = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            throw ReportError(.badJSON, path: path, reason: "not valid JSON (\(syntaxReason(error)))")
        }
        guard let object = top as? [String: Any] else {
            throw ReportError(.notAnAnalysis, path: path, reason: "not a TakeSense analysis: the top level is not a JSON object")
        }
        let decoder = JSONDecoder()
        do {
            if object["takes"] != nil {
                if object["ranking"] == nil {
                    // Takes gathered by hand, without a ranking: rank them as `analyze` would.
                    return .comparison(TakeComparison(ranking: try decoder.decode(TakesOnly.self, from: data).takes))
                }
                return .comparison(try decoder.decode(TakeComparison.self, from: data))
            }
            guard object["take"] != nil, object["verdict"] != nil else {
                throw ReportError(.notAnAnalysis, path: path,
                                  reason: "not a TakeSense analysis: expected a take (\"take\", \"verdict\", ...) or \"takes\" at the top level")
            }
            return .single(try decoder.decode(TakeAnalysis.self, from: data))
        } catch let e as ReportError {
            throw e
        } catch let e as DecodingError {
            throw ReportError(.notAnAnalysis, path: path, reason: describe(e))
        } catch {
            throw ReportError(.notAnAnalysis, path: path, reason: "\(error)")
        }
    }

    private struct TakesOnly: Decodable { var takes: [TakeAnalysis] }

    /// One line for a decoding error: what is wrong and where (`takes[1].face.coverage`).
    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, let ctx):
            return "missing \"\(key.stringValue)\"\(at(ctx.codingPath))"
        case .typeMismatch(let type, let ctx):
            return "expected \(typeName(type))\(at(ctx.codingPath))"
        case .valueNotFound(let type, let ctx):
            return "expected \(typeName(type)) but found null\(at(ctx.codingPath))"
        case .dataCorrupted(let ctx):
            return "\(ctx.debugDescription.trimmingCharacters(in: CharacterSet(charactersIn: ". ")))\(at(ctx.codingPath))"
        @unknown default:
            return "\(error)"
        }
    }

    private static func at(_ path: [any CodingKey]) -> String {
        let p = codingPath(path)
        return p.isEmpty ? " at the top level" : " at \(p)"
    }

    /// `takes[0].face.frames[3].t`
    static func codingPath(_ path: [any CodingKey]) -> String {
        var out = ""
        for key in path {
            if let i = key.intValue { out += "[\(i)]" } else { out += out.isEmpty ? key.stringValue : ".\(key.stringValue)" }
        }
        return out
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is Double.Type, is Float.Type: return "a number"
        case is Int.Type: return "an integer"
        case is String.Type: return "a string"
        case is Bool.Type: return "true or false"
        default:
            let name = String(describing: type)
            if name.hasPrefix("Array") || name.hasPrefix("[") { return "an array" }
            if name.hasPrefix("Dictionary") { return "an object" }
            return "a \(name)"
        }
    }

    private static func syntaxReason(_ error: any Error) -> String {
        let ns = error as NSError
        let detail = (ns.userInfo[NSDebugDescriptionErrorKey] as? String) ?? ns.localizedDescription
        return detail.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
