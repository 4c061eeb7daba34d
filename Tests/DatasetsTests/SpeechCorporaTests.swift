import Foundation
import Testing
@testable import Datasets

/// Fixture trees of the speech corpora's distributed layouts (empty audio files).
enum SpeechFixtures {
    /// RAVDESS speech for `actors` (60 files each: neutral at normal intensity only), optionally song
    /// for actor 1 (44 files: no disgust or surprise), plus a few non-conforming files.
    static func ravdess(_ fx: Fixture, actors: ClosedRange<Int> = 1...4, song: Bool = true, ext: String = "wav") {
        for actor in actors {
            for emotion in 1...8 {
                for intensity in (emotion == 1 ? [1] : [1, 2]) {
                    for statement in 1...2 {
                        for repetition in 1...2 {
                            fx.file(String(format: "Actor_%02d/", actor) + Names.ravdess(
                                emotion: emotion, intensity: intensity, statement: statement, repetition: repetition,
                                actor: actor, ext: ext))
                        }
                    }
                }
            }
        }
        if song {
            for emotion in 1...6 {
                for intensity in (emotion == 1 ? [1] : [1, 2]) {
                    for statement in 1...2 {
                        for repetition in 1...2 {
                            fx.file("Song/Actor_01/" + Names.ravdess(
                                channel: 2, emotion: emotion, intensity: intensity, statement: statement,
                                repetition: repetition, actor: 1, ext: ext))
                        }
                    }
                }
            }
        }
    }

    static let cremaSentences = ["DFA", "IEO", "TIE"]
    static let cremaEmotions = ["ANG", "DIS", "FEA", "HAP", "NEU", "SAD"]

    /// CREMA-D for actors 1001-1010: DFA and TIE at XX, IEO at LO/MD/HI: 30 files per actor.
    /// Adds AudioMP3 duplicates and VideoDemographics.csv (odd actors male, even female).
    static func cremad(_ fx: Fixture, actors: ClosedRange<Int> = 1001...1010, demographics: Bool = true) {
        for actor in actors {
            for sentence in cremaSentences {
                for emotion in cremaEmotions {
                    for level in (sentence == "IEO" ? ["LO", "MD", "HI"] : ["XX"]) {
                        fx.file("AudioWAV/\(actor)_\(sentence)_\(emotion)_\(level).wav")
                        fx.file("AudioMP3/\(actor)_\(sentence)_\(emotion)_\(level).mp3")
                    }
                }
            }
        }
        if demographics {
            var csv = "ActorID,Age,Sex,Race,Ethnicity\r\n"
            for actor in actors { csv += "\(actor),\(20 + actor % 50),\(actor % 2 == 1 ? "Male" : "Female"),Caucasian,Not Hispanic\r\n" }
            fx.file("VideoDemographics.csv", csv)
        }
    }

    static let tessFolders = [
        "OAF_angry", "OAF_disgust", "OAF_Fear", "OAF_happy", "OAF_neutral", "OAF_Pleasant_surprise", "OAF_Sad",
        "YAF_angry", "YAF_disgust", "YAF_fear", "YAF_happy", "YAF_neutral", "YAF_pleasant_surprised", "YAF_sad",
    ]
    static let tessWords = ["back", "bar", "base"]

    /// TESS: 14 folders × 3 words, emotion suffixes as the corpus spells them (`ps`, `fear`, `sad`...).
    static func tess(_ fx: Fixture) {
        for folder in tessFolders {
            let speaker = String(folder.prefix(3))
            let lower = folder.lowercased()
            let suffix: String
            if lower.contains("surprise") { suffix = "ps" } else { suffix = String(lower.dropFirst(4)) }
            for word in tessWords { fx.file("\(folder)/\(speaker)_\(word)_\(suffix).wav") }
        }
    }

    static let saveeCodes = ["a": 3, "d": 3, "f": 3, "h": 3, "n": 6, "sa": 3, "su": 3]

    /// SAVEE, `ALL/DC_a01.wav` form (`perSpeakerFolders: false`) or `DC/a01.wav` form.
    static func savee(_ fx: Fixture, perSpeakerFolders: Bool) {
        for speaker in ["DC", "JE", "JK", "KL"] {
            for (code, n) in saveeCodes {
                for i in 1...n {
                    let num = String(format: "%02d", i)
                    fx.file(perSpeakerFolders ? "\(speaker)/\(code)\(num).wav" : "ALL/\(speaker)_\(code)\(num).wav")
                }
            }
        }
    }
}

