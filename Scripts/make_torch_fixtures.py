#!/usr/bin/python3
"""Reference fixtures for the Torch parity tests (Tests/TorchTests/Fixtures).

Run with Debian's Python, which owns python3-torch 1.13.1 (the same libtorch TakeSense links):

    /usr/bin/python3 Scripts/make_torch_fixtures.py

Each fixture file is a safetensors file written by the small writer below (independent of TakeSense's
reader, so the reader is tested too). For an op case NAME it holds NAME/in.K (inputs), NAME/out
(output), and for differentiable cases NAME/gout (the upstream gradient) and NAME/grad.K (gradients of
the inputs). The Swift tests run the same computation on the inputs and compare.
"""
import json
import math
import struct
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = Path(__file__).resolve().parent.parent / "Tests" / "TorchTests" / "Fixtures"
DTYPES = {torch.float32: "F32", torch.float64: "F64", torch.float16: "F16", torch.bfloat16: "BF16",
          torch.int64: "I64", torch.int32: "I32", torch.uint8: "U8", torch.bool: "BOOL"}


def write_safetensors(path, tensors, metadata=None):
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name, t in tensors.items():
        t = t.detach().contiguous().cpu()
        raw = t.numpy().tobytes() if t.dtype not in (torch.bfloat16,) else t.view(torch.int16).numpy().tobytes()
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def r(*shape, positive=False):
    t = torch.randn(*shape)
    return t.abs() + 0.5 if positive else t


class Cases:
    def __init__(self):
        self.tensors = {}
        self.names = []

    def add(self, name, inputs, fn, grad=True):
        ins = [x.clone().requires_grad_(grad and x.is_floating_point()) for x in inputs]
        out = fn(*ins)
        for i, x in enumerate(inputs):
            self.tensors[f"{name}/in.{i}"] = x
        self.tensors[f"{name}/out"] = out.detach()
        if grad and out.is_floating_point():
            gout = torch.randn_like(out)
            out.backward(gout)
            self.tensors[f"{name}/gout"] = gout
            for i, x in enumerate(ins):
                if x.requires_grad and x.grad is not None:
                    self.tensors[f"{name}/grad.{i}"] = x.grad
        self.names.append(name)


