#!/usr/bin/python3
"""The reference side of `takesense bench engine`: the same work in Debian's python3-torch 1.13.1.

Serves timing requests over stdin/stdout so that `takesense bench engine` can alternate Swift and
Python runs of each row (noise on a shared machine hits both sides alike). Rows and the timing rule
match Sources/takesense/Commands/BenchCommand.swift: 2 warm-up runs, then repeat until 3 s or 20
runs (at least 5), median.
"""
import json
import os
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision


def timed(fn):
    for _ in range(2):
        fn()
    times, start = [], time.perf_counter()
    while len(times) < 5 or (len(times) < 20 and time.perf_counter() - start < 3.0):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


class Attention(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.heads = heads
        self.k_proj = nn.Linear(d, d, bias=False)
        self.v_proj = nn.Linear(d, d)
        self.q_proj = nn.Linear(d, d)
        self.out_proj = nn.Linear(d, d)

    def forward(self, x):
        n, t, d = x.shape
        hd = d // self.heads
        split = lambda y: y.reshape(n, t, self.heads, hd).transpose(1, 2)
        q = split(self.q_proj(x) * (hd ** -0.5))
        k, v = split(self.k_proj(x)), split(self.v_proj(x))
        attn = (q @ k.transpose(-2, -1)).softmax(dim=-1)
        return self.out_proj((attn @ v).transpose(1, 2).reshape(n, t, d))


class Layer(nn.Module):
    def __init__(self, d, heads, ffn):
        super().__init__()
        self.self_attn = Attention(d, heads)
        self.self_attn_layer_norm = nn.LayerNorm(d)
        self.fc1 = nn.Linear(d, ffn)
        self.fc2 = nn.Linear(ffn, d)
        self.final_layer_norm = nn.LayerNorm(d)

    def forward(self, x):
        x = x + self.self_attn(self.self_attn_layer_norm(x))
        return x + self.fc2(F.gelu(self.fc1(self.final_layer_norm(x))))


class WhisperEncoder(nn.Module):
    """Whisper-tiny-shaped: 2 conv1d + 4 pre-LN blocks, d_model 384, 6 heads (transformers' layout)."""
    def __init__(self, mels=80, d=384, layers=4, heads=6, ffn=1536):
        super().__init__()
        self.conv1 = nn.Conv1d(mels, d, 3, padding=1)
        self.conv2 = nn.Conv1d(d, d, 3, stride=2, padding=1)
        self.embed_positions = nn.Embedding(1500, d)
        self.layers = nn.ModuleList([Layer(d, heads, ffn) for _ in range(layers)])
        self.layer_norm = nn.LayerNorm(d)

    def forward(self, mel):
        x = F.gelu(self.conv2(F.gelu(self.conv1(mel)))).permute(0, 2, 1)
        x = x + self.embed_positions.weight[: x.shape[1]]
        for layer in self.layers:
            x = layer(x)
        return self.layer_norm(x)


def small_cnn():
    """The training-step benchmark's CNN for 1x48x48 faces."""
    def block(i, o):
        return [nn.Conv2d(i, o, 3, padding=1, bias=False), nn.BatchNorm2d(o), nn.ReLU(), nn.MaxPool2d(2)]
    return nn.Sequential(*block(1, 32), *block(32, 64), *block(64, 128), nn.Flatten(), nn.Linear(128 * 6 * 6, 6))


def fernet(width, classes=6):
    """FaceEmotion.FERNet: four stages of two 3x3 conv-BN-ReLU (w, 2w, 4w, 8w), max-pooling between them."""
    layers, c = [], 1
    for stage, w in enumerate([width, width * 2, width * 4, width * 8]):
        for _ in range(2):
            layers += [nn.Conv2d(c, w, 3, padding=1, bias=False), nn.BatchNorm2d(w), nn.ReLU()]
            c = w
        if stage < 3:
            layers.append(nn.MaxPool2d(2))
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.3), nn.Linear(c, classes))


# bfloat16 rows: (precision, channels-last) variants, named as in BenchCommand.swift.
PRECISIONS = [("fp32", False), ("bf16", False), ("bf16", True)]
CONV_SHAPES = [(32, 48), (64, 24), (128, 12)]
FERNET_WIDTHS = [20, 24, 32]


def variant(precision, cl):
    return precision + (" channels-last" if cl else "")


def bf16_rows(out):
    """Single 3x3 convolutions and FERNet training steps, fp32 vs bf16 autocast (fp32 master weights)."""
    for c, hw in CONV_SHAPES:
        for precision, cl in PRECISIONS:
            conv = nn.Conv2d(c, c, 3, padding=1, bias=False)
            x = torch.randn(64, c, hw, hw)
            if cl:
                conv = conv.to(memory_format=torch.channels_last)
                x = x.contiguous(memory_format=torch.channels_last)
            x.requires_grad_()

            def step(conv=conv, x=x, bf16=precision == "bf16"):
                conv.zero_grad()
                x.grad = None
                with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
                    y = conv(x)
                y.float().sum().backward()
            out[f"conv3x3 {c}ch {hw}x{hw} b64 fwd+bwd {variant(precision, cl)}"] = (step, False)
    for width in FERNET_WIDTHS:
        for precision, cl in PRECISIONS:
            net = fernet(width).train()
            if cl:
                net = net.to(memory_format=torch.channels_last)
            opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9, nesterov=True, weight_decay=5e-4)
            x, y = torch.randn(64, 1, 40, 40), torch.randint(0, 6, (64,))
            if cl:
                x = x.contiguous(memory_format=torch.channels_last)

            def step(net=net, opt=opt, x=x, y=y, bf16=precision == "bf16"):
                opt.zero_grad()
                with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
                    logits = net(x)
                F.cross_entropy(logits.float(), y).backward()
                opt.step()
            out[f"fernet-{width} train step b64 1x40x40 {variant(precision, cl)}"] = (step, False)


def rows():
    """Row name -> closure doing one unit of work (models built once)."""
    torch.manual_seed(0)
    out = {}
    resnet = torchvision.models.resnet34().eval()
    for batch, size in [(1, 224), (16, 224), (1, 96), (16, 96)]:
        x = torch.randn(batch, 3, size, size)
        out[f"resnet34 forward b{batch} 3x{size}x{size}"] = (lambda x=x: resnet(x), True)
    enc = WhisperEncoder().eval()
    for frames in [1500, 500]:
        mel = torch.randn(1, 80, frames * 2)
        out[f"whisper-tiny encoder forward {frames} frames"] = (lambda mel=mel: enc(mel), True)
    cnn = small_cnn().train()
    opt = torch.optim.Adam(cnn.parameters(), lr=1e-3)
    x, y = torch.randn(64, 1, 48, 48), torch.randint(0, 6, (64,))

    def step():
        opt.zero_grad()
        F.cross_entropy(cnn(x), y).backward()
        opt.step()
    out["small CNN train step b64 1x48x48"] = (step, False)
    bf16_rows(out)
    return out


def main():
    """Serves timing requests: one row name per input line, one JSON answer per output line."""
    torch.set_num_threads(int(os.environ.get("TAKESENSE_THREADS", os.cpu_count())))
    work = rows()
    print(json.dumps({"threads": torch.get_num_threads(), "rows": list(work)}), flush=True)
    for line in sys.stdin:
        name = line.strip()
        if not name:
            continue
        fn, inference = work[name]
        if inference:
            with torch.no_grad():
                ms = timed(fn)
        else:
            ms = timed(fn)
        print(json.dumps({"row": name, "ms": ms}), flush=True)


if __name__ == "__main__":
    main()