@Suite("Speech corpora")
struct SpeechCorporaTests {
    @Test func ravdessFileNameFields() throws {
        let f = try RAVDESSFileName(parsing: "03-01-06-02-01-02-19.wav")
        #expect(f.modality == 3)
        #expect(f.vocalChannel == .speech)
        #expect(f.emotion == .fear)
        #expect(f.intensity == .strong)
        #expect(f.statement == 1)
        #expect(f.repetition == 2)
        #expect(f.actor == 19)
        #expect(f.speaker == "19")
        #expect(f.gender == .male)
        #expect(try RAVDESSFileName(parsing: "01-02-02-01-02-01-08.flac").gender == .female)
        #expect(try RAVDESSFileName(parsing: "01-02-02-01-02-01-08").emotion == .calm)
        for (name, reason) in [
            ("03-01-09-01-01-01-01.wav", "emotion 09 is not 01-08"),
            ("04-01-01-01-01-01-01.wav", "modality 04 is not 01-03"),
            ("03-03-01-01-01-01-01.wav", "vocal channel 03 is not 01 or 02"),
            ("03-01-01-01-01-01.wav", "expected seven two-digit fields MM-VV-EE-II-SS-RR-AA"),
            ("03-01-01-1-01-01-01.wav", "expected seven two-digit fields MM-VV-EE-II-SS-RR-AA"),
        ] {
            #expect(datasetError { _ = try RAVDESSFileName(parsing: name) } == .malformedFileName(path: name, reason: reason))
        }
    }

    @Test func ravdessSpeechAndSong() throws {
        let fx = Fixture()
        defer { fx.remove() }
        SpeechFixtures.ravdess(fx)
        fx.file("Actor_01/03-01-09-01-01-01-01.wav")  // bad emotion code
        fx.file("Actor_01/notes.txt")
        fx.file("Actor_02/01-01-01-01-01-01-02.mp4")  // a video

        let loaded = try RAVDESS.load(root: fx.root)
        let speech = loaded.samples.filter { $0.vocalChannel == .speech }
        let song = loaded.samples.filter { $0.vocalChannel == .song }
        #expect(speech.count == 4 * 44)
        #expect(song.count == 36)
        #expect(loaded.skipped == ["calm": 4 * 8 + 8, "surprise": 4 * 8])
        #expect(loaded.report.unrecognised == 3)
        #expect(labelCounts(speech) == ["neutral": 16, "happy": 32, "sad": 32, "angry": 32, "fear": 32, "disgust": 32])
        #expect(Set(loaded.samples.map(\.speaker)) == ["01", "02", "03", "04"])
        #expect(loaded.samples.allSatisfy { $0.corpus == .ravdess })
        #expect(loaded.samples.allSatisfy { $0.gender == (Int($0.speaker)! % 2 == 1 ? .male : .female) })
        #expect(speech.filter { $0.intensity == .strong }.count == 4 * 20)
        #expect(speech.filter { $0.speaker == "03" }.count == 44)
        let first = try #require(loaded.samples.first)
        #expect(first.path == fx.path("Actor_01/03-01-01-01-01-01-01.wav"))
        #expect(first.sentence == "01")
        #expect(loaded.samples.map(\.path) == loaded.samples.map(\.path).sorted())

        // Seven classes plus calm: nothing skipped.
        let all = try RAVDESS.load(root: fx.root, options: LoadOptions(labels: try LabelSet(names: LabelSet.seven.names + ["calm"])))
        #expect(all.samples.count == 4 * 60 + 44)
        #expect(all.skipped.isEmpty)

        let strict = datasetError { _ = try RAVDESS.load(root: fx.root, options: LoadOptions(strict: true)) }
        #expect(strict == .malformedFileName(path: fx.path("Actor_01/03-01-09-01-01-01-01.wav"), reason: "emotion 09 is not 01-08"))
    }

