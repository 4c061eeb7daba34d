import Datasets
import Foundation
import TakeSenseTestSupport
import Testing
import Torch
import Training
@testable import VoiceEmotion
@testable import VoiceTraining

/// The statistics head (mean and std of a frozen Whisper's hidden states), its cached training
/// table, the speaker-independent CV, calibration metadata and `evaluate voice --cv` itself.
@Suite("Voice: statistics head, cross-validation and calibration", .serialized)
struct VoiceStatisticsTests {
    static let config = WhisperConfig(melBins: 80, dModel: 32, layers: 3, heads: 4, ffnDim: 64, maxSourcePositions: 1500)

    static func clip(_ n: Int, _ hz: Double, seed: Double = 0) -> [Float] {
        (0..<n).map { i -> Float in
            let t = Double(i)
            return Float(0.3 * sin(2 * Double.pi * hz * t / 16000 + seed) + 0.05 * sin(t * 0.37 + seed))
        }
    }

    /// Mean and population std over the first n rows of a (T, D) tensor, in Double loops.
    static func referenceStatistics(_ h: Tensor, frames n: Int) throws -> [Double] {
        let d = h.size(1)
        let v = try h.floats()
        var mean = [Double](repeating: 0, count: d), sd = [Double](repeating: 0, count: d)
        for t in 0..<n { for j in 0..<d { mean[j] += Double(v[t * d + j]) / Double(n) } }
        for t in 0..<n { for j in 0..<d { let x = Double(v[t * d + j]) - mean[j]; sd[j] += x * x / Double(n) } }
        return mean + sd.map { $0.squareRoot() }
    }

    @Test func statisticsAreMeanAndStdOverTheClipsOwnFramesAndBatchingChangesNothing() throws {
        try Torch.manualSeed(31)
        for weighted in [false, true] {
            let options = WhisperClassifierOptions(projectionSize: 8, weightedLayerSum: weighted, outputLayer: 2, head: .statistics)
            let model = try WhisperClassifier(Self.config, options: options).eval()
            // A non-trivial normaliser, as after training.
            model.normalizer!.mean = try Tensor.randn(model.normalizer!.mean.shape)
            model.normalizer!.scale = try Tensor.rand(model.normalizer!.scale.shape) + 0.5
            let clips = [Self.clip(9600, 220), Self.clip(6400, 330, seed: 1), Self.clip(12000, 180, seed: 2)]
            try Torch.noGrad {
                let alone = try clips.map { try model.logits(clips: [$0]) }
                for (i, c) in clips.enumerated() {
                    let (mel, frames) = try model.features(clips: [c])
                    let stats = try model.statistics(mel: mel, validFrames: frames, all: true)
                    #expect(stats.shape == [1, Self.config.layers + 1, 2 * Self.config.dModel])
                    // The cached form (every hidden state) gives the same logits as the model's own pass.
                    #expect(try VoiceFixture.maxAbsDiff(model.logits(statistics: stats), alone[i]) < 1e-4)
                    // Each state's statistics are the mean and population std of its frames.
                    for layer in 0...Self.config.layers {
                        let (h, n) = try model.hiddenState(clip: c, layer: layer)
                        let expected = try Self.referenceStatistics(h, frames: n)
                        let got = try stats[0][layer].floats()
                        let worst = zip(got, expected).map { abs(Double($0) - $1) / max(1, abs($1)) }.max()!
                        #expect(worst < 1e-4, "layer \(layer): \(worst)")
                    }
                }
                // Zero-padded together, with attention and statistics masked: each clip's own logits.
                let batched = try model.logits(clips: clips)
                for i in clips.indices {
                    #expect(try VoiceFixture.maxAbsDiff(batched[i].unsqueeze(0), alone[i]) < 1e-3, "weighted \(weighted), clip \(i)")
                }
            }
        }
    }

    /// A saved tiny encoder to train heads on.
    static func encoderFile(in dir: URL) throws -> URL {
        try Torch.manualSeed(3)
        let url = dir.appendingPathComponent("encoder.safetensors")
        try WhisperClassifier(Self.config, options: WhisperClassifierOptions(projectionSize: 8)).save(to: url)
        return url
    }

