import Datasets
import Foundation
import Torch
import Training
import VoiceEmotion

/// One voice-training run: a ``VoiceRecipe`` applied to speech corpora from a pretrained Whisper
/// encoder, checkpointed in `output` (resumable), ending with the best model evaluated on the
/// validation and held-out test speakers and, with `export`, written in its shipped form.
public struct VoiceTrainingRun {
    public var recipe: VoiceRecipe
    public var corpora: [DatasetSpec]
    /// The pretrained Whisper encoder (safetensors from `takesense models import-whisper`, or a transformers checkpoint).
    public var initialEncoder: URL
    public var output: URL
    /// Also write the best model here in its shipped form (float16 encoder).
    public var export: URL?
    public var resume = false
    public var stopAfter: Int?
    /// `statistics` recipe: the statistics cache folder, and the JSON of an `evaluate voice --cv` run of
    /// the same recipe whose out-of-fold logits fit the temperature and whose confusion is stored.
    public var statisticsCache: URL?
    public var calibration: URL?
    public var log: (String) -> Void = RunFiles.logToStandardError

    public init(recipe: VoiceRecipe, corpora: [DatasetSpec], initialEncoder: URL, output: URL) {
        self.recipe = recipe
        self.corpora = corpora
        self.initialEncoder = initialEncoder
        self.output = output
    }

    public struct Outcome {
        public var validationSpeakers = ""
        public var validation: EvaluationReport?
        public var testSpeakers = ""
        public var test: EvaluationReport?
        public var bestEpoch = 0
    }

