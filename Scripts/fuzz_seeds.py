#!/usr/bin/env python3
"""Seed corpora for the libFuzzer targets in Fuzz/ (Scripts/fuzz.sh calls this).

Usage: Scripts/fuzz_seeds.py OUT_DIR   -> OUT_DIR/<Target>/<seed files>

Seeds come from the repository's own fixtures (Tests/*/Fixtures, Models/ headers, Samples/) plus a few
hand-written inputs in the formats the readers accept (policies, manifests, a small CTranslate2 model.bin).
Fuzz/Seeds/sample-take.analysis.json is `takesense analyze Samples/sample-take.mp4 --json F`.
"""
import glob
import json
import os
import shutil
import struct
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MAX_SEED = 64 * 1024


def put(out, target, name, data):
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def small_files(pattern):
    for p in sorted(glob.glob(os.path.join(ROOT, pattern))):
        if os.path.getsize(p) <= MAX_SEED:
            yield p


def safetensors_header(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        return f.read(n).rstrip(b" ")


def ct2_model():
    """CTranslate2's model.bin layout (specs/model_spec.py): version 6, a spec, variables, int16 scalars, aliases."""
    out = bytearray()
    u8 = lambda v: out.extend(struct.pack("<B", v))
    u16 = lambda v: out.extend(struct.pack("<H", v))
    u32 = lambda v: out.extend(struct.pack("<I", v))

    def string(s):
        b = s.encode()
        u16(len(b) + 1)
        out.extend(b + b"\0")

    u32(6)
    string("WhisperSpec")
    u32(3)
    variables = [("encoder/conv1/weight", [2, 2, 3], 4), ("encoder/conv1/bias", [2], 0), ("decoder/embeddings/weight", [2, 2], 1)]
    u32(len(variables) + 1)
    sizes = {0: 4, 1: 1, 4: 2}
    for name, shape, dtype in variables:
        string(name)
        u8(len(shape))
        for d in shape:
            u32(d)
        u8(dtype)
        count = 1
        for d in shape:
            count *= d
        u32(count * sizes[dtype])
        out.extend(bytes((i * 37) & 0xFF for i in range(count * sizes[dtype])))
    string("num_heads")
    u8(0)
    u8(2)
    u32(2)
    u16(6)
    u32(1)
    string("encoder/alias")
    string("encoder/conv1/weight")
    return bytes(out)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build-fuzz", "seeds")
    shutil.rmtree(out, ignore_errors=True)
    for p in list(small_files("Tests/TensorFilesTests/Fixtures/*.safetensors")) + list(small_files("Tests/TorchTests/Fixtures/*.safetensors")):
        put(out, "FuzzSafeTensors", os.path.basename(p), open(p, "rb").read())
    for p in list(small_files("Tests/TensorFilesTests/Fixtures/*.p*")) + list(small_files("Tests/TorchTests/Fixtures/*.pth")):
        put(out, "FuzzPyTorch", os.path.basename(p), open(p, "rb").read())
    put(out, "FuzzCTranslate2", "tiny-whisper.bin", ct2_model())
    # Finds, kept as seeds so every run replays them (each is also a unit test).
    for p in sorted(glob.glob(os.path.join(ROOT, "Fuzz", "Seeds", "ctranslate2-*.bin"))):
        put(out, "FuzzCTranslate2", os.path.basename(p), open(p, "rb").read())
    for p in sorted(glob.glob(os.path.join(ROOT, "Models", "*.safetensors"))) + list(small_files("Tests/TensorFilesTests/Fixtures/*.safetensors")):
        put(out, "FuzzModelMetadata", os.path.basename(p) + ".header.json", safetensors_header(p))
    # A small valid safetensors file made of the shipped face model's header is also a SafeTensors seed.
    policies = [
        {}, {"retake_below": 0.6}, {"retake_below": 0.72, "span_below": 0.72, "max_span_share": 0.3, "min_face_coverage": 0.3,
                                   "min_speech_seconds": 0.5, "min_confidence": 0.3, "min_segment_face_coverage": 0.5, "intent_min": 0.3},
    ]
    for i, p in enumerate(policies):
        put(out, "FuzzPolicy", f"policy{i}.json", json.dumps(p).encode())
    manifests = {
        "labels.csv": "path,label\ntakes/a.mp4,happy\n\"takes/b, c.mov\",sad\n# comment\nc.json,neutral\n",
        "headerless.csv": "a.mp4,angry\nb.mp4\n",
        "scenes.csv": "file,face,voice,notes\na.mp4,happy,sad,x\nb.json,anger,neu,\"q \"\"quoted\"\"\"\n",
        "omg.csv": "link,start,end,video,utterance,EmotionMaxVote\nhttps://x,0.0,1.5,vid1,utterance_1.mp4,3\n",
    }
    for name, text in manifests.items():
        put(out, "FuzzManifest", name, text.encode())
    for p in sorted(glob.glob(os.path.join(ROOT, "Fuzz", "Seeds", "manifest-*.csv"))):
        put(out, "FuzzManifest", os.path.basename(p), open(p, "rb").read())
    analysis = open(os.path.join(ROOT, "Fuzz", "Seeds", "sample-take.analysis.json"), "rb").read()
    # The whole analysis (64 kB, 74 frames) runs at a few executions per second under ASan: seed with shortened copies.
    take = json.loads(analysis)
    take["face"]["frames"] = take["face"]["frames"][:3]
    take["face"]["thumbnails"] = []
    put(out, "FuzzAnalysisJSON", "short.json", json.dumps(take).encode())
    put(out, "FuzzAnalysisJSON", "two.json", json.dumps({"takes": [take, take]}).encode())
    take["voice"]["segments"] = take["voice"]["segments"][:1]
    take["congruence"]["segments"] = take["congruence"]["segments"][:1]
    take["face"]["frames"] = take["face"]["frames"][:1]
    put(out, "FuzzAnalysisJSON", "minimal.json", json.dumps(take, separators=(",", ":")).encode())
    for p in sorted(glob.glob(os.path.join(ROOT, "Fuzz", "Seeds", "analysis-*.json"))):
        put(out, "FuzzAnalysisJSON", os.path.basename(p), open(p, "rb").read())
    print(out)


if __name__ == "__main__":
    main()
