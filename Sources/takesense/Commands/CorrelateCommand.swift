import ArgumentParser
import Correlation
import Dailies
import Datasets
import Director
import Foundation
import Reports
import TakeSenseKit

/// `takesense correlate`: the study's correlation analysis over many takes.
struct CorrelateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "correlate",
        abstract: "How the face's and the voice's predictions relate across many takes: chi-square, Cramér's V, phi and Pearson (the study's analysis).",
        discussion: CorrelationRun.about
    )

    @Argument(help: "Analysis JSON files, videos, folders or manifest CSVs (path[,label]).") var inputs: [String] = []
    @Option(help: "Ground-truth labels: a CSV with rows path,label (matched to takes by path, file name or name without extension).")
    var labels: String?
    @Option(name: .customLong("omg"), help: "An OMG-Emotion videos CSV (omg_TrainVideos.csv, omg_ValidationVideos.csv, ...); repeatable.")
    var omgVideos: [String] = []
    @Option(help: "Folder of OMG-Emotion clips, <video>/<utterance> as prepare_data.py cuts them.") var omgClips: String?
    @Option(help: "OMG-Emotion DetailedAnnotation folder: ground truth by the annotators' majority vote.") var omgAnnotations: String?
    @Option(help: "Impose a label set (comma-separated) instead of the takes' own.") var classes: String?
    @Option(help: "Write the report as JSON ('-': standard output, instead of the text summary).") var json: String?
    @Option(help: "Write the matrices and tables as CSV files into this folder.") var csv: String?
    @Option(help: "Write a self-contained HTML report with heatmaps.") var html: String?
    @Flag(name: .customLong("no-yates"), help: "No Yates continuity correction in the 2x2 chi-square tests (scipy's correction=False).")
    var noYates = false
    @Option(help: "Significance level used in the plain-language reading.") var alpha: Double = 0.05
    @Option(help: "Save the analyses of the videos analysed here as JSON files into this folder, to reuse them.") var saveAnalyses: String?
    @Option(help: "Also correlate every analysed take of a batch store (SQLite file or postgres:// URL).") var store: String?
    @OptionGroup var engine: EngineOptions

    func validate() throws {
        guard !inputs.isEmpty || !omgVideos.isEmpty || store != nil else {
            throw ValidationError("give analysis JSON files, videos, folders or a manifest CSV (or --omg with --omg-clips)")
        }
        guard alpha > 0, alpha < 1 else { throw ValidationError("--alpha must be between 0 and 1, got \(alpha)") }
        if !omgVideos.isEmpty, omgClips == nil { throw ValidationError("--omg needs --omg-clips, the folder of clips to analyse") }
    }

    func run() throws {
        let run = CorrelationRun(inputs: inputs, labels: labels, omgVideos: omgVideos, omgClips: omgClips, omgAnnotations: omgAnnotations,
                                 classes: classes, json: json, csv: csv, html: html, saveAnalyses: saveAnalyses,
                                 options: CorrelationOptions(yatesCorrection: !noYates, alpha: alpha))
        let store = self.store
        try run.run(analyze: {
            try engine.apply()
            return try TakeSense.analyzeVideos($0)
        }, more: {
            guard let store else { return [] }
            return try waitFor { try await TakeStores.report(store).analyses }
        }, log: correlateLog)
    }
}

/// `takesense evaluate scenes`
struct EvaluateScenes: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scenes",
        abstract: "Score face-only, voice-only and the keep/retake verdict on scenes whose face and voice emotions are known.",
        discussion: SceneEvaluation.about
    )

    @Option(help: "Scenes CSV: path,face_label,voice_label.") var manifest: String
    @Option(help: "Write the evaluation as JSON ('-': standard output).") var json: String?
    @Option(help: "Save the analyses of the videos analysed here as JSON files into this folder.") var saveAnalyses: String?
    @OptionGroup var engine: EngineOptions

    func run() throws {
        try SceneEvaluation.run(manifest: manifest, json: json, saveAnalyses: saveAnalyses, analyze: {
            try engine.apply()
            return try TakeSense.analyzeVideos($0)
        }, log: correlateLog)
    }
}

private func correlateLog(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
