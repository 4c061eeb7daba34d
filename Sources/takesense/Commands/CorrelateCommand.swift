import ArgumentParser
import Correlation
import Dailies
import Datasets
import Director
import Foundation
import Reports

/// `takesense correlate`: the study's correlation analysis over many takes.
struct CorrelateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "correlate",
        abstract: "How the face's and the voice's predictions relate across many takes: chi-square, Cramér's V, phi and Pearson (the study's analysis).",
        discussion: """
        INPUT: analysis JSON files written by `takesense analyze --json` (one take, or {takes, ranking}); videos, or \
        folders of videos, which are analysed first with the bundled models (a folder without videos is read for \
        analysis JSON files instead); or manifest CSVs with rows path[,label] (header optional; relative paths are \
        resolved against the manifest's folder; paths may be videos or analysis JSON files).
        img_pred and speech_pred are each modality's top emotion per take. The chi-square test of independence is run \
        on their contingency table after dropping emotions a modality never predicted (reported). phi is the signed \
        association of the 12 one-hot variables (img_pred_one_hot_<emotion>, speech_pred_one_hot_<emotion>): the \
        study's 'Cramér's V' matrices with negative values are phi matrices; Cramér's V itself (plain and \
        bias-corrected) sums up the whole table. pairwise_p: 2x2 chi-square p-values (Yates-corrected as scipy does \
        unless --no-yates). Pearson's r relates the 12 probability variables (img_pred_prob_<emotion>, \
        speech_pred_prob_<emotion>). With ground truth (manifest labels, --labels, or OMG-Emotion), each modality's \
        classification report and confusion matrix.
        OMG-Emotion: --omg omg_ValidationVideos.csv (repeatable) with --omg-clips DIR (clips cut as the challenge's \
        prepare_data.py does: DIR/<video>/<utterance>) and optionally --omg-annotations DetailedAnnotation/: the \
        ground truth is the annotators' majority (plurality) vote; a tie is broken by the CSV's EmotionMaxVote when it \
        is one of the tied emotions, otherwise the utterance has no label. Without --omg-annotations, EmotionMaxVote.
        """
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
        var collected = CorrelationInputs()
        for input in inputs { try collected.add(input) }
        if !omgVideos.isEmpty {
            let set: OMGSceneSet
            set = try OMGEmotion.load(videosCSVs: omgVideos, annotationsRoot: omgAnnotations, clipsRoot: omgClips)
            correlateLog("OMG-Emotion: \(set.summary)")
            if !set.missingClips.isEmpty {
                correlateLog("  no clip found for \(set.missingClips.count) utterance\(set.missingClips.count == 1 ? "" : "s"), "
                    + "e.g. \(set.missingClips.prefix(3).joined(separator: ", "))")
            }
            for entry in set.manifestEntries { try collected.addEntry(entry) }
        }
        if let labels {
            collected.entries += try EmotionManifest.load(path: labels)
        }
        // Every file read so far (manifests, their rows, folders' files, labels) is an input no output may replace.
        let protection = InputProtection(inputs: collected.files + [labels, omgAnnotations].compactMap { $0 } + omgVideos)
        try protection.check("--json", json)
        try protection.check("--html", html)
        try protection.check("--csv", directory: csv, names: CorrelationCSV.fileNames)
        try protection.check("--save-analyses", directory: saveAnalyses,
                             names: CorrelationInputs.savedNames(collected.videos.map(\.path)))
        var analyses = try collected.resolve(saveTo: saveAnalyses, log: correlateLog) {
            try engine.apply()
            return try AnalyzeRunner.analyzeForCorrelation($0)
        }
        if let store { analyses += try DailiesStoreReading.analyses(store) }
        guard !analyses.isEmpty else { throw Failure("no takes to correlate") }

        let imposed = try classes.map { list -> [String] in
            let set: LabelSet
            do { set = try LabelSet(parsing: list) } catch { throw Failure("--classes: \(error)") }
            if let unknown = set.classes.first(where: { !$0.isKnown }) { throw Failure("--classes: unknown emotion '\(unknown)'") }
            return set.names
        }
        let table: SceneTable
        table = try SceneTable(analyses: analyses, labels: imposed, truth: TakeFiles.matcher(collected.entries))
        let report = CorrelationStudy.run(table, options: CorrelationOptions(yatesCorrection: !noYates, alpha: alpha))

        if json == "-" {
            FileHandle.standardOutput.write(try report.jsonData())
            FileHandle.standardOutput.write(Data("\n".utf8))
        } else {
            FileHandle.standardOutput.write(Data(report.text.utf8))
        }
        // The tables, HTML and JSON are replaced together (JSON last), never mixed with a previous run's.
        try OutputSet.replaceTogether(protecting: protection, last: json.flatMap { $0 == "-" ? nil : URL(fileURLWithPath: $0) }) {
            if let csv {
                do {
                    for url in try CorrelationCSV.write(report, to: URL(fileURLWithPath: csv)) { correlateLog("wrote \(url.path)") }
                } catch { throw Failure("\(csv): cannot write the CSV files: \(error)") }
            }
            if let html {
                try correlateWrite(Data(CorrelationHTML.render(report).utf8), to: html)
            }
            if let json, json != "-" {
                try correlateWrite(try report.jsonData(), to: json)
            }
        }
    }
}