    /// Fine-tunes (recipes `efficient`, `study`) or fits a statistics head (`statistics`).
    public func run() throws -> Outcome {
        guard !corpora.isEmpty else { throw RecipeError("--data: give at least one corpus, e.g. ravdess=/data/RAVDESS") }
        if let statistics = recipe.statistics { return try runStatistics(statistics) }
        let labels = recipe.labels, seed = recipe.training.seed

        // Data and split.
        let loaded = try SpeechCorpora.load(corpora, options: LoadOptions(labels: try LabelSet(names: labels)))
        let split = try VoiceEvaluation.split(loaded.samples, test: recipe.testSpeakers, validation: recipe.validationSpeakers, seed: seed)
        log("\(loaded.samples.count) clips (\(loaded.report)); training \(split.training.count) from \(VoiceSplit.describe(split.trainingSpeakers)), "
            + "validation \(split.validation.count) from \(VoiceSplit.describe(split.validationSpeakers)), "
            + "test \(split.test.count) from \(VoiceSplit.describe(split.testSpeakers))")
        guard !split.training.isEmpty, !split.validation.isEmpty else { throw RecipeError("the split left no training or no validation clips") }
        var progress = ProgressLine()
        let decodeStart = Date()
        let all = split.training + split.validation + split.test
        let clips = try VoiceClips.load(all, labels: labels) { done, total in
            progress.update("decoding", fraction: Double(done) / Double(total), detail: "\(done)/\(total) clips",
                            eta: Date().timeIntervalSince(decodeStart) / Double(done) * Double(total - done))
        }
        progress.finish()
        let nTrain = split.training.count, nVal = split.validation.count
        func part(_ r: Range<Int>) -> VoiceClips {
            VoiceClips(samples: Array(clips.samples[r]), audio: Array(clips.audio[r]), targets: Array(clips.targets[r]), labels: clips.labels)
        }
        let trainClips = part(0..<nTrain), valClips = part(nTrain..<nTrain + nVal), testClips = part(nTrain + nVal..<clips.count)
        log(String(format: "decoded %d clips (%.0f s of audio) in %.1f s", clips.count,
                   Double(clips.audio.reduce(0) { $0 + $1.count }) / 16000, Date().timeIntervalSince(decodeStart)))

        // Model: the encoder's lower blocks frozen, the last `trainableBlocks`, the final layer norm and the head trained.
        let sizes = try WhisperClassifier.encoderConfig(of: initialEncoder)
        let expected: [String: WhisperConfig] = ["whisper-tiny": .tiny, "whisper-base": .base, "whisper-small": .small]
        guard let wanted = expected[recipe.backbone] else {
            throw RecipeError("--backbone: unknown '\(recipe.backbone)' (whisper-tiny, whisper-base, whisper-small)")
        }
        guard sizes.dModel == wanted.dModel, sizes.layers == wanted.layers else {
            throw RecipeError("\(initialEncoder.path): a \(sizes.layers)-block, \(sizes.dModel)-wide encoder is not \(recipe.backbone)")
        }
        var options = WhisperClassifierOptions(outputLayer: recipe.outputLayer, padTo30s: recipe.pad30s, pooling: recipe.pad30s ? .allFrames : .trueLength)
        options.projectionSize = recipe.projectionSize
        try Torch.manualSeed(seed)
        let classifier = try WhisperClassifier(encoderCheckpoint: initialEncoder, labels: labels, options: options)
        let top = recipe.outputLayer ?? sizes.layers
        let trainable = recipe.trainableBlocks
        guard trainable >= 0, trainable <= top else { throw RecipeError("--trainable-blocks must be in 0...\(top)") }
        let cacheLayer = top - trainable
        try classifier.freeze(prefix: "encoder")
        for i in cacheLayer..<top { try classifier.freeze(prefix: "encoder.layers.\(i)", false) }
        if top == sizes.layers { try classifier.freeze(prefix: "encoder.layer_norm", false) }
        let config = recipe.training, copies = recipe.augmentCopies

        // Frozen outputs, once.
        let cacheStart = Date()
        let augmentation = copies > 0 ? AudioAugmentation() : nil
        let total = trainClips.count + valClips.count
        let trainCache = try WhisperFeatureCache(
            classifier: classifier, clips: trainClips.audio, targets: trainClips.targets, layer: cacheLayer,
            augmentation: augmentation, copies: copies, seed: seed) { done, _ in
                progress.update("caching blocks 1-\(cacheLayer)", fraction: Double(done) / Double(total), detail: "\(done)/\(total) clips",
                                eta: Date().timeIntervalSince(cacheStart) / Double(done) * Double(total - done))
            }
        let valCache = try WhisperFeatureCache(classifier: classifier, clips: valClips.audio, targets: valClips.targets, layer: cacheLayer) { done, _ in
            progress.update("caching blocks 1-\(cacheLayer)", fraction: Double(trainClips.count + done) / Double(total),
                            detail: "\(trainClips.count + done)/\(total) clips", eta: 0)
        }
        progress.finish()
        log(String(format: "cached hidden state %d of %d training clips x %d versions and %d validation clips (%.0f MB) in %.1f s",
                   cacheLayer, trainCache.count, copies + 1, valCache.count, Double(trainCache.bytes + valCache.bytes) / 1e6,
                   Date().timeIntervalSince(cacheStart)))

        let forward: (Batch) throws -> Tensor = { batch in
            let lengths = try batch.lengths.map { try $0.toArray(Int64.self).map(Int.init) }
            return try classifier.logits(hidden: batch.inputs, fromLayer: cacheLayer, validFrames: lengths)
        }
        let trainer = Trainer(model: classifier, config: config, directory: output, labels: labels, forward: forward)
        trainer.log = log
        trainer.parameters = classifier.trainableParameters
        trainer.modelMetadata = classifier.metadata.merging([
            "recipe": recipe.name, "trained_on": corpora.map(\.description).joined(separator: " "),
            "trainable_blocks": String(trainable), "augment_copies": String(copies), "seed": String(seed),
            RunFiles.recipeKey: try recipe.json(),
        ]) { $1 }
        log("training \(recipe.backbone): \(cacheLayer + 1 == top ? "block \(top)" : "blocks \(cacheLayer + 1)-\(top)") "
            + "and the head (\(classifier.parameterCount(trainableOnly: true)) trainable of "
            + "\(classifier.parameterCount()) parameters), \(recipe.pad30s ? "padded to 30 s" : "true length"), \(config.epochs) epochs, "
            + "batch \(config.batchSize), \(config.optimizer.rawValue) lr \(config.learningRate), \(Torch.threads) threads")
        let result = try trainer.run(
            train: CachedVoiceBatches(trainCache, shuffle: true, augmented: copies > 0, seed: seed),
            validation: CachedVoiceBatches(valCache),
            resume: resume, stopAfter: stopAfter)

        // The selected model, on validation and on the held-out speakers.
        var outcome = Outcome(validationSpeakers: VoiceSplit.describe(split.validationSpeakers),
                              testSpeakers: VoiceSplit.describe(split.testSpeakers), bestEpoch: result.bestEpoch)
        let best = try VoiceEmotionModel(contentsOf: result.bestModel)
        let valReport = try VoiceEvaluation.evaluateWithProgress(best, valClips).report
        try RunFiles.writeJSON(valReport, to: output.appendingPathComponent("validation.json"))
        outcome.validation = valReport
        if !testClips.samples.isEmpty {
            let testReport = try VoiceEvaluation.evaluateWithProgress(best, testClips).report
            try RunFiles.writeJSON(testReport, to: output.appendingPathComponent("evaluation.json"))
            try testReport.confusionSVG.write(to: output.appendingPathComponent("confusion.svg"), atomically: true, encoding: .utf8)
            outcome.test = testReport
        }
        if let export {
            try best.classifier.save(to: export, metadata: trainer.modelMetadata.merging(["epoch": String(result.bestEpoch)]) { $1 },
                                     floatType: .float16)
        }
        return outcome
    }

