import ArgumentParser
import Foundation
import TakeSenseBench

/// `takesense bench congruence`: the calibration and evaluation benchmark of the verdict.
struct CongruenceBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "congruence",
        abstract: "Congruent and incongruent takes built from real faces and real voices: calibrates and evaluates the verdict.",
        discussion: CongruenceBenchmark.about
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
