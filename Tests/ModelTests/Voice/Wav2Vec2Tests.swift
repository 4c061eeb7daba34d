import Foundation
import Testing
import Torch
@testable import SpeechBackbones
@testable import VoiceEmotion

/// Tiny random Wav2Vec2 / HuBERT models (hidden 32, 2 layers, 3 convolutions) against transformers
/// 4.36 on 1 s of real speech (Scripts/voice_fixtures.py wav2vec2).
@Suite struct Wav2Vec2Tests {
    static let variants = ["wav2vec2_group", "wav2vec2_layer", "hubert_group", "hubert_layer"]

    func load(_ name: String) throws -> (Wav2Vec2StyleClassifier, [String: Tensor], Tensor) {
        let url = try VoiceFixture.url("\(name).safetensors")
        let meta = try Checkpoint.safetensorsMetadata(url)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(meta["config"]!.utf8)) as? [String: Any])
        let config = try Wav2Vec2Config(huggingFace: json)
        let options = Wav2Vec2ClassifierOptions(projectionSize: 8, weightedLayerSum: json["use_weighted_layer_sum"] as? Bool ?? false,
                                                normalizeInput: false, pooling: .allFrames)
        let model: Wav2Vec2StyleClassifier = config.kind == .hubert
            ? try HubertClassifier(config, options: options) : try Wav2Vec2Classifier(config, options: options)
        try model.load(stateDict: Checkpoint.loadSafetensors(url), strict: true)
        model.eval()
        let audio = try VoiceFixture.load("logmel.safetensors").fixtureTensor("audio").unsqueeze(0)
        return (model, try VoiceFixture.load("\(name)_expected.safetensors"), audio)
    }

    @Test(arguments: variants) func hiddenStatesAndLogitsMatchTransformers(_ name: String) throws {
        let (model, expected, audio) = try load(name)
        let hidden = try Torch.noGrad { try model.backbone.hiddenStates(audio) }
        #expect(hidden.count == 3)
        for (i, h) in hidden.enumerated() {
            #expect(h.shape == [1, 199, 32])
            let d = try VoiceFixture.maxAbsDiff(h[0].slice(dim: 0, start: 0, end: nil, step: 4), expected.fixtureTensor("hidden_\(i)_every4"))
            #expect(d < 1e-4, "\(name) hidden state \(i): max abs diff \(d)")
        }
        let logits = try Torch.noGrad { try model.logits(waveform: audio) }
        let d = try VoiceFixture.maxAbsDiff(logits[0], expected.fixtureTensor("logits"))
        #expect(d < 1e-4, "\(name) logits: max abs diff \(d)")
    }

    @Test(arguments: variants) func attentionMaskMatchesTransformers(_ name: String) throws {
        let (model, expected, audio) = try load(name)
        let short = try Torch.cat([audio.slice(dim: 1, start: 0, end: 9600), Tensor.zeros([1, 6400])], dim: 1)
        let batch = try Torch.cat([audio, short], dim: 0)
        model.options.pooling = .trueLength  // transformers pools over the mask when it has one
        let hidden = try Torch.noGrad { try model.backbone(batch, validSamples: [16000, 9600]) }
        let d = try VoiceFixture.maxAbsDiff(hidden.slice(dim: 1, start: 0, end: nil, step: 4), expected.fixtureTensor("hidden_masked_every4"))
        #expect(d < 1e-4, "\(name) masked hidden: max abs diff \(d)")
        let logits = try Torch.noGrad { try model.logits(waveform: batch, validSamples: [16000, 9600]) }
        let dl = try VoiceFixture.maxAbsDiff(logits, expected.fixtureTensor("logits_masked"))
        #expect(dl < 1e-4, "\(name) masked logits: max abs diff \(dl)")
    }

    @Test func parameterNamesAreTransformers() throws {
        let keys = Set(try Wav2Vec2Classifier(.wav2vec2Base).stateDict().map(\.key))
        for k in ["wav2vec2.feature_extractor.conv_layers.0.conv.weight", "wav2vec2.feature_extractor.conv_layers.0.layer_norm.weight",
                  "wav2vec2.feature_extractor.conv_layers.6.conv.weight", "wav2vec2.feature_projection.layer_norm.bias",
                  "wav2vec2.feature_projection.projection.weight", "wav2vec2.encoder.pos_conv_embed.conv.weight_g",
                  "wav2vec2.encoder.pos_conv_embed.conv.weight_v", "wav2vec2.encoder.pos_conv_embed.conv.bias",
                  "wav2vec2.encoder.layer_norm.weight", "wav2vec2.encoder.layers.11.attention.k_proj.bias",
                  "wav2vec2.encoder.layers.0.feed_forward.intermediate_dense.weight", "wav2vec2.encoder.layers.0.final_layer_norm.bias",
                  "wav2vec2.masked_spec_embed", "projector.weight", "classifier.bias"] {
            #expect(keys.contains(k), "missing \(k)")
        }
        #expect(!keys.contains("wav2vec2.feature_extractor.conv_layers.1.layer_norm.weight"))
        #expect(!keys.contains("wav2vec2.feature_extractor.conv_layers.0.conv.bias"))
        let base = try Wav2Vec2Model(.wav2vec2Base)
        #expect(base.parameterCount() == 94_371_712)  // facebook/wav2vec2-base: 94.4M (with masked_spec_embed)
        let hubert = Set(try HubertClassifier(.hubertBase).stateDict().map(\.key))
        #expect(hubert.contains("hubert.encoder.layers.0.attention.q_proj.weight"))
        #expect(hubert.contains("hubert.feature_projection.layer_norm.weight"))
    }

    @Test func frameArithmetic() {
        let c = Wav2Vec2Config.wav2vec2Base
        #expect(c.receptiveField == 400)
        #expect(c.outputFrames(samples: 16000) == 49)
        #expect(c.outputFrames(samples: 399) == 0)
        #expect(c.outputFrames(samples: 400) == 1)
    }

    @Test func modernWeightNormNamesLoad() throws {
        let (model, _, _) = try load("wav2vec2_group")
        var dict: [String: Tensor] = [:]
        for (k, v) in model.stateDict() {
            dict[k.replacingOccurrences(of: "conv.weight_g", with: "conv.parametrizations.weight.original0")
                .replacingOccurrences(of: "conv.weight_v", with: "conv.parametrizations.weight.original1")] = v
        }
        dict["quantizer.codevectors"] = try Tensor.zeros([1])  // a pre-training checkpoint's extras are ignored
        let fresh = try Wav2Vec2Model(model.backbone.config)
        let report = try fresh.load(huggingFace: dict)
        #expect(report.isExact)
        #expect(try VoiceFixture.maxAbsDiff(fresh.encoder.pos_conv_embed.conv.weight_g, model.backbone.encoder.pos_conv_embed.conv.weight_g) == 0)
    }

    @Test func savesReloadsAndTrains() throws {
        let dir = try VoiceFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (model, _, audio) = try load("hubert_layer")
        let url = dir.appendingPathComponent("hubert.safetensors")
        try model.save(to: url)
        let back = try #require(try SpeechClassifiers.load(url) as? HubertClassifier)
        back.eval()
        #expect(back.labels == defaultEmotionLabels)
        #expect(back.backbone.config == model.backbone.config)
        let clip = try audio[0].floats()
        let a = try Torch.noGrad { try model.logits(clips: [clip, Array(clip.prefix(8000))]) }
        let b = try Torch.noGrad { try back.logits(clips: [clip, Array(clip.prefix(8000))]) }
        #expect(try VoiceFixture.maxAbsDiff(a, b) == 0)
        // One optimiser step lowers the loss (the same loop the trainer runs).
        back.train()
        try back.freezeFeatureEncoder()
        let optimizer = try Optimizer.adam(back.trainableParameters, lr: 1e-2)
        let target = try Tensor([Int64(3)])
        func loss() throws -> Tensor { try Functional.crossEntropy(back.logits(clips: [clip]), target: target) }
        let before = try Torch.noGrad { try loss().item() }
        for _ in 0..<3 {
            try optimizer.zeroGrad()
            try loss().backward()
            try optimizer.step()
        }
        #expect(try Torch.noGrad { try loss().item() } < before)
        #expect(back.backbone.feature_extractor.conv_layers[0].conv.weight.requiresGrad == false)
    }

    @Test func tooShortClipIsAnError() throws {
        let (model, _, _) = try load("wav2vec2_group")
        #expect(throws: TorchError.self) { try model.logits(clips: [[Float](repeating: 0.1, count: 10)]) }
    }
}
