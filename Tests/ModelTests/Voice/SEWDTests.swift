import Foundation
import Testing
import Torch
@testable import SpeechBackbones
@testable import VoiceEmotion

/// Tiny random SEW-D models (hidden 32, 2 DeBERTa-v2 layers, squeeze 2, 8 log position buckets) against
/// transformers 4.36 on 1 s of real speech (Scripts/voice_fixtures.py sewd).
@Suite struct SEWDTests {
    static let variants = ["sewd_shared", "sewd_separate"]

    func load(_ name: String) throws -> (SEWDClassifier, [String: Tensor], Tensor) {
        let url = try VoiceFixture.url("\(name).safetensors")
        let meta = try Checkpoint.safetensorsMetadata(url)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(meta["config"]!.utf8)) as? [String: Any])
        let options = Wav2Vec2ClassifierOptions(projectionSize: 8, weightedLayerSum: json["use_weighted_layer_sum"] as? Bool ?? false,
                                                normalizeInput: false, pooling: .allFrames)
        let model = try SEWDClassifier(SEWDConfig(huggingFace: json), options: options)
        try model.load(stateDict: Checkpoint.loadSafetensors(url), strict: true)
        model.eval()
        let audio = try VoiceFixture.load("logmel.safetensors").fixtureTensor("audio").unsqueeze(0)
        return (model, try VoiceFixture.load("\(name)_expected.safetensors"), audio)
    }

    @Test func relativePositionBucketsMatchDeberta() throws {
        // transformers: make_log_bucket_position(i - j, bucket_size=8, max_position=16) for T = 12, first row.
        let rel = try debertaRelativePositions(12, bucketSize: 8, maxPosition: 16)
        #expect(try rel[0].toArray(Int64.self) == [0, -1, -2, -3, -4, -5, -5, -6, -6, -6, -7, -7])
        #expect(try rel[11].toArray(Int64.self).suffix(4) == [3, 2, 1, 0])
        let plain = try debertaRelativePositions(4, bucketSize: -1, maxPosition: 16)
        #expect(try plain[3].toArray(Int64.self) == [3, 2, 1, 0])
    }

    @Test(arguments: variants) func hiddenStatesAndLogitsMatchTransformers(_ name: String) throws {
        let (model, expected, audio) = try load(name)
        let (hidden, last) = try Torch.noGrad { try model.sew_d.forward(audio) }
        #expect(hidden.count == 3)
        #expect(last.shape == [1, 199, 32])
        for (i, h) in hidden.enumerated() {
            #expect(h.shape == [1, 99, 32])
            let d = try VoiceFixture.maxAbsDiff(h[0].slice(dim: 0, start: 0, end: nil, step: 4), expected.fixtureTensor("hidden_\(i)_every4"))
            #expect(d < 1e-4, "\(name) hidden state \(i): max abs diff \(d)")
        }
        let dl = try VoiceFixture.maxAbsDiff(last[0].slice(dim: 0, start: 0, end: nil, step: 4), expected.fixtureTensor("last_hidden_every4"))
        #expect(dl < 1e-4, "\(name) last hidden state: max abs diff \(dl)")
        let logits = try Torch.noGrad { try model.logits(waveform: audio) }
        let d = try VoiceFixture.maxAbsDiff(logits[0], expected.fixtureTensor("logits"))
        #expect(d < 1e-4, "\(name) logits: max abs diff \(d)")
    }

    @Test(arguments: variants) func attentionMaskMatchesTransformers(_ name: String) throws {
        let (model, expected, audio) = try load(name)
        let short = try Torch.cat([audio.slice(dim: 1, start: 0, end: 9600), Tensor.zeros([1, 6400])], dim: 1)
        let batch = try Torch.cat([audio, short], dim: 0)
        let (_, last) = try Torch.noGrad { try model.sew_d.forward(batch, validSamples: [16000, 9600]) }
        let d = try VoiceFixture.maxAbsDiff(last.slice(dim: 1, start: 0, end: nil, step: 4), expected.fixtureTensor("hidden_masked_every4"))
        #expect(d < 1e-4, "\(name) masked hidden: max abs diff \(d)")
        if let reference = expected["logits_masked"] {
            model.options.pooling = .trueLength
            let logits = try Torch.noGrad { try model.logits(waveform: batch, validSamples: [16000, 9600]) }
            let dl = try VoiceFixture.maxAbsDiff(logits, reference)
            #expect(dl < 1e-4, "\(name) masked logits: max abs diff \(dl)")
        }
    }

    @Test func parameterNamesAreTransformers() throws {
        let keys = Set(try SEWDClassifier(.tiny).stateDict().map(\.key))
        for k in ["sew_d.feature_extractor.conv_layers.12.conv.weight", "sew_d.layer_norm.weight", "sew_d.feature_projection.weight",
                  "sew_d.masked_spec_embed", "sew_d.encoder.pos_conv_embed.conv.weight_g", "sew_d.encoder.encoder.rel_embeddings.weight",
                  "sew_d.encoder.encoder.LayerNorm.weight", "sew_d.encoder.encoder.layer.23.attention.self.query_proj.weight",
                  "sew_d.encoder.encoder.layer.0.attention.output.LayerNorm.bias", "sew_d.encoder.encoder.layer.0.intermediate.dense.weight",
                  "sew_d.encoder.encoder.layer.0.output.dense.weight", "sew_d.encoder.upsample.projection.weight", "projector.weight"] {
            #expect(keys.contains(k), "missing \(k)")
        }
        #expect(!keys.contains("sew_d.encoder.encoder.layer.0.attention.self.pos_key_proj.weight"))
    }

    @Test func savesReloadsAndTrains() throws {
        let dir = try VoiceFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (model, _, audio) = try load("sewd_separate")
        let url = dir.appendingPathComponent("sewd.safetensors")
        try model.save(to: url)
        let back = try #require(try SpeechClassifiers.load(url) as? SEWDClassifier)
        back.eval()
        #expect(back.sew_d.config == model.sew_d.config)
        let clip = try audio[0].floats()
        let a = try Torch.noGrad { try model.logits(clips: [clip, Array(clip.prefix(8000))]) }
        let b = try Torch.noGrad { try back.logits(clips: [clip, Array(clip.prefix(8000))]) }
        #expect(try VoiceFixture.maxAbsDiff(a, b) == 0)
        back.train()
        try back.freezeFeatureEncoder()
        let optimizer = try Optimizer.adam(back.trainableParameters, lr: 1e-2)
        let target = try Tensor([Int64(2)])
        func loss() throws -> Tensor { try Functional.crossEntropy(back.logits(clips: [clip]), target: target) }
        let before = try Torch.noGrad { try loss().item() }
        for _ in 0..<3 {
            try optimizer.zeroGrad()
            try loss().backward()
            try optimizer.step()
        }
        #expect(try Torch.noGrad { try loss().item() } < before)
    }
}
