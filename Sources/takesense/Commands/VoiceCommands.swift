import ArgumentParser
import Datasets
import Foundation
import Torch
import Training
import VoiceEmotion
import VoiceTraining

/// `takesense train voice`
struct TrainVoice: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "voice",
        abstract: "Fine-tune a Whisper encoder into a speech-emotion classifier (RAVDESS, CREMA-D, TESS, SAVEE).",
        discussion: VoiceRecipe.about
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
    @Option(help: """
        Recipe statistics: the JSON of an `evaluate voice --cv` run of the same recipe whose out-of-fold logits fit the temperature \
        and whose confusion is stored.
        """)
    var calibration: String?
    @OptionGroup var engine: EngineOptions

    func run() throws {
        try OutputGuard.refuse(files: [("--export", export)], folders: [("--output", output, OutputGuard.trainingFiles)],
                               inputs: [`init`] + data.map { String($0.split(separator: "=", maxSplits: 1).last ?? "") })
        try engine.apply()
        let start = Date()
        var r = try VoiceRecipe.preset(recipe, seed: seed)
        r.labels = try LabelSet(parsing: labels).names
        r.backbone = backbone
        r.testSpeakers = testSpeakers
        r.validationSpeakers = valSpeakers
        if let trainableBlocks { r.trainableBlocks = trainableBlocks }
        r.outputLayer = outputLayer
        if let augmentCopies { r.augmentCopies = augmentCopies }
        r.pad30s = pad30s
        if let epochs { r.training.epochs = epochs }
        if let batchSize { r.training.batchSize = batchSize }
        if let lr { r.training.learningRate = lr }
        if let patience { r.training.earlyStoppingPatience = patience }
        if r.statistics != nil {
            r.statistics = statistics.recipe
            r.statisticsCopies = statistics.copies
            r.statisticsAugmentSeed = statistics.augmentSeed
        }
        var training = VoiceTrainingRun(recipe: r, corpora: try data.map { try DatasetSpec(parsing: $0) }, initialEncoder: URL(fileURLWithPath: `init`),
                                        output: URL(fileURLWithPath: output))
        training.export = export.map { URL(fileURLWithPath: $0) }
        training.resume = resume
        training.stopAfter = stopAfter
        training.statisticsCache = statistics.cache.map { URL(fileURLWithPath: $0) }
        training.calibration = calibration.map { URL(fileURLWithPath: $0) }
        for line in try training.run().lines(export: export, seconds: Date().timeIntervalSince(start)) { print(line) }
    }
}

/// `takesense evaluate voice`
struct EvaluateVoice: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "voice",
        abstract: "Evaluate a voice-emotion model on speech corpora (RAVDESS, CREMA-D, TESS, SAVEE).",
        discussion: VoiceCrossValidation.about
    )

    @Option(name: .customLong("data"), help: "A corpus as name=DIR (ravdess, cremad, tess, savee); repeatable.")
    var data: [String]
    @Option(help: "Model file (default: the bundled model).") var model: String?
    @Option(help: "Only these speakers, e.g. 19,20 or ravdess:19,cremad:1001.") var speakers: String?
    @Flag(name: .customLong("pad-30s"), help: "Zero-pad every clip to 30 s (the study's protocol).") var pad30s = false
    @Option(help: "Write the report as JSON.") var json: String?
    @Option(help: "Write the confusion matrix as SVG.") var confusionSvg: String?
    @Option(help: "Write every clip's prediction as CSV: path, corpus, speaker, truth, predicted, one probability per label.")
    var predictions: String?
    @Option(help: "Speaker-independent K-fold cross-validation of a statistics-head recipe on a frozen encoder (--init) instead of evaluating a model file.")
    var cv: Int?
    @Option(name: .customLong("init"), help: "With --cv: the pretrained Whisper encoder (safetensors from `takesense models import-whisper`).")
    var initCheckpoint: String?
    @OptionGroup var statistics: StatisticsRecipeOptions
    @Flag(help: "With --cv: also train on RAVDESS and test on TESS, the reverse, and each TESS speaker left out.") var crossCorpus = false
    @OptionGroup var engine: EngineOptions

    func run() throws {
        try OutputGuard.refuse(files: [("--json", json), ("--confusion-svg", confusionSvg), ("--predictions", predictions)], inputs: [model])
        try engine.apply()
        if let cv {
            guard predictions == nil else { throw Failure("--predictions: with --cv the out-of-fold logits are in --json (oof_paths, oof_logits)") }
            return try runCrossValidation(k: cv)
        }
        let voice = try VoiceEmotionModel(contentsOf: try BundledModels.voice(model))
        let (report, lines) = try VoiceEvaluation.run(voice, corpora: try DatasetSpec.corpora(data), speakers: speakers, pad30s: pad30s,
                                                      predictions: predictions.map { URL(fileURLWithPath: $0) })
        for line in lines { print(line) }
        try report.write(json: json, confusionSVG: confusionSvg)
    }
}

extension EvaluateVoice {
    func runCrossValidation(k: Int) throws {
        guard model == nil else { throw Failure("--cv trains its own fold models from --init; it does not take --model") }
        let specs = try DatasetSpec.corpora(data)
        guard let initCheckpoint else { throw Failure("--init: give the pretrained Whisper encoder (takesense models import-whisper)") }
        let result = try VoiceCrossValidation.run(encoder: URL(fileURLWithPath: initCheckpoint), corpora: specs, speakers: speakers,
                                                  cache: statistics.cache.map { URL(fileURLWithPath: $0) }, copies: statistics.copies,
                                                  augmentSeed: statistics.augmentSeed, recipe: statistics.recipe, k: k, crossCorpus: crossCorpus,
                                                  log: { FileHandle.standardError.write(Data(($0 + "\n").utf8)) })
        print(result.summary(k: k))
        print(String(format: "%.1f s", result.seconds))
        if let json { try RunFiles.writeJSON(result, to: URL(fileURLWithPath: json)) }
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
    @Option(help: "Train this many heads (seeds --head-seed, +1, ...) and average them, saved as one wider head.") var headSeeds = 1
    @Option(help: "Seed of the cached augmented copies.") var augmentSeed: UInt64 = 42

    var recipe: StatisticsHeadRecipe {
        var r = StatisticsHeadRecipe(layer: layer, weightedLayerSum: weightedSum, poolStd: !meanOnly, projectionSize: projection, dropout: dropout,
                                     epochs: headEpochs, learningRate: headLr, weightDecay: weightDecay, labelSmoothing: labelSmoothing,
                                     maxCopies: useCopies, corpusBalanced: !noCorpusBalance, seed: headSeed)
        r.seeds = headSeeds > 1 ? headSeeds : nil
        return r
    }
}
