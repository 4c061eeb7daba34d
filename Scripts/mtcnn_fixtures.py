#!/usr/bin/env python3
"""MTCNN parity fixtures for Tests/FacesTests: facenet-pytorch's own MTCNN on a few real frames.

Run with Debian's /usr/bin/python3 (python3-torch 1.13, python3-torchvision, python3-pil) through
Scripts/make_mtcnn_fixtures.sh, which fetches facenet-pytorch (pip, --no-deps) and the public-domain
astronaut/coffee photographs (Debian's python3-skimage data) first:

    /usr/bin/python3 Scripts/mtcnn_fixtures.py --facenet WHEEL_DIR --images SKIMAGE_DATA_DIR \
        [--fer ../shared/data/fer2013] --out Tests/FacesTests/Fixtures/mtcnn

Writes
- frames/*.png: the committed frames (RGB, lossless);
- expected.json: for every frame, facenet-pytorch's MTCNN(min_face_size=20) boxes [x1, y1, x2, y2],
  probabilities and landmarks, largest first; plus a FER2013 composite described by its recipe only
  (file names, integer upscaling, positions, background formula), rebuilt by the tests from
  ../shared/data, since no dataset image is stored in the repository. FER images are decoded with the
  ffmpeg CLI, i.e. FFmpeg's JPEG decoder, the one TakeSense's ImageDecoder uses;
- nets.safetensors: P-Net, R-Net and O-Net outputs on seeded random inputs (forward parity).
"""
import argparse
import json
import os
import struct
import subprocess
import sys

import numpy as np
import torch
from PIL import Image


def write_safetensors(path, tensors):
    header, offset, blobs = {}, 0, []
    for name, t in tensors.items():
        a = t.detach().contiguous().numpy().astype(np.float32)
        b = a.tobytes()
        header[name] = {"dtype": "F32", "shape": list(a.shape), "data_offsets": [offset, offset + len(b)]}
        offset += len(b)
        blobs.append(b)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def decode_gray_ffmpeg(path):
    out = subprocess.run(["ffmpeg", "-v", "error", "-i", path, "-f", "rawvideo", "-pix_fmt", "gray", "-"],
                         check=True, capture_output=True).stdout
    return np.frombuffer(out, dtype=np.uint8).reshape(48, 48)


# The FER composite's recipe; FacesTests rebuilds it identically (see MTCNNParityTests.swift).
FER_RECIPE = {
    "width": 360, "height": 240,
    "background": "90 + 60 * x / 360 + 40 * y / 240 (integer division)",
    "faces": [
        {"file": "validation/happy/PublicTest_10130075.jpg", "scale": 3, "x": 30, "y": 40},
        {"file": "validation/neutral/PublicTest_10014592.jpg", "scale": 2, "x": 230, "y": 100},
    ],
}


def fer_composite(fer_dir):
    w, h = FER_RECIPE["width"], FER_RECIPE["height"]
    ys, xs = np.mgrid[0:h, 0:w]
    canvas = (90 + 60 * xs // w + 40 * ys // h).astype(np.uint8)
    for face in FER_RECIPE["faces"]:
        g = decode_gray_ffmpeg(os.path.join(fer_dir, face["file"]))
        k = face["scale"]
        big = np.repeat(np.repeat(g, k, axis=0), k, axis=1)
        canvas[face["y"]:face["y"] + 48 * k, face["x"]:face["x"] + 48 * k] = big
    return np.stack([canvas] * 3, axis=-1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--facenet", required=True, help="directory holding the facenet_pytorch package")
    ap.add_argument("--images", required=True, help="directory holding astronaut.png and coffee.png")
    ap.add_argument("--fer", default=None, help="FER2013 image folders (optional)")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    sys.path.insert(0, args.facenet)
    try:
        import tqdm  # noqa: F401  (facenet-pytorch imports it for downloads, which are not used here)
    except ImportError:
        import types
        sys.modules["tqdm"] = types.SimpleNamespace(tqdm=None)
    from facenet_pytorch import MTCNN, ONet, PNet, RNet

    torch.set_num_threads(1)
    os.makedirs(os.path.join(args.out, "frames"), exist_ok=True)

    astronaut = Image.open(os.path.join(args.images, "astronaut.png")).convert("RGB")
    coffee = Image.open(os.path.join(args.images, "coffee.png")).convert("RGB")
    frames = {}
    frames["astronaut_256.png"] = np.asarray(astronaut.resize((256, 256), Image.BILINEAR))
    # The astronaut small on a wider smooth background (face about 40 px).
    w, h = 400, 240
    ys, xs = np.mgrid[0:h, 0:w]
    bg = np.stack([(40 + 120 * xs // w), (60 + 80 * ys // h), (150 - 100 * xs // w)], axis=-1).astype(np.uint8)
    small = np.asarray(astronaut.resize((128, 128), Image.BILINEAR))
    bg[70:198, 220:348] = small
    frames["astronaut_small_400x240.png"] = bg
    frames["coffee_240x160.png"] = np.asarray(coffee.resize((240, 160), Image.BILINEAR))
    frames["astronaut_gray_200.png"] = np.stack([np.asarray(astronaut.convert("L").resize((200, 200), Image.BILINEAR))] * 3, axis=-1)

    mtcnn = MTCNN(min_face_size=20, keep_all=True, device="cpu")
    expected = {"facenet_pytorch": "2.6.0", "min_face_size": 20, "thresholds": [0.6, 0.7, 0.7], "factor": 0.709,
                "frames": []}

    def run(img):
        boxes, probs, points = mtcnn.detect(img, landmarks=True)
        if boxes is None:
            return {"boxes": [], "probs": [], "landmarks": []}
        return {"boxes": boxes.tolist(), "probs": probs.tolist(), "landmarks": points.tolist()}

    for name, img in frames.items():
        Image.fromarray(img).save(os.path.join(args.out, "frames", name), optimize=True)
        result = run(img)
        result["file"] = "frames/" + name
        expected["frames"].append(result)
        print(name, img.shape, len(result["boxes"]), "faces")

    if args.fer:
        img = fer_composite(args.fer)
        result = run(img)
        result["recipe"] = FER_RECIPE
        expected["fer_composite"] = result
        print("fer composite", len(result["boxes"]), "faces")

    with open(os.path.join(args.out, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)

    # Forward parity of each network on seeded inputs.
    torch.manual_seed(0)
    pnet, rnet, onet = mtcnn.pnet.eval(), mtcnn.rnet.eval(), mtcnn.onet.eval()
    xp, xr, xo = torch.randn(1, 3, 31, 45), torch.randn(3, 3, 24, 24), torch.randn(2, 3, 48, 48)
    with torch.no_grad():
        preg, pprob = pnet(xp)
        rreg, rprob = rnet(xr)
        oreg, oland, oprob = onet(xo)
    write_safetensors(os.path.join(args.out, "nets.safetensors"), {
        "pnet.input": xp, "pnet.regression": preg, "pnet.probabilities": pprob,
        "rnet.input": xr, "rnet.regression": rreg, "rnet.probabilities": rprob,
        "onet.input": xo, "onet.regression": oreg, "onet.landmarks": oland, "onet.probabilities": oprob,
    })


if __name__ == "__main__":
    main()
