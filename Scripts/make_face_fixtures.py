#!/usr/bin/python3
"""Reference fixtures for the face architectures (Tests/ModelTests/Fixtures/face).

Run with Debian's Python (python3-torch 1.13.1, python3-torchvision 0.14.1):

    /usr/bin/python3 Scripts/make_face_fixtures.py

For every torchvision architecture TakeSense re-implements, the fixture records the state-dict keys
and shapes in order. For a subset it also records the eval-mode output on a fixed input, with weights
set by a deterministic formula (no random generator involved), which the Swift test reproduces:
parameter number k (state-dict order), element j: 0.5 * sin(0.37 k + 0.011 j) / sqrt(fan_in) for
weights with fan-in, and for batch norm weight 1 + 0.1 s, bias 0.1 s, running_mean 0.1 s,
running_var 1 + 0.25 (s + 1), where s = sin(0.37 k + 0.011 j).
"""
import json
import math
from pathlib import Path

import torch
import torchvision

OUT = Path(__file__).resolve().parent.parent / "Tests" / "ModelTests" / "Fixtures" / "face"


def pattern(k, n):
    return torch.sin(0.37 * k + 0.011 * torch.arange(n, dtype=torch.float64))


def set_deterministic(model):
    sd = model.state_dict()
    new = {}
    for k, (name, t) in enumerate(sd.items()):
        if t.dtype == torch.int64:
            new[name] = torch.zeros_like(t)
            continue
        s = pattern(k, t.numel()).reshape(t.shape)
        leaf = name.rsplit(".", 1)[-1]
        if leaf == "running_mean":
            v = 0.1 * s
        elif leaf == "running_var":
            v = 1 + 0.25 * (s + 1)
        elif t.dim() == 1 and leaf == "weight":
            v = 1 + 0.1 * s
        elif t.dim() == 1:
            v = 0.1 * s
        else:
            fan_in = t[0].numel()
            v = 0.5 * s / math.sqrt(fan_in)
        new[name] = v.to(t.dtype)
    model.load_state_dict(new)


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    M = torchvision.models
    archs = {f"resnet{d}": getattr(M, f"resnet{d}") for d in (18, 34, 50)}
    for d in (11, 13, 16, 19):
        archs[f"vgg{d}"] = getattr(M, f"vgg{d}")
        archs[f"vgg{d}_bn"] = getattr(M, f"vgg{d}_bn")
    for b in range(7):
        archs[f"efficientnet_b{b}"] = getattr(M, f"efficientnet_b{b}")
    keys = {}
    for name, make in archs.items():
        m = make(num_classes=6)
        keys[name] = [[k, list(v.shape)] for k, v in m.state_dict().items()]
    (OUT / "torchvision_keys.json").write_text(json.dumps(keys, separators=(",", ":")))

    x = torch.sin(0.05 * torch.arange(2 * 3 * 64 * 64, dtype=torch.float64)).reshape(2, 3, 64, 64).float()
    outputs = {}
    for name in ["resnet18", "resnet50", "vgg11", "vgg11_bn", "efficientnet_b0", "efficientnet_b5"]:
        m = archs[name](num_classes=6).eval()
        set_deterministic(m)
        with torch.no_grad():
            outputs[name] = m(x).flatten().tolist()
    (OUT / "torchvision_outputs.json").write_text(json.dumps(outputs))
    print({p.name: p.stat().st_size for p in OUT.iterdir()})


if __name__ == "__main__":
    main()
