import Foundation
import TakeSenseKit
import Testing

/// The library example in README.md ("Using TakeSense from Swift"), compiled and run here on the bundled
/// sample take; a second test checks the README shows exactly these lines.
@Suite("README library example", .serialized, .enabled(if: Repo.haveModels, "the shipped models are needed"))
struct ReadmeExampleTests {
    // The README's example, run from the repository's root (its path to the sample is relative).
    func example() async throws -> TakeAnalysis {
        // README example begin
        let takeSense = try TakeSense(configuration: .init())  // the bundled models, MTCNN, 5 face frames/s
        let take = try await takeSense.analyze(URL(fileURLWithPath: "Samples/sample-take.mp4"))
        print(take.verdict.decision, take.verdict.reasons.joined(separator: "; "))
        print("face:", take.face.emotion ?? "none", "voice:", take.voice.emotion ?? "none")
        print("P(same emotion):", take.congruence.probability ?? .nan)
        for span in take.verdict.spans { print("retake", span.start, "–", span.end, span.reason) }
        // README example end
        return take
    }

    @Test("The example analyses the sample take with the bundled models")
    func runsOnTheSample() async throws {
        let previous = FileManager.default.currentDirectoryPath
        #expect(FileManager.default.changeCurrentDirectoryPath(Repo.root.path))
        defer { FileManager.default.changeCurrentDirectoryPath(previous) }
        let take = try await example()
        #expect(take.take == Repo.sample.path)
        #expect(take.settings.faceModel == "face-emotion.safetensors" && take.settings.voiceModel == "voice-emotion.safetensors")
        #expect(take.settings.detector == "mtcnn" && take.settings.faceFPS == 5)
        #expect(take.face.sampledFrames > 0 && !take.face.frames.isEmpty && take.face.emotion != nil)
        #expect(!take.voice.segments.isEmpty && take.voice.emotion != nil)
        #expect(take.labels == ["angry", "disgust", "fear", "happy", "neutral", "sad"])
    }

    @Test("README.md shows exactly the example this suite runs")
    func readmeShowsTheExample() throws {
        let readme = try String(contentsOf: Repo.root.appendingPathComponent("README.md"), encoding: .utf8)
        let source = try String(contentsOf: URL(fileURLWithPath: #filePath), encoding: .utf8)
        let body = source.components(separatedBy: "// README example begin\n")[1].components(separatedBy: "        // README example end")[0]
        let lines = body.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let block = readme.components(separatedBy: "<!-- library example: Tests/TakeSenseKitTests/ReadmeExampleTests.swift -->\n```swift\n")
            .dropFirst().first?
            .components(separatedBy: "```").first else {
            Issue.record("README.md has no library example block")
            return
        }
        let shown = block.split(separator: "\n").map(String.init)
        #expect(shown == ["import Foundation", "import TakeSenseKit", ""].filter { !$0.isEmpty } + lines, "\(shown)")
        #expect(shown.count <= 10)
    }
}
