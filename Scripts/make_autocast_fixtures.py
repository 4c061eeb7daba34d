#!/usr/bin/python3
"""Reference fixture for Torch.withAutocast (Tests/TorchTests/Fixtures/autocast.safetensors).

Run with Debian's Python, which owns python3-torch 1.13.1 (the same libtorch TakeSense links):

    /usr/bin/python3 Scripts/make_autocast_fixtures.py

A small conv-BN-ReLU-pool-linear network (the layers fixture's "sequential") runs three SGD steps
(Nesterov momentum) with its forward pass under torch.autocast("cpu", dtype=torch.bfloat16) and the loss
in float32: the fixture holds the initial state, the inputs, the first step's logits (bfloat16, as
autocast returns them) and weight gradients (float32: master weights), and the state after three steps.
"""
import json
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F

from make_torch_fixtures import write_safetensors

OUT = Path(__file__).resolve().parent.parent / "Tests" / "TorchTests" / "Fixtures"


def main():
    torch.set_num_threads(1)
    torch.manual_seed(21)
    net = nn.Sequential(nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(4 * 3 * 3, 6))
    net.train()
    t = {f"initial/{k}": v.clone() for k, v in net.state_dict().items()}
    x, y = torch.randn(8, 1, 8, 8), torch.randint(0, 6, (8,))
    t["x"], t["y"] = x, y
    opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9, nesterov=True)
    for step in range(3):
        opt.zero_grad()
        with torch.autocast("cpu", dtype=torch.bfloat16):
            logits = net(x)
        loss = F.cross_entropy(logits.float(), y)
        loss.backward()
        if step == 0:
            t["step0/logits"] = logits.detach()
            t["step0/loss"] = loss.detach().reshape(1)
            for k, p in net.named_parameters():
                t[f"step0/grad/{k}"] = p.grad.clone()
        opt.step()
    for k, v in net.state_dict().items():
        t[f"final/{k}"] = v.clone()
    write_safetensors(OUT / "autocast.safetensors", t, {"keys": json.dumps(list(net.state_dict().keys()))})
    print(f"autocast.safetensors: {(OUT / 'autocast.safetensors').stat().st_size} bytes")


if __name__ == "__main__":
    assert torch.__version__.startswith("1.13"), f"expected Debian's torch 1.13, got {torch.__version__}"
    main()