    /// Recipe `statistics`: a statistics head on the frozen encoder, trained on every clip of the corpora
    /// except the test speakers, with the temperature and confusion of a CV run (`calibration`).
    func runStatistics(_ headRecipe: StatisticsHeadRecipe) throws -> Outcome {
        let table = try VoiceStatisticsTable.compute(encoder: initialEncoder, corpora: corpora, speakers: nil, labels: recipe.labels,
                                                     cache: statisticsCache, copies: recipe.statisticsCopies,
                                                     augmentSeed: recipe.statisticsAugmentSeed, log: log)
        let held = try recipe.testSpeakers.map { try VoiceEvaluation.parseSpeakers($0, in: table.samples) } ?? []
        let rows = table.samples.indices.filter { !held.contains(table.samples[$0].speakerRef) }
        var metadata: [String: String] = [
            "recipe": "statistics", "head_recipe": String(decoding: try JSONEncoder().encode(headRecipe), as: UTF8.self),
            "trained_on": corpora.map(\.description).joined(separator: " "),
            "training_speakers": VoiceSplit.describe(Set(rows.map { table.samples[$0].speakerRef })),
            "held_out_speakers": held.sorted().map(\.description).joined(separator: ","),
            "augment_copies": String(table.copies), "seed": String(headRecipe.seed),
            RunFiles.recipeKey: try recipe.json(),
        ]
        if let calibration {
            let cv: VoiceCrossValidation.Result
            do { cv = try JSONDecoder().decode(VoiceCrossValidation.Result.self, from: Data(contentsOf: calibration)) } catch {
                throw RecipeError("\(calibration.path): not the JSON of an `evaluate voice --cv` run (\(error.localizedDescription))")
            }
            guard cv.labels == recipe.labels else { throw RecipeError("\(calibration.path): labels \(cv.labels) differ from the model's \(recipe.labels)") }
            guard cv.recipe == headRecipe else { throw RecipeError("\(calibration.path): a CV of another recipe (\(cv.recipe.summary))") }
            let fit = try VoiceCalibration.fit(cv)
            metadata.merge(fit.metadata) { $1 }
            log(String(format: "calibration: temperature %.4f (ECE %.4f → %.4f, NLL %.4f → %.4f on %d out-of-fold clips)",
                       fit.temperature, fit.eceBefore, fit.eceAfter, fit.nllBefore, fit.nllAfter, cv.oof_targets.count))
        }
        log("training the statistics head on \(rows.count) clips (\(VoiceSplit.describe(Set(rows.map { table.samples[$0].speakerRef })))): "
            + "\(headRecipe.summary)")
        let model = try StatisticsHeadTraining.train(encoderCheckpoint: initialEncoder, table: table, rows: rows, recipe: headRecipe)
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        try model.saveShippable(to: output.appendingPathComponent("best.safetensors"), metadata: metadata, encoderFloatType: nil)
        if let export { try model.saveShippable(to: export, metadata: metadata, encoderFloatType: .float16) }
        return Outcome()
    }
}

