import Foundation

/// A point of Russell's circumplex of affect: valence (unpleasant −1 ... pleasant +1) and arousal
/// (calm −1 ... tense or excited +1).
public struct AffectPoint: Codable, Sendable, Equatable {
    public var valence: Double
    public var arousal: Double

    public init(valence: Double, arousal: Double) {
        self.valence = valence
        self.arousal = arousal
    }
}

/// Face against voice on the two axes of the circumplex.
public struct AffectAgreement: Codable, Sendable, Equatable {
    public var face: AffectPoint
    public var voice: AffectPoint
    /// |face − voice| on each axis (0 = the same, up to ~1.4 for opposite corners).
    public var valenceGap: Double
    public var arousalGap: Double
    /// Whether the gap on each axis is within the policy's `axis_tolerance`.
    public var valenceAgree: Bool
    public var arousalAgree: Bool

    enum CodingKeys: String, CodingKey {
        case face, voice
        case valenceGap = "valence_gap", arousalGap = "arousal_gap", valenceAgree = "valence_agree", arousalAgree = "arousal_agree"
    }

    public init(face: AffectPoint, voice: AffectPoint, tolerance: Double) {
        self.face = face
        self.voice = voice
        valenceGap = abs(face.valence - voice.valence)
        arousalGap = abs(face.arousal - voice.arousal)
        valenceAgree = valenceGap <= tolerance
        arousalAgree = arousalGap <= tolerance
    }
}

/// Where each emotion sits on Russell's circumplex (Russell 1980, "A circumplex model of affect", J. Pers.
/// Soc. Psychol. 39(6)): the study the thesis cites. The numbers are Mehrabian's pleasure and arousal ratings
/// of the emotion terms (Russell & Mehrabian 1977, "Evidence for a three-factor theory of emotions",
/// J. Res. Pers. 11), as tabulated for computational use by Gebhard (2005, "ALMA: a layered model of affect",
/// AAMAS; its PAD table of emotion terms): anger (−0.51, 0.59), fear (−0.64, 0.60), joy (0.40, 0.20), distress (−0.40, −0.20); disgust is
/// the mean of the table's hate (−0.6, 0.6) and disliking (−0.4, 0.2); neutral is the centre of the circle by definition. A distribution's point is the
/// probability-weighted mean of its emotions' points (an emotion without coordinates is left out).
public enum Circumplex {
    public static let coordinates: [String: AffectPoint] = [
        "angry": AffectPoint(valence: -0.51, arousal: 0.59),
        "fear": AffectPoint(valence: -0.64, arousal: 0.60),
        "happy": AffectPoint(valence: 0.40, arousal: 0.20),
        "sad": AffectPoint(valence: -0.40, arousal: -0.20),
        "neutral": AffectPoint(valence: 0, arousal: 0),
        "disgust": AffectPoint(valence: -0.50, arousal: 0.40),
    ]

    /// The probability-weighted point of `p` (over the emotions with coordinates); nil when none has any mass.
    public static func point(_ p: EmotionProbabilities) -> AffectPoint? {
        var v = 0.0, a = 0.0, total = 0.0
        // In the order of the labels' names, not the dictionary's (which changes from run to run): the same
        // analysis must give the same digits every time.
        for (label, prob) in p.sorted(by: { $0.key < $1.key }) where prob > 0 {
            guard let c = coordinates[label] else { continue }
            v += prob * c.valence
            a += prob * c.arousal
            total += prob
        }
        guard total > 0 else { return nil }
        return AffectPoint(valence: v / total, arousal: a / total)
    }

    /// Face against voice, when both have a point.
    public static func agreement(face: EmotionProbabilities?, voice: EmotionProbabilities?, tolerance: Double) -> AffectAgreement? {
        guard let f = face.flatMap(point), let v = voice.flatMap(point) else { return nil }
        return AffectAgreement(face: f, voice: v, tolerance: tolerance)
    }

    /// "positive" / "negative" / "neutral" valence in plain words (|v| < 0.1 is neutral).
    public static func valenceWord(_ v: Double) -> String { v >= 0.1 ? "positive" : v <= -0.1 ? "negative" : "neutral" }
    /// "tense" / "calm" / "even" arousal in plain words (|a| < 0.1 is even).
    public static func arousalWord(_ a: Double) -> String { a >= 0.1 ? "tense" : a <= -0.1 ? "calm" : "even" }
}