/// `takesense evaluate scenes`
struct EvaluateScenes: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scenes",
        abstract: "Score face-only, voice-only and the keep/retake verdict on scenes whose face and voice emotions are known.",
        discussion: """
        --manifest: a CSV with a header naming the columns path, face_label and voice_label (aliases: file/video/take/clip, \
        face/face_emotion, voice/voice_emotion; other columns ignored), or without a header those three in that order. \
        Paths are videos (analysed with the bundled models) or analysis JSON files, relative to the manifest's folder. \
        Labels are emotion names or aliases (anger, happiness, neu...).
        Face only / voice only: accuracy and macro-F1 against face_label / voice_label (a take without a face or speech \
        prediction counts as wrong). Verdict: a congruent scene (face_label = voice_label) should be kept, an \
        incongruent one retaken; accuracy is over the decided scenes, unsure verdicts are counted separately (and \
        'accuracy (all)' counts them as wrong).
        """
    )

    @Option(help: "Scenes CSV: path,face_label,voice_label.") var manifest: String
    @Option(help: "Write the evaluation as JSON ('-': standard output).") var json: String?
    @Option(help: "Save the analyses of the videos analysed here as JSON files into this folder.") var saveAnalyses: String?
    @OptionGroup var engine: EngineOptions

    func run() throws {
        let scenes: [LabelledScene]
        scenes = try FaceVoiceManifest.load(path: manifest)
        guard !scenes.isEmpty else { throw Failure("\(manifest): no scenes") }
        let protection = InputProtection(inputs: [manifest] + scenes.map(\.path))
        try protection.check("--json", json)
        try protection.check("--save-analyses", directory: saveAnalyses, names: CorrelationInputs.savedNames(scenes.map(\.path)))

        let analyses = try CorrelationInputs.sceneAnalyses(scenes, manifest: manifest, saveTo: saveAnalyses, log: correlateLog) {
            try engine.apply()
            return try AnalyzeRunner.analyzeForCorrelation($0)
        }
        let pairs = zip(scenes, analyses).compactMap { s, a in a.map { (scene: s, analysis: $0) } }
        let evaluation = SceneEvaluation.run(pairs)
        if json == "-" {
            FileHandle.standardOutput.write(try evaluation.jsonData())
            FileHandle.standardOutput.write(Data("\n".utf8))
        } else {
            FileHandle.standardOutput.write(Data(evaluation.text.utf8))
        }
        if let json, json != "-" { try correlateWrite(try evaluation.jsonData(), to: json) }
    }
}

/// Writes `data` to `path`, one line on failure; reports the file on standard error.
private func correlateWrite(_ data: Data, to path: String) throws {
    try OutputSet.write(data, to: URL(fileURLWithPath: path))
    correlateLog("wrote \(path)")
}

private func correlateLog(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
