import ArgumentParser
import FaceEmotion
import FaceTraining
import Foundation
import TakeSenseKit
import TensorFiles
import Torch
import VoiceEmotion

/// `takesense models ...`: bringing pretrained weights into TakeSense's formats.
struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "Import, inspect and migrate model weights.",
        subcommands: [ImportWhisper.self, InspectModel.self, MigrateModel.self, FaceEnsembleModel.self]
    )
}

/// `takesense models import-whisper DIR --output FILE.safetensors`
struct ImportWhisper: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-whisper",
        abstract: "Convert a CTranslate2 Whisper model (model.bin) into a Whisper encoder safetensors file.",
        discussion: WhisperImport.about
    )

    @Argument(help: "CTranslate2 model directory or model.bin.", completion: .directory)
    var source: String

    @Option(name: .shortAndLong, help: "Output safetensors file.", completion: .file(extensions: ["safetensors"]))
    var output: String

    @Option(help: "Stored float type: float32 or float16.")
    var dtype: String = "float32"

    func run() throws {
        guard let floatType = WhisperImport.floatType(named: dtype) else { throw Failure("--dtype must be float32 or float16, not '\(dtype)'") }
        try OutputGuard.refuse(files: [("--output", output)], folders: [("--output", nil, [])],
                               inputs: [source, URL(fileURLWithPath: source).appendingPathComponent("model.bin").path])
        print(try WhisperImport.importNamingFiles(from: source, to: output, floatType: floatType).text)
    }
}

/// `takesense models inspect FILE.safetensors`: what a weight file holds (kind, architecture, labels, input
/// transform, calibration, recipe, data, licence, tensors), read through the metadata contract (`ModelMetadata`),
/// so files written before it are described too.
struct InspectModel: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show a safetensors model file's kind, architecture, labels, calibration, provenance and tensor count."
    )

    @Argument(help: "A .safetensors file.", completion: .file(extensions: ["safetensors"]))
    var file: String

    func run() throws {
        for line in try ModelInspection.describe(file) { print(line) }
    }
}

/// `takesense models migrate FILE...`: the metadata of files written before the contract rewritten under the
/// `takesense.*` keys; only the header changes, the tensors' bytes are copied as they are.
struct MigrateModel: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Rewrite a model file's metadata under the takesense.* keys (tensors untouched; in place, or to --output)."
    )

    @Argument(help: "Safetensors model files.", completion: .file(extensions: ["safetensors"]))
    var files: [String]

    @Option(name: .shortAndLong, help: "Write the migrated file here instead of replacing the file (one file only).")
    var output: String?

    func validate() throws {
        if output != nil, files.count != 1 { throw ValidationError("--output takes exactly one input file") }
    }

    func run() throws {
        if let output { try OutputGuard.refuse(files: [("--output", output)], inputs: files) }
        for file in files { print(try ModelInspection.migrate(file, to: output)) }
    }
}

/// `takesense models face-ensemble --members a.safetensors:0.5,b.safetensors:0.5 --output FILE`: one face-model file
/// that averages its members' probabilities, usable wherever a face model is (`analyze --face-model`, `evaluate`,
/// `calibrate face`, the bundled default).
struct FaceEnsembleModel: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "face-ensemble",
        abstract: "Combine face-emotion models into one file that averages their probabilities (then calibrate it with `calibrate face`).",
        discussion: """
        The members must share labels, input size, channels and normalisation; each keeps its own crop and test-time \
        augmentation. The file is uncalibrated: run `takesense calibrate face` on it, as on any face model.
        """
    )

    @Option(help: "Members and their weights: a.safetensors:0.5,b.safetensors:0.5") var members: String
    @Option(name: .shortAndLong, help: "The ensemble file to write.") var output: String
    @Option(help: "none, flip or ten-crop for every member instead of each member's own test-time augmentation.") var tta: String?

    func run() throws {
        try OutputGuard.refuse(files: [("--output", output)], inputs: FaceEvaluation.files(ensemble: members))
        let loaded = try FaceEvaluation.members(ensemble: members, model: { throw ValidationError("--members is required") }, tta: tta)
        let ensemble = try FaceClassifier.ensemble(of: loaded)
        try ensemble.save(to: URL(fileURLWithPath: output), extra: [FaceClassifier.ensembleSourcesKey: members])
        print("wrote \(output): \(ensemble.architecture) (\(ensemble.network.parameterCount()) parameters), uncalibrated")
    }
}
