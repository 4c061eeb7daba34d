import Datasets
import Director
import Foundation
import Testing

@testable import Correlation
@testable import Reports

/// `correlate` and `evaluate scenes` as library calls (`CorrelationRun`, `SceneEvaluation.run(manifest:...)`): the
/// files they write hold what the study and the evaluation compute from the same analyses directly.
@Suite("correlate and evaluate scenes through the library")
struct CorrelationRunTests {
    static let takes = [
        SceneEvaluationTests.take("a.mp4", face: "happy", voice: "happy"), SceneEvaluationTests.take("b.mp4", face: "sad", voice: "happy"),
        SceneEvaluationTests.take("c.mp4", face: "angry", voice: "angry"), SceneEvaluationTests.take("d.mp4", face: "sad", voice: "sad"),
        SceneEvaluationTests.take("e.mp4", face: "happy", voice: "neutral"), SceneEvaluationTests.take("f.mp4", face: "neutral", voice: "sad"),
    ]

    @Test("Analysis JSON files, a video analysed by the caller's analyzer and a labels CSV: the JSON, CSV and HTML of the study")
    func correlateWritesTheStudy() throws {
        let dir = TempDir()
        defer { dir.remove() }
        var inputs: [String] = []
        for take in Self.takes.prefix(5) {
            let path = dir.url.appendingPathComponent(take.take + ".json").path
            try JSONReportWriter().encode(take).write(to: URL(fileURLWithPath: path))
            inputs.append(path)
        }
        let video = dir.file("f.mp4", "not analysed here: the caller's analyzer answers")
        let labels = dir.file("labels.csv", "path,label\na.mp4.json,happy\nb.mp4.json,sad\nf.mp4,neutral\n")
        var analysed: [URL] = []
        var logged: [String] = []
        let run = CorrelationRun(inputs: inputs + [video], labels: labels, json: dir.url.appendingPathComponent("out/study.json").path,
                                 csv: dir.url.appendingPathComponent("out/csv").path, html: dir.url.appendingPathComponent("out/study.html").path,
                                 options: CorrelationOptions(yatesCorrection: false, alpha: 0.01))
        let report = try run.run(analyze: { urls in
            analysed += urls
            return [Self.takes[5]]
        }, more: { [] }, log: { logged.append($0) })

        #expect(analysed.map(\.path) == [video])
        // The video's analysis is named by its path, so the labels CSV matches it.
        var expectedTakes = Array(Self.takes.prefix(5))
        var videoTake = Self.takes[5]
        videoTake.take = video
        expectedTakes.append(videoTake)
        let entries = try EmotionManifest.load(path: labels)
        let table = try SceneTable(analyses: expectedTakes, truth: TakeFiles.matcher(entries))
        let expected = CorrelationStudy.run(table, options: CorrelationOptions(yatesCorrection: false, alpha: 0.01))
        #expect(try report.jsonData() == expected.jsonData())
        #expect(try Data(contentsOf: dir.url.appendingPathComponent("out/study.json")) == expected.jsonData())
        #expect(try String(contentsOf: dir.url.appendingPathComponent("out/study.html"), encoding: .utf8) == CorrelationHTML.render(expected))
        for name in CorrelationCSV.fileNames {
            #expect(FileManager.default.fileExists(atPath: dir.url.appendingPathComponent("out/csv/\(name)").path), "\(name)")
        }
        #expect(logged.contains { $0.hasSuffix("study.json") } && logged.contains { $0.hasPrefix("analysing 1 video") })
    }

    @Test("No takes at all, an output replacing an input, an unknown imposed class: one-line errors, nothing written")
    func correlateRefuses() throws {
        let dir = TempDir()
        defer { dir.remove() }
        let none = CorrelationRun(inputs: [])
        #expect { try none.run(analyze: { _ in [] }, more: { [] }, log: { _ in }) } throws: { "\($0)" == "no takes to correlate" }
        let input = dir.url.appendingPathComponent("a.json").path
        try JSONReportWriter().encode(Self.takes[0]).write(to: URL(fileURLWithPath: input))
        let before = try Data(contentsOf: URL(fileURLWithPath: input))
        let overwrite = CorrelationRun(inputs: [input], json: input)
        #expect { try overwrite.run(analyze: { _ in [] }, more: { [] }, log: { _ in }) } throws: { "\($0)".contains("would overwrite") }
        #expect(try Data(contentsOf: URL(fileURLWithPath: input)) == before)
        let classes = CorrelationRun(inputs: [input], classes: "happy,bliss")
        #expect { try classes.run(analyze: { _ in [] }, more: { Self.takes }, log: { _ in }) } throws: { "\($0)".contains("--classes") }
    }

    @Test("evaluate scenes: the manifest's videos analysed by the caller, the JSON written is the direct evaluation's")
    func scenesWritesTheEvaluation() throws {
        let dir = TempDir()
        defer { dir.remove() }
        let manifest = dir.file("scenes.csv", "path,face_label,voice_label\na.mp4,happy,happy\nb.mp4,sad,happy\nc.mp4,angry,sad\n")
        for name in ["a.mp4", "b.mp4", "c.mp4"] { dir.file(name, "video") }
        let json = dir.url.appendingPathComponent("evaluation.json").path
        let evaluation = try SceneEvaluation.run(manifest: manifest, json: json, saveAnalyses: nil, analyze: { urls in
            #expect(urls.map(\.lastPathComponent) == ["a.mp4", "b.mp4", "c.mp4"])
            return Array(Self.takes.prefix(3))
        }, log: { _ in })
        let scenes = try FaceVoiceManifest.load(path: manifest)
        let named = zip(scenes, Self.takes.prefix(3)).map { scene, take -> (scene: LabelledScene, analysis: TakeAnalysis) in
            var take = take
            take.take = scene.path
            return (scene, take)
        }
        let expected = SceneEvaluation.run(named)
        #expect(try Data(contentsOf: URL(fileURLWithPath: json)) == expected.jsonData())
        #expect(try evaluation.jsonData() == expected.jsonData())
    }
}
