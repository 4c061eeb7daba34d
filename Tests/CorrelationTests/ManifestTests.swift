import Datasets
import Foundation
import TakeSenseTestSupport
import Testing

@testable import Correlation
@testable import Reports

@Suite("Manifests: path[,label], scenes, OMG-Emotion")
struct ManifestTests {
    // MARK: Generic manifest

    @Test func headerRelativePathsAliasesAndEmptyLabels() throws {
        let dir = TempDir()
        defer { dir.remove() }
        let manifest = dir.file(
            "set/manifest.csv",
            "\u{FEFF}# takes of scene 4\r\nPath,Emotion\r\ntakes/a.mp4,anger\r\n\r\n\"takes/b, final.mp4\",Happiness\r\n/abs/c.json,\r\n../d.mov,NEU\r\n")
        let entries = try EmotionManifest.load(path: manifest)
        #expect(entries.map(\.path) == [dir.path + "/set/takes/a.mp4", dir.path + "/set/takes/b, final.mp4", "/abs/c.json", dir.path + "/d.mov"])
        #expect(entries.map(\.label) == [.angry, .happy, nil, .neutral])
        #expect(entries.map(\.line) == [3, 5, 6, 7])
    }

    @Test func relativePathsDoNotDependOnTheWorkingDirectory() throws {
        let dir = TempDir()
        defer { dir.remove() }
        let manifest = dir.file("m/list.csv", "x.mp4,sad\n")
        let before = FileManager.default.currentDirectoryPath
        #expect(FileManager.default.changeCurrentDirectoryPath("/"))
        defer { FileManager.default.changeCurrentDirectoryPath(before) }
        #expect(try EmotionManifest.load(path: manifest).first?.path == dir.path + "/m/x.mp4")
    }

    @Test func headerlessOneOrTwoColumns() throws {
        let entries = try EmotionManifest.parse("a.mp4\nb.mp4,sad\n", path: "m.csv", baseDirectory: "/data")
        #expect(entries == [ManifestEntry(path: "/data/a.mp4", label: nil, line: 1), ManifestEntry(path: "/data/b.mp4", label: .sad, line: 2)])
    }

    @Test func headerColumnsInAnyOrderWithExtras() throws {
        let entries = try EmotionManifest.parse("take_id,label,notes,file\n1,fear,\"long, take\",x.mp4\n", path: "m.csv", baseDirectory: "/d")
        #expect(entries == [ManifestEntry(path: "/d/x.mp4", label: .fear, line: 2)])
    }

