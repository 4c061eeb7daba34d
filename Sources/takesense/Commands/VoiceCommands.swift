import ArgumentParser
import Datasets
import Foundation
import Torch
import Training
import VoiceEmotion

/// `takesense train voice`
struct TrainVoice: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "voice",
        abstract: "Fine-tune a Whisper encoder into a speech-emotion classifier (RAVDESS, CREMA-D, TESS, SAVEE).",
        discussion: """
        The encoder starts from --init (e.g. Whisper tiny.en imported with `takesense models import-whisper`). \
        Blocks below the trainable ones are frozen: their outputs are computed once per clip (and per augmented \
        copy) and cached in memory, so each epoch runs only the trainable blocks and the head.
        Recipes: 'efficient' (default) trains the last --trainable-blocks (2) blocks, the final layer norm and the \
        head on true-length clips with --augment-copies (6) augmented copies of every training clip (noise, gain, \
        shift, speed, pitch, reverb), AdamW lr 2e-4 with warm-up and cosine decay, label smoothing 0.1, and keeps the \
        epoch with the lowest validation loss. 'study' reproduces the MSc study: everything frozen but the last block \
        and the head, Adam lr 1e-5, early stopping on validation loss with patience 20, no augmentation \
        (add --pad-30s for its zero-padding of every clip to 30 s).
        Split: --test-speakers are never trained on nor used for selection; validation is --val-speakers, or \
        10% of the remaining speakers per corpus. Without either, the study's split (10% of speakers for test, 20% of \
        the rest at random for validation).
        """
    )

    @Option(name: .customLong("data"), help: "A corpus as name=DIR (ravdess, cremad, tess, savee); repeatable.")
    var data: [String]
    @Option(help: "Output directory: checkpoints, best.safetensors, curves.csv/svg, validation.json, evaluation.json.") var output: String
    @Option(help: "efficient | study | statistics") var recipe = "efficient"
    @Option(help: "Backbone: whisper-tiny (whisper-base, whisper-small with a matching --init).") var backbone = "whisper-tiny"
    @Option(help: "Pretrained Whisper encoder (safetensors from `takesense models import-whisper`, or a transformers checkpoint).")
    var `init`: String
    @Option(help: "Label set, comma-separated.") var labels = "angry,disgust,fear,happy,neutral,sad"
    @Option(help: "Held-out test speakers, e.g. 19,20 or ravdess:19,ravdess:20.") var testSpeakers: String?
    @Option(help: "Validation (model-selection) speakers, e.g. 17,18.") var valSpeakers: String?
    @Option(help: "Train the last N encoder blocks (efficient: 2, study: 1); the ones below are frozen and cached.") var trainableBlocks: Int?
    @Option(help: "Read the hidden state after this many blocks (default: the last, after the final layer norm).") var outputLayer: Int?
    @Option(help: "Augmented copies cached per training clip (efficient: 6, study: 0).") var augmentCopies: Int?
    @Flag(name: .customLong("pad-30s"), help: "Zero-pad every clip to 30 s and pool over all frames (the study); default: true length.") var pad30s = false
    @Option var epochs: Int?
    @Option var batchSize: Int?
    @Option var lr: Double?
    @Option(help: "Early-stopping patience in epochs (validation loss).") var patience: Int?
    @Option(help: "Also write the best model to this file in float16 (the form shipped in Models/).") var export: String?
    @Option var seed: UInt64 = 42
    @Flag(help: "Continue the run found in --output.") var resume = false
    @Option(help: "Pause after this many epochs in all (checkpoint kept; continue later with --resume).") var stopAfter: Int?
    @OptionGroup var statistics: StatisticsRecipeOptions
    @Option(help: "Recipe statistics: the JSON of an `evaluate voice --cv` run of the same recipe whose out-of-fold logits fit the temperature and whose confusion is stored.")
    var calibration: String?
    @OptionGroup var engine: EngineOptions

    func run() throws {
        try OutputGuard.refuse(files: [("--export", export)], folders: [("--output", output, OutputGuard.trainingFiles)],
                               inputs: [`init`] + data.map { String($0.split(separator: "=", maxSplits: 1).last ?? "") })
        try engine.apply()
        let start = Date()
        let log: (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
        let study = recipe == "study"
        guard study || recipe == "efficient" || recipe == "statistics" else {
            throw Failure("unknown recipe '\(recipe)' (efficient, study or statistics)")
        }
        let labelSet = try LabelSet(parsing: labels)
        let specs = try data.map { try DatasetSpec(parsing: $0) }
        guard !specs.isEmpty else { throw Failure("--data: give at least one corpus, e.g. ravdess=/data/RAVDESS") }
        if recipe == "statistics" { return try runStatistics(specs: specs, labels: labelSet.names, start: start, log: log) }

        // Data and split.
        let loaded = try SpeechCorpora.load(specs, options: LoadOptions(labels: labelSet))
        let split = try VoiceEvaluation.split(loaded.samples, test: testSpeakers, validation: valSpeakers, seed: seed)
        log("\(loaded.samples.count) clips (\(loaded.report)); training \(split.training.count) from \(VoiceSplit.describe(split.trainingSpeakers)), "
            + "validation \(split.validation.count) from \(VoiceSplit.describe(split.validationSpeakers)), "
            + "test \(split.test.count) from \(VoiceSplit.describe(split.testSpeakers))")
        guard !split.training.isEmpty, !split.validation.isEmpty else { throw Failure("the split left no training or no validation clips") }
        var progress = ProgressLine()
        let decodeStart = Date()
        let all = split.training + split.validation + split.test
        let clips = try VoiceClips.load(all, labels: labelSet.names) { done, total in
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

        // Model.
        let sizes = try WhisperClassifier.encoderConfig(of: URL(fileURLWithPath: `init`))
        let expected: [String: WhisperConfig] = ["whisper-tiny": .tiny, "whisper-base": .base, "whisper-small": .small]
        guard let wanted = expected[backbone] else { throw Failure("--backbone: unknown '\(backbone)' (whisper-tiny, whisper-base, whisper-small)") }
        guard sizes.dModel == wanted.dModel, sizes.layers == wanted.layers else {
            throw Failure("\(`init`): a \(sizes.layers)-block, \(sizes.dModel)-wide encoder is not \(backbone)")
        }
        var options = WhisperClassifierOptions(outputLayer: outputLayer, padTo30s: pad30s, pooling: pad30s ? .allFrames : .trueLength)
        options.projectionSize = 256
        try Torch.manualSeed(seed)
        let classifier = try WhisperClassifier(encoderCheckpoint: URL(fileURLWithPath: `init`), labels: labelSet.names, options: options)
        let top = outputLayer ?? sizes.layers
        let trainable = trainableBlocks ?? (study ? 1 : 2)
        guard trainable >= 0, trainable <= top else { throw Failure("--trainable-blocks must be in 0...\(top)") }
        let cacheLayer = top - trainable
        try classifier.freeze(prefix: "encoder")
        for i in cacheLayer..<top { try classifier.freeze(prefix: "encoder.layers.\(i)", false) }
        if top == sizes.layers { try classifier.freeze(prefix: "encoder.layer_norm", false) }

        var config = TrainingConfig()
        config.seed = seed
        let copies: Int
        if study {
            config.epochs = epochs ?? 200
            config.batchSize = batchSize ?? 16
            config.optimizer = .adam
            config.learningRate = lr ?? 1e-5
            config.earlyStoppingPatience = patience ?? 20
            config.monitor = .valLoss
            copies = augmentCopies ?? 0
        } else {
            config.epochs = epochs ?? 24
            config.batchSize = batchSize ?? 16
            config.optimizer = .adamw
            config.learningRate = lr ?? 2e-4
            config.weightDecay = 0.01
            config.schedule = .cosine
            config.warmupEpochs = 1
            config.minLearningRate = 1e-6
            config.labelSmoothing = 0.1
            config.earlyStoppingPatience = patience
            config.monitor = .valLoss
            copies = augmentCopies ?? 6
        }

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
        let out = URL(fileURLWithPath: output)
        let trainer = Trainer(model: classifier, config: config, directory: out, labels: labelSet.names, forward: forward)
        trainer.parameters = classifier.trainableParameters
        trainer.modelMetadata = classifier.metadata.merging([
            "recipe": recipe, "trained_on": specs.map(\.description).joined(separator: " "),
            "trainable_blocks": String(trainable), "augment_copies": String(copies), "seed": String(seed),
        ]) { $1 }
        log("training \(backbone): \(cacheLayer + 1 == top ? "block \(top)" : "blocks \(cacheLayer + 1)-\(top)") and the head (\(classifier.parameterCount(trainableOnly: true)) trainable of "
            + "\(classifier.parameterCount()) parameters), \(pad30s ? "padded to 30 s" : "true length"), \(config.epochs) epochs, "
            + "batch \(config.batchSize), \(config.optimizer.rawValue) lr \(config.learningRate), \(Torch.threads) threads")
        let result = try trainer.run(
            train: CachedVoiceBatches(trainCache, shuffle: true, augmented: copies > 0, seed: seed),
            validation: CachedVoiceBatches(valCache),
            resume: resume, stopAfter: stopAfter)

        // The selected model, on validation and on the held-out speakers.
        let best = try VoiceEmotionModel(contentsOf: result.bestModel)
        let valReport = try evaluateVoice(best, valClips).report
        try writeJSON(valReport, to: out.appendingPathComponent("validation.json"))
        print("validation (\(VoiceSplit.describe(split.validationSpeakers))):")
        print(valReport.text)
        if !testClips.samples.isEmpty {
            let testReport = try evaluateVoice(best, testClips).report
            try writeJSON(testReport, to: out.appendingPathComponent("evaluation.json"))
            try testReport.confusionSVG.write(to: out.appendingPathComponent("confusion.svg"), atomically: true, encoding: .utf8)
            print("held-out test (\(VoiceSplit.describe(split.testSpeakers))):")
            print(testReport.text)
            print(String(format: "test accuracy %.4f, macro-F1 %.4f", testReport.accuracy, testReport.macro_f1))
        }
        if let export {
            try best.classifier.save(to: URL(fileURLWithPath: export), metadata: trainer.modelMetadata.merging(["epoch": String(result.bestEpoch)]) { $1 },
                                     floatType: .float16)
            print("exported the best model (float16) to \(export)")
        }
        print(String(format: "best epoch %d; validation accuracy %.4f, macro-F1 %.4f; %.1f minutes in all",
                     result.bestEpoch, valReport.accuracy, valReport.macro_f1, Date().timeIntervalSince(start) / 60))
    }
}

extension TrainVoice {
    /// Recipe `statistics`: a statistics head on the frozen encoder, trained on every clip of --data
    /// except --test-speakers, with the temperature and confusion of a CV run (--calibration).
    func runStatistics(specs: [DatasetSpec], labels: [String], start: Date, log: @escaping (String) -> Void) throws {
        let (table, encoder) = try statistics.table(initCheckpoint: `init`, specs: specs, speakers: nil, labels: labels, log: log)
        let held = try testSpeakers.map { try VoiceEvaluation.parseSpeakers($0, in: table.samples) } ?? []
        let rows = table.samples.indices.filter { !held.contains(table.samples[$0].speakerRef) }
        let recipe = statistics.recipe
        var metadata: [String: String] = [
            "recipe": "statistics", "head_recipe": String(decoding: try JSONEncoder().encode(recipe), as: UTF8.self),
            "trained_on": specs.map(\.description).joined(separator: " "),
            "training_speakers": VoiceSplit.describe(Set(rows.map { table.samples[$0].speakerRef })),
            "held_out_speakers": held.sorted().map(\.description).joined(separator: ","),
            "augment_copies": String(table.copies), "seed": String(recipe.seed),
        ]
        if let calibration {
            let url = URL(fileURLWithPath: calibration)
            let cv: VoiceCrossValidation.Result
            do { cv = try JSONDecoder().decode(VoiceCrossValidation.Result.self, from: Data(contentsOf: url)) } catch {
                throw Failure("\(calibration): not the JSON of an `evaluate voice --cv` run (\(error.localizedDescription))")
            }
            guard cv.labels == labels else { throw Failure("\(calibration): labels \(cv.labels) differ from the model's \(labels)") }
            guard cv.recipe == recipe else { throw Failure("\(calibration): a CV of another recipe (\(cv.recipe.summary))") }
            let fit = try VoiceCalibration.fit(cv)
            metadata.merge(fit.metadata) { $1 }
            log(String(format: "calibration: temperature %.4f (ECE %.4f → %.4f, NLL %.4f → %.4f on %d out-of-fold clips)",
                       fit.temperature, fit.eceBefore, fit.eceAfter, fit.nllBefore, fit.nllAfter, cv.oof_targets.count))
        }
        log("training the statistics head on \(rows.count) clips (\(VoiceSplit.describe(Set(rows.map { table.samples[$0].speakerRef })))): \(recipe.summary)")
        let model: WhisperClassifier
        do { model = try StatisticsHeadTraining.train(encoderCheckpoint: encoder, table: table, rows: rows, recipe: recipe) } catch let e as TorchError {
            throw Failure(e.message)
        }
        let out = URL(fileURLWithPath: output)
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        try model.saveShippable(to: out.appendingPathComponent("best.safetensors"), metadata: metadata, encoderFloatType: nil)
        if let export {
            try model.saveShippable(to: URL(fileURLWithPath: export), metadata: metadata, encoderFloatType: .float16)
            print("exported the model (encoder float16, head float32) to \(export)")
        }
        print(String(format: "trained in %.1f minutes in all", Date().timeIntervalSince(start) / 60))
    }
}

/// `takesense evaluate voice`
struct EvaluateVoice: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "voice",
        abstract: "Evaluate a voice-emotion model on speech corpora (RAVDESS, CREMA-D, TESS, SAVEE).",
        discussion: """
        Clips whose emotion is outside the model's label set (RAVDESS calm and surprised for the six classes) are \
        skipped and counted. --pad-30s zero-pads every clip to 30 s before the encoder, as the study did \
        (the default runs each clip at its true length). The report ends with the expected calibration error \
        (15 bins) and the negative log-likelihood of the model's (temperature-scaled) probabilities.
        --cv K instead cross-validates a statistics-head recipe on the frozen encoder --init: the speakers of the \
        first corpus (RAVDESS) are dealt into K folds (males and females round-robin: K = 10 on actors 01-20 gives \
        one of each per fold), the other corpora (TESS) join every fold's training set; it prints and writes \
        (--json) mean ± sd over folds of accuracy and macro-F1, per-class F1, the summed confusion, the \
        out-of-fold logits and a temperature fitted on them; --cross-corpus adds RAVDESS→TESS, TESS→RAVDESS and \
        each TESS speaker left out. The encoder's statistics are cached per corpus in --cache.
        """
    )

    @Option(name: .customLong("data"), help: "A corpus as name=DIR (ravdess, cremad, tess, savee); repeatable.")
    var data: [String]
    @Option(help: "Model file (default: the bundled model).") var model: String?
    @Option(help: "Only these speakers, e.g. 19,20 or ravdess:19,cremad:1001.") var speakers: String?
    @Flag(name: .customLong("pad-30s"), help: "Zero-pad every clip to 30 s (the study's protocol).") var pad30s = false
    @Option(help: "Write the report as JSON.") var json: String?
    @Option(help: "Write the confusion matrix as SVG.") var confusionSvg: String?
    @Option(help: "Speaker-independent K-fold cross-validation of a statistics-head recipe on a frozen encoder (--init) instead of evaluating a model file.")
    var cv: Int?
    @Option(name: .customLong("init"), help: "With --cv: the pretrained Whisper encoder (safetensors from `takesense models import-whisper`).")
    var initCheckpoint: String?
    @OptionGroup var statistics: StatisticsRecipeOptions
    @Flag(help: "With --cv: also train on RAVDESS and test on TESS, the reverse, and each TESS speaker left out.") var crossCorpus = false
    @OptionGroup var engine: EngineOptions

    func run() throws {
        try OutputGuard.refuse(files: [("--json", json), ("--confusion-svg", confusionSvg)], inputs: [model])
        try engine.apply()
        if let cv { return try runCrossValidation(k: cv) }
        let voice = try VoiceEmotionModel(contentsOf: try BundledModels.voice(model))
        if pad30s { voice.padTo30s = true }
        let specs = try data.map { try DatasetSpec(parsing: $0) }
        guard !specs.isEmpty else { throw Failure("--data: give at least one corpus, e.g. ravdess=/data/RAVDESS") }
        let clips = try VoiceEvaluation.clips(specs, labels: voice.labels, speakers: speakers)
        let predictions = try predictVoice(voice, clips)
        let (report, seconds) = (try predictions.report(), predictions.seconds)
        let audioSeconds = Double(clips.audio.reduce(0) { $0 + $1.count }) / 16000
        print(report.text)
        print(String(format: "calibration: ECE (15 bins) %.4f, NLL %.4f at temperature %.4f%@", predictions.expectedCalibrationError,
                     predictions.negativeLogLikelihood, voice.temperature, voice.temperature == 1 ? " (uncalibrated)" : ""))
        print(String(format: "accuracy %.4f, macro-F1 %.4f on %d clips; %.1f s of audio in %.1f s (%.0fx real time, %.0f ms per clip%@)",
                     report.accuracy, report.macro_f1, report.samples, audioSeconds, seconds, audioSeconds / max(seconds, 1e-9),
                     1000 * seconds / Double(max(report.samples, 1)), pad30s ? ", padded to 30 s" : ""))
        if let json { try writeJSON(report, to: URL(fileURLWithPath: json)) }
        if let confusionSvg { try report.confusionSVG.write(toFile: confusionSvg, atomically: true, encoding: .utf8) }
    }
}

