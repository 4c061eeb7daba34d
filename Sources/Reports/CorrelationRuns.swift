import Correlation
import Datasets
import Director
import Foundation

/// `takesense correlate` as a library call: gather the takes (analysis JSON, videos, folders, manifests,
/// OMG-Emotion), analyse the videos among them with the caller's analyzer, run the study and write its outputs
/// together (never mixed with a previous run's).
public struct CorrelationRun {
    /// `takesense correlate --help`'s explanation of the inputs, the measures and OMG-Emotion's ground truth.
    public static let about = """
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

    public var inputs: [String]
    /// Ground-truth labels: a CSV with rows path,label.
    public var labels: String?
    /// OMG-Emotion videos CSVs, the folder of their clips and, optionally, the DetailedAnnotation folder.
    public var omgVideos: [String]
    public var omgClips: String?
    public var omgAnnotations: String?
    /// A label set (comma-separated) imposed instead of the takes' own.
    public var classes: String?
    /// The report as JSON ("-": standard output, instead of the text summary), the CSV tables' folder, the HTML report.
    public var json: String?
    public var csv: String?
    public var html: String?
    /// Where the analyses of the videos analysed here are saved as JSON files.
    public var saveAnalyses: String?
    public var options: CorrelationOptions

    public init(inputs: [String], labels: String? = nil, omgVideos: [String] = [], omgClips: String? = nil, omgAnnotations: String? = nil,
                classes: String? = nil, json: String? = nil, csv: String? = nil, html: String? = nil, saveAnalyses: String? = nil,
                options: CorrelationOptions = .init()) {
        self.inputs = inputs
        self.labels = labels
        self.omgVideos = omgVideos
        self.omgClips = omgClips
        self.omgAnnotations = omgAnnotations
        self.classes = classes
        self.json = json
        self.csv = csv
        self.html = html
        self.saveAnalyses = saveAnalyses
        self.options = options
    }

    /// Runs the study. `analyze` analyses the videos found; `more` adds analyses gathered elsewhere (a batch store).
    /// The text summary (or, with `json` "-", the JSON) goes to standard output, what was read and written to `log`.
    /// No output may replace an input: every file read is checked before any work.
    @discardableResult
    public func run(analyze: ([URL]) throws -> [TakeAnalysis], more: () throws -> [TakeAnalysis],
                    log: (String) -> Void) throws -> CorrelationReport {
        var collected = CorrelationInputs()
        for input in inputs { try collected.add(input) }
        if !omgVideos.isEmpty {
            let set = try OMGEmotion.load(videosCSVs: omgVideos, annotationsRoot: omgAnnotations, clipsRoot: omgClips)
            log("OMG-Emotion: \(set.summary)")
            if !set.missingClips.isEmpty {
                log("  no clip found for \(set.missingClips.count) utterance\(set.missingClips.count == 1 ? "" : "s"), "
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
        try protection.check("--save-analyses", directory: saveAnalyses, names: CorrelationInputs.savedNames(collected.videos.map(\.path)))
        let analyses = try collected.resolve(saveTo: saveAnalyses, log: log, analyze: analyze) + (try more())
        guard !analyses.isEmpty else { throw CorrelationInputError("no takes to correlate") }

        let imposed = try classes.map { list -> [String] in
            let set: LabelSet
            do { set = try LabelSet(parsing: list) } catch { throw CorrelationInputError("--classes: \(error)") }
            if let unknown = set.classes.first(where: { !$0.isKnown }) { throw CorrelationInputError("--classes: unknown emotion '\(unknown)'") }
            return set.names
        }
        let table = try SceneTable(analyses: analyses, labels: imposed, truth: TakeFiles.matcher(collected.entries))
        let report = CorrelationStudy.run(table, options: options)
        try Self.show(json == "-" ? try report.jsonData() : nil, text: report.text)
        // The tables, HTML and JSON are replaced together (JSON last), never mixed with a previous run's.
        try OutputSet.replaceTogether(protecting: protection, last: json.flatMap { $0 == "-" ? nil : URL(fileURLWithPath: $0) }) {
            if let csv {
                do {
                    for url in try CorrelationCSV.write(report, to: URL(fileURLWithPath: csv)) { log("wrote \(url.path)") }
                } catch { throw CorrelationInputError("\(csv): cannot write the CSV files: \(error)") }
            }
            if let html { try Self.write(Data(CorrelationHTML.render(report).utf8), to: html, log: log) }
            if let json, json != "-" { try Self.write(try report.jsonData(), to: json, log: log) }
        }
        return report
    }

    /// The JSON (followed by a new line) when given, else the text, on standard output.
    static func show(_ json: Data?, text: String) throws {
        if let json {
            FileHandle.standardOutput.write(json)
            FileHandle.standardOutput.write(Data("\n".utf8))
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }

    /// Writes `data` to `path` (one line on failure) and logs it.
    static func write(_ data: Data, to path: String, log: (String) -> Void) throws {
        try OutputSet.write(data, to: URL(fileURLWithPath: path))
        log("wrote \(path)")
    }
}

extension CorrelationReport {
    /// Writes the report to `path` (`batch report --correlation`): JSON when it ends in .json, otherwise the HTML report.
    public func write(to path: String) throws {
        let data = path.lowercased().hasSuffix(".json") ? try jsonData() : Data(CorrelationHTML.render(self).utf8)
        do { try data.write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw ReportError(.unwritable, path: path, reason: "cannot write: \(error.localizedDescription)")
        }
    }
}

extension SceneEvaluation {
    /// `takesense evaluate scenes --help`'s explanation of the manifest and the scores.
    public static let about = """
    --manifest: a CSV with a header naming the columns path, face_label and voice_label (aliases: file/video/take/clip, \
    face/face_emotion, voice/voice_emotion; other columns ignored), or without a header those three in that order. \
    Paths are videos (analysed with the bundled models) or analysis JSON files, relative to the manifest's folder. \
    Labels are emotion names or aliases (anger, happiness, neu...).
    Face only / voice only: accuracy and macro-F1 against face_label / voice_label (a take without a face or speech \
    prediction counts as wrong). Verdict: a congruent scene (face_label = voice_label) should be kept, an \
    incongruent one retaken; accuracy is over the decided scenes, unsure verdicts are counted separately (and \
    'accuracy (all)' counts them as wrong).
    """

    /// `takesense evaluate scenes` as a library call: the scenes of `manifest` (path, face_label, voice_label), the
    /// videos among them analysed by `analyze` (saved into `saveAnalyses` when given), scored; the text (or, with
    /// `json` "-", the JSON) on standard output and the JSON written to `json` otherwise.
    @discardableResult
    public static func run(manifest: String, json: String?, saveAnalyses: String?, analyze: ([URL]) throws -> [TakeAnalysis],
                           log: (String) -> Void) throws -> SceneEvaluation {
        let scenes = try FaceVoiceManifest.load(path: manifest)
        guard !scenes.isEmpty else { throw CorrelationInputError("\(manifest): no scenes") }
        let protection = InputProtection(inputs: [manifest] + scenes.map(\.path))
        try protection.check("--json", json)
        try protection.check("--save-analyses", directory: saveAnalyses, names: CorrelationInputs.savedNames(scenes.map(\.path)))
        let analyses = try CorrelationInputs.sceneAnalyses(scenes, manifest: manifest, saveTo: saveAnalyses, log: log, analyze: analyze)
        let evaluation = run(zip(scenes, analyses).compactMap { s, a in a.map { (scene: s, analysis: $0) } })
        try CorrelationRun.show(json == "-" ? try evaluation.jsonData() : nil, text: evaluation.text)
        if let json, json != "-" { try CorrelationRun.write(try evaluation.jsonData(), to: json, log: log) }
        return evaluation
    }
}