    @Test func errorsNameTheFileAndLine() throws {
        #expect(
            throws: DatasetError.malformedRow(
                path: "m.csv", line: 3,
                reason:
                    "unknown emotion \"hapy\" (known: angry, calm, contempt, disgust, fear, happy, neutral, sad, surprise, or an alias such as anger, "
                        + "happiness)"
            )
        ) {
            try EmotionManifest.parse("path,label\na.mp4,happy\nb.mp4,hapy\n", path: "m.csv", baseDirectory: "/")
        }
        #expect(
            throws: DatasetError.malformedRow(
                path: "m.csv", line: 2, reason: "expected path[,label], found 3 fields (name the columns in a header row such as path,label)")
        ) {
            try EmotionManifest.parse("a.mp4,happy\nb.mp4,happy,sad\n", path: "m.csv", baseDirectory: "/")
        }
        #expect(throws: DatasetError.malformedRow(path: "m.csv", line: 3, reason: "./a.mp4 is listed twice (first on line 1)")) {
            try EmotionManifest.parse("a.mp4,happy\n\n./a.mp4,sad\n", path: "m.csv", baseDirectory: "/x")
        }
        #expect(throws: DatasetError.malformedRow(path: "m.csv", line: 2, reason: "the path is empty")) {
            try EmotionManifest.parse("path,label\n,happy\n", path: "m.csv", baseDirectory: "/")
        }
        #expect(throws: DatasetError.malformedRow(path: "m.csv", line: 1, reason: "unterminated quoted field")) {
            try EmotionManifest.parse("\"a.mp4,happy\n", path: "m.csv", baseDirectory: "/")
        }
        #expect(throws: DatasetError.missingFile(path: "/nonexistent/m.csv")) { try EmotionManifest.load(path: "/nonexistent/m.csv") }
        let error = DatasetError.malformedRow(path: "m.csv", line: 3, reason: "x")
        #expect(error.description == "m.csv:3: x")
    }

    @Test func matchingTakesToManifestLabels() throws {
        let entries = [ManifestEntry(path: "/data/takes/a.mp4", label: .happy), ManifestEntry(path: "/data/other/b.mov", label: .sad),
                       ManifestEntry(path: "/data/x/c.mp4", label: .fear), ManifestEntry(path: "/data/y/c.mp4", label: .angry)]
        let lookup = TakeFiles.matcher(entries, relativeTo: "/data")
        #expect(lookup("/data/takes/a.mp4") == "happy")
        #expect(lookup("takes/a.mp4") == "happy")          // relative to the base
        #expect(lookup("/elsewhere/a.mp4") == "happy")     // same file name
        #expect(lookup("/elsewhere/b.mp4") == "sad")       // same stem (the video of b.mov's analysis)
        #expect(lookup("/data/x/c.mp4") == "fear")         // exact path wins
        #expect(lookup("/z/c.mp4") == nil)                 // ambiguous name
        #expect(lookup("/z/d.mp4") == nil)
    }

    // MARK: Scenes-evaluation manifest

    @Test func scenesManifestWithAndWithoutHeader() throws {
        let withHeader = try FaceVoiceManifest.parse(
            "voice_label,path,face_label\nsad,a.mp4,happy\nHAPPY,b.mp4,happiness\n", path: "s.csv", baseDirectory: "/b")
        #expect(withHeader == [LabelledScene(path: "/b/a.mp4", faceLabel: .happy, voiceLabel: .sad, line: 2),
                               LabelledScene(path: "/b/b.mp4", faceLabel: .happy, voiceLabel: .happy, line: 3)])
        #expect(withHeader.map(\.congruent) == [false, true])
        let headerless = try FaceVoiceManifest.parse("a.mp4,angry,angry\n", path: "s.csv", baseDirectory: "/b")
        #expect(headerless == [LabelledScene(path: "/b/a.mp4", faceLabel: .angry, voiceLabel: .angry, line: 1)])
        #expect(throws: DatasetError.malformedRow(path: "s.csv", line: 1, reason: "header has no voice_label column (found: path,face_label)")) {
            try FaceVoiceManifest.parse("path,face_label\na.mp4,happy\n", path: "s.csv", baseDirectory: "/")
        }
        #expect(throws: DatasetError.malformedRow(path: "s.csv", line: 2, reason: "voice_label is empty")) {
            try FaceVoiceManifest.parse("path,face,voice\na.mp4,happy,\n", path: "s.csv", baseDirectory: "/")
        }
        #expect(throws: DatasetError.malformedRow(path: "s.csv", line: 1, reason: "expected path,face_label,voice_label, found 2 fields")) {
            try FaceVoiceManifest.parse("a.mp4,happy\n", path: "s.csv", baseDirectory: "/")
        }
    }

    // MARK: OMG-Emotion

    /// Rows in the layout of the challenge's omg_*Videos.csv (ids and links made up).
    static let videosCSV = """
    link,start,end,video,utterance,arousal,valence,EmotionMaxVote
    https://www.youtube.com/watch?v=AAAAAAAAAAA,0.0,4.5,1a2b3c4d5,utterance_1.mp4,0.41,0.12,4
    https://www.youtube.com/watch?v=AAAAAAAAAAA,4.9,9.25,1a2b3c4d5,utterance_2.mp4,0.62,-0.35,0
    https://www.youtube.com/watch?v=AAAAAAAAAAA,9.5,12.0,1a2b3c4d5,utterance_3.mp4,0.30,-0.40,5
    https://www.youtube.com/watch?v=BBBBBBBBBBB,1.25,7.75,9f8e7d6c5_1,utterance_1.mp4,0.55,0.61,3
    https://www.youtube.com/watch?v=BBBBBBBBBBB,8.0,10.0,9f8e7d6c5_1,utterance_2.mp4,0.20,0.05,6

    """

    @Test func readsTheVideosCSV() throws {
        let rows = try OMGEmotion.parseUtterances(Self.videosCSV, path: "omg_TrainVideos.csv")
        #expect(rows.count == 5)
        #expect(rows[0] == OMGUtterance(link: "https://www.youtube.com/watch?v=AAAAAAAAAAA", start: 0, end: 4.5, video: "1a2b3c4d5",
                                        utterance: "utterance_1.mp4", arousal: 0.41, valence: 0.12, maxVote: .neutral, line: 2))
        #expect(rows.map(\.maxVote) == [.neutral, .angry, .sad, .happy, .surprise])
        #expect(rows[3].id == "9f8e7d6c5_1/utterance_1.mp4")
        // The test file without labels stops after `utterance`.
        let unlabelled = try OMGEmotion.parseUtterances("link,start,end,video,utterance\nhttps://x,1,2,v,utterance_1.mp4\n", path: "t.csv")
        #expect(unlabelled[0].maxVote == nil && unlabelled[0].arousal == nil)
        #expect(OMGEmotion.emotionCodes.map(\.rawValue) == ["angry", "disgust", "fear", "happy", "neutral", "sad", "surprise"])
    }

    @Test func videosCSVErrors() throws {
        #expect(throws: DatasetError.malformedRow(path: "v.csv", line: 2, reason: "EmotionMaxVote 7 is not a code 0-6")) {
            try OMGEmotion.parseUtterances("link,start,end,video,utterance,EmotionMaxVote\nl,0,1,v,u.mp4,7\n", path: "v.csv")
        }
        #expect(throws: DatasetError.malformedRow(path: "v.csv", line: 1, reason: "header has no \"utterance\" column (found: link,start,end,video)")) {
            try OMGEmotion.parseUtterances("link,start,end,video\n", path: "v.csv")
        }
        #expect(throws: DatasetError.malformedRow(path: "v.csv", line: 2, reason: "start \"x\" is not a number")) {
            try OMGEmotion.parseUtterances("link,start,end,video,utterance\nl,x,1,v,u.mp4\n", path: "v.csv")
        }
        #expect(throws: DatasetError.malformedRow(path: "v.csv", line: 3, reason: "utterance v/u.mp4 is listed twice (first on line 2)")) {
            try OMGEmotion.parseUtterances("link,start,end,video,utterance\nl,0,1,v,u.mp4\nl,1,2,v,u.mp4\n", path: "v.csv")
        }
        // Whole numbers outside Int's range (FuzzManifest's find: a trap in Int(_:)), infinities and NaN are errors,
        // while a whole number written as a float is still a code.
        for vote in ["-2.9e90", "1e19", "-9.3e18", "inf", "nan"] {
            #expect(throws: DatasetError.self, "\(vote)") {
                try OMGEmotion.parseUtterances("link,start,end,video,utterance,EmotionMaxVote\nl,0,1,v,u.mp4,\(vote)\n", path: "v.csv")
            }
        }
        let seed = try String(contentsOf: Repository.root.appendingPathComponent("Fuzz/Seeds/manifest-omg-huge-maxvote.csv"), encoding: .isoLatin1)
        #expect(throws: DatasetError.self) { try OMGEmotion.parseUtterances(seed, path: "crash.csv") }
        #expect(try OMGEmotion.parseUtterances("link,start,end,video,utterance,EmotionMaxVote\nl,0,1,v,u.mp4,3.0\n", path: "v.csv")[0].maxVote == .happy)
    }

    @Test(arguments: [
        (["Happy", "Happy", "Happy", "Sad", "Neutral"], nil, "happy", OMGVote.Rule.majority),
        (["Happy", "Happy", "Sad", "Neutral", "Anger"], nil, "happy", .plurality),
        (["Happy", "Happy", "Sad", "Sad", "Neutral"], "sad", "sad", .tieBrokenByMaxVote),
        (["Happy", "Happy", "Sad", "Sad", "Neutral"], "neutral", nil, .unresolvedTie),
        (["Happy", "Happy", "Sad", "Sad", "Neutral"], nil, nil, .unresolvedTie),
        ([], "fear", "fear", .maxVote),
        ([], nil, nil, .none),
    ] as [([String], String?, String?, OMGVote.Rule)])
    func voteAndTieRule(labels: [String], maxVote: String?, expected: String?, rule: OMGVote.Rule) {
        let vote = OMGEmotion.vote(labels.map { Emotion($0) }, maxVote: maxVote.map { Emotion($0) })
        #expect(vote.label?.rawValue == expected)
        #expect(vote.rule == rule)
        #expect(vote.annotators == labels.count)
        if rule == .unresolvedTie || rule == .tieBrokenByMaxVote { #expect(vote.tied == [.happy, .sad]) }
        #expect(!vote.explanation.isEmpty)
    }

    /// A DetailedAnnotation tree (both layouts), a clips folder as prepare_data.py cuts it, and the videos CSV.
    static func omgTree(_ dir: TempDir) -> (csv: String, annotations: String, clips: String) {
        let csv = dir.file("omg_TrainVideos.csv", videosCSV)
        func note(_ path: String, _ emotion: String) { dir.file("DetailedAnnotation/" + path, "arousal,valence,emotion\n55.0,61.5,\(emotion)\n") }
        // 1a2b3c4d5/utterance_1: neutral x3 (majority). utterance_2: tie anger/sad, EmotionMaxVote anger breaks it.
        for (i, e) in ["Neutral", "Neutral", "Happy", "Neutral", "Sad"].enumerated() { note("train/1a2b3c4d5/utterance_1.mp4/\(i).txt", e) }
        for (i, e) in ["Anger", "Sad", "Anger", "Sad", "Fear"].enumerated() { note("train/1a2b3c4d5/utterance_2.mp4/\(i).txt", e) }
        // utterance_3: tie happy/fear, EmotionMaxVote sad does not break it.
        for (i, e) in ["Happy", "Fear", "Happy", "Fear"].enumerated() { note("train/1a2b3c4d5/utterance_3.mp4/\(i).txt", e) }
        // The nested layout of a later revision; annotator 0 given twice (first in path order kept).
        note("train/9f8e7d6c5_1/utterance_1.mp4/utterance_1.mp4/0.txt", "Happy")
        note("train/9f8e7d6c5_1/utterance_2.mp4/utterance_1.mp4/0.txt", "Sad")
        note("train/9f8e7d6c5_1/utterance_2.mp4/utterance_1.mp4/1.txt", "Happy")
        dir.file("clips/1a2b3c4d5/utterance_1.mp4", "x")
        dir.file("clips/1a2b3c4d5/utterance_2.mkv", "x")
        dir.file("clips/9f8e7d6c5_1_utterance_1.mp4", "x")
        return (csv, dir.path + "/DetailedAnnotation", dir.path + "/clips")
    }

    @Test func readsDetailedAnnotationsInBothLayouts() throws {
        let dir = TempDir()
        defer { dir.remove() }
        let tree = Self.omgTree(dir)
        let (annotations, duplicates) = try OMGEmotion.loadAnnotations(root: tree.annotations)
        #expect(annotations["1a2b3c4d5/utterance_1.mp4"]?.map(\.emotion) == [.neutral, .neutral, .happy, .neutral, .sad])
        #expect(annotations["1a2b3c4d5/utterance_1.mp4"]?.map(\.annotator) == ["0", "1", "2", "3", "4"])
        #expect(annotations["1a2b3c4d5/utterance_1.mp4"]?.first?.arousal == 55)
        #expect(annotations["9f8e7d6c5_1/utterance_1.mp4"]?.map(\.emotion) == [.happy, .happy])
        #expect(duplicates == ["9f8e7d6c5_1/utterance_1.mp4/0"])
        // One split or one video's folder works as the root too.
        #expect(try OMGEmotion.loadAnnotations(root: tree.annotations + "/train/1a2b3c4d5").annotations.count == 3)
        #expect(throws: DatasetError.self) { try OMGEmotion.parseAnnotation("arousal,valence\n1,2\n", annotator: "0", path: "0.txt") }
    }

    @Test func loadsScenesWithGroundTruthAndClips() throws {
        let dir = TempDir()
        defer { dir.remove() }
        let tree = Self.omgTree(dir)
        let set = try OMGEmotion.load(videosCSVs: [tree.csv], annotationsRoot: tree.annotations, clipsRoot: tree.clips)
        #expect(set.scenes.map { $0.label?.rawValue } == ["neutral", "angry", nil, "happy", "surprise"])
        #expect(set.scenes.map(\.vote.rule) == [.majority, .tieBrokenByMaxVote, .unresolvedTie, .majority, .maxVote])
        #expect(set.unresolvedTies == ["1a2b3c4d5/utterance_3.mp4"])
        #expect(
            set.scenes.map { $0.clip.map { URL(fileURLWithPath: $0).lastPathComponent } } == [
                "utterance_1.mp4", "utterance_2.mkv", nil, "9f8e7d6c5_1_utterance_1.mp4", nil,
            ])
        #expect(set.missingClips == ["1a2b3c4d5/utterance_3.mp4", "9f8e7d6c5_1/utterance_2.mp4"])
        #expect(set.manifestEntries.map(\.label) == [.neutral, .angry, .happy])
        #expect(set.summary == "5 utterances, 3 with a local clip, 4 with a ground-truth label, 1 unresolved tie")
        // Without annotations: EmotionMaxVote.
        let plain = try OMGEmotion.load(videosCSVs: [tree.csv])
        #expect(plain.scenes.map(\.label) == [.neutral, .angry, .sad, .happy, .surprise])
        #expect(throws: DatasetError.missingDirectory(path: dir.path + "/nope")) {
            try OMGEmotion.load(videosCSVs: [tree.csv], clipsRoot: dir.path + "/nope")
        }
    }
}

@Suite("Reading analysis files")
struct TakeFileTests {
    @Test func refusesWhatIsNotAnAnalysis() throws {
        let dir = TempDir()
        defer { dir.remove() }
        let other = dir.file("other.json", "{\"takes\": 3}")
        #expect(throws: CorrelationError.self) { try TakeFiles.load(other) }
        do {
            _ = try TakeFiles.load(other)
        } catch {
            #expect("\(error)".hasPrefix(other + ": not a takesense analysis"))
        }
        let broken = dir.file("broken.json", "{")
        #expect(throws: CorrelationError.notAnAnalysis(path: broken, reason: "not valid JSON")) { try TakeFiles.load(broken) }
        #expect(throws: CorrelationError.self) { try TakeFiles.load(dir.path + "/missing.json") }
    }
}
