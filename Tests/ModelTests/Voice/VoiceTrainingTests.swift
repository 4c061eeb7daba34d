import Datasets
import Foundation
import Testing
import Torch
import Training
@testable import VoiceEmotion
@testable import VoiceTraining

/// The voice training path: frozen lower blocks cached once, upper blocks and head trained on padded
/// batches with attention masks, and the library entry point.
@Suite("Voice: cached training and the model entry point", .serialized)
struct VoiceTrainingTests {
    static let config = WhisperConfig(melBins: 80, dModel: 32, layers: 3, heads: 4, ffnDim: 64, maxSourcePositions: 1500)

    static func clip(_ n: Int, _ hz: Double, seed: Double = 0) -> [Float] {
        (0..<n).map { i -> Float in
            let t = Double(i)
            let tone: Double = 0.3 * sin(2 * Double.pi * hz * t / 16000 + seed)
            let buzz: Double = 0.05 * sin(t * 0.37 + seed)
            return Float(tone + buzz)
        }
    }

    @Test func cachedHiddenStatesGiveTheSameLogitsAsTheWholeModel() throws {
        try Torch.manualSeed(21)
        let model = try WhisperClassifier(Self.config, options: WhisperClassifierOptions(projectionSize: 8)).eval()
        let clips = [Self.clip(9600, 220), Self.clip(6400, 330, seed: 1), Self.clip(12000, 180, seed: 2)]
        try Torch.noGrad {
            let whole = try clips.map { try model.logits(clips: [$0]) }
            for layer in 0...Self.config.layers {
                let states = try clips.map { try model.hiddenState(clip: $0, layer: layer) }
                // One at a time.
                for (i, (h, n)) in states.enumerated() {
                    let l = try model.logits(hidden: h.unsqueeze(0), fromLayer: layer, validFrames: [n])
                    #expect(try VoiceFixture.maxAbsDiff(l, whole[i]) < 1e-4, "layer \(layer), clip \(i)")
                }
                // Padded together: the mask keeps each clip's logits.
                let longest = states.map { $0.0.size(0) }.max()!
                let batch = try Torch.stack(states.map { try $0.0.pad([0, 0, 0, longest - $0.0.size(0)]) }, dim: 0)
                let l = try model.logits(hidden: batch, fromLayer: layer, validFrames: states.map(\.1))
                for i in clips.indices {
                    #expect(try VoiceFixture.maxAbsDiff(l[i].unsqueeze(0), whole[i]) < 1e-4, "batched, layer \(layer), clip \(i)")
                }
            }
            // logits(clips:) on a batch of different lengths now masks the padding too.
            let batched = try model.logits(clips: clips)
            for i in clips.indices {
                #expect(try VoiceFixture.maxAbsDiff(batched[i].unsqueeze(0), whole[i]) < 1e-3, "logits(clips:) clip \(i)")
            }
        }
    }

    @Test func weightedLayerSumCannotStartFromACache() throws {
        let model = try WhisperClassifier(Self.config, options: WhisperClassifierOptions(projectionSize: 8, weightedLayerSum: true))
        #expect(throws: TorchError.self) { try model.logits(hidden: Tensor.zeros([1, 5, 32]), fromLayer: 1, validFrames: [5]) }
    }