    @Test func cremadWithDemographics() throws {
        let fx = Fixture()
        defer { fx.remove() }
        SpeechFixtures.cremad(fx)
        fx.file("AudioWAV/1001_DFA_XYZ_XX.wav")
        fx.file("AudioWAV/readme.txt")

        let loaded = try CREMAD.load(root: fx.root)
        #expect(loaded.samples.count == 10 * 30)
        #expect(loaded.skipped.isEmpty)
        #expect(loaded.report.unrecognised == 2)  // the bad emotion code, readme.txt; AudioMP3 is not scanned
        #expect(labelCounts(loaded.samples) == ["angry": 50, "disgust": 50, "fear": 50, "happy": 50, "neutral": 50, "sad": 50])
        #expect(Set(loaded.samples.map(\.speaker)).count == 10)
        #expect(loaded.samples.filter { $0.speaker == "1002" }.allSatisfy { $0.gender == .female })
        #expect(loaded.samples.filter { $0.speaker == "1001" }.allSatisfy { $0.gender == .male })
        #expect(loaded.samples.filter { $0.intensity == .high }.count == 10 * 6)
        #expect(loaded.samples.filter { $0.intensity == .unspecified }.count == 10 * 12)
        #expect(Set(loaded.samples.compactMap(\.sentence)) == ["DFA", "IEO", "TIE"])
        #expect(loaded.samples.allSatisfy { $0.path.hasPrefix(fx.path("AudioWAV/")) })

        // Pointed at AudioWAV itself: demographics found in the parent.
        let inner = try CREMAD.load(root: fx.path("AudioWAV"))
        #expect(inner.samples == loaded.samples)

        let error = datasetError { _ = try CREMAD.load(root: fx.root, options: LoadOptions(strict: true)) }
        #expect(error == .malformedFileName(path: fx.path("AudioWAV/1001_DFA_XYZ_XX.wav"), reason: "emotion \"XYZ\" is not ANG, DIS, FEA, HAP, NEU or SAD"))
    }

