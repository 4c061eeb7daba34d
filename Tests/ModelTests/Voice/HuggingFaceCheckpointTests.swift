import Foundation
import Testing
import Torch
@testable import SpeechBackbones
@testable import VoiceEmotion

/// Checkpoint directories as transformers' `save_pretrained` writes them (config.json + model.safetensors
/// with only {"format": "pt"} metadata), built from the parity fixtures.
@Suite struct HuggingFaceCheckpointTests {
    func writeCheckpoint(_ tensors: [String: Tensor], config: [String: Any], in dir: URL) throws -> URL {
        let url = dir.appendingPathComponent("model.safetensors")
        try Checkpoint.saveSafetensors(tensors.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, to: url, metadata: ["format": "pt"])
        try JSONSerialization.data(withJSONObject: config).write(to: dir.appendingPathComponent("config.json"))
        return url
    }

    let id2label: [String: String] = ["0": "angry", "1": "disgust", "2": "fear", "3": "happy", "4": "neutral", "5": "sad"]

    @Test func whisperForAudioClassification() throws {
        let dir = try VoiceFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let weights = try VoiceFixture.load("whisper_tiny_random.safetensors").filter { $0.key != "layer_weights" }
        let config: [String: Any] = ["architectures": ["WhisperForAudioClassification"], "model_type": "whisper", "d_model": 16,
                                     "encoder_layers": 2, "encoder_attention_heads": 2, "encoder_ffn_dim": 32, "num_mel_bins": 80,
                                     "max_source_positions": 50, "classifier_proj_size": 8, "use_weighted_layer_sum": false,
                                     "id2label": id2label]
        let url = try writeCheckpoint(weights, config: config, in: dir)
        let model = try #require(try SpeechClassifiers.load(url) as? WhisperClassifier)
        model.eval()
        #expect(model.labels == defaultEmotionLabels)
        let expected = try VoiceFixture.load("whisper_tiny_random_expected.safetensors")
        let logits = try Torch.noGrad { try model.logits(mel: expected.fixtureTensor("input_mel").unsqueeze(0)) }
        #expect(try VoiceFixture.maxAbsDiff(logits[0], expected.fixtureTensor("logits")) < 1e-4)
        // The encoder alone from a WhisperForConditionalGeneration-style file (model.encoder.*, decoder keys ignored).
        var full: [String: Tensor] = [:]
        for (k, v) in weights where k.hasPrefix("encoder.") { full["model." + k] = v }
        full["model.decoder.embed_tokens.weight"] = try Tensor.zeros([4, 16])
        let encoder = try WhisperEncoder(WhisperConfig(melBins: 80, dModel: 16, layers: 2, heads: 2, ffnDim: 32, maxSourcePositions: 50))
        #expect(try encoder.load(huggingFace: full).isExact)
    }

    @Test(arguments: ["wav2vec2_group", "hubert_layer", "sewd_shared"]) func sequenceClassification(_ name: String) throws {
        let dir = try VoiceFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = try VoiceFixture.url("\(name).safetensors")
        var config = try #require(try JSONSerialization.jsonObject(
            with: Data(Checkpoint.safetensorsMetadata(source)["config"]!.utf8)) as? [String: Any])
        config["id2label"] = id2label
        config["normalize_input"] = false  // TakeSense's key; transformers ignores it
        config["pooling"] = "allFrames"
        let url = try writeCheckpoint(try Checkpoint.loadSafetensors(source), config: config, in: dir)
        let model = try SpeechClassifiers.load(url)
        model.eval()
        #expect(model.labels == defaultEmotionLabels)
        let audio = try VoiceFixture.load("logmel.safetensors").fixtureTensor("audio").floats()
        let logits = try Torch.noGrad { try model.logits(clips: [audio]) }
        let expected = try VoiceFixture.load("\(name)_expected.safetensors").fixtureTensor("logits")
        #expect(try VoiceFixture.maxAbsDiff(logits[0], expected) < 1e-4)
    }

    @Test func unknownFilesAreClearErrors() throws {
        let dir = try VoiceFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("x.safetensors")
        try Checkpoint.saveSafetensors([("w", try Tensor.zeros([2]))], to: url)
        let e = #expect(throws: TorchError.self) { try SpeechClassifiers.load(url) }
        #expect(e?.message.contains("cannot tell what model this is") == true)
        try JSONSerialization.data(withJSONObject: ["architectures": ["BertModel"]]).write(to: dir.appendingPathComponent("config.json"))
        let e2 = #expect(throws: TorchError.self) { try SpeechClassifiers.load(url) }
        #expect(e2?.message.contains("not a speech classifier") == true)
    }
}