def ops():
    torch.manual_seed(1234)
    c = Cases()
    # Arithmetic with broadcasting, scalars, pow
    c.add("add_broadcast", [r(3, 1, 4), r(5, 1)], lambda a, b: a + b)
    c.add("sub", [r(2, 3), r(2, 3)], lambda a, b: a - b)
    c.add("mul_broadcast", [r(2, 3, 4), r(4)], lambda a, b: a * b)
    c.add("div", [r(3, 4), r(3, 4, positive=True)], lambda a, b: a / b)
    c.add("scalar_ops", [r(3, 4)], lambda a: (2.5 - a) * 3.0 / 2.0 + 1.0)
    c.add("rdiv_scalar", [r(5, positive=True)], lambda a: 2.0 / a)
    c.add("pow_scalar", [r(3, 4, positive=True)], lambda a: a ** 1.7)
    c.add("pow_tensor", [r(3, 4, positive=True), r(3, 4)], lambda a, b: a ** b)
    c.add("maximum", [r(4, 5), r(4, 5)], lambda a, b: torch.maximum(a, b))
    c.add("neg_abs", [r(6)], lambda a: -a.abs())
    c.add("exp_log", [r(3, 3, positive=True)], lambda a: a.exp() + a.log() + a.sqrt() + a.rsqrt())
    c.add("trig", [r(7)], lambda a: a.sin() * a.cos() + a.tanh())
    c.add("clamp", [r(10)], lambda a: a.clamp(-0.5, 0.7))
    # Matmul
    c.add("matmul_2d", [r(5, 7), r(7, 3)], lambda a, b: a @ b)
    c.add("matmul_batched_broadcast", [r(2, 1, 4, 6), r(3, 6, 5)], lambda a, b: a @ b)
    c.add("matmul_vec", [r(4, 6), r(6)], lambda a, b: a @ b)
    c.add("linear", [r(2, 3, 8), r(5, 8), r(5)], lambda x, w, b: F.linear(x, w, b))
    # Reductions
    c.add("sum_all", [r(3, 4)], lambda a: a.sum())
    c.add("sum_dims_keep", [r(2, 3, 4)], lambda a: a.sum(dim=(0, 2), keepdim=True))
    c.add("mean_dim", [r(2, 3, 4)], lambda a: a.mean(dim=1))
    c.add("amax_dim", [r(3, 5)], lambda a: a.amax(dim=1))
    c.add("var_unbiased", [r(4, 6)], lambda a: a.var(dim=1))
    c.add("std_biased", [r(4, 6)], lambda a: a.std(dim=0, unbiased=False))
    c.add("logsumexp", [r(3, 7)], lambda a: torch.logsumexp(a, dim=1))
    c.add("argmax", [r(4, 6)], lambda a: a.argmax(dim=1), grad=False)
    # Activations
    c.add("relu", [r(4, 5)], F.relu)
    c.add("gelu", [r(4, 5)], lambda a: F.gelu(a))
    c.add("gelu_tanh", [r(4, 5)], lambda a: F.gelu(a, approximate="tanh"))
    c.add("silu", [r(4, 5)], F.silu)
    c.add("sigmoid", [r(4, 5)], torch.sigmoid)
    c.add("softmax", [r(3, 6)], lambda a: F.softmax(a, dim=-1))
    c.add("log_softmax", [r(3, 6)], lambda a: F.log_softmax(a, dim=0))
    c.add("hardswish", [r(12) * 4], F.hardswish)
    # Shapes and indexing
    c.add("reshape_permute", [r(2, 3, 4)], lambda a: a.reshape(4, 6).t().reshape(2, 2, 6).permute(2, 0, 1))
    c.add("transpose_contig", [r(3, 4, 5)], lambda a: a.transpose(0, 2).contiguous().flatten(1))
    c.add("slice_step", [r(10, 4)], lambda a: a[1:9:3])
    c.add("slice_negative", [r(6, 8)], lambda a: a[:, -5:-1])
    c.add("select", [r(3, 4, 5)], lambda a: a.select(1, 2))
    c.add("cat", [r(2, 3), r(4, 3)], lambda a, b: torch.cat([a, b], dim=0))
    c.add("stack", [r(2, 3), r(2, 3)], lambda a, b: torch.stack([a, b], dim=1))
    c.add("unsqueeze_expand", [r(3)], lambda a: a.unsqueeze(0).expand(4, 3) * 1.0)
    c.add("index_select", [r(5, 3), torch.tensor([4, 0, 2, 2])], lambda a, i: a.index_select(0, i))
    c.add("gather", [r(3, 4), torch.tensor([[0, 1], [3, 3], [2, 0]])], lambda a, i: a.gather(1, i))
    c.add("masked_fill", [r(3, 4), torch.rand(3, 4) > 0.5], lambda a, m: a.masked_fill(m, -2.0))
    c.add("where", [torch.rand(3, 4) > 0.5, r(3, 4), r(3, 4)], lambda m, a, b: torch.where(m, a, b))
    c.add("flip_roll", [r(3, 5)], lambda a: a.flip([1]).roll(2, 0))
    c.add("pad_constant", [r(1, 2, 3, 3)], lambda a: F.pad(a, (1, 2, 0, 1), value=0.5))
    c.add("pad_reflect", [r(1, 2, 10)], lambda a: F.pad(a, (3, 3), mode="reflect"))
    c.add("split_second", [r(7, 2)], lambda a: a.split(3, dim=0)[2])
    # Convolutions
    c.add("conv1d", [r(2, 4, 20), r(6, 4, 3), r(6)], lambda x, w, b: F.conv1d(x, w, b, stride=2, padding=1))
    c.add("conv1d_dilated_groups", [r(2, 4, 20), r(8, 2, 3), r(8)],
          lambda x, w, b: F.conv1d(x, w, b, padding=2, dilation=2, groups=2))
    c.add("conv2d", [r(2, 3, 9, 9), r(5, 3, 3, 3), r(5)], lambda x, w, b: F.conv2d(x, w, b, stride=2, padding=1))
    c.add("conv2d_groups_dilation", [r(1, 4, 11, 11), r(4, 1, 3, 3)],
          lambda x, w: F.conv2d(x, w, None, stride=1, padding=2, dilation=2, groups=4))
    c.add("conv2d_rect", [r(1, 2, 8, 10), r(3, 2, 3, 1)], lambda x, w: F.conv2d(x, w, None, stride=(2, 1), padding=(1, 0)))
    # Normalisation
    rm, rv = r(4), r(4, positive=True)
    c.add("batch_norm_eval", [r(3, 4, 5, 5), r(4), r(4), rm, rv],
          lambda x, w, b, m, v: F.batch_norm(x, m.detach(), v.detach(), w, b, training=False, eps=1e-5))
    c.add("batch_norm_train", [r(3, 4, 5, 5), r(4), r(4)],
          lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True, eps=1e-5))
    c.add("layer_norm", [r(2, 3, 8), r(8), r(8)], lambda x, w, b: F.layer_norm(x, (8,), w, b, eps=1e-5))
    c.add("group_norm", [r(2, 6, 4, 4), r(6), r(6)], lambda x, w, b: F.group_norm(x, 3, w, b, eps=1e-5))
    # Pooling, resizing
    c.add("max_pool2d", [r(2, 3, 9, 9)], lambda x: F.max_pool2d(x, 3, stride=2, padding=1))
    c.add("max_pool2d_ceil", [r(1, 2, 10, 10)], lambda x: F.max_pool2d(x, 3, stride=2, ceil_mode=True))
    c.add("avg_pool2d", [r(2, 3, 8, 8)], lambda x: F.avg_pool2d(x, 2))
    c.add("avg_pool2d_pad", [r(1, 2, 7, 7)], lambda x: F.avg_pool2d(x, 3, stride=2, padding=1, count_include_pad=False))
    c.add("adaptive_avg_pool2d", [r(2, 3, 7, 9)], lambda x: F.adaptive_avg_pool2d(x, (1, 1)))
    c.add("adaptive_avg_pool2d_7", [r(1, 2, 10, 13)], lambda x: F.adaptive_avg_pool2d(x, (7, 7)))
    c.add("bilinear_up", [r(1, 2, 5, 6)], lambda x: F.interpolate(x, size=(9, 11), mode="bilinear", align_corners=False))
    c.add("bilinear_down_aa", [r(1, 1, 16, 16)],
          lambda x: F.interpolate(x, size=(7, 5), mode="bilinear", align_corners=False, antialias=True))
    theta = torch.tensor([[[0.9, -0.2, 0.1], [0.15, 1.1, -0.05]], [[-1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]])
    c.add("affine_grid_sample", [r(2, 3, 8, 8), theta],
          lambda x, t: F.grid_sample(x, F.affine_grid(t, [2, 3, 6, 7], align_corners=False), mode="bilinear",
                                     padding_mode="border", align_corners=False))
    # Losses
    logits, target = r(6, 5), torch.tensor([0, 4, 2, 2, 1, 3])
    c.add("cross_entropy", [logits, target], lambda x, t: F.cross_entropy(x, t))
    c.add("cross_entropy_weighted_smooth", [logits, target, r(5, positive=True)],
          lambda x, t, w: F.cross_entropy(x, t, weight=w.detach(), label_smoothing=0.1))
    c.add("cross_entropy_sum_ignore", [logits, torch.tensor([0, -100, 2, 2, -100, 3])],
          lambda x, t: F.cross_entropy(x, t, reduction="sum"))
    c.add("mse", [r(4, 3), r(4, 3)], lambda a, b: F.mse_loss(a, b))
    c.add("embedding", [r(10, 4), torch.tensor([[1, 9], [0, 1]])], lambda w, i: F.embedding(i, w))
    # Dropout with a seeded generator: the same kernel and generator give the same mask.
    def dropout(x):
        torch.manual_seed(99)
        return F.dropout(x, p=0.3, training=True)
    c.add("dropout_seeded", [r(4, 8)], dropout)
    write_safetensors(OUT / "ops.safetensors", c.tensors, {"cases": json.dumps(c.names)})


def layers():
    """Layers built after a seed: default initialisation, state-dict keys and outputs."""
    t, meta = {}, {}

    def record(name, seed, build, x, forward=None):
        torch.manual_seed(seed)
        m = build()
        m.train()
        y = (forward or (lambda m, x: m(x)))(m, x)
        for k, v in m.state_dict().items():
            t[f"{name}/state/{k}"] = v
        meta[name] = json.dumps(list(m.state_dict().keys()))
        t[f"{name}/x"] = x
        t[f"{name}/y"] = y.detach()

    record("linear", 1, lambda: nn.Linear(7, 5), r(3, 7))
    record("linear_nobias", 2, lambda: nn.Linear(4, 6, bias=False), r(2, 4))
    record("conv1d", 3, lambda: nn.Conv1d(4, 6, 3, stride=2, padding=1), r(2, 4, 15))
    record("conv2d", 4, lambda: nn.Conv2d(3, 8, 3, padding=1, bias=False), r(1, 3, 6, 6))
    record("conv2d_groups", 5, lambda: nn.Conv2d(4, 8, 3, groups=2), r(1, 4, 5, 5))
    record("batchnorm2d_train", 6, lambda: nn.BatchNorm2d(3), r(4, 3, 5, 5))
    record("batchnorm1d_train", 7, lambda: nn.BatchNorm1d(5, momentum=None), r(6, 5))
    record("layernorm", 8, lambda: nn.LayerNorm(6), r(2, 4, 6))
    record("groupnorm", 9, lambda: nn.GroupNorm(2, 4), r(2, 4, 3, 3))
    record("embedding", 10, lambda: nn.Embedding(12, 5, padding_idx=0), torch.tensor([[0, 3, 11], [5, 5, 1]]))
    record("sequential", 11, lambda: nn.Sequential(nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
                                                   nn.Flatten(), nn.Linear(4 * 3 * 3, 6)), r(2, 1, 8, 8))
    # MultiheadAttention: (L, N, E) inputs, key padding mask, averaged weights.
    q, k = r(5, 2, 12), r(7, 2, 12)
    kpm = torch.tensor([[False] * 7, [False] * 4 + [True] * 3])

    def mha_forward(m, x):
        out, w = m(x, k, k, key_padding_mask=kpm)
        t["mha/weights"] = w.detach()
        return out
    record("mha", 12, lambda: nn.MultiheadAttention(12, 3), q, mha_forward)
    t["mha/k"] = k
    t["mha/kpm"] = kpm

    def mha_bf(m, x):
        mask = torch.triu(torch.ones(4, 4, dtype=torch.bool), 1)
        out, _ = m(x, x, x, attn_mask=mask, need_weights=False)
        return out
    record("mha_batch_first_causal", 13, lambda: nn.MultiheadAttention(8, 2, batch_first=True), r(3, 4, 8), mha_bf)
    write_safetensors(OUT / "layers.safetensors", t, meta)

    # A torch.save'd state dict (zip format), read through libtorch's unpickler.
    torch.manual_seed(14)
    torch.save(nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2)).state_dict(), OUT / "tiny_state_dict.pth")


