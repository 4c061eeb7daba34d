import Foundation
import Stats

/// Settings of a correlation study.
public struct CorrelationOptions: Sendable, Equatable, Codable {
    /// Yates' continuity correction in the chi-square tests, as `scipy.stats.chi2_contingency`'s
    /// default `correction=True`: it only ever applies to 2×2 tables (one degree of freedom), so it
    /// affects the pairwise one-hot tests (and the main test only if it comes down to 2×2).
    public var yatesCorrection: Bool
    /// Significance level used in the plain-language reading (the numbers themselves do not depend on it).
    public var alpha: Double

    enum CodingKeys: String, CodingKey {
        case alpha
        case yatesCorrection = "yates_correction"
    }

    public init(yatesCorrection: Bool = true, alpha: Double = 0.05) {
        self.yatesCorrection = yatesCorrection
        self.alpha = alpha
    }
}

/// A square matrix over named variables: `{"variables": [...], "matrix": [[...]]}`, NaN written as
/// `null` and equal to NaN (Stats' `CorrelationMatrix`).
public typealias LabelledMatrix = CorrelationMatrix

/// The chi-square test of independence of `img_pred` and `speech_pred`.
public struct ChiSquareSummary: Sendable, Equatable, Codable {
    /// Pearson's chi-square statistic; NaN (null) when the test is undefined.
    @NaNAsNull public var statistic: Double
    /// Degrees of freedom of the table tested, (rows − 1)(columns − 1).
    public var dof: Int
    @NaNAsNull public var pValue: Double
    /// Whether Yates' correction was applied (only for a 2×2 table, when enabled).
    public var correctionApplied: Bool
    /// The full contingency table: rows are `img_pred` labels, columns `speech_pred` labels, all labels.
    public var rows: [String]
    public var columns: [String]
    public var counts: [[Int]]
    /// Labels the face never predicted (all-zero rows, dropped before the test).
    public var droppedImgPred: [String]
    /// Labels the voice never predicted (all-zero columns, dropped before the test).
    public var droppedSpeechPred: [String]
    /// Expected counts under independence, over the table actually tested (rows/columns kept).
    public var expected: [[Double]]
    /// Why the test is undefined; nil for a valid test.
    public var reason: String?

    enum CodingKeys: String, CodingKey {
        case statistic, dof, rows, columns, counts, expected, reason
        case pValue = "p_value", correctionApplied = "correction_applied"
        case droppedImgPred = "dropped_img_pred", droppedSpeechPred = "dropped_speech_pred"
    }

    public init(statistic: Double, dof: Int, pValue: Double, correctionApplied: Bool, rows: [String], columns: [String],
                counts: [[Int]], droppedImgPred: [String], droppedSpeechPred: [String], expected: [[Double]], reason: String?) {
        self.statistic = statistic
        self.dof = dof
        self.pValue = pValue
        self.correctionApplied = correctionApplied
        self.rows = rows
        self.columns = columns
        self.counts = counts
        self.droppedImgPred = droppedImgPred
        self.droppedSpeechPred = droppedSpeechPred
        self.expected = expected
        self.reason = reason
    }
}

/// A scene left out, and why.
public struct ExcludedScene: Sendable, Equatable, Codable {
    public var scene: String
    public var reason: String

    public init(scene: String, reason: String) {
        self.scene = scene
        self.reason = reason
    }
}

/// One modality's predictions against the ground truth: `sklearn.metrics.classification_report`
/// and `confusion_matrix`, as in the study's figures 30-33.
public struct ClassificationSummary: Sendable, Equatable, Codable {
    /// `img_pred` or `speech_pred`.
    public var variable: String
    public var accuracy: Double
    public var macroF1: Double
    public var weightedF1: Double
    /// Per-class precision, recall, F1 and support, in label order.
    public var classes: [ClassMetrics]
    public var macroAverage: AveragedMetrics
    public var weightedAverage: AveragedMetrics
    /// Rows: true label; columns: predicted label.
    public var confusionMatrix: ConfusionMatrix
    /// The report in scikit-learn's text layout.
    public var text: String

    enum CodingKeys: String, CodingKey {
        case variable, accuracy, classes, text
        case macroF1 = "macro_f1", weightedF1 = "weighted_f1", macroAverage = "macro_avg"
        case weightedAverage = "weighted_avg", confusionMatrix = "confusion_matrix"
    }

    public init(variable: String, accuracy: Double, macroF1: Double, weightedF1: Double, classes: [ClassMetrics],
                macroAverage: AveragedMetrics, weightedAverage: AveragedMetrics, confusionMatrix: ConfusionMatrix, text: String) {
        self.variable = variable
        self.accuracy = accuracy
        self.macroF1 = macroF1
        self.weightedF1 = weightedF1
        self.classes = classes
        self.macroAverage = macroAverage
        self.weightedAverage = weightedAverage
        self.confusionMatrix = confusionMatrix
        self.text = text
    }
}

