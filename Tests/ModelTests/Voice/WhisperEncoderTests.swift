import Foundation
import Testing
import Torch
@testable import VoiceEmotion

/// A tiny random Whisper encoder (d_model 16, 2 layers, 2 heads) and classification head against
/// transformers 4.36 on the real log-mel of the fixture clip (Scripts/voice_fixtures.py).
@Suite struct WhisperEncoderTests {
    static let config = WhisperConfig(melBins: 80, dModel: 16, layers: 2, heads: 2, ffnDim: 32, maxSourcePositions: 50)

    func loadedEncoder() throws -> (WhisperEncoder, [String: Tensor]) {
        let encoder = try WhisperEncoder(Self.config).eval()
        try encoder.load(huggingFace: VoiceFixture.load("whisper_tiny_random.safetensors"))
        return (encoder, try VoiceFixture.load("whisper_tiny_random_expected.safetensors"))
    }

    @Test func parameterNamesAreTransformers() throws {
        let keys = try WhisperEncoder(Self.config).stateDict().map(\.key)
        #expect(keys.contains("conv1.weight"))
        #expect(keys.contains("embed_positions.weight"))
        #expect(keys.contains("layers.1.self_attn.q_proj.weight"))
        #expect(!keys.contains("layers.1.self_attn.k_proj.bias"))
        #expect(keys.contains("layers.0.final_layer_norm.bias"))
        #expect(keys.contains("layer_norm.weight"))
    }

    @Test func hiddenStatesMatchTransformers() throws {
        let (encoder, expected) = try loadedEncoder()
        let mel = try expected.fixtureTensor("input_mel").unsqueeze(0)
        let hidden = try Torch.noGrad { try encoder.hiddenStates(mel) }
        #expect(hidden.count == 3)
        for (i, h) in hidden.enumerated() {
            let d = try VoiceFixture.maxAbsDiff(h[0], expected.fixtureTensor("hidden_\(i)"))
            #expect(d < 1e-4, "hidden state \(i): max abs diff \(d)")
        }
        let last = try Torch.noGrad { try encoder(mel) }
        #expect(try VoiceFixture.maxAbsDiff(last[0], expected.fixtureTensor("hidden_2")) < 1e-4)
        let mid = try Torch.noGrad { try encoder(mel, outputLayer: 1) }
        #expect(try VoiceFixture.maxAbsDiff(mid[0], expected.fixtureTensor("hidden_1")) < 1e-4)
    }

    @Test func shortInputSlicesThePositionTable() throws {
        let (encoder, expected) = try loadedEncoder()
        let mel = try expected.fixtureTensor("input_mel").slice(dim: 1, start: 0, end: 60).unsqueeze(0)
        let out = try Torch.noGrad { try encoder(mel) }
        #expect(out.shape == [1, 30, 16])
        #expect(try VoiceFixture.maxAbsDiff(out[0], expected.fixtureTensor("short_last_hidden")) < 1e-4)
    }

    @Test func tooLongInputIsAnError() throws {
        let encoder = try WhisperEncoder(Self.config)
        #expect(throws: TorchError.self) { try encoder(Tensor.zeros([1, 80, 102])) }
        #expect(throws: TorchError.self) { try encoder(Tensor.zeros([1, 40, 20])) }
        #expect(throws: TorchError.self) { try encoder(Tensor.zeros([1, 80, 20]), outputLayer: 3) }
    }

    @Test func classifierMatchesTransformersHead() throws {
        let weights = try VoiceFixture.load("whisper_tiny_random.safetensors")
        let expected = try VoiceFixture.load("whisper_tiny_random_expected.safetensors")
        let mel = try expected.fixtureTensor("input_mel").unsqueeze(0)
        let head = { (options: WhisperClassifierOptions) throws -> WhisperClassifier in
            let m = try WhisperClassifier(Self.config, options: options).eval()
            try m.load(stateDict: options.weightedLayerSum ? weights : weights.filter { $0.key != "layer_weights" })
            return m
        }
        let plain = try head(WhisperClassifierOptions(projectionSize: 8))
        let d0 = try VoiceFixture.maxAbsDiff(Torch.noGrad { try plain.logits(mel: mel) }[0], expected.fixtureTensor("logits"))
        #expect(d0 < 1e-4, "logits: \(d0)")
        let weighted = try head(WhisperClassifierOptions(projectionSize: 8, weightedLayerSum: true))
        let d1 = try VoiceFixture.maxAbsDiff(Torch.noGrad { try weighted.logits(mel: mel) }[0], expected.fixtureTensor("logits_weighted"))
        #expect(d1 < 1e-4, "weighted logits: \(d1)")
        let middle = try head(WhisperClassifierOptions(projectionSize: 8, outputLayer: 1))
        let d2 = try VoiceFixture.maxAbsDiff(Torch.noGrad { try middle.logits(mel: mel) }[0], expected.fixtureTensor("logits_layer1"))
        #expect(d2 < 1e-4, "block-1 logits: \(d2)")
    }

    @Test func classifierSavesAndReloadsWithLabels() throws {
        let dir = try VoiceFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Torch.manualSeed(3)
        let options = WhisperClassifierOptions(projectionSize: 8, weightedLayerSum: true, pooling: .allFrames)
        let model = try WhisperClassifier(Self.config, labels: ["calm", "angry", "sad"], options: options).eval()
        let url = dir.appendingPathComponent("clf.safetensors")
        try model.save(to: url)
        let back = try WhisperClassifier(contentsOf: url).eval()
        #expect(back.labels == ["calm", "angry", "sad"])
        #expect(back.options == options)
        #expect(back.encoder.config == Self.config)
        let clip = (0..<8000).map { Float(sin(Double($0) * 0.05)) * 0.3 }
        let a = try Torch.noGrad { try model.logits(clips: [clip]) }
        let b = try Torch.noGrad { try back.logits(clips: [clip]) }
        #expect(try VoiceFixture.maxAbsDiff(a, b) == 0)
        let p = try back.probabilities(clip)
        #expect(p.count == 3 && abs(p.reduce(0, +) - 1) < 1e-5)
    }

    @Test func batchPoolingOverTrueLength() throws {
        try Torch.manualSeed(4)
        let model = try WhisperClassifier(Self.config, options: WhisperClassifierOptions(projectionSize: 8)).eval()
        let long = (0..<9600).map { Float(sin(Double($0) * 0.03)) * 0.2 }
        let short = Array(long.prefix(4800))
        let (mel, frames) = try model.features(clips: [long, short])
        #expect(mel.shape == [2, 80, 60])
        #expect(frames == [30, 15])
        let logits = try Torch.noGrad { try model.logits(clips: [long, short]) }
        #expect(logits.shape == [2, 6])
    }
}
