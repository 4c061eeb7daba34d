import Director
import FaceEmotion
import Faces
import Foundation
import TakeSenseBench
import Media
import Reports
import SceneAnalysis
import Testing
import VoiceEmotion
import TakeSenseTestSupport

/// The repository (from this file's path), its shipped models and the bundled sample take.
enum Repo {
    static let root: URL = {
        let file = URL(fileURLWithPath: #filePath)
        let candidates = [file, file.resolvingSymlinksInPath()].map {
            $0.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        }
        return candidates.first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("Models/README.md").path) } ?? candidates[0]
    }()
    static func model(_ name: String) -> URL { root.appendingPathComponent("Models/" + name) }
    static let sample = root.appendingPathComponent("Samples/sample-take.mp4")

    static func temporary(_ name: String) -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("takesense-scene-tests-\(getpid())", isDirectory: true)
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent(name)
    }

    /// Runs the ffmpeg CLI (installed by `setup.sh test`) to make a test take.
    static func ffmpeg(_ args: [String]) throws { try FFmpegCLI.run(args) }

    static var haveModels: Bool {
        FileManager.default.fileExists(atPath: model("face-emotion.safetensors").path)
            && FileManager.default.fileExists(atPath: model("voice-emotion.safetensors").path)
    }
}

/// One analyzer for every test (models load once); tests run serially (`--no-parallel`).
enum Shared {
    nonisolated(unsafe) static let analyzer: SceneAnalyzer = try! SceneAnalyzer(
        face: FaceClassifier(contentsOf: Repo.model("face-emotion.safetensors")),
        voice: VoiceEmotionModel(contentsOf: Repo.model("voice-emotion.safetensors")),
        detector: MTCNNDetector(weights: Repo.model("mtcnn.safetensors")))

    static func analyze(_ url: URL, _ change: (inout SceneAnalysisOptions) -> Void = { _ in }) throws -> TakeAnalysis {
        let saved = analyzer.options
        defer { analyzer.options = saved }
        change(&analyzer.options)
        return try analyzer.analyze(url)
    }
}

@Suite("Scene analysis of real takes", .enabled(if: Repo.haveModels, "the shipped face and voice models are needed"))
struct SceneAnalyzerTests {
    /// The sample: a smiling face throughout; four RAVDESS clips (3.67, 3.57, 3.77, 3.80 s): happy, happy, sad, sad.
    @Test("The bundled sample take: happy face, voice turning sad, a retake with spans in the sad half")
    func sample() throws {
        let t = try Shared.analyze(Repo.sample)
        #expect(abs(t.duration - 14.8) < 0.1)
        #expect(t.frameRate == 25)
        #expect(t.face.sampledFrames == 74)  // 5 fps over 14.8 s
        #expect(t.face.coverage > 0.95)
        #expect(t.face.emotion == "happy")
        #expect(t.face.otherFaces == 0)
        // Boxes are in the video's own pixels: the face is near x ≈ 540-660 of 1280.
        let box = t.face.frames[0].box
        #expect(box[0] > 450 && box[0] + box[2] < 750 && box[2] > 80)
        // One speech segment per sentence, each inside its clip.
        let joins = [0, 3.670, 7.241, 11.011, 14.815]
        #expect(t.voice.segments.count == 4)
        for (k, s) in t.voice.segments.enumerated() {
            #expect(s.start >= joins[k] - 0.05 && s.end <= joins[k + 1] + 0.05, "segment \(k): \(s.start)-\(s.end)")
            #expect(s.end - s.start > 1.2)
        }
        // The voice model (Models/voice-emotion.md) reads the third sentence as sad and the fourth, also
        // sad, as fear (0.53, sad 0.28): the voice has left happy either way.
        #expect(t.voice.segments[2].emotion == "sad")
        #expect(["sad", "fear"].contains(t.voice.segments[3].emotion))
        #expect(t.voice.segments[0].emotion == "happy")
        // Whether the take as a whole is kept or reshot depends on the calibrated thresholds (README,
        // "Calibration"); what must hold is that it is decided, that the happy half reads as the same emotion
        // and that the sad half is flagged as a span to reshoot or check — and only the sad half.
        #expect(t.verdict.decision != .unsure)
        let policy = VerdictPolicy()
        #expect((t.congruence.segments.first?.probability ?? 0) >= policy.keepAbove)
        #expect((t.congruence.segments.last?.probability ?? 1) < policy.spanBelow)
        #expect(!t.verdict.spans.isEmpty && t.verdict.spans.allSatisfy { $0.start >= joins[2] - 0.05 })
        #expect(t.verdict.spans[0].reason.contains("the face reads happy"))
        #expect(t.face.thumbnails.count == 8)
    }

