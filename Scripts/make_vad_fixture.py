#!/usr/bin/env python3
"""Writes the speech reference of the voice-activity detector's tests (Tests/VADTests/Fixtures/ravdess_speech.json).

Usage (from the repository root, with the RAVDESS FLACs in ../shared/data/ravdess):

    pip install onnxruntime webrtcvad-wheels numpy
    pip install --no-deps silero-vad        # the package ships the ONNX model; torch is not needed
    python3 Scripts/make_vad_fixture.py

Needs ffmpeg on PATH (decodes the FLACs to 16 kHz mono s16le, exactly what the FLACs hold).

Clips: 60 RAVDESS speech clips, three per actor (Actor_01..Actor_20), with the emotion, intensity,
statement and repetition chosen by a fixed formula so that every emotion and both intensities occur
(quiet "neutral"/"calm" clips sit 20-30 dB below the loud "angry" ones).

Reference: Silero VAD (the `silero-vad` package's silero_vad.onnx, run through onnxruntime exactly as
the package's OnnxWrapper does: 512-sample windows with 64 samples of context, state carried over),
turned into segments by the package's own `get_speech_timestamps_from_probs` (read from its source
so that torch is not imported) with its defaults (threshold 0.5, neg_threshold 0.35, min speech
250 ms, min silence 100 ms) except speech_pad_ms=0 (the reference marks speech itself, no margin).
Per clip the fixture keeps the sentence span (first start to last end) and the segments one gets
when pauses shorter than 300 ms are bridged (the detector's default bridging), in seconds.

Silero is used rather than webrtcvad because webrtcvad's decisions depend on the absolute level,
and RAVDESS levels differ by 30 dB between clips: aggressiveness 3 misses most of the quiet
clips' speech (e.g. 03-01-02-01-01-02-05: 1.14-1.26 s of a sentence that runs 1.0-3.1 s) while
aggressiveness 2 marks -60 dBFS breaths and room noise of loud clips (03-01-05-02-02-02-01:
0.03-4.41 s for a sentence at 1.1-3.5 s). For comparison the fixture also keeps webrtcvad's
sentence spans (30 ms frames, first to last run of >= 3 speech frames) at aggressiveness 2 and 3.
"""

import ast
import json
import os
import subprocess
import sys

import numpy as np
import onnxruntime
import webrtcvad
from importlib.metadata import version
from importlib.util import find_spec

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
DATA = os.environ.get("TAKESENSE_SHARED_DATA", os.path.join(ROOT, "..", "shared", "data"))
RAVDESS = os.path.join(DATA, "ravdess")
OUT = os.path.join(ROOT, "Tests", "VADTests", "Fixtures", "ravdess_speech.json")
RATE = 16000


def silero_dir():
    """The installed silero_vad package's folder, found without importing it (its __init__ imports torch)."""
    spec = find_spec("silero_vad")
    if spec is None:
        sys.exit("silero-vad is not installed (pip install --no-deps silero-vad)")
    return list(spec.submodule_search_locations)[0]


def selected_clips():
    """Three clips per actor: 03-01-EE-II-SS-RR-AA.flac with a fixed, varied choice of fields."""
    clips = []
    for j in range(3):
        for actor in range(1, 21):
            emotion = (actor + 3 * j) % 8 + 1
            intensity = 1 if emotion == 1 else (actor + j) % 2 + 1
            statement = (actor // 2 + j) % 2 + 1
            repetition = j % 2 + 1
            name = f"03-01-{emotion:02d}-{intensity:02d}-{statement:02d}-{repetition:02d}-{actor:02d}.flac"
            clips.append(f"Actor_{actor:02d}/{name}")
    return clips


def read_s16(path):
    raw = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", path, "-f", "s16le", "-ac", "1", "-ar", str(RATE), "-"],
        capture_output=True, check=True,
    ).stdout
    return np.frombuffer(raw, dtype=np.int16)


def load_timestamps_function():
    """silero_vad.utils_vad.get_speech_timestamps_from_probs without importing torch (the module does at the top)."""
    path = os.path.join(silero_dir(), "utils_vad.py")
    tree = ast.parse(open(path).read())
    fn = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "get_speech_timestamps_from_probs")
    namespace = {"List": list, "make_visualization": None}
    exec(compile(ast.Module([fn], []), path, "exec"), namespace)
    return namespace["get_speech_timestamps_from_probs"]


