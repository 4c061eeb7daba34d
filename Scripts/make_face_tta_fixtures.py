#!/usr/bin/python3
"""Reference fixtures for ten-crop test-time augmentation and the video degradations
(Tests/ModelTests/Fixtures/face/tta_model.safetensors and tta_degradations.safetensors).

Run with Debian's Python (python3-torch 1.13.1, python3-torchvision 0.14.1, python3-pil):

    /usr/bin/python3 Scripts/make_face_tta_fixtures.py

- tta_model.safetensors: a randomly initialised FERNet-8 written as a TakeSense face model trained on
  40 px crops of 48 px faces (metadata as `takesense train face --recipe crop` writes it).
- tta_degradations.safetensors: four 48x48 test faces in [0, 1]; the model's logits on them with
  torchvision's ten_crop (corners + centre, each mirrored) averaged, with centre + mirror, and with the
  centre crop alone; and the faces degraded by Pillow's JPEG codec (libjpeg) at qualities 50/20/10,
  a Gaussian blur and horizontal motion blur written out in numpy (edges replicated), bilinear
  down-and-up scaling (torch, antialiased down) and gamma curves — each rounded to 8-bit levels.
"""
import io
import json
import math
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision.transforms.functional as TF
from PIL import Image

from make_torch_fixtures import write_safetensors

OUT = Path(__file__).resolve().parent.parent / "Tests" / "ModelTests" / "Fixtures" / "face"


class FERNet(nn.Module):
    """FaceEmotion.FERNet with its parameter names (features.N, classifier.N)."""
    def __init__(self, width, classes=6):
        super().__init__()
        layers, c = [], 1
        for stage, w in enumerate([width, width * 2, width * 4, width * 8]):
            for _ in range(2):
                layers += [nn.Conv2d(c, w, 3, padding=1, bias=False), nn.BatchNorm2d(w), nn.ReLU()]
                c = w
            if stage < 3:
                layers.append(nn.MaxPool2d(2))
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Sequential(nn.Flatten(), nn.Dropout(0.3), nn.Linear(c, classes))

    def forward(self, x):
        return self.classifier(F.adaptive_avg_pool2d(self.features(x), 1))


def faces():
    """Four face-like 48x48 test images on 8-bit levels: shading, edges and noise."""
    rng = np.random.default_rng(5)
    y, x = np.mgrid[0:48, 0:48] / 47.0
    out = []
    for k in range(4):
        img = 0.5 + 0.3 * np.sin(2 * math.pi * (x * (k + 1) + y * 0.7)) * np.cos(2 * math.pi * y * (k + 0.5))
        img[(x - 0.5) ** 2 + (y - 0.45) ** 2 < 0.06] *= 0.6
        img[10 + 3 * k:14 + 3 * k, 8:40] = 0.1 * k
        img += rng.normal(0, 0.05, img.shape)
        out.append(np.clip(np.round(img * 255), 0, 255) / 255.0)
    return torch.tensor(np.stack(out)[:, None], dtype=torch.float32)


def q8(t):
    return torch.clamp(torch.round(t * 255), 0, 255) / 255


def jpeg(batch, quality):
    out = []
    for img in batch[:, 0].numpy():
        buf = io.BytesIO()
        Image.fromarray(np.round(img * 255).astype(np.uint8), mode="L").save(buf, format="JPEG", quality=quality)
        out.append(np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("L"), dtype=np.float32) / 255.0)
    return torch.tensor(np.stack(out)[:, None])


def convolve_rows(a, kernel):
    r = len(kernel) // 2
    padded = np.pad(a, ((0, 0), (r, len(kernel) - 1 - r)), mode="edge")
    return sum(kernel[i] * padded[:, i:i + a.shape[1]] for i in range(len(kernel)))


def gaussian(batch, sigma):
    radius = max(1, math.ceil(3 * sigma))
    k = np.exp(-np.arange(-radius, radius + 1) ** 2 / (2 * sigma * sigma))
    k /= k.sum()
    out = [convolve_rows(convolve_rows(img, k).T, k).T for img in batch[:, 0].numpy().astype(np.float64)]
    return q8(torch.tensor(np.stack(out)[:, None], dtype=torch.float32))


def motion(batch, length):
    k = np.full(length, 1.0 / length)
    out = [convolve_rows(img, k) for img in batch[:, 0].numpy().astype(np.float64)]
    return q8(torch.tensor(np.stack(out)[:, None], dtype=torch.float32))


def main():
    torch.manual_seed(3)
    net = FERNet(8).eval()
    # Non-trivial batch-norm statistics, so eval mode matters.
    with torch.no_grad():
        for m in net.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.uniform_(-0.2, 0.2)
                m.running_var.uniform_(0.5, 1.5)
    meta = {"kind": "takesense.face-emotion", "architecture": "fernet-8", "labels": "angry,disgust,fear,happy,neutral,sad",
            "preprocessing": json.dumps({"inputSize": 48, "channels": 1, "mean": 0.5, "std": 0.25, "cropSize": 40}),
            "flip_averaging": "1", "test_time_augmentation": "ten-crop"}
    write_safetensors(OUT / "tta_model.safetensors", net.state_dict(), meta)

    x = faces()
    t = {"faces": x}
    normalised = (x - 0.5) / 0.25
    with torch.no_grad():
        crops = TF.ten_crop(normalised, 40)  # corners, centre, then the same mirrored
        t["logits/ten-crop"] = torch.stack([net(c) for c in crops]).mean(0)
        centre = TF.center_crop(normalised, 40)
        t["logits/flip"] = (net(centre) + net(TF.hflip(centre))) / 2
        t["logits/none"] = net(centre)
    for q in (50, 20, 10):
        t[f"jpeg/{q}"] = jpeg(x, q)
    t["gaussian/1"] = gaussian(x, 1.0)
    t["gaussian/2"] = gaussian(x, 2.0)
    t["motion/5"] = motion(x, 5)
    for side in (24, 16):
        small = F.interpolate(x, size=(side, side), mode="bilinear", align_corners=False, antialias=True)
        t[f"downup/{side}"] = q8(F.interpolate(small, size=(48, 48), mode="bilinear", align_corners=False))
    for g in (0.5, 2.0):
        t[f"gamma/{g}"] = q8(x.clamp(0, 1) ** g)
    write_safetensors(OUT / "tta_degradations.safetensors", t)
    for name in ("tta_model.safetensors", "tta_degradations.safetensors"):
        print(f"{name}: {(OUT / name).stat().st_size} bytes")


if __name__ == "__main__":
    assert torch.__version__.startswith("1.13"), f"expected Debian's torch 1.13, got {torch.__version__}"
    torch.set_num_threads(1)
    main()