    @Test("Every frame (--face-fps all) and the study's voice rule (one prediction over the first 30 s)")
    func allFramesAndStudyRule() throws {
        let clip = Repo.temporary("short.mp4")
        try Repo.ffmpeg(["-i", Repo.sample.path, "-t", "4", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", clip.path])
        let t = try Shared.analyze(clip) { $0.faceFPS = nil; $0.voiceRule = .study }
        #expect(t.face.sampledFrames == 100)  // 4 s at 25 fps
        #expect(t.voice.segments.count == 1)
        #expect(t.voice.segments[0].start < 0.05 && abs(t.voice.segments[0].end - 4) < 0.05)
        #expect(t.settings.speech.contains("study rule") && t.settings.faceFPS == nil)
    }

    @Test("Decoding only what the face pass needs (H.264 with B-frames, ProRes) gives the verdict, emotions and probabilities of a full decode")
    func decodeNeededMatchesAll() throws {
        let prores = Repo.temporary("sample-prores.mov")
        try Repo.ffmpeg(["-i", Repo.sample.path, "-t", "8", "-c:v", "prores_ks", "-profile:v", "0", "-c:a", "pcm_s16le", prores.path])
        for take in [Repo.sample, prores] {
            let all = try Shared.analyze(take) { $0.decode = .all }
            let needed = try Shared.analyze(take)
            #expect(all.settings.decode == "all" && needed.settings.decode == "needed")
            #expect(needed.face.emotion == all.face.emotion && needed.voice.emotion == all.voice.emotion)
            #expect(needed.verdict.decision == all.verdict.decision)
            #expect(needed.face.frames.count == all.face.frames.count)
            for (a, b) in zip(all.face.frames, needed.face.frames) {
                // Same instant, the latest decoded frame at or before it (at most 3 frames = 0.12 s earlier).
                #expect(b.t <= a.t + 1e-9 && a.t - b.t < 0.121, "\(take.lastPathComponent): \(b.t) for \(a.t)")
                for (k, p) in a.probabilities { #expect(abs(p - (b.probabilities[k] ?? -1)) < 0.1, "\(k) at \(a.t)") }
            }
            for (k, p) in all.face.probabilities { #expect(abs(p - (needed.face.probabilities[k] ?? -1)) < 0.02) }
        }
    }

    @Test("No audio track, no face, no video track: analysed as far as possible and judged unsure, with the reason")
    func missingModalities() throws {
        let silent = Repo.temporary("silent.mp4")
        try Repo.ffmpeg(["-i", Repo.sample.path, "-t", "5", "-an", "-c:v", "libx264", "-preset", "ultrafast", silent.path])
        let a = try Shared.analyze(silent)
        #expect(a.verdict.decision == .unsure)
        #expect(a.verdict.reasons == ["unsure: the file has no audio track, so the voice cannot be judged"])
        #expect(a.face.emotion == "happy" && a.voice.segments.isEmpty)

        let noFace = Repo.temporary("noface.mp4")
        try Repo.ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25", "-i", Repo.sample.path, "-map", "0:v", "-map", "1:a",
                         "-t", "6", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", noFace.path])
        let b = try Shared.analyze(noFace)
        #expect(b.verdict.decision == .unsure)
        #expect(b.verdict.reasons.first?.hasPrefix("unsure: no face was found in any of the 30 sampled frames") == true)
        #expect(b.voice.segments.count >= 1 && b.face.coverage == 0)

        let audioOnly = Repo.temporary("voice.m4a")
        try Repo.ffmpeg(["-i", Repo.sample.path, "-vn", "-c:a", "aac", audioOnly.path])
        let c = try Shared.analyze(audioOnly)
        #expect(c.verdict.decision == .unsure)
        #expect(c.verdict.reasons.first == "unsure: the file has no video track, so the face cannot be judged")
        #expect(c.voice.segments.count == 4 && c.frameRate == nil)
    }

    @Test("Unreadable input: one error naming the file, no crash")
    func unreadable() throws {
        let text = Repo.temporary("notes.mp4")
        try Data("this is not a video\n".utf8).write(to: text)
        do {
            _ = try Shared.analyze(text)
            Issue.record("a text file was analysed")
        } catch let e as MediaError {
            #expect("\(e)".contains(text.path))
            #expect(!"\(e)".contains("\n"))
        }
        #expect(throws: MediaError.self) { try Shared.analyze(Repo.temporary("missing.mp4")) }
    }

    @Test("Intended emotion and ranking across takes; the reports are written for every take")
    func intendedAndReports() throws {
        // The first sentence alone (0-3.67 s): a confidently happy voice under the smiling face.
        let first = Repo.temporary("happy-sentence.mp4")
        try Repo.ffmpeg(["-i", Repo.sample.path, "-t", "3.6", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", first.path])
        let happy = try Shared.analyze(first) { $0.intended = "happy" }
        let whole = try Shared.analyze(Repo.sample) { $0.intended = "happy" }
        #expect(happy.verdict.decision == .keep)
        #expect(happy.congruence.intended?.faceMatches == true && happy.congruence.intended?.voiceMatches == true)
        // The whole take's sad half is a span (whatever the take-level decision: see `sample()`).
        #expect(!whole.verdict.spans.isEmpty)
        let ranking = TakeRanking.rank([whole, happy])
        #expect(ranking.map(\.take) == [happy.take, whole.take])
        let dir = Repo.temporary("reports")
        let written = try ReportOutputs.write(TakeComparison(takes: [whole, happy], ranking: ranking), json: dir.appendingPathComponent("a.json").path,
                                              csv: dir.path, html: dir.appendingPathComponent("a.html").path, markers: [.edl], markersDir: dir.path, fps: 25)
        #expect(written.count >= 6)
        let edl = try String(contentsOf: dir.appendingPathComponent("sample-take.retakes.edl"), encoding: .utf8)
        #expect(edl.contains("* LOC: ") && edl.contains("FCM: NON-DROP FRAME"))
    }
}

/// FER2013 validation folders in `shared/data` beside the repository (or `TAKESENSE_SHARED_DATA`).
let ferValidation: String? = SharedData.folder("fer2013/validation")

@Suite("Face crops for the face model")
struct CropMarginTests {
    /// The analyzer's default crop margin must frame faces as FER2013's pictures do: compose real
    /// validation faces into frames (known squares), detect them with MTCNN, and find the margin that
    /// turns each detected box into its picture's square.
    @Test("The default crop margin matches FER2013's framing (median over 60 real faces)",
          .enabled(if: ferValidation != nil && FileManager.default.fileExists(atPath: Repo.model("mtcnn.safetensors").path),
                   "shared/data/fer2013 not found (set TAKESENSE_SHARED_DATA); skipping the crop-margin check"))
    func cropMarginMatchesFER2013() throws {
        let root = try #require(ferValidation)
        var files: [String] = []
        for label in ["angry", "happy", "neutral", "sad", "fear", "disgust"] {
            let dir = root + "/" + label
            files += try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".jpg") }.sorted().prefix(10).map { dir + "/" + $0 }
        }
        let detector = try MTCNNDetector(weights: Repo.model("mtcnn.safetensors"))
        var composer = SceneComposer(width: 640, height: 360, seed: 11)
        var margins: [Double] = []
        for f in files {
            let face = PixelBuffer(try ImageDecoder.decode(URL(fileURLWithPath: f), format: .gray))
            let (frame, truth) = try composer.compose(faces: [(face, 150)], on: .gradient)
            guard let square = truth.first, let box = try detector.detect(in: frame).max(by: { $0.iou(square) < $1.iou(square) }),
                  box.iou(square) > 0.3 else { continue }
            margins.append((square.width / max(box.width, box.height) - 1) / 2)
        }
        #expect(margins.count >= 45, "MTCNN found only \(margins.count) of \(files.count) faces")
        let median = margins.sorted()[margins.count / 2]
        print("crop margin that reproduces FER2013's framing: median \(median) over \(margins.count) faces")
        #expect(abs(median - SceneAnalysisOptions().cropMargin) < 0.05)
    }
}
