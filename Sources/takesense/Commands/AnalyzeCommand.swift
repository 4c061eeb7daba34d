import ArgumentParser
import Datasets
import Director
import FaceEmotion
import Faces
import Foundation
import Media
import Reports
import SceneAnalysis
import TakeSenseKit
import Torch
import Training
import VoiceEmotion

/// `takesense analyze`: the main job.
struct AnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Tell whether the face and the voice of each take carry the same emotion: keep, retake or unsure.",
        discussion: TakeSense.about
    )

    @Argument(help: "Video files of takes (any format FFmpeg reads).") var takes: [String]
    @Option(help: "Write the analysis as JSON (one take: an object; several: {takes, ranking}); '-' for standard output.") var json: String?
    @Option(help: "Write per-frame and per-segment CSV tables into this folder.") var csv: String?
    @Option(help: "Write a self-contained HTML report.") var html: String?
    @Option(help: """
        Export the spans as markers in editing formats, comma-separated: edl, xml (FCP 7: Premiere, Resolve), fcpxml (Final Cut Pro), \
        otio, avid, srt, vtt, csv (<take>.retakes.<ext> each, in --markers-dir).
        """)
    var markers: String?
    @Option(help: "The timecode of each take's first frame, HH:MM:SS:FF (HH:MM:SS;FF drop-frame), instead of the file's own (tmcd track / timecode tag).")
    var startTimecode: String?
    @Option(help: "Folder for marker files (default: the current folder).") var markersDir: String?
    @Flag(help: "No progress bar.") var quiet = false
    @OptionGroup var analysis: AnalysisOptions

    func validate() throws {
        if let markers {
            do { _ = try MarkerFormat.list(markers) } catch { throw ValidationError("\(error)") }
        }
        if let startTimecode {
            // The syntax now; the frame number is checked against each take's own rate once it is known.
            do { _ = try SMPTETimecode(startTimecode, rate: FrameRate(numerator: 120)) } catch {
                throw ValidationError("--start-timecode: \(error)")
            }
        }
        // Every take's analysis is kept until the set is ranked and written.
        guard takes.count <= Self.maxTakes else {
            throw Failure("\(takes.count) takes in one run, more than the \(Self.maxTakes) accepted; analyse them in smaller sets")
        }
    }

    func run() throws {
        // Outputs that would replace a take, a model or the policy are refused before any work.
        let protection = InputProtection(inputs: takes + analysis.inputFiles)
        try ReportOutputs.checkOutputs(takes: takes, json: json, csv: csv, html: html,
                                       markers: try markers.map { try MarkerFormat.list($0) } ?? [],
                                       markersDir: markersDir, protecting: protection)
        let takeSense = try analysis.makeTakeSense()
        var results: [TakeAnalysis] = []
        var failures: [String] = []
        let progress = SharedProgressLine(enabled: !quiet)
        for (i, path) in takes.enumerated() {
            let name = URL(fileURLWithPath: path).lastPathComponent
            let label = takes.count > 1 ? "[\(i + 1)/\(takes.count)] \(name)" : name
            let started = Date()
            do {
                results.append(try waitFor { [startTimecode] in
                    try await takeSense.analyze(take: path, startTimecode: startTimecode) { p in
                        progress.update(label, fraction: p.fraction, detail: p.stage.rawValue, elapsed: Date().timeIntervalSince(started))
                    }
                })
            } catch {
                failures.append(TakeError(file: path, error).description)
            }
            progress.finish()
        }
        let comparison = TakeComparison(takes: results, ranking: TakeRanking.rank(results))
        if !results.isEmpty {
            // With `--json -` standard output carries the JSON alone; the summary goes to standard error.
            let summary = TextSummary.comparison(comparison)
            if json == "-" { FileHandle.standardError.write(Data((summary + "\n").utf8)) } else { print(summary) }
            try writeOutputs(comparison, protecting: protection)
        }
        for f in failures { FileHandle.standardError.write(Data("error: \(f)\n".utf8)) }
        if !failures.isEmpty { throw ExitCode(1) }
    }

    /// Most takes in one `analyze` run (resource bound, README "Limits").
    static let maxTakes = 1_000

    func writeOutputs(_ c: TakeComparison, protecting protection: InputProtection) throws {
        let formats = try markers.map { try MarkerFormat.list($0) } ?? []
        let written = try ReportOutputs.write(c, json: json, csv: csv, html: html, markers: formats, markersDir: markersDir, fps: c.fallbackFPS,
                                              protecting: protection)
        for url in written where json != "-" { FileHandle.standardError.write(Data("wrote \(url.path)\n".utf8)) }
    }
}

extension VoiceRule: ExpressibleByArgument {}
extension DecodeMode: ExpressibleByArgument {}

/// Runs async library code from a synchronous command: the commands run on the main thread, outside the
/// cooperative pool, so the task keeps every pool thread (the face and the voice pass run side by side).
func waitFor<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    let done = DispatchSemaphore(value: 0)
    nonisolated(unsafe) var outcome: Result<T, any Error>?
    Task {
        do { outcome = .success(try await body()) } catch { outcome = .failure(error) }
        done.signal()
    }
    done.wait()
    // The semaphore orders the task's write before this read.
    return try outcome!.get()
}
