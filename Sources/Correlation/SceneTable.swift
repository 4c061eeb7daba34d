import Datasets
import Director
import Foundation

/// One scene (take) of a correlation study: each modality's top emotion and its probabilities.
///
/// The study's variables per scene: `img_pred` (the face classifier's top emotion), `speech_pred`
/// (the voice classifier's), `img_pred_prob_<emotion>` and `speech_pred_prob_<emotion>` (their
/// probabilities over the table's labels), and optionally the ground truth.
public struct SceneRow: Sendable, Equatable, Codable {
    /// The take's name (its file, as analysed).
    public var scene: String
    /// The face's top emotion; nil when no face was classified.
    public var imgPred: String?
    /// The voice's top emotion; nil when no speech was classified.
    public var speechPred: String?
    /// Face probabilities over the table's labels, in order (NaN when no face was classified).
    @NaNAsNullArray public var imgProbabilities: [Double]
    /// Voice probabilities over the table's labels, in order (NaN when no speech was classified).
    @NaNAsNullArray public var speechProbabilities: [Double]
    /// The ground-truth emotion (canonical name), when known.
    public var truth: String?

    enum CodingKeys: String, CodingKey {
        case scene, truth
        case imgPred = "img_pred", speechPred = "speech_pred"
        case imgProbabilities = "img_pred_prob", speechProbabilities = "speech_pred_prob"
    }

    public init(scene: String, imgPred: String?, speechPred: String?, imgProbabilities: [Double], speechProbabilities: [Double], truth: String? = nil) {
        self.scene = scene
        self.imgPred = imgPred
        self.speechPred = speechPred
        self.imgProbabilities = imgProbabilities
        self.speechProbabilities = speechProbabilities
        self.truth = truth
    }
}

/// Errors building a study's inputs; each description is one line naming the file.
public enum CorrelationError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    /// Two analyses were made over different label sets (and no label set was imposed).
    case mixedLabels(take: String, labels: [String], expected: [String])
    /// A JSON file is neither a take's analysis nor a comparison of takes.
    case notAnAnalysis(path: String, reason: String)
    /// A file could not be read.
    case unreadable(path: String, reason: String)

    public var description: String {
        switch self {
        case let .mixedLabels(take, labels, expected):
            return
                "\(take): analysed over the labels \(labels.joined(separator: ",")) but the other takes over \(expected.joined(separator: ",")); analyse them "
                    + "alike or impose a label set"
        case let .notAnAnalysis(path, reason):
            return "\(path): not a takesense analysis (a TakeAnalysis or TakeComparison JSON): \(reason)"
        case let .unreadable(path, reason):
            return "\(path): cannot read: \(reason)"
        }
    }

    public var errorDescription: String? { description }
}

/// The scenes of a study: one row per take, the columns the study's variables.
public struct SceneTable: Sendable, Equatable, Codable {
    /// The emotions, in the order of every probability vector and matrix.
    public var labels: [String]
    public var rows: [SceneRow]

    public init(labels: [String], rows: [SceneRow]) {
        self.labels = labels
        self.rows = rows
    }

    /// Rows from analysed takes.
    ///
    /// - Parameters:
    ///   - analyses: the takes; `img_pred` is the face's `emotion` (else the argmax of its
    ///     probabilities), `speech_pred` the voice's.
    ///   - labels: the label set to use; default: the takes' own `labels`, which must then agree.
    ///     With an explicit set, a label missing from a take's distribution has probability 0.
    ///   - truth: the ground truth of a take, looked up by the take's name; canonicalised through
    ///     ``Emotion`` (`anger` → `angry`).
    /// - Throws: ``CorrelationError/mixedLabels(take:labels:expected:)`` when the takes disagree on
    ///   labels and none are given.
    public init(analyses: [TakeAnalysis], labels: [String]? = nil, truth: (String) -> String? = { _ in nil }) throws {
        let imposed = labels != nil
        let labels = labels ?? analyses.first?.labels ?? []
        if !imposed, let odd = analyses.first(where: { $0.labels != labels }) {
            throw CorrelationError.mixedLabels(take: odd.take, labels: odd.labels, expected: labels)
        }
        func vector(_ p: EmotionProbabilities) -> [Double] {
            p.isEmpty ? Array(repeating: .nan, count: labels.count) : labels.map { p[$0] ?? 0 }
        }
        func top(_ emotion: String?, _ p: EmotionProbabilities) -> String? {
            emotion ?? Distributions.top(p, labels: labels)?.label
        }
        self.labels = labels
        self.rows = analyses.map { a in
            SceneRow(scene: a.take,
                     imgPred: top(a.face.emotion, a.face.probabilities),
                     speechPred: top(a.voice.emotion, a.voice.probabilities),
                     imgProbabilities: vector(a.face.probabilities),
                     speechProbabilities: vector(a.voice.probabilities),
                     truth: truth(a.take).map { Emotion($0).rawValue })
        }
    }

    /// The same table with ground truth set from `lookup` (by scene name) where it returns a label.
    public func withTruth(_ lookup: (String) -> String?) -> SceneTable {
        var copy = self
        for i in copy.rows.indices {
            if let t = lookup(copy.rows[i].scene) { copy.rows[i].truth = Emotion(t).rawValue }
        }
        return copy
    }

    /// Why a row cannot enter the study, or nil when it can: both predictions present and among the
    /// labels, and every probability finite.
    public func exclusionReason(_ row: SceneRow) -> String? {
        var problems: [String] = []
        if row.imgPred == nil { problems.append("no face prediction (no face was classified)") }
        if row.speechPred == nil { problems.append("no voice prediction (no speech was classified)") }
        if let p = row.imgPred, !labels.contains(p) { problems.append("the face prediction \"\(p)\" is not one of the labels") }
        if let p = row.speechPred, !labels.contains(p) { problems.append("the voice prediction \"\(p)\" is not one of the labels") }
        if row.imgPred != nil {
            if row.imgProbabilities.count != labels.count {
                problems.append("\(row.imgProbabilities.count) face probabilities for \(labels.count) labels")
            } else if row.imgProbabilities.contains(where: { !$0.isFinite }) {
                problems.append("the face probabilities contain NaN or infinity")
            }
        }
        if row.speechPred != nil {
            if row.speechProbabilities.count != labels.count {
                problems.append("\(row.speechProbabilities.count) voice probabilities for \(labels.count) labels")
            } else if row.speechProbabilities.contains(where: { !$0.isFinite }) {
                problems.append("the voice probabilities contain NaN or infinity")
            }
        }
        return problems.isEmpty ? nil : problems.joined(separator: "; ")
    }
}