extension EvaluateVoice {
    func runCrossValidation(k: Int) throws {
        let log: (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
        guard model == nil else { throw Failure("--cv trains its own fold models from --init; it does not take --model") }
        let specs = try data.map { try DatasetSpec(parsing: $0) }
        guard !specs.isEmpty else { throw Failure("--data: give at least one corpus, e.g. ravdess=/data/RAVDESS") }
        let (table, encoder) = try statistics.table(initCheckpoint: initCheckpoint, specs: specs, speakers: speakers, log: log)
        let recipe = statistics.recipe
        log("cross-validation, \(k) folds: \(recipe.summary)")
        let result: VoiceCrossValidation.Result
        do {
            result = try VoiceCrossValidation.run(encoderCheckpoint: encoder, table: table, recipe: recipe, k: k,
                                                  crossCorpus: crossCorpus, log: log)
        } catch let error as TorchError { throw Failure(error.message) }
        print(String(format: "%d-fold speaker-independent CV on %@ (%d clips%@): accuracy %.4f ± %.4f, macro-F1 %.4f ± %.4f (mean ± sd over folds); pooled %.4f / %.4f",
                     k, result.cv_corpus, result.oof_targets.count,
                     result.extra_training.isEmpty ? "" : "; always trained on " + result.extra_training.joined(separator: ","),
                     result.accuracy.mean, result.accuracy.sd, result.macro_f1.mean, result.macro_f1.sd,
                     result.pooled_accuracy, result.pooled_macro_f1))
        print("per-class F1: " + result.labels.map { String(format: "%@ %.3f", $0, result.per_class_f1[$0] ?? 0) }.joined(separator: ", "))
        for t in result.cross_corpus {
            print(String(format: "%@ (%d clips): accuracy %.4f, macro-F1 %.4f", t.name, t.clips, t.accuracy, t.macro_f1))
        }
        if let c = result.calibration {
            print(String(format: "calibration: temperature %.4f; ECE (15 bins) %.4f → %.4f, NLL %.4f → %.4f (after: cross-fitted between halves of the folds; in-sample %.4f / %.4f)",
                         c.temperature, c.eceBefore, c.eceAfter, c.nllBefore, c.nllAfter, c.eceAfterInSample, c.nllAfterInSample))
        }
        print(String(format: "%.1f s", result.seconds))
        if let json { try writeJSON(result, to: URL(fileURLWithPath: json)) }
    }
}

/// The statistics-head recipe on the command line (`evaluate voice --cv`, `train voice --recipe statistics`).
struct StatisticsRecipeOptions: ParsableArguments {
    @Option(help: "Statistics cache directory: one file per corpus and number of copies, computed once and reused (also for a subset of its clips).")
    var cache: String?
    @Option(help: "Augmented copies of every clip in the statistics cache.") var copies = 4
    @Option(help: "Hidden state read by the head (0 = embeddings ... 4 = tiny's last).") var layer = 2
    @Flag(help: "A learned weighted sum of every hidden state's statistics instead of one state.") var weightedSum = false
    @Flag(help: "Pool the mean over time only (default: mean and standard deviation).") var meanOnly = false
    @Option(help: "ReLU projector width; 0 = linear classifier on the statistics.") var projection = 256
    @Option var dropout = 0.3
    @Option(help: "Epochs of head training.") var headEpochs = 40
    @Option var headLr = 1e-3
    @Option var weightDecay = 0.05
    @Option var labelSmoothing = 0.1
    @Option(help: "Use at most this many of the cached augmented copies (0 = clean clips only).") var useCopies: Int?
    @Flag(help: "Do not weight the loss to balance corpora.") var noCorpusBalance = false
    @Option(help: "Seed of head initialisation and batch order.") var headSeed: UInt64 = 42
    @Option(help: "Seed of the cached augmented copies.") var augmentSeed: UInt64 = 42

