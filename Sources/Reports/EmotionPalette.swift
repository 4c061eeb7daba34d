import Foundation

/// One colour per emotion, the same in every plot, legend and table of a report. Common labels have
/// fixed colours (happy amber, sad blue, angry red, ...); others take the next free colour in label order.
public struct EmotionPalette: Sendable {
    public private(set) var colours: [String: String]

    static let fixed: [String: String] = [
        "angry": "#d62728", "anger": "#d62728",
        "disgust": "#7a8b2a", "disgusted": "#7a8b2a",
        "fear": "#9467bd", "fearful": "#9467bd",
        "happy": "#e3a008", "happiness": "#e3a008",
        "neutral": "#8a8f98",
        "sad": "#1f77b4", "sadness": "#1f77b4",
        "surprise": "#ff7f0e", "surprised": "#ff7f0e",
        "calm": "#2ca02c",
        "contempt": "#8c564b",
    ]
    static let spare = ["#17becf", "#e377c2", "#bcbd22", "#393b79", "#ad494a", "#637939", "#7b4173", "#3182bd"]

    /// Colours for `labels` (case-insensitive names), in order.
    public init(labels: [String]) {
        var colours: [String: String] = [:]
        var used = Set<String>()
        for l in labels {
            if let c = Self.fixed[l.lowercased()], !used.contains(c) {
                colours[l] = c
                used.insert(c)
            }
        }
        var spare = Self.spare.filter { !used.contains($0) }.makeIterator()
        for l in labels where colours[l] == nil {
            colours[l] = spare.next() ?? "#555555"
        }
        self.colours = colours
    }

    /// "#rrggbb"; a neutral grey for a label outside the palette.
    public func colour(_ label: String) -> String { colours[label] ?? "#555555" }
}