    /// A table whose statistics separate the classes (class c shifts feature c of every state by 6 noise sd), with
    /// `speakers` speakers alternating male and female, `perClass` clips of each class per speaker.
    static func syntheticTable(speakers: Int, perClass: Int, versions: Int = 2, corpus: Corpus = .ravdess, seed: UInt64 = 1) throws -> VoiceStatisticsTable {
        let labels = defaultEmotionLabels
        var samples: [SpeechSample] = [], targets: [Int] = []
        for s in 1...speakers {
            for c in labels.indices {
                for k in 0..<perClass {
                    let speaker = corpus == .tess ? (s == 1 ? "OAF" : "YAF") : String(format: "%02d", s)
                    samples.append(SpeechSample(path: "/fx/\(corpus)/\(speaker)/\(labels[c])-\(k).wav", label: Emotion(rawValue: labels[c]),
                                                corpus: corpus, speaker: speaker, gender: corpus == .tess ? .female : (s % 2 == 1 ? .male : .female)))
                    targets.append(c)
                }
            }
        }
        try Torch.manualSeed(seed)
        let width = 2 * Self.config.dModel
        var stats = try Tensor.randn([samples.count, versions, Self.config.layers + 1, width])
        var shift = [Float](repeating: 0, count: samples.count * versions * (Self.config.layers + 1) * width)
        for (i, t) in targets.enumerated() {
            for v in 0..<versions { for l in 0...Self.config.layers { shift[((i * versions + v) * (Self.config.layers + 1) + l) * width + t] = 6 } }
        }
        stats = try stats + Tensor(shift, shape: stats.shape)
        return VoiceStatisticsTable(samples: samples, targets: targets, labels: labels, statistics: stats)
    }

    @Test func foldsPairOneMaleWithOneFemale() throws {
        var genders: [String: Gender?] = [:]
        for a in 1...20 { genders[String(format: "%02d", a)] = a % 2 == 1 ? .male : .female }
        let folds = try VoiceCrossValidation.folds(speakers: genders, k: 10)
        #expect(folds == (0..<10).map { [String(format: "%02d", 2 * $0 + 1), String(format: "%02d", 2 * $0 + 2)] })
        let five = try VoiceCrossValidation.folds(speakers: genders, k: 5)
        #expect(five.allSatisfy { $0.count == 4 })
        #expect(Set(five.flatMap { $0 }).count == 20)
        #expect(five.allSatisfy { f in f.filter { Int($0)! % 2 == 1 }.count == 2 })
        #expect(throws: TorchError.self) { try VoiceCrossValidation.folds(speakers: genders, k: 1) }
        #expect(throws: TorchError.self) { try VoiceCrossValidation.folds(speakers: genders, k: 21) }
    }

    @Test func crossValidationPredictsEveryClipOnceFromAModelThatNeverHeardItsSpeaker() throws {
        let dir = try VoiceFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let encoder = try Self.encoderFile(in: dir)
        let ravdess = try Self.syntheticTable(speakers: 4, perClass: 12)
        let tess = try Self.syntheticTable(speakers: 2, perClass: 6, corpus: .tess, seed: 2)
        let table = VoiceStatisticsTable(samples: ravdess.samples + tess.samples, targets: ravdess.targets + tess.targets,
                                         labels: ravdess.labels, statistics: try Torch.cat([ravdess.statistics, tess.statistics], dim: 0))
        var recipe = StatisticsHeadRecipe()
        recipe.epochs = 60
        recipe.learningRate = 0.05
        recipe.dropout = 0
        recipe.projectionSize = 0
        let result = try VoiceCrossValidation.run(encoderCheckpoint: encoder, table: table, recipe: recipe, k: 2, crossCorpus: true)
        #expect(result.folds.map(\.speakers) == [["01", "02"], ["03", "04"]])
        #expect(result.oof_targets.count == ravdess.count)
        #expect(Set(result.oof_paths) == Set(ravdess.samples.map(\.path)))
        #expect(result.confusion.flatMap { $0 }.reduce(0, +) == ravdess.count)
        #expect(result.extra_training == ["tess:OAF", "tess:YAF"])
        // Folds of the clips: a clip of speaker 01 or 02 is in fold 0.
        for (path, fold) in zip(result.oof_paths, result.oof_folds) {
            #expect(fold == (path.contains("/01/") || path.contains("/02/") ? 0 : 1))
        }
        // The synthetic classes are separable: every figure is far above chance.
        #expect(result.accuracy.mean > 0.9 && result.macro_f1.mean > 0.9, "\(result.folds)")
        #expect(abs(result.accuracy.mean - result.folds.map(\.accuracy).reduce(0, +) / 2) < 1e-12)
        #expect(result.cross_corpus.map(\.name) == ["ravdess→tess", "tess→ravdess", "leave-out tess:OAF", "leave-out tess:YAF"])
        #expect(result.cross_corpus.map(\.clips) == [tess.count, ravdess.count, tess.count / 2, tess.count / 2])
        let calibration = try #require(result.calibration)
        #expect(calibration.temperature > 0 && calibration.samples == ravdess.count)
        #expect(calibration.confusion == result.confusion)
        // Deterministic: the same recipe and seed give the same out-of-fold logits.
        let again = try VoiceCrossValidation.run(encoderCheckpoint: encoder, table: table, recipe: recipe, k: 2)
        #expect(again.oof_logits == result.oof_logits)
    }

