import ArgumentParser
import Datasets
import FaceEmotion
import FaceTraining
import Foundation
import Torch
import Training

/// `takesense train face`
struct TrainFace: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "face",
        abstract: "Train a face-emotion classifier on FER2013 (image folders or the Kaggle CSV).",
        discussion: FaceRecipe.about
    )

    @Option(help: "Training data: an image-folder tree (ROOT/<class>/*.jpg) or a FER2013 CSV.") var data: String
    @Option(help: "Validation data: a folder, a CSV, or a usage of the --data CSV (PublicTest); default: 20% of --data.") var validation: String?
    @Option(help: "Output directory: checkpoints, best.safetensors, curves.csv/svg, evaluation.json.") var output: String
    @Option(help: "cpu | crop | study") var recipe = "cpu"
    @Option(help: "Architecture (resnet18|34|50, vgg11..19[_bn], efficientnet_b0..b6, fernet[-WIDTH]).") var arch: String?
    @Option(help: "Label set, comma-separated.") var labels = "angry,disgust,fear,happy,neutral,sad"
    @Option(help: "Input side in pixels.") var inputSize: Int?
    @Option(help: "1 (grayscale stem) or 3 (grayscale replicated).") var channels: Int?
    @Option var epochs: Int?
    @Option var batchSize: Int?
    @Option var lr: Double?
    @Option(help: "Initial weights (safetensors or .pth), e.g. ImageNet ResNet34; the head is replaced.") var `init`: String?
    @Option(help: "Freeze the first N layers (modules with parameters, in order).") var freezeFirst: Int?
    @Option(help: "Early-stopping patience in epochs (validation loss).") var patience: Int?
    @Flag(help: "Weight the loss by inverse class frequency.") var classWeights = false
    @Option(help: """
        Augmentation: strong (default for 'cpu': flips, rotation, scale, shift, brightness/contrast, random erasing), \
        light (the same without erasing, milder photometric), study (flips only).
        """)
    var augment: String?
    @Option var seed: UInt64 = 42
    @Flag(help: "Continue the run found in --output.") var resume = false
    @Option(help: "Pause after this many epochs in all (checkpoint kept; continue later with --resume).") var stopAfter: Int?
    @Option(help: "fp32 (default) or bf16 (bfloat16 autocast for the training forward pass, fp32 master weights).") var precision = "fp32"
    @Flag(help: "Channels-last (NHWC) activations and weights.") var channelsLast = false
    @Option(help: "Only the first N training faces (quick comparisons).") var limit: Int?
    @Option(help: "Probability of degrading a training face as video does (JPEG-like blocking, blur, motion blur, a small face scaled up).")
    var degrade: Double?
    @OptionGroup var engine: EngineOptions

    func run() throws {
        try OutputGuard.refuse(files: [], folders: [("--output", output, OutputGuard.trainingFiles)], inputs: [data, validation, `init`])
        try engine.apply()
        let labelSet = try LabelSet(parsing: labels)
        var r = try FaceRecipe.preset(recipe, labels: labelSet.names, seed: seed)
        r.precision = precision
        if let arch { r.architecture = arch }
        if let inputSize { r.preprocessing.inputSize = inputSize }
        if let channels { r.preprocessing.channels = channels }
        if let epochs { r.training.epochs = epochs }
        if let batchSize { r.training.batchSize = batchSize }
        if let lr { r.training.learningRate = lr }
        if let patience { r.training.earlyStoppingPatience = patience }
        if let freezeFirst { r.freezeFirst = freezeFirst }
        if let augment { r.augmentation = augment }
        r.classWeights = classWeights
        r.channelsLast = channelsLast
        r.initialWeights = `init`
        r.limit = limit
        r.degrade = degrade
        var training = FaceTrainingRun(recipe: r, data: data, validation: validation, output: URL(fileURLWithPath: output))
        training.resume = resume
        training.stopAfter = stopAfter
        let outcome = try training.run()
        print(outcome.report.text)
        print(String(format: "best epoch %d; validation accuracy %.4f, macro-F1 %.4f; %.1f minutes in all",
                     outcome.bestEpoch, outcome.report.accuracy, outcome.report.macro_f1, outcome.seconds / 60))
    }
}