/// Speaker sets in logs: listed when few, counted when many.
public enum VoiceSplit {
    public static func describe(_ speakers: Set<SpeakerRef>) -> String {
        let sorted = speakers.sorted()
        if sorted.count > 6 { return "\(sorted.count) speakers" }
        return sorted.isEmpty ? "no speakers" : sorted.map(\.description).joined(separator: ", ")
    }
}

extension VoiceEvaluation {
    /// `predict` with a progress line on standard error.
    public static func predictWithProgress(_ model: VoiceEmotionModel, _ clips: VoiceClips) throws -> Predictions {
        var progress = ProgressLine()
        defer { progress.finish() }
        return try predict(model, clips) { done, total, elapsed in
            progress.update("evaluating", fraction: Double(done) / Double(total), detail: "\(done)/\(total) clips",
                            eta: elapsed / Double(done) * Double(total - done))
        }
    }

    /// `evaluate` with a progress line on standard error.
    public static func evaluateWithProgress(_ model: VoiceEmotionModel, _ clips: VoiceClips) throws -> (report: EvaluationReport, seconds: Double) {
        let p = try predictWithProgress(model, clips)
        return (try p.report(), p.seconds)
    }
}

extension VoiceStatisticsTable {
    /// Decodes the clips of `corpora` (only `speakers` when given) and computes or loads their encoder
    /// statistics, one cache file per corpus in `cache`, so that adding a corpus (or a subset of
    /// speakers) reuses what is computed.
    public static func compute(encoder: URL, corpora: [DatasetSpec], speakers: String?, labels: [String], cache: URL?,
                               copies: Int, augmentSeed: UInt64, log: @escaping (String) -> Void) throws -> VoiceStatisticsTable {
        let decodeStart = Date()
        let clips = try VoiceEvaluation.clips(corpora, labels: labels, speakers: speakers)
        log(String(format: "decoded %d clips in %.1f s", clips.count, Date().timeIntervalSince(decodeStart)))
        let classifier = try WhisperClassifier(encoderCheckpoint: encoder, labels: labels,
                                               options: WhisperClassifierOptions(weightedLayerSum: true, head: .statistics))
        classifier.eval()
        if let cache { try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true) }
        var parts: [VoiceStatisticsTable] = []
        for corpus in Corpus.allCases {
            let rows = clips.samples.indices.filter { clips.samples[$0].corpus == corpus }
            guard !rows.isEmpty else { continue }
            let part = VoiceClips(samples: rows.map { clips.samples[$0] }, audio: rows.map { clips.audio[$0] },
                                  targets: rows.map { clips.targets[$0] }, labels: clips.labels)
            var progress = ProgressLine()
            let start = Date()
            let url = cache.map { $0.appendingPathComponent("\(corpus.rawValue)-copies\(copies).safetensors") }
            let (table, loaded) = try VoiceStatisticsTable.cached(
                at: url, encoderCheckpoint: encoder, classifier: classifier, clips: part,
                augmentation: copies > 0 ? AudioAugmentation() : nil, copies: copies, seed: augmentSeed) { done, total in
                    let eta = Date().timeIntervalSince(start) / Double(done) * Double(total - done)
                    progress.update("encoder statistics", fraction: Double(done) / Double(total), detail: "\(done)/\(total) clips", eta: eta)
                    // A plain line now and then for logs (the progress line only draws on a terminal).
                    if done % 250 == 0 { log("encoder statistics (\(corpus.rawValue)): \(done)/\(total) clips, ETA \(ProgressLine.clock(eta))") }
                }
            progress.finish()
            log(String(format: "%@ %@ statistics of %d clips x %d versions in %.1f s", loaded ? "loaded" : "computed", corpus.rawValue,
                       table.count, table.copies + 1, Date().timeIntervalSince(start)))
            parts.append(table)
        }
        return VoiceStatisticsTable(samples: parts.flatMap(\.samples), targets: parts.flatMap(\.targets), labels: clips.labels,
                                    statistics: try Torch.cat(parts.map(\.statistics), dim: 0))
    }
}