    @Test func cacheHoldsAugmentedCopiesAndBatchesAreReproducible() throws {
        try Torch.manualSeed(5)
        let model = try WhisperClassifier(Self.config, options: WhisperClassifierOptions(projectionSize: 8)).eval()
        let clips = (0..<5).map { Self.clip(4800 + 800 * $0, 200 + 40 * Double($0), seed: Double($0)) }
        let cache = try WhisperFeatureCache(classifier: model, clips: clips, targets: [0, 1, 2, 3, 4], layer: 2,
                                            augmentation: AudioAugmentation(), copies: 2, seed: 9)
        #expect(cache.count == 5)
        #expect(cache.versions.allSatisfy { $0.count == 3 })
        #expect(cache.validFrames[0][0] == (4800 / 160 + 1) / 2)
        #expect(cache.versions[0][0].shape == [15, 32])
        // Same seed, same copies.
        let again = try WhisperFeatureCache(classifier: model, clips: clips, targets: [0, 1, 2, 3, 4], layer: 2,
                                            augmentation: AudioAugmentation(), copies: 2, seed: 9)
        for i in 0..<5 { for k in 0..<3 { #expect(try VoiceFixture.maxAbsDiff(cache.versions[i][k], again.versions[i][k]) == 0) } }

        let source = CachedVoiceBatches(cache, shuffle: true, augmented: true, seed: 3)
        func epoch(_ e: Int) throws -> [(targets: [Int64], lengths: [Int64], shape: [Int])] {
            try Array(source.batches(epoch: e, batchSize: 2)).map { r in
                let b = try r.get()
                return (try b.targets.toArray(Int64.self), try b.lengths!.toArray(Int64.self), b.inputs.shape)
            }
        }
        let e0 = try epoch(0), e0again = try epoch(0)
        #expect(e0.map(\.targets) == e0again.map(\.targets))
        #expect(e0.map(\.lengths) == e0again.map(\.lengths))
        #expect(e0.count == 3)
        #expect(Set(e0.flatMap(\.targets)) == [0, 1, 2, 3, 4])
        for b in e0 { #expect(b.shape[1] == Int(b.lengths.max()!) && b.shape[2] == 32) }
        // Evaluation order is fixed and clean.
        let plain = try Array(CachedVoiceBatches(cache).batches(epoch: 4, batchSize: 5)).map { try $0.get() }
        #expect(try plain[0].targets.toArray(Int64.self) == [0, 1, 2, 3, 4])
        #expect(try plain[0].lengths!.toArray(Int64.self) == cache.validFrames.map { Int64($0[0]) })
    }

    @Test func trainerUpdatesOnlyTheUpperBlocksAndTheHeadAndSavesALoadableModel() throws {
        let dir = try VoiceFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Torch.manualSeed(8)
        let labels = ["angry", "happy"]
        let model = try WhisperClassifier(Self.config, labels: labels, options: WhisperClassifierOptions(projectionSize: 8))
        try model.freeze(prefix: "encoder")
        try model.freeze(prefix: "encoder.layers.2", false)
        try model.freeze(prefix: "encoder.layer_norm", false)
        let clips = (0..<8).map { Self.clip(3200 + 320 * $0, $0 % 2 == 0 ? 150 : 900, seed: Double($0)) }
        let targets = (0..<8).map { $0 % 2 }
        let cache = try WhisperFeatureCache(classifier: model, clips: clips, targets: targets, layer: 2,
                                            augmentation: AudioAugmentation(), copies: 1, seed: 1)
        let frozenBefore = try model.encoder.layers[1].fc1.weight.floats()
        let trainableBefore = try model.encoder.layers[2].fc1.weight.floats()
        var config = TrainingConfig()
        config.epochs = 3
        config.batchSize = 4
        config.optimizer = .adamw
        config.learningRate = 1e-2
        let trainer = Trainer(model: model, config: config, directory: dir, labels: labels) { batch in
            try model.logits(hidden: batch.inputs, fromLayer: 2, validFrames: batch.lengths!.toArray(Int64.self).map(Int.init))
        }
        trainer.parameters = model.trainableParameters
        trainer.modelMetadata = model.metadata
        trainer.progress.enabled = false
        trainer.log = { _ in }
        let result = try trainer.run(train: CachedVoiceBatches(cache, shuffle: true, augmented: true, seed: 2), validation: CachedVoiceBatches(cache))
        #expect(result.history.count == 3)
        #expect(try model.encoder.layers[1].fc1.weight.floats() == frozenBefore)
        #expect(try model.encoder.layers[2].fc1.weight.floats() != trainableBefore)
        let back = try VoiceEmotionModel(contentsOf: result.bestModel)
        #expect(back.labels == labels)
        let p = try back.probabilities(samples: clips[0])
        #expect(p.count == 2 && abs(p.reduce(0, +) - 1) < 1e-5)
    }

    @Test func pausedAndResumedRunEqualsAnUninterruptedOne() throws {
        let labels = ["angry", "happy", "sad"]
        let clips = (0..<6).map { Self.clip(3200 + 480 * $0, 120 + 200 * Double($0 % 3), seed: Double($0)) }
        let targets = (0..<6).map { $0 % 3 }
        func run(_ dir: URL, pauseAfter: Int?) throws -> [Float] {
            try Torch.manualSeed(13)
            let model = try WhisperClassifier(Self.config, labels: labels, options: WhisperClassifierOptions(projectionSize: 8))
            try model.freeze(prefix: "encoder")
            try model.freeze(prefix: "encoder.layers.2", false)
            try model.freeze(prefix: "encoder.layer_norm", false)
            let cache = try WhisperFeatureCache(classifier: model, clips: clips, targets: targets, layer: 2,
                                                augmentation: AudioAugmentation(), copies: 2, seed: 4)
            var config = TrainingConfig()
            config.epochs = 3
            config.batchSize = 4
            config.optimizer = .adamw
            config.learningRate = 5e-3
            config.schedule = .cosine
            config.seed = 4
            func trainer() -> Trainer {
                let t = Trainer(model: model, config: config, directory: dir, labels: labels) { batch in
                    try model.logits(hidden: batch.inputs, fromLayer: 2, validFrames: batch.lengths!.toArray(Int64.self).map(Int.init))
                }
                t.parameters = model.trainableParameters
                t.modelMetadata = model.metadata
                t.progress.enabled = false
                t.log = { _ in }
                return t
            }
            let train = CachedVoiceBatches(cache, shuffle: true, augmented: true, seed: 4), validation = CachedVoiceBatches(cache)
            if let pauseAfter {
                _ = try trainer().run(train: train, validation: validation, stopAfter: pauseAfter)
                _ = try trainer().run(train: train, validation: validation, resume: true)
            } else {
                _ = try trainer().run(train: train, validation: validation)
            }
            return try model.encoder.layers[2].fc2.weight.floats() + model.classifier.weight.floats()
        }
        let a = try VoiceFixture.temporaryDirectory(), b = try VoiceFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: a); try? FileManager.default.removeItem(at: b) }
        let straight = try run(a, pauseAfter: nil)
        let resumed = try run(b, pauseAfter: 1)
        #expect(straight == resumed)
    }

    @Test func modelWindowsLongAudioAndPadsShortAudio() throws {
        #expect(VoiceEmotionModel.windows(count: 16000) == [0..<16000])
        #expect(VoiceEmotionModel.windows(count: 480_000) == [0..<480_000])
        #expect(VoiceEmotionModel.windows(count: 1_000_000) == [0..<480_000, 480_000..<960_000, 960_000..<1_000_000])
        // A last piece under 1 s is replaced by the last 30 s.
        #expect(VoiceEmotionModel.windows(count: 960_100) == [0..<480_000, 480_000..<960_000, 480_100..<960_100])

        try Torch.manualSeed(2)
        let model = VoiceEmotionModel(try WhisperClassifier(Self.config, options: WhisperClassifierOptions(projectionSize: 8)))
        let short = try model.probabilities(samples: [Float](repeating: 0.01, count: 100))
        #expect(short.count == 6 && abs(short.reduce(0, +) - 1) < 1e-5)
        #expect(throws: TorchError.self) { try model.probabilities(samples: []) }
        // 65 s: three windows, duration-weighted.
        let long = (0..<(65 * 16000)).map { Float(0.2 * sin(Double($0) * 0.01)) }
        let p = try model.probabilities(samples: long)
        let parts = try [0..<480_000, 480_000..<960_000, 960_000..<1_040_000].map { try model.probabilities(samples: Array(long[$0])) }
        let weights = [480_000.0, 480_000, 80_000]
        for i in 0..<6 {
            let expected = zip(parts, weights).reduce(0.0) { $0 + Double($1.0[i]) * $1.1 } / weights.reduce(0, +)
            #expect(abs(Double(p[i]) - expected) < 1e-5)
        }
        let (label, probability) = try model.predict(samples: long)
        #expect(model.labels.contains(label) && probability == p.max()!)
    }

    @Test func padTo30sIsAModelSetting() throws {
        try Torch.manualSeed(6)
        let model = VoiceEmotionModel(try WhisperClassifier(Self.config, options: WhisperClassifierOptions(projectionSize: 8)))
        let clip = Self.clip(8000, 300)
        let trueLength = try model.probabilities(samples: clip)
        model.padTo30s = true
        let padded = try model.probabilities(samples: clip)
        #expect(model.classifier.options.padTo30s)
        #expect(padded.count == 6 && trueLength != padded)
    }

    @Test func speakerListsAndSplits() throws {
        func sample(_ speaker: String, _ corpus: Corpus = .ravdess) -> SpeechSample {
            SpeechSample(path: "/x/\(corpus)/\(speaker)/\(UUID().uuidString).wav", label: .angry, corpus: corpus, speaker: speaker)
        }
        let samples = (1...20).flatMap { n in (0..<3).map { _ in sample(n < 10 ? "0\(n)" : "\(n)") } } + [sample("1001", .cremad)]
        #expect(
            try VoiceEvaluation.parseSpeakers("19, 20", in: samples) == [
                SpeakerRef(corpus: .ravdess, speaker: "19"), SpeakerRef(corpus: .ravdess, speaker: "20"),
            ])
        #expect(
            try VoiceEvaluation.parseSpeakers("cremad:1001,7", in: samples) == [
                SpeakerRef(corpus: .cremad, speaker: "1001"), SpeakerRef(corpus: .ravdess, speaker: "07"),
            ])
        #expect(throws: TorchError.self) { try VoiceEvaluation.parseSpeakers("23", in: samples) }
        let split = try VoiceEvaluation.split(samples, test: "19,20", validation: "17,18", seed: 1)
        #expect(split.testSpeakers == [SpeakerRef(corpus: .ravdess, speaker: "19"), SpeakerRef(corpus: .ravdess, speaker: "20")])
        #expect(split.validationSpeakers == [SpeakerRef(corpus: .ravdess, speaker: "17"), SpeakerRef(corpus: .ravdess, speaker: "18")])
        #expect(split.training.count == 16 * 3 + 1)
        #expect(throws: TorchError.self) { try VoiceEvaluation.split(samples, test: "19", validation: "19", seed: 1) }
        let heldOut = try VoiceEvaluation.split(samples, test: "19,20", validation: nil, seed: 1)
        #expect(heldOut.testSpeakers.count == 2 && !heldOut.validation.isEmpty)
        #expect(heldOut.validationSpeakers.isDisjoint(with: heldOut.trainingSpeakers))
    }
}