def optim():
    """A few steps of each optimizer on a small regression problem, and schedule sequences."""
    t, meta = {}, {}
    torch.manual_seed(21)
    x, y = r(16, 5), r(16, 2)
    t["x"], t["y"] = x, y
    w0, b0 = r(2, 5), r(2)
    t["w0"], t["b0"] = w0, b0
    configs = {
        "adam": lambda p: torch.optim.Adam(p, lr=0.01),
        "adam_wd_amsgrad": lambda p: torch.optim.Adam(p, lr=0.02, betas=(0.8, 0.99), weight_decay=0.1, amsgrad=True),
        "adamw": lambda p: torch.optim.AdamW(p, lr=0.01, weight_decay=0.05),
        "sgd_momentum": lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, weight_decay=1e-3),
        "sgd_nesterov": lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True),
    }
    for name, make in configs.items():
        w, b = w0.clone().requires_grad_(), b0.clone().requires_grad_()
        opt = make([w, b])
        for _ in range(5):
            opt.zero_grad()
            loss = F.mse_loss(F.linear(x, w, b), y)
            loss.backward()
            opt.step()
        t[f"{name}/w"], t[f"{name}/b"] = w.detach(), b.detach()

    def lrs(make_sched, metrics=None, epochs=12):
        p = [torch.zeros(1, requires_grad=True)]
        opt = torch.optim.SGD(p, lr=0.1)
        s = make_sched(opt)
        out = []
        for e in range(epochs):
            opt.step()
            s.step(metrics[e]) if metrics else s.step()
            out.append(opt.param_groups[0]["lr"])
        return out
    meta["step_lr"] = json.dumps(lrs(lambda o: torch.optim.lr_scheduler.StepLR(o, 3, gamma=0.5)))
    meta["cosine_lr"] = json.dumps(lrs(lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=10, eta_min=0.001)))
    plateau_metrics = [1.0, 0.9, 0.95, 0.96, 0.97, 0.89, 0.9, 0.9, 0.9, 0.9, 0.88, 0.9]
    meta["plateau_metrics"] = json.dumps(plateau_metrics)
    meta["plateau_lr"] = json.dumps(lrs(lambda o: torch.optim.lr_scheduler.ReduceLROnPlateau(o, factor=0.5, patience=2),
                                        plateau_metrics))
    write_safetensors(OUT / "optim.safetensors", t, meta)


if __name__ == "__main__":
    assert torch.__version__.startswith("1.13"), f"expected Debian's torch 1.13, got {torch.__version__}"
    torch.set_num_threads(1)
    OUT.mkdir(parents=True, exist_ok=True)
    ops()
    layers()
    optim()
    for p in sorted(OUT.iterdir()):
        print(f"{p.name}: {p.stat().st_size} bytes")