    var recipe: StatisticsHeadRecipe {
        var r = StatisticsHeadRecipe()
        r.layer = layer
        r.weightedLayerSum = weightedSum
        r.poolStd = !meanOnly
        r.projectionSize = projection
        r.dropout = dropout
        r.epochs = headEpochs
        r.learningRate = headLr
        r.weightDecay = weightDecay
        r.labelSmoothing = labelSmoothing
        r.augmented = (useCopies ?? 1) > 0
        r.maxCopies = useCopies
        r.corpusBalanced = !noCorpusBalance
        r.seed = headSeed
        return r
    }

    /// Decodes the clips of `specs` (only `speakers` when given) and computes or loads their statistics.
    func table(initCheckpoint: String?, specs: [DatasetSpec], speakers: String?, labels: [String] = defaultEmotionLabels,
               log: @escaping (String) -> Void) throws -> (VoiceStatisticsTable, URL) {
        guard let initCheckpoint else { throw Failure("--init: give the pretrained Whisper encoder (takesense models import-whisper)") }
        let encoder = URL(fileURLWithPath: initCheckpoint)
        do {
            let decodeStart = Date()
            let clips = try VoiceEvaluation.clips(specs, labels: labels, speakers: speakers)
            log(String(format: "decoded %d clips in %.1f s", clips.count, Date().timeIntervalSince(decodeStart)))
            let classifier = try WhisperClassifier(encoderCheckpoint: encoder, labels: labels,
                                                   options: WhisperClassifierOptions(weightedLayerSum: true, head: .statistics))
            classifier.eval()
            // One cache file per corpus, so that adding a corpus (or a subset of speakers) reuses what is computed.
            if let cache { try FileManager.default.createDirectory(atPath: cache, withIntermediateDirectories: true) }
            var parts: [VoiceStatisticsTable] = []
            for corpus in Corpus.allCases {
                let rows = clips.samples.indices.filter { clips.samples[$0].corpus == corpus }
                guard !rows.isEmpty else { continue }
                let part = VoiceClips(samples: rows.map { clips.samples[$0] }, audio: rows.map { clips.audio[$0] },
                                      targets: rows.map { clips.targets[$0] }, labels: clips.labels)
                var progress = ProgressLine()
                let start = Date()
                let url = cache.map { URL(fileURLWithPath: $0).appendingPathComponent("\(corpus.rawValue)-copies\(copies).safetensors") }
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
            let table = VoiceStatisticsTable(samples: parts.flatMap(\.samples), targets: parts.flatMap(\.targets), labels: clips.labels,
                                             statistics: try Torch.cat(parts.map(\.statistics), dim: 0))
            return (table, encoder)
        } catch let error as TorchError { throw Failure(error.message) }
    }
}

/// Runs the model on every clip with a progress line: truth and probabilities.
func predictVoice(_ model: VoiceEmotionModel, _ clips: VoiceClips) throws -> VoiceEvaluation.Predictions {
    var progress = ProgressLine()
    defer { progress.finish() }
    do {
        return try VoiceEvaluation.predict(model, clips) { done, total, elapsed in
            progress.update("evaluating", fraction: Double(done) / Double(total), detail: "\(done)/\(total) clips",
                            eta: elapsed / Double(done) * Double(total - done))
        }
    } catch let error as TorchError {
        throw Failure(error.message)
    }
}

/// Runs the model on every clip with a progress line: the report and the seconds spent in the model.
func evaluateVoice(_ model: VoiceEmotionModel, _ clips: VoiceClips) throws -> (report: EvaluationReport, seconds: Double) {
    var progress = ProgressLine()
    defer { progress.finish() }
    do {
        return try VoiceEvaluation.evaluate(model, clips) { done, total, elapsed in
            progress.update("evaluating", fraction: Double(done) / Double(total), detail: "\(done)/\(total) clips",
                            eta: elapsed / Double(done) * Double(total - done))
        }
    } catch let error as TorchError {
        throw Failure(error.message)
    }
}

enum VoiceSplit {
    static func describe(_ speakers: Set<SpeakerRef>) -> String {
        let sorted = speakers.sorted()
        if sorted.count > 6 { return "\(sorted.count) speakers" }
        return sorted.isEmpty ? "no speakers" : sorted.map(\.description).joined(separator: ", ")
    }
}
