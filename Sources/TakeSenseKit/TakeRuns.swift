import Director
import Foundation
import SceneAnalysis

/// A take that could not be analysed, as one line naming the take and the problem.
public struct TakeError: Error, CustomStringConvertible, Sendable {
    public let description: String

    public init(_ description: String) { self.description = description }

    /// The first line of `error`, with `file` in front unless the line already names it.
    public init(file: String, _ error: any Error) {
        let text = String(describing: error)
        let line = text.split(separator: "\n").first.map(String.init) ?? text
        description = line.contains(file) ? line : "\(file): \(line)"
    }
}

/// How `takesense analyze`, `correlate` and the benchmarks run takes through the library.
extension TakeSense {
    /// How a take is analysed, as `takesense analyze --help` explains it.
    public static let about = """
    Face: frames sampled (--face-fps, default 5; 'all' = every frame), the main face detected and tracked, each \
    crop classified; the scene's face distribution is the mean over frames. Voice: speech found by a voice-activity \
    detector on the 16 kHz track, each segment classified; the scene's voice distribution is the duration-weighted \
    mean (--voice-rule study: the whole track's first 30 s as one prediction, as in the study). Congruence = \
    1 − Jensen-Shannon divergence of the two distributions, per segment and per take. Thresholds: --policy FILE \
    (JSON with snake_case keys, see README) or the options below. Several takes are ranked best first.
    """

    /// Analyses the take at `path` (recorded as given); with `startTimecode` (HH:MM:SS:FF, checked against the take's
    /// own frame rate), the take's first frame is at that timecode instead of the file's own.
    public func analyze(take path: String, startTimecode: String? = nil,
                        progress: @escaping @Sendable (AnalysisProgress) -> Void) async throws -> TakeAnalysis {
        var analysis = try await analyze(URL(fileURLWithPath: path), progress: progress)
        analysis.take = path
        guard let startTimecode else { return analysis }
        let rate = analysis.effectiveSourceTimecode.rate
        do {
            return analysis.withSpanTimecodes(SourceTimecode(start: try SMPTETimecode(startTimecode, rate: rate), origin: .override))
        } catch {
            throw TakeError("--start-timecode: \(error) (the take runs at \(rate))")
        }
    }

    /// The scene analyzer a configuration describes, with `options` instead of the configuration's own (checked
    /// against the models, e.g. the intended emotion).
    public static func makeAnalyzer(_ configuration: TakeSenseConfiguration, options: SceneAnalysisOptions) throws -> SceneAnalyzer {
        let (stages, files) = try makeAnalyzer(configuration)
        return try SceneAnalyzer(face: stages.face, voice: stages.voice, detector: stages.detector, options: options,
                                 faceModelName: files.face.lastPathComponent, voiceModelName: files.voice.lastPathComponent)
    }

    /// Analyses videos one after another with the default models and settings (`correlate` and `evaluate scenes`
    /// on videos); the first failure is one line naming its take.
    public static func analyzeVideos(_ urls: [URL]) throws -> [TakeAnalysis] {
        let analyzer = try makeAnalyzer(TakeSenseConfiguration()).0
        return try urls.map { url in
            do { return try analyzer.analyze(url) } catch { throw TakeError(file: url.path, error) }
        }
    }
}