    /// A seed ensemble is one wider head whose logits are exactly the mean of the separately trained heads' logits.
    @Test func seedEnsembleIsTheMeanOfItsHeads() throws {
        let dir = try VoiceFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let encoder = try Self.encoderFile(in: dir)
        let table = try Self.syntheticTable(speakers: 2, perClass: 2)
        let rows = Array(0..<table.count)
        for projection in [16, 0] {
            var recipe = StatisticsHeadRecipe()
            recipe.epochs = 3
            recipe.projectionSize = projection
            recipe.seed = 7
            recipe.seeds = 3
            let ensemble = try StatisticsHeadTraining.train(encoderCheckpoint: encoder, table: table, recipe: recipe)
            #expect(ensemble.options.projectionSize == 3 * projection)
            var mean = [[Double]](repeating: [Double](repeating: 0, count: table.labels.count), count: rows.count)
            for i in 0..<3 {
                var one = recipe
                one.seeds = nil
                one.seed = 7 + UInt64(i)
                let logits = try StatisticsHeadTraining.logits(
                    StatisticsHeadTraining.train(encoderCheckpoint: encoder, table: table, recipe: one), table: table, rows: rows)
                for r in rows.indices { for c in mean[r].indices { mean[r][c] += logits[r][c] / 3 } }
            }
            let merged = try StatisticsHeadTraining.logits(ensemble, table: table, rows: rows)
            let diff = Self.maxDifference(merged, mean)
            #expect(diff < 1e-4, "projection \(projection): max difference \(diff)")
            // The members differ (different seeds), so the ensemble is not one of them.
            var first = recipe
            first.seeds = nil
            let single = try StatisticsHeadTraining.logits(StatisticsHeadTraining.train(encoderCheckpoint: encoder, table: table, recipe: first),
                                                           table: table, rows: rows)
            #expect(Self.maxDifference(single, merged) > 1e-3)
        }
    }

    static func maxDifference(_ a: [[Double]], _ b: [[Double]]) -> Double {
        var m = 0.0
        for (x, y) in zip(a, b) { for (u, v) in zip(x, y) { m = max(m, abs(u - v)) } }
        return m
    }