/// Both modalities against the ground truth.
public struct ClassificationSection: Sendable, Equatable, Codable {
    /// Scenes with a ground truth among the labels (those scored).
    public var scenes: Int
    /// Scenes with a ground truth that could not be scored (truth not among the labels).
    public var leftOut: [ExcludedScene]
    public var imgPred: ClassificationSummary
    public var speechPred: ClassificationSummary

    enum CodingKeys: String, CodingKey {
        case scenes
        case leftOut = "left_out", imgPred = "img_pred", speechPred = "speech_pred"
    }

    public init(scenes: Int, leftOut: [ExcludedScene], imgPred: ClassificationSummary, speechPred: ClassificationSummary) {
        self.scenes = scenes
        self.leftOut = leftOut
        self.imgPred = imgPred
        self.speechPred = speechPred
    }
}

/// What the measures mean, in plain words (written into every report).
public struct MeasureExplanations: Sendable, Equatable, Codable {
    public var chiSquare: String
    public var phi: String
    public var cramersV: String
    public var pairwiseP: String
    public var pearson: String

    enum CodingKeys: String, CodingKey {
        case phi, pearson
        case chiSquare = "chi_square", cramersV = "cramers_v", pairwiseP = "pairwise_p"
    }

    public static let standard = MeasureExplanations(
        chiSquare:
            "The chi-square test of independence asks whether the face's top emotion (img_pred) and the voice's (speech_pred) are related across scenes: a "
                + "small p-value means they go together more (or less) often than chance would make them. Emotions a classifier never predicted give empty "
                + "rows or columns, which are dropped before the test.",
        phi:
            "phi is the signed association of two yes/no variables, here one-hot predictions such as 'the face read happy' and 'the voice read sad': +1 means "
                + "they always occur together, -1 that they never do, 0 that they are independent. It equals Pearson's r computed on the 0/1 values, and "
                + "|phi| = sqrt(chi2/n) with the uncorrected 2x2 chi-square. The study's 'Cramér's V' matrices, which contain negative values, are phi "
                + "matrices: Cramér's V is never negative.",
        cramersV:
            "Cramér's V sums up the whole img_pred x speech_pred table in one number from 0 (independent) to 1 (each emotion of one classifier fixes the "
                + "other's): sqrt(chi2 / (n (min(rows, columns) - 1))). For a 2x2 table it equals |phi|. Its plain form is biased upward with few scenes; the "
                + "bias-corrected form (Bergsma 2013) removes most of that bias and is 0 when the association is no stronger than chance.",
        pairwiseP:
            "pairwise_p holds the p-value of the 2x2 chi-square test of each pair of one-hot variables (with Yates' continuity correction unless disabled, as "
                + "scipy.stats.chi2_contingency does by default). With 12 variables there are 66 pairs, so some will look significant by chance: the p-values "
                + "are not corrected for multiple comparisons.",
        pearson:
            "Pearson's r measures how linearly two per-class probabilities move together across scenes (for instance the face's probability of happy and the "
                + "voice's probability of happy): +1 perfectly together, -1 perfectly opposite, 0 unrelated. pearson_p holds two-sided p-values "
                + "(scipy.stats.pearsonr). Probabilities of one classifier sum to 1, so its own variables are pulled towards negative correlations."
    )
}

