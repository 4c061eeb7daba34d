import Director
import TakeSenseKit
import Foundation

/// What `batch` and `watch` need from the analysis: one take in, its `TakeAnalysis` out, and a fingerprint
/// of everything that changes the answer (settings and the model files' bytes). Two runs with the same
/// fingerprint give the same analysis of the same bytes, so the store skips a take it has already seen.
public protocol TakeAnalyzing: Sendable {
    /// Settings + model files' content hashes, as one opaque string (hex).
    var fingerprint: String { get }
    func analyze(_ url: URL) async throws -> TakeAnalysis
}

/// The library's entry point is what `batch` and `watch` run: the same analysis as `analyze`, the same fingerprint.
extension TakeSense: TakeAnalyzing {}
