import Director
import Foundation

/// The analysis as JSON (the schema of `TakeAnalysis`): one take → the `TakeAnalysis` object itself;
/// several → `{"takes": [...], "ranking": [...]}`. Pretty-printed with sorted keys, so two runs
/// diff cleanly; written atomically. `AnalysisReader` loads either shape back.
public struct JSONReportWriter: ResultWriting {
    public var destination: ReportDestination { .file }

    public init() {}

    @discardableResult
    public func write(_ comparison: TakeComparison, to url: URL) throws -> [URL] {
        let data: Data
        do {
            data = try encode(comparison)
        } catch {
            throw ReportError(.invalidInput, path: url.path, reason: "cannot encode the analysis as JSON: \(Self.describe(error))")
        }
        try ReportFiles.write(data, to: url)
        return [url]
    }

    /// The JSON bytes (ending in a newline) that `write` puts in the file.
    public func encode(_ comparison: TakeComparison) throws -> Data {
        var data = comparison.takes.count == 1 ? try Self.encoder.encode(comparison.takes[0]) : try Self.encoder.encode(comparison)
        data.append(0x0A)
        return data
    }

    public func encode(_ analysis: TakeAnalysis) throws -> Data {
        try encode(TakeComparison(single: analysis))
    }

    static var encoder: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return e
    }

    static func describe(_ error: any Error) -> String {
        if case EncodingError.invalidValue(let value, let context) = error {
            let path = AnalysisReader.codingPath(context.codingPath)
            return "\(value) at \(path.isEmpty ? "the top level" : path) is not a valid JSON number"
        }
        return "\(error)"
    }
}
