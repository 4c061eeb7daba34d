import ArgumentParser
import Foundation
import TakeSenseBench

/// `takesense bench analyze`: the whole of `takesense analyze` against ffmpeg's decode of the same take.
struct AnalyzeBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "takesense analyze end to end on a 60 s 1080p25 take with a face and speech (H.264, HEVC, ProRes, DNxHR), vs `ffmpeg -i take -f null -`.",
        discussion: AnalyzeBenchmark.about
    )

    @OptionGroup var engine: EngineOptions
    @OptionGroup var detection: DetectorOptions
    @Option(help: "An existing take (default: generate one).") var take: String?
    @Option(help: "FER2013 image folders, for the generated take's face.") var data: String?
    @Option(help: "RAVDESS speech folder, for the generated take's voice (default: next to FER2013).") var ravdess: String?
    @Option(help: "Alternating rounds.") var rounds = 3
    @Option(help: "Also run a take this many minutes long (0: skip).") var longMinutes = 10
    @Option(help: "Where generated takes go (kept; reused when present).") var workDir = ".build-bench/analyze"
    @Option(help: "Codecs of the 60 s take, comma-separated: h264 (libx264 default GOP, with B-frames), hevc, prores (422), dnxhr (SQ).")
    var codecs = "h264,hevc,prores,dnxhr"

    func run() throws {
        try engine.apply()
        try oneLine {
            var bench = AnalyzeBenchmark(makeAnalyzer: { [detection] in
                try AnalyzeRunner.makeAnalyzer(faceModel: nil, voiceModel: nil, detection: detection, options: .init())
            }, detectorName: detection.detector.rawValue)
            bench.take = take
            bench.sources = { [data, ravdess] in
                (try SharedData.fer2013(data, repository: BundledModels.repository),
                 try SharedData.ravdess(ravdess, fer: data, repository: BundledModels.repository))
            }
            bench.rounds = rounds
            bench.longMinutes = longMinutes
            bench.workDir = workDir
            bench.codecs = codecs
            print(try bench.run { print($0) }.markdown)
        }
    }
}