    @Test func trainedHeadSavesLoadsAndCarriesItsCalibration() throws {
        let dir = try VoiceFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let encoder = try Self.encoderFile(in: dir)
        let table = try Self.syntheticTable(speakers: 2, perClass: 2)
        for weighted in [false, true] {
            var recipe = StatisticsHeadRecipe()
            recipe.epochs = 3
            recipe.weightedLayerSum = weighted
            recipe.projectionSize = weighted ? 0 : 16
            let model = try StatisticsHeadTraining.train(encoderCheckpoint: encoder, table: table, recipe: recipe)
            // Only the head moved: the encoder is the file's.
            let original = try Checkpoint.loadSafetensors(encoder)
            for (key, t) in model.stateDict() where key.hasPrefix("encoder.") {
                #expect(try VoiceFixture.maxAbsDiff(t, original[key]!) == 0, "\(key)")
            }
            let fit = VoiceCalibration.Fit(temperature: 2.5, eceBefore: 0, eceAfter: 0, nllBefore: 0, nllAfter: 0, eceAfterInSample: 0,
                                           nllAfterInSample: 0, samples: 1, confusion: (0..<6).map { r in (0..<6).map { $0 == r ? 3 : r } },
                                           fitOn: "test")
            let url = dir.appendingPathComponent("head-\(weighted).safetensors")
            try model.saveShippable(to: url, metadata: fit.metadata, encoderFloatType: .float16)
            let tensors = try Checkpoint.loadSafetensors(url)
            #expect(tensors.filter { $0.key.hasPrefix("encoder.") }.allSatisfy { $0.value.dtype == .float16 })
            #expect(tensors.filter { !$0.key.hasPrefix("encoder.") }.allSatisfy { $0.value.dtype == .float32 })
            #expect(tensors["normalizer.mean"] != nil && (tensors["layer_weights"] != nil) == weighted)
            let meta = try Checkpoint.safetensorsMetadata(url)
            #expect(meta["takesense.calibration.temperature"] == "2.5")
            #expect(meta["takesense.calibration.confusion"] == "[[3,0,0,0,0,0],[1,3,1,1,1,1],[2,2,3,2,2,2],[3,3,3,3,3,3],[4,4,4,4,3,4],[5,5,5,5,5,3]]")
            let loaded = try VoiceEmotionModel(contentsOf: url)
            #expect(loaded.temperature == 2.5 && loaded.confusion == fit.confusion && loaded.calibrationFitOn == "test")
            #expect(loaded.classifier.options.head == .statistics && loaded.classifier.options.weightedLayerSum == weighted)
            // Calibrated probabilities: softmax(logits / T) of the loaded classifier.
            let c = Self.clip(8000, 250)
            let logits = try Torch.noGrad { try loaded.classifier.logits(clips: [c])[0].floats() }
            let scaled = logits.map { Double($0) / 2.5 }
            let exps = scaled.map { Foundation.exp($0 - scaled.max()!) }
            let expected = exps.map { $0 / exps.reduce(0, +) }
            let p = try loaded.probabilities(samples: c)
            #expect(zip(p, expected).allSatisfy { abs(Double($0) - $1) < 1e-5 })
        }
    }

    @Test func badCalibrationMetadataIsAClearError() throws {
        let dir = try VoiceFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = try WhisperClassifier(Self.config, options: WhisperClassifierOptions(projectionSize: 8, head: .statistics))
        for (key, value, words) in [("takesense.calibration.temperature", "-1", "positive number"),
                                    ("takesense.calibration.confusion", "[[1,2],[3,4]]", "6x6 matrix")] {
            let url = dir.appendingPathComponent("bad.safetensors")
            try model.saveShippable(to: url, metadata: [key: value], encoderFloatType: nil)
            do {
                _ = try VoiceEmotionModel(contentsOf: url)
                Issue.record("\(key)=\(value) was accepted")
            } catch let e as TorchError {
                #expect(e.message.hasPrefix(url.path) && e.message.contains(words), "\(e.message)")
            }
        }
    }

    @Test func statisticsCacheIsReusedOnlyForTheSameClips() throws {
        let dir = try VoiceFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let encoder = try Self.encoderFile(in: dir)
        let classifier = try WhisperClassifier(encoderCheckpoint: encoder, options: WhisperClassifierOptions(weightedLayerSum: true, head: .statistics)).eval()
        let samples = (0..<3).map { SpeechSample(path: "/fx/\($0).wav", label: .angry, corpus: .ravdess, speaker: "01") }
        let clips = VoiceClips(samples: samples, audio: (0..<3).map { Self.clip(4000 + 1000 * $0, 200 + 50 * Double($0)) },
                               targets: [0, 0, 0], labels: defaultEmotionLabels)
        let url = dir.appendingPathComponent("stats.safetensors")
        let (first, loaded1) = try VoiceStatisticsTable.cached(at: url, encoderCheckpoint: encoder, classifier: classifier, clips: clips,
                                                               augmentation: AudioAugmentation(), copies: 2, seed: 7)
        #expect(!loaded1 && first.statistics.shape == [3, 3, Self.config.layers + 1, 2 * Self.config.dModel])
        // Augmented copies differ from the clean clip.
        #expect(try VoiceFixture.maxAbsDiff(first.statistics[0][0], first.statistics[0][1]) > 0)
        let (second, loaded2) = try VoiceStatisticsTable.cached(at: url, encoderCheckpoint: encoder, classifier: classifier, clips: clips,
                                                                augmentation: AudioAugmentation(), copies: 2, seed: 7)
        #expect(loaded2)
        let difference = try VoiceFixture.maxAbsDiff(first.statistics, second.statistics)
        #expect(difference == 0)
        #expect(throws: TorchError.self) {
            try VoiceStatisticsTable.cached(at: url, encoderCheckpoint: encoder, classifier: classifier, clips: clips,
                                            augmentation: AudioAugmentation(), copies: 1, seed: 7)
        }
        #expect(!FileManager.default.fileExists(atPath: url.path + ".partial"))
    }
}

