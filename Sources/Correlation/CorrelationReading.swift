import Foundation
import Stats

/// Number formatting shared by the text, CSV-free outputs and HTML.
public enum NumberText {
    /// A p-value: two decimals from 0.1 up, three from 0.001 (so 0.049 never shows as 0.05), then scientific ("3.2e-05"); "n/a" for NaN.
    public static func p(_ p: Double) -> String {
        guard p.isFinite else { return "n/a" }
        if p >= 0.1 { return String(format: "%.2f", p) }
        if p >= 0.001 { return String(format: "%.3f", p) }
        if p == 0 { return "0" }
        return String(format: "%.1e", p)
    }

    /// A significance level as written by hand: "0.05", "0.01", "0.001".
    public static func alpha(_ a: Double) -> String { String(format: "%g", a) }

    /// A coefficient with two decimals ("-0.31"), "n/a" for NaN.
    public static func coefficient(_ v: Double, digits: Int = 2) -> String {
        guard v.isFinite else { return "n/a" }
        let s = String(format: "%.\(digits)f", v)
        return s.hasPrefix("-0.") && Double(s) == 0 ? String(s.dropFirst()) : s
    }

    /// A statistic with up to four significant decimals.
    public static func statistic(_ v: Double) -> String {
        guard v.isFinite else { return "n/a" }
        return String(format: abs(v) >= 100 ? "%.1f" : "%.3f", v)
    }
}

/// The plain-language reading of a report.
public enum CorrelationReading {
    /// A rough rule of thumb for the size of Cramér's V or |r| (below 0.1 negligible, below 0.3
    /// weak, below 0.5 moderate, otherwise strong).
    public static func strength(_ v: Double) -> String {
        let a = abs(v)
        if a < 0.1 { return "negligible" }
        if a < 0.3 { return "weak" }
        if a < 0.5 { return "moderate" }
        return "strong"
    }