/// Everything a correlation study found. JSON keys are snake_case; NaN is written as `null`, and
/// every NaN has a reason (in `reason`, `*_reason` or the notes).
///
/// ```
/// {
///   "labels": ["angry", "disgust", "fear", "happy", "neutral", "sad"],
///   "scenes": 44, "scenes_total": 46,
///   "excluded": [{"scene": "take_08.mp4", "reason": "no face prediction (no face was classified)"}],
///   "options": {"yates_correction": true, "alpha": 0.05},
///   "chi_square": {"statistic": 35.15, "dof": 16, "p_value": 0.0038, "correction_applied": false,
///                  "rows": [...labels], "columns": [...labels], "counts": [[5, 1, 0, ...], ...],
///                  "dropped_img_pred": ["disgust"], "dropped_speech_pred": ["fear"],
///                  "expected": [[...]], "reason": "only when undefined"},
///   "cramers_v": 0.447, "cramers_v_corrected": 0.343,          (+ "cramers_v_reason" / "cramers_v_corrected_reason" when null)
///   "phi":        {"variables": ["img_pred_one_hot_angry", ..., "speech_pred_one_hot_sad"], "matrix": [[12 x 12]]},
///   "pairwise_p": {"variables": [same], "matrix": [[12 x 12]]},
///   "phi_notes": ["img_pred_one_hot_disgust: is constant (never 1), so phi and the chi-square test are undefined"],
///   "pearson":    {"variables": ["img_pred_prob_angry", ..., "speech_pred_prob_sad"], "matrix": [[12 x 12]]},
///   "pearson_p":  {"variables": [same], "matrix": [[12 x 12]]},
///   "pearson_notes": [],
///   "classification": {"scenes": 41, "left_out": [{"scene", "reason"}],
///                      "img_pred": {"variable", "accuracy", "macro_f1", "weighted_f1", "classes": [{"label", "precision",
///                                   "recall", "f1", "support"}], "macro_avg", "weighted_avg",
///                                   "confusion_matrix": {"labels", "counts"}, "text"},
///                      "speech_pred": {...}},                       (only with ground truth)
///   "explanation": {"chi_square", "phi", "cramers_v", "pairwise_p", "pearson"},
///   "reading": ["significant association between face and voice predictions: chi-square p = 0.004 (...)", ...],
///   "scene_table": [{"scene", "img_pred", "speech_pred", "img_pred_prob": [6], "speech_pred_prob": [6], "truth"}]
/// }
/// ```
public struct CorrelationReport: Sendable, Equatable, Codable {
    /// The emotions, in matrix order.
    public var labels: [String]
    /// Scenes analysed (after leaving out those in `excluded`).
    public var scenes: Int
    /// Scenes given.
    public var scenesTotal: Int
    /// Scenes left out of every analysis, with the reason.
    public var excluded: [ExcludedScene]
    public var options: CorrelationOptions
    /// Independence of `img_pred` and `speech_pred`.
    public var chiSquare: ChiSquareSummary
    /// Cramér's V of `img_pred` × `speech_pred` (uncorrected chi-square, empty rows/columns dropped).
    @NaNAsNull public var cramersV: Double
    public var cramersVReason: String?
    /// Bergsma's bias-corrected Cramér's V.
    @NaNAsNull public var cramersVCorrected: Double
    public var cramersVCorrectedReason: String?
    /// Signed phi coefficients of the 12 one-hot variables (`img_pred_one_hot_<emotion>`, `speech_pred_one_hot_<emotion>`).
    public var phi: LabelledMatrix
    /// 2×2 chi-square p-values of the same pairs.
    public var pairwiseP: LabelledMatrix
    /// Why cells of `phi` / `pairwise_p` are NaN.
    public var phiNotes: [String]
    /// Pearson's r of the 12 probability variables (`img_pred_prob_<emotion>`, `speech_pred_prob_<emotion>`).
    public var pearson: LabelledMatrix
    public var pearsonP: LabelledMatrix
    /// Why cells of `pearson` / `pearson_p` are NaN.
    public var pearsonNotes: [String]
    /// Each modality against the ground truth, when some scenes have one.
    public var classification: ClassificationSection?
    public var explanation: MeasureExplanations
    /// Plain-language sentences, most important first.
    public var reading: [String]
    /// The scenes analysed (one row per scene, probabilities in `labels` order).
    public var sceneTable: [SceneRow]

    enum CodingKeys: String, CodingKey {
        case labels, scenes, excluded, options, phi, pearson, classification, explanation, reading
        case scenesTotal = "scenes_total", chiSquare = "chi_square"
        case cramersV = "cramers_v", cramersVReason = "cramers_v_reason"
        case cramersVCorrected = "cramers_v_corrected", cramersVCorrectedReason = "cramers_v_corrected_reason"
        case pairwiseP = "pairwise_p", phiNotes = "phi_notes", pearsonP = "pearson_p", pearsonNotes = "pearson_notes"
        case sceneTable = "scene_table"
    }

    public init(labels: [String], scenes: Int, scenesTotal: Int, excluded: [ExcludedScene], options: CorrelationOptions,
                chiSquare: ChiSquareSummary, cramersV: Double, cramersVReason: String?, cramersVCorrected: Double,
                cramersVCorrectedReason: String?, phi: LabelledMatrix, pairwiseP: LabelledMatrix, phiNotes: [String],
                pearson: LabelledMatrix, pearsonP: LabelledMatrix, pearsonNotes: [String], classification: ClassificationSection?,
                explanation: MeasureExplanations = .standard, reading: [String], sceneTable: [SceneRow]) {
        self.labels = labels
        self.scenes = scenes
        self.scenesTotal = scenesTotal
        self.excluded = excluded
        self.options = options
        self.chiSquare = chiSquare
        self.cramersV = cramersV
        self.cramersVReason = cramersVReason
        self.cramersVCorrected = cramersVCorrected
        self.cramersVCorrectedReason = cramersVCorrectedReason
        self.phi = phi
        self.pairwiseP = pairwiseP
        self.phiNotes = phiNotes
        self.pearson = pearson
        self.pearsonP = pearsonP
        self.pearsonNotes = pearsonNotes
        self.classification = classification
        self.explanation = explanation
        self.reading = reading
        self.sceneTable = sceneTable
    }

    /// Pretty-printed JSON with sorted keys.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}