    @Test func cremadWithoutDemographicsHasNoGender() throws {
        let fx = Fixture()
        defer { fx.remove() }
        SpeechFixtures.cremad(fx, actors: 1090...1091, demographics: false)
        let loaded = try CREMAD.load(root: fx.root)
        #expect(loaded.samples.count == 60)
        #expect(loaded.samples.allSatisfy { $0.gender == nil })
        #expect(Set(loaded.samples.map(\.speaker)) == ["1090", "1091"])

        fx.file("demo.csv", "ActorID,Age,Sex\n1090,30,Female\nabc,1,Male\n")
        #expect(datasetError { _ = try CREMAD.load(root: fx.root, demographics: fx.path("demo.csv")) }
            == .malformedRow(path: fx.path("demo.csv"), line: 3, reason: "ActorID \"abc\" is not a number"))
        fx.file("demo2.csv", "\u{FEFF}\"ActorID\",\"Age\",\"Sex\"\n1090,30,\"Female\"\n")
        let withDemo = try CREMAD.load(root: fx.root, demographics: fx.path("demo2.csv"))
        #expect(withDemo.samples.filter { $0.speaker == "1090" }.allSatisfy { $0.gender == .female })
        #expect(withDemo.samples.filter { $0.speaker == "1091" }.allSatisfy { $0.gender == nil })
    }

    @Test func tessSuffixesAndFolderSpellings() throws {
        let fx = Fixture()
        defer { fx.remove() }
        SpeechFixtures.tess(fx)
        fx.file("OAF_Pleasant_surprise/OAF_bite_pleasant.wav")  // suffix unknown: the folder decides
        fx.file("YAF_sad/YAF_bite.wav")  // too few parts
        let loaded = try TESS.load(root: fx.root)
        #expect(loaded.samples.count == 12 * 3)
        #expect(loaded.skipped == ["surprise": 2 * 3 + 1])
        #expect(loaded.report.unrecognised == 1)
        #expect(labelCounts(loaded.samples) == ["angry": 6, "disgust": 6, "fear": 6, "happy": 6, "neutral": 6, "sad": 6])
        #expect(Set(loaded.samples.map(\.speaker)) == ["OAF", "YAF"])
        #expect(loaded.samples.allSatisfy { $0.gender == .female && $0.corpus == .tess && $0.intensity == nil })
        #expect(Set(loaded.samples.compactMap(\.sentence)) == Set(SpeechFixtures.tessWords))

        let seven = try TESS.load(root: fx.root, options: LoadOptions(labels: .seven))
        #expect(seven.samples.filter { $0.label == .surprise }.count == 7)

        // A nested second copy of the corpus (as in some downloads) is not indexed twice.
        for folder in ["OAF_angry", "YAF_pleasant_surprised"] {
            for word in SpeechFixtures.tessWords {
                let suffix = folder.hasPrefix("YAF") ? "ps" : "angry"
                fx.file("TESS Toronto emotional speech set data/\(folder)/\(folder.prefix(3))_\(word)_\(suffix).wav")
            }
        }
        let again = try TESS.load(root: fx.root)
        #expect(again.report.duplicates == 6)
        #expect(again.samples.count == loaded.samples.count)
        #expect(again.skipped == loaded.skipped)
        #expect(again.report.description == "skipped: surprise 7; unrecognised: 1 file; duplicates: 6")

        #expect(try TESSFileName(parsing: "YAF_germ_ps.wav").emotion == .surprise)
        // The one TESS file whose name lacks the F takes its folder's speaker; without a folder it stays as written.
        #expect(try TESSFileName(parsing: "OA_bite_neutral.flac", folder: "OAF_neutral").speaker == "OAF")
        #expect(try TESSFileName(parsing: "OA_bite_neutral.flac", folder: "OAF_neutral").word == "bite")
        #expect(try TESSFileName(parsing: "OA_bite_neutral.flac").speaker == "OA")
        #expect(try TESSFileName(parsing: "XY_bite_neutral.flac", folder: "OAF_neutral").speaker == "XY")
        #expect(try TESSFileName(parsing: "oaf_back_Fear.wav").speaker == "OAF")
        #expect(try TESSFileName(parsing: "OAF_back_pleasant_surprise.wav").emotion == .surprise)
        #expect(try TESSFileName(parsing: "OAF_back_pleasant_surprise.wav").word == "back")
    }

    @Test func saveeBothLayouts() throws {
        for perSpeaker in [false, true] {
            let fx = Fixture()
            defer { fx.remove() }
            SpeechFixtures.savee(fx, perSpeakerFolders: perSpeaker)
            fx.file(perSpeaker ? "DC/x01.wav" : "ALL/DC_x01.wav")
            fx.file("Info.txt")
            let loaded = try SAVEE.load(root: fx.root)
            #expect(loaded.samples.count == 4 * 21)
            #expect(loaded.skipped == ["surprise": 12])
            #expect(loaded.report.unrecognised == (perSpeaker ? 2 : 1))  // Info.txt is outside ALL/
            #expect(labelCounts(loaded.samples) == ["angry": 12, "disgust": 12, "fear": 12, "happy": 12, "neutral": 24, "sad": 12])
            #expect(Set(loaded.samples.map(\.speaker)) == ["DC", "JE", "JK", "KL"])
            #expect(loaded.samples.allSatisfy { $0.gender == .male && $0.corpus == .savee })
        }
        #expect(try SAVEEFileName(parsing: "JK_sa15.wav") == SAVEEFileName(parsing: "sa15.wav", folder: "JK"))
        #expect(try SAVEEFileName(parsing: "KL_su03.wav").emotion == .surprise)
        #expect(try SAVEEFileName(parsing: "KL_su03.wav").sentence == "03")
        #expect(datasetError { _ = try SAVEEFileName(parsing: "a01.wav", folder: "AudioData") }
            == .malformedFileName(path: "a01.wav", reason: "no speaker: expected XX_c01 or a speaker folder XX/c01"))
    }

    @Test func missingOrEmptyCorpusDirectories() {
        let fx = Fixture()
        defer { fx.remove() }
        let missing = fx.path("RAVDESS")
        #expect(datasetError { _ = try RAVDESS.load(root: missing) }?.description == "\(missing): no such directory")
        fx.file("tess/readme.md")
        fx.file("tess/OAF_angry/garbage.wav")
        #expect(datasetError { _ = try TESS.load(root: fx.path("tess")) }
            == .noRecognisedFiles(path: fx.path("tess"), expected: "OAF_angry/OAF_back_angry.wav"))
        fx.directory("savee")
        #expect(datasetError { _ = try SAVEE.load(root: fx.path("savee")) }?.description
            == "\(fx.path("savee")): no recognised files (expected ALL/DC_a01.wav or DC/a01.wav)")
    }

    @Test func datasetSpecParsing() throws {
        #expect(try DatasetSpec(parsing: "ravdess=/data/RAVDESS") == DatasetSpec(kind: .ravdess, path: "/data/RAVDESS"))
        #expect(try DatasetSpec(parsing: "CREMA-D=/data/a=b").path == "/data/a=b")
        #expect(try DatasetSpec(parsing: "crema=/x").kind == .cremad)
        #expect(try DatasetSpec(parsing: "ck+=/x").kind == .ckplus)
        #expect(try DatasetSpec(parsing: "images=/x").kind == .imageFolder)
        #expect(DatasetSpec("tess=/t")?.description == "tess=/t")
        #expect(DatasetSpec("nonsense") == nil)
        #expect(datasetError { _ = try DatasetSpec(parsing: "iemocap=/x") }?.description
            == "invalid dataset spec \"iemocap=/x\": unknown dataset \"iemocap\" (known: fer2013, ckplus, images, ravdess, cremad, tess, savee)")
        #expect(datasetError { _ = try DatasetSpec(parsing: "savee=") } == .invalidSpec(spec: "savee=", reason: "empty path"))
        #expect(try DatasetSpec(parsing: "savee=~/savee").path == FileManager.default.homeDirectoryForCurrentUser.path + "/savee")
        let data = try JSONEncoder().encode(DatasetSpec(kind: .tess, path: "/t"))
        #expect(try JSONDecoder().decode(DatasetSpec.self, from: data) == DatasetSpec(kind: .tess, path: "/t"))
    }

    @Test func combinedLoader() throws {
        let r = Fixture("r"), c = Fixture("c"), t = Fixture("t"), s = Fixture("s")
        defer { for f in [r, c, t, s] { f.remove() } }
        SpeechFixtures.ravdess(r, song: false)
        SpeechFixtures.cremad(c)
        SpeechFixtures.tess(t)
        SpeechFixtures.savee(s, perSpeakerFolders: false)
        let specs = try ["ravdess=\(r.root)", "cremad=\(c.root)", "tess=\(t.root)", "savee=\(s.root)"].map(DatasetSpec.init(parsing:))
        let all = try SpeechCorpora.load(specs)
        let expectedCount = 176 + 300 + 36 + 84
        #expect(all.samples.count == expectedCount)
        #expect(all.skipped == ["calm": 32, "surprise": 50])  // RAVDESS 32, TESS 6, SAVEE 12
        #expect(Set(all.samples.map(\.corpus)) == [.ravdess, .cremad, .tess, .savee])
        let speakerCount = Set(all.samples.map(\.speakerRef)).count
        #expect(speakerCount == 20)  // 4 + 10 + 2 + 4

        #expect(datasetError { _ = try SpeechCorpora.load([DatasetSpec(kind: .fer2013, path: "/x")]) }
            == .invalidSpec(spec: "fer2013=/x", reason: "fer2013 is a face corpus, not a speech corpus"))
        #expect(datasetError { _ = try FaceCorpora.load([DatasetSpec(kind: .tess, path: "/x")]) } != nil)
        #expect(datasetError { _ = try FaceCorpora.load(DatasetSpec(kind: .fer2013, path: "/x/fer2013.csv")) } != nil)
    }

    @Test func speakerRefs() throws {
        #expect(try SpeakerRef(parsing: "ravdess:19") == SpeakerRef(corpus: .ravdess, speaker: "19"))
        #expect(try SpeakerRef(parsing: "RAVDESS:Actor_03").speaker == "03")
        #expect(try SpeakerRef(parsing: "ravdess:3").description == "ravdess:03")
        #expect(try SpeakerRef(parsing: "tess:oaf").speaker == "OAF")
        #expect(try SpeakerRef(parsing: "crema-d:1001") == SpeakerRef(corpus: .cremad, speaker: "1001"))
        #expect(datasetError { _ = try SpeakerRef(parsing: "19") } != nil)
    }
}