/// `takesense evaluate voice --cv` as users run it, on a RAVDESS-named fixture of synthetic WAV files.
@Suite("Voice: evaluate voice --cv from the command line", .serialized)
struct VoiceCrossValidationCLITests {
    /// The executable built beside this test bundle (`swift build --build-tests` builds every product).
    static let executable = TakeSenseCLI.executable

    static func run(_ args: [String], in dir: URL) throws -> (status: Int32, out: String, err: String) {
        try TakeSenseCLI.run(TakeSenseCLI.process(args, in: dir))
    }

    /// 16-bit PCM mono 16 kHz WAV.
    static func wav(_ samples: [Float]) -> Data {
        var d = Data()
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { d.append(contentsOf: $0) } }
        func u16(_ v: UInt16) { withUnsafeBytes(of: v.littleEndian) { d.append(contentsOf: $0) } }
        d.append(contentsOf: Array("RIFF".utf8)); u32(UInt32(36 + 2 * samples.count)); d.append(contentsOf: Array("WAVEfmt ".utf8))
        u32(16); u16(1); u16(1); u32(16000); u32(32000); u16(2); u16(16)
        d.append(contentsOf: Array("data".utf8)); u32(UInt32(2 * samples.count))
        for s in samples { u16(UInt16(bitPattern: Int16(max(-1, min(1, s)) * 32767))) }
        return d
    }

    @Test(.enabled(if: executable != nil, "the takesense executable is not built"))
    func crossValidationWritesItsReportAndReusesTheCache() throws {
        let dir = try VoiceFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let encoder = try VoiceStatisticsTests.encoderFile(in: dir)
        // Four actors, the six classes twice each (tones whose pitch depends on the emotion), plus one calm clip.
        let codes = [1: 220.0, 3: 330, 4: 180, 5: 400, 6: 270, 7: 150, 2: 240]
        for actor in 1...4 {
            let folder = dir.appendingPathComponent(String(format: "ravdess/Actor_%02d", actor))
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for (code, hz) in codes {
                for statement in code == 2 ? [1] : [1, 2] {
                    let name = String(format: "03-01-%02d-01-%02d-01-%02d.wav", code, statement, actor)
                    let clip = VoiceStatisticsTests.clip(8000 + 800 * statement, hz * (1 + 0.03 * Double(actor)), seed: Double(statement))
                    try Self.wav(clip).write(to: folder.appendingPathComponent(name))
                }
            }
        }
        let args = ["evaluate", "voice", "--cv", "2", "--init", encoder.path, "--data", "ravdess=ravdess", "--copies", "1",
                    "--head-epochs", "3", "--cache", "stats", "--json", "cv.json"]
        let first = try Self.run(args, in: dir)
        #expect(first.status == 0, "\(first.err)")
        #expect(first.out.contains("2-fold speaker-independent CV on ravdess (48 clips)"))
        #expect(first.err.contains("computed ravdess statistics of 48 clips x 2 versions"))
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("stats/ravdess-copies1.safetensors").path))
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("cv.json"))) as! [String: Any]
        let folds = json["folds"] as! [[String: Any]]
        #expect(folds.map { $0["speakers"] as! [String] } == [["01", "02"], ["03", "04"]])
        #expect((json["oof_targets"] as! [Int]).count == 48)
        #expect((json["confusion"] as! [[Int]]).flatMap { $0 }.reduce(0, +) == 48)
        #expect((json["calibration"] as? [String: Any])?["temperature"] as? Double != nil)

        let second = try Self.run(args, in: dir)
        #expect(second.status == 0, "\(second.err)")
        #expect(second.err.contains("loaded ravdess statistics of 48 clips x 2 versions"))
        let again = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("cv.json"))) as! [String: Any]
        #expect(again["oof_logits"] as! [[Double]] == json["oof_logits"] as! [[Double]])

        // Bad input: one line naming the problem, non-zero exit.
        let noInit = try Self.run(["evaluate", "voice", "--cv", "2", "--data", "ravdess=ravdess"], in: dir)
        #expect(noInit.status != 0 && noInit.err.contains("--init"))
        // A cache file of other clips (here: another encoder) is an error naming the file, not silently reused.
        let otherEncoder = dir.appendingPathComponent("encoder2.safetensors")
        try FileManager.default.copyItem(at: encoder, to: otherEncoder)
        let otherCache = try Self.run(args.map { $0 == encoder.path ? otherEncoder.path : $0 }, in: dir)
        #expect(otherCache.status != 0 && otherCache.err.contains("ravdess-copies1.safetensors"), "\(otherCache.err)")
    }

    /// `evaluate voice --predictions`: one row per clip with the model's own probabilities for that clip (checked
    /// against the library run in-process), the argmax as `predicted`, and the same counts as the JSON's confusion.
    @Test(.enabled(if: executable != nil && ShippedVoiceModel.present, "the takesense executable or the shipped voice model is missing"))
    func predictionsCSVHoldsEveryClipsProbabilities() throws {
        let dir = try VoiceFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let codes = [1: 220.0, 3: 330, 4: 180, 5: 400, 6: 270, 7: 150]
        for actor in 1...2 {
            let folder = dir.appendingPathComponent(String(format: "ravdess/Actor_%02d", actor))
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for (code, hz) in codes {
                let clip = VoiceStatisticsTests.clip(12000, hz * (1 + 0.05 * Double(actor)), seed: Double(actor))
                try Self.wav(clip).write(to: folder.appendingPathComponent(String(format: "03-01-%02d-01-01-01-%02d.wav", code, actor)))
            }
        }
        let model = ShippedVoiceModel.file.path
        let result = try Self.run(["evaluate", "voice", "--model", model, "--data", "ravdess=ravdess", "--speakers", "02",
                                   "--predictions", "p.csv", "--json", "e.json"], in: dir)
        #expect(result.status == 0, "\(result.err)")
        let lines = try String(contentsOf: dir.appendingPathComponent("p.csv"), encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines.first == "path,corpus,speaker,truth,predicted,p_angry,p_disgust,p_fear,p_happy,p_neutral,p_sad")
        let rows = lines.dropFirst().map { $0.split(separator: ",").map(String.init) }
        #expect(rows.count == 6)

        let voice = try VoiceEmotionModel(contentsOf: ShippedVoiceModel.file)
        let clips = try VoiceEvaluation.clips([DatasetSpec(parsing: "ravdess=\(dir.appendingPathComponent("ravdess").path)")],
                                              labels: voice.labels, speakers: "02")
        var confusion = Array(repeating: Array(repeating: 0, count: 6), count: 6)
        for row in rows {
            #expect(row[1] == "ravdess" && row[2] == "02")
            let p = row[5...].compactMap(Double.init)
            #expect(p.count == 6 && abs(p.reduce(0, +) - 1) < 1e-6)
            let top = p.indices.max { p[$0] < p[$1] }!
            #expect(row[4] == voice.labels[top])
            let i = try #require(clips.samples.firstIndex { URL(fileURLWithPath: $0.path).lastPathComponent == URL(fileURLWithPath: row[0]).lastPathComponent })
            #expect(row[3] == clips.labels[clips.targets[i]])
            let reference = try voice.probabilities(samples: clips.audio[i]).map(Double.init)
            #expect(zip(p, reference).allSatisfy { abs($0 - $1) < 1e-6 }, "\(row[0]): \(p) vs \(reference)")
            confusion[voice.labels.firstIndex(of: row[3])!][top] += 1
        }
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("e.json"))) as! [String: Any]
        #expect(json["confusion"] as? [[Int]] == confusion)

        // --cv has its own per-clip output (the JSON's out-of-fold logits): --predictions there is an error, not ignored.
        let withCV = try Self.run(["evaluate", "voice", "--cv", "2", "--init", model, "--data", "ravdess=ravdess", "--predictions", "q.csv"], in: dir)
        #expect(withCV.status != 0 && withCV.err.contains("--predictions"), "\(withCV.err)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("q.csv").path))
    }
}