    /// The sentences of ``CorrelationReport/reading``, most important first.
    public static func sentences(_ r: CorrelationReport) -> [String] {
        var out: [String] = []
        let alpha = r.options.alpha
        let c = r.chiSquare
        if c.reason == nil {
            let significant = c.pValue < alpha
            out.append(
                "\(significant ? "significant" : "no significant") association between face and voice predictions: chi-square p = \(NumberText.p(c.pValue)) "
                    + "(chi2 = \(NumberText.statistic(c.statistic)), dof = \(c.dof), \(r.scenes) "
                    + "scenes\(significant ? ", p < \(NumberText.alpha(alpha))" : ""))."
            )
        } else {
            out.append("the chi-square test of face against voice predictions is undefined: \(c.reason!).")
        }
        var dropped: [String] = []
        if !c.droppedImgPred.isEmpty { dropped.append("the face never predicted \(list(c.droppedImgPred))") }
        if !c.droppedSpeechPred.isEmpty { dropped.append("the voice never predicted \(list(c.droppedSpeechPred))") }
        if !dropped.isEmpty {
            out.append(dropped.joined(separator: " and ") + ": those empty rows/columns were dropped from the table before the test.")
        }
        if r.cramersV.isFinite {
            var s = "Cramér's V = \(NumberText.coefficient(r.cramersV)) (\(strength(r.cramersV)))"
            s += r.cramersVCorrected.isFinite ? ", bias-corrected \(NumberText.coefficient(r.cramersVCorrected)) (\(strength(r.cramersVCorrected))): " : ": "
            s += "how strongly the face's emotion and the voice's go together, from 0 (not at all) to 1 (fully)."
            out.append(s)
        } else {
            out.append("Cramér's V is undefined: \(strip(r.cramersVReason ?? "unknown reason", prefix: "Cramér's V is undefined: ")).")
        }

        // phi: cross-modal pairs.
        let crossPhi = crossPairs(r.phi, r.pairwiseP, labels: r.labels, kind: .oneHot)
        if crossPhi.isEmpty {
            out.append("phi between face and voice predictions is undefined for every pair (see phi_notes).")
        } else {
            let significant = crossPhi.filter { $0.p < alpha }
            let best = crossPhi.max { abs($0.value) < abs($1.value) }!
            out.append(
                "strongest face-voice pair: face \(best.face) with voice \(best.voice), phi = \(NumberText.coefficient(best.value)) (p = "
                    + "\(NumberText.p(best.p)); \(best.value >= 0 ? "they tend to occur together" : "they tend to exclude each other"))."
            )
            let same = significant.filter { $0.face == $0.voice }
            var s = "\(significant.count) of \(crossPhi.count) face-voice one-hot pairs are significant at \(NumberText.alpha(alpha))"
            s += " (about \(NumberText.coefficient(Double(crossPhi.count) * alpha, digits: 1)) expected by chance; not corrected for multiple comparisons)"
            if !same.isEmpty {
                s += "; face and voice agree beyond chance on \(list(same.filter { $0.value > 0 }.map(\.face)))"
            }
            out.append(s + ".")
        }

        // Pearson: cross-modal probabilities.
        let crossR = crossPairs(r.pearson, r.pearsonP, labels: r.labels, kind: .probability)
        if crossR.isEmpty {
            out.append("Pearson's r between face and voice probabilities is undefined for every pair (see pearson_notes).")
        } else {
            let best = crossR.max { abs($0.value) < abs($1.value) }!
            let significant = crossR.filter { $0.p < alpha }.count
            out.append(
                "strongest face-voice probability correlation: face \(best.face) with voice \(best.voice), r = \(NumberText.coefficient(best.value)) "
                    + "(\(strength(best.value)), p = \(NumberText.p(best.p))); \(significant) of \(crossR.count) face-voice pairs significant at "
                    + "\(NumberText.alpha(alpha))."
            )
            let diagonal = crossR.filter { $0.face == $0.voice }
            if !diagonal.isEmpty {
                out.append(
                    "same emotion in face and voice probabilities: "
                        + diagonal.map { "\($0.face) r = \(NumberText.coefficient($0.value)) (p = \(NumberText.p($0.p)))" }.joined(separator: ", ") + ".")
            }
        }

        if let cls = r.classification {
            out.append(
                "against the ground truth (\(cls.scenes) scene\(cls.scenes == 1 ? "" : "s")): the face is right \(percent(cls.imgPred.accuracy)) of the time "
                    + "(macro-F1 \(NumberText.coefficient(cls.imgPred.macroF1))), the voice \(percent(cls.speechPred.accuracy)) (macro-F1 "
                    + "\(NumberText.coefficient(cls.speechPred.macroF1)))."
            )
            if !cls.leftOut.isEmpty {
                out.append(
                    "\(cls.leftOut.count) scene\(cls.leftOut.count == 1 ? "" : "s") with a ground truth outside the labels left out of the classification "
                        + "reports."
                )
            }
        }
        if !r.excluded.isEmpty {
            let first = r.excluded[0]
            out.append(
                "\(r.excluded.count) of \(r.scenesTotal) scene\(r.scenesTotal == 1 ? "" : "s") left out, e.g. \(first.scene): \(first.reason) (all in "
                    + "excluded)."
            )
        }
        if r.scenes > 0 && r.scenes < 20 {
            out.append("only \(r.scenes) scene\(r.scenes == 1 ? "" : "s"): too few for the chi-square approximation to be trusted (expected counts below 5).")
        }
        return out
    }

    package enum PairKind { case oneHot, probability }

    struct Pair {
        var face: String
        var voice: String
        var value: Double
        var p: Double
    }

    /// Face × voice cells with a finite coefficient.
    static func crossPairs(_ m: LabelledMatrix, _ p: LabelledMatrix, labels: [String], kind: PairKind) -> [Pair] {
        var pairs: [Pair] = []
        for f in labels {
            for v in labels {
                let a = kind == .oneHot ? CorrelationStudy.oneHotName(.img, f) : CorrelationStudy.probabilityName(.img, f)
                let b = kind == .oneHot ? CorrelationStudy.oneHotName(.speech, v) : CorrelationStudy.probabilityName(.speech, v)
                guard let value = m[a, b], value.isFinite else { continue }
                pairs.append(Pair(face: f, voice: v, value: value, p: p[a, b] ?? .nan))
            }
        }
        return pairs
    }

    static func list(_ items: [String]) -> String {
        switch items.count {
        case 0: return "nothing"
        case 1: return items[0]
        default: return items.dropLast().joined(separator: ", ") + " and " + items.last!
        }
    }

    static func percent(_ v: Double) -> String { String(format: "%.0f%%", v * 100) }

    package static func strip(_ s: String, prefix: String) -> String { s.hasPrefix(prefix) ? String(s.dropFirst(prefix.count)) : s }
}
