import ArgumentParser
import Foundation
import TakeSenseBench

/// `takesense bench congruence`: the calibration and evaluation benchmark of the verdict.
struct CongruenceBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "congruence",
        abstract: "Congruent and incongruent takes built from real faces and real voices: calibrates and evaluates the verdict.",
        discussion: """
        Generates take-like clips (640x360 25 fps, H.264 at CRF 24-32 + AAC, ffmpeg CLI): a real utterance of one of \
        the five emotions FER2013 and the speech corpora share (angry, fear, happy, neutral, sad) over a moving face \
        made of three FER2013 validation pictures (three people) of one emotion shown in turn, with head sway and \
        roll, drift, a slow camera push-in and changing light (MovingFaceTake). Every utterance gives one congruent \
        take (faces of its own emotion) and one incongruent take (faces of another emotion, chosen with --seed). \
        Two speaker- and face-disjoint halves, from speakers the shipped voice model never trains on: calibration = \
        RAVDESS actors --calibration-actors; evaluation = RAVDESS actors --evaluation-actors + --tess-words words per \
        emotion of TESS speaker --tess-speaker; their faces come from disjoint halves of FER2013 validation/. \
        Every take is analysed with the default models (analyses.json is reused when it lists the same takes, and \
        re-judged by the current code). On the calibration half only: the candidates for the congruence \
        probability are compared by ROC AUC, the logistic weights are fit, and retake_below, keep_above and \
        span_below are chosen; the evaluation half reports balanced accuracy, ROC AUC and the accuracy-coverage \
        curve, scored by SceneEvaluation. Writes manifest.csv, analyses.json and results.json into --work-dir.
        """
    )

    @Option(help: "FER2013 image folders (default: ../shared/data/fer2013).") var fer: String?
    @Option(help: "RAVDESS speech folder (default: ravdess/ beside the FER2013 folder).") var ravdess: String?
    @Option(help: "TESS folder (default: tess/ beside the FER2013 folder).") var tess: String?
    @Option(help: "RAVDESS actors of the calibration half.") var calibrationActors = "17,18"
    @Option(help: "RAVDESS actors of the evaluation half.") var evaluationActors = "19,20"
    @Option(help: "TESS speaker of the evaluation half (empty: none).") var tessSpeaker = "OAF"
    @Option(help: "TESS words per emotion in the evaluation half.") var tessWords = 6
    @Option(help: "Share of takes the calibrated abstention band must decide (on the calibration half).") var minCoverage = 0.85
    @Option(help: "Folder for takes and results (kept; takes already there are reused).") var workDir = ".build-bench/congruence"
    @Option var seed: UInt64 = 7
    @Flag(help: "Only build the takes and the manifest.") var generateOnly = false
    @Flag(help: "Analyse every take again even when analyses.json lists them.") var reanalyse = false
    @Option(help: "Write the summary as JSON here too.") var json: String?
    @Option(help: "Takes built (ffmpeg processes) and analysed (analyzers, each with its own models) at once.") var jobs = 3
    @OptionGroup var detection: DetectorOptions
    @OptionGroup var engine: EngineOptions

    func run() throws {
        try engine.apply()
        try oneLine {
            let repository = BundledModels.repository
            var bench = CongruenceBenchmark(makeAnalyzer: { [detection] in
                try AnalyzeRunner.makeAnalyzer(faceModel: nil, voiceModel: nil, detection: detection, options: .init())
            }, fer2013: try SharedData.fer2013(fer, repository: repository),
               ravdess: try SharedData.ravdess(ravdess, fer: fer, repository: repository), tess: tess)
            bench.calibrationActors = calibrationActors
            bench.evaluationActors = evaluationActors
            bench.tessSpeaker = tessSpeaker
            bench.tessWords = tessWords
            bench.minCoverage = minCoverage
            bench.workDir = workDir
            bench.seed = seed
            bench.generateOnly = generateOnly
            bench.reanalyse = reanalyse
            bench.json = json
            bench.jobs = jobs
            let report = try bench.run { print($0) }
            if !report.blocks.isEmpty { print(report.markdown) }
        }
    }
}