/// `takesense evaluate face`
struct EvaluateFace: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "face",
        abstract: "Evaluate a face-emotion model on an image-folder tree or a FER2013 CSV."
    )

    @Option(help: "Image-folder tree or FER2013 CSV.") var data: String
    @Option(help: "Model file (default: the bundled model).") var model: String?
    @Option(help: "Weighted ensemble of models: a.safetensors:0.6,b.safetensors:0.4") var ensemble: String?
    @Option(help: "Only this FER2013 CSV usage (Training, PublicTest, PrivateTest).") var usage: String?
    @Option(help: "Write the report as JSON.") var json: String?
    @Option(help: "Write the confusion matrix as SVG.") var confusionSvg: String?
    @Flag(help: "Also measure the faces degraded as video degrades them (JPEG-like blocking, blur, down-up scaling, gamma): a table.")
    var robustness = false
    @Option(help: "Test-time augmentation: none, flip or ten-crop (default: the model's own).") var tta: String?
    @OptionGroup var engine: EngineOptions

    func run() throws {
        let models = ensemble.map(FaceEvaluation.files(ensemble:)) ?? [model].compactMap { $0 }
        try OutputGuard.refuse(files: [("--json", json), ("--confusion-svg", confusionSvg)], inputs: [data] + models)
        try engine.apply()
        let members = try FaceEvaluation.members(ensemble: ensemble, model: { try BundledModels.face(model) }, tta: tta)
        let data = try FaceTensors.load(self.data, modelLabels: members[0].0.labels, usage: usage)
        let report = try FaceEvaluation.evaluate(members, data)
        print(report.text)
        print(String(format: "accuracy %.4f, macro-F1 %.4f on %d faces", report.accuracy, report.macro_f1, report.samples))
        try report.write(json: json, confusionSVG: confusionSvg)
        if robustness {
            print("")
            print(try FaceEvaluation.robustnessTable(members, data, baseline: report))
        }
    }
}

/// `takesense calibrate`
struct CalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "calibrate", abstract: "Calibrate a classifier's probabilities.",
                                                    subcommands: [CalibrateFace.self])
}

/// `takesense calibrate face`
struct CalibrateFace: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "face",
        abstract: "Temperature-scale a face-emotion model on labelled faces; store the temperature and confusion matrix in a copy.",
        discussion: FaceCalibration.about
    )

    @Option(help: "Model file (default: the bundled model).") var model: String?
    @Option(help: "Labelled faces: image-folder tree or FER2013 CSV.") var data: String
    @Option(help: "Only this FER2013 CSV usage (Training, PublicTest, PrivateTest).") var usage: String?
    @Option(help: "The calibrated copy to write (may be the model file itself).") var output: String
    @Option(help: "What --data is, stored at the start of takesense.calibration.fit_on (the path, face count and figures follow).") var fitOn: String?
    @Option(help: "Seed of the 2-fold split.") var seed: UInt64 = 42
    @Option(help: "Write the figures as JSON.") var json: String?
    @OptionGroup var engine: EngineOptions

    func run() throws {
        try engine.apply()
        let source = try BundledModels.face(model)
        let classifier = try FaceClassifier(contentsOf: source)
        let faces = try FaceTensors.load(data, modelLabels: classifier.labels, usage: usage)
        let r = try FaceCalibration.writeCalibratedCopy(classifier, source: source, faces: faces, data: data, fitOn: fitOn, seed: seed,
                                                        to: URL(fileURLWithPath: output))
        for line in r.lines(testTimeAugmentation: classifier.testTimeAugmentation, output: output) { print(line) }
        if let json { try RunFiles.writeJSON(r, to: URL(fileURLWithPath: json)) }
    }
}