class Silero:
    def __init__(self):
        model = os.path.join(silero_dir(), "data", "silero_vad.onnx")
        opts = onnxruntime.SessionOptions()
        opts.inter_op_num_threads = 1
        opts.intra_op_num_threads = 1
        self.session = onnxruntime.InferenceSession(model, providers=["CPUExecutionProvider"], sess_options=opts)
        self.timestamps = load_timestamps_function()

    def probabilities(self, audio):
        """As silero's get_speech_timestamps: 512-sample chunks (the last zero-padded), 64 samples of context."""
        state = np.zeros((2, 1, 128), np.float32)
        context = np.zeros((1, 64), np.float32)
        out = []
        for start in range(0, len(audio), 512):
            chunk = audio[start:start + 512]
            if len(chunk) < 512:
                chunk = np.pad(chunk, (0, 512 - len(chunk)))
            x = np.concatenate([context, chunk[None, :].astype(np.float32)], axis=1)
            prob, state = self.session.run(None, {"input": x, "state": state, "sr": np.array(RATE, dtype=np.int64)})
            context = x[:, -64:]
            out.append(float(np.asarray(prob).reshape(-1)[0]))
        return out

    def segments(self, audio, min_silence_ms):
        probs = self.probabilities(audio)
        found = self.timestamps(probs, sampling_rate=RATE, speech_pad_ms=0, min_silence_duration_ms=min_silence_ms,
                                audio_length_samples=len(audio))
        return [(s["start"] / RATE, s["end"] / RATE) for s in found]


def webrtc_span(pcm, aggressiveness):
    vad = webrtcvad.Vad(aggressiveness)
    frame = RATE * 30 // 1000
    n = len(pcm) // frame
    flags = [vad.is_speech(pcm[i * frame:(i + 1) * frame].tobytes(), RATE) for i in range(n)]
    runs, i = [], 0
    while i < n:
        if flags[i]:
            j = i
            while j < n and flags[j]:
                j += 1
            if j - i >= 3:
                runs.append((i, j))
            i = j
        else:
            i += 1
    if not runs:
        return None
    return [r3(runs[0][0] * 0.03), r3(runs[-1][1] * 0.03)]


def r3(x):
    return round(float(x), 3)


def main():
    if not os.path.isdir(RAVDESS):
        sys.exit(f"{RAVDESS} not found (set TAKESENSE_SHARED_DATA to the shared/data folder)")
    silero = Silero()
    clips = []
    for rel in selected_clips():
        pcm = read_s16(os.path.join(RAVDESS, rel))
        audio = pcm.astype(np.float32) / 32768
        fine = silero.segments(audio, 100)
        bridged = silero.segments(audio, 300)
        if not fine:
            sys.exit(f"{rel}: the reference found no speech")
        clips.append({
            "file": rel,
            "samples": int(len(pcm)),
            "start": r3(fine[0][0]),
            "end": r3(fine[-1][1]),
            "segments": [[r3(s), r3(e)] for s, e in bridged],
            "webrtcvad2": webrtc_span(pcm, 2),
            "webrtcvad3": webrtc_span(pcm, 3),
        })
        print(f"{rel}: {clips[-1]['start']:.3f}-{clips[-1]['end']:.3f} s, {len(bridged)} segment(s)")
    payload = {
        "generator": "Scripts/make_vad_fixture.py",
        "reference": (f"silero-vad {version('silero-vad')} (silero_vad.onnx, onnxruntime {onnxruntime.__version__}), "
                      "get_speech_timestamps_from_probs defaults, speech_pad_ms=0"),
        "comparison": f"webrtcvad-wheels {version('webrtcvad-wheels')}, 30 ms frames, first to last run of >= 3 speech frames",
        "sample_rate": RATE,
        "clips": clips,
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(payload, f, indent=1)
        f.write("\n")
    print(f"{OUT}: {len(clips)} clips, {os.path.getsize(OUT)} bytes")


if __name__ == "__main__":
    main()
