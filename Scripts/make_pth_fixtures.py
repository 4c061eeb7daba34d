#!/usr/bin/python3
"""Reference fixtures for the PyTorch archive reader tests (Tests/TensorFilesTests/Fixtures).

Run with Debian's Python, which owns python3-torch 1.13.1 and python3-torchvision 0.14.1:

    /usr/bin/python3 Scripts/make_pth_fixtures.py

For each readable case NAME it writes NAME.pth (torch.save) and NAME.expected.safetensors: the tensors
the reader must return, in state-dict order, written contiguously by the small writer below (independent
of TakeSense), so the tests compare names, order, dtypes, shapes and exact bytes. The error cases have
no expected file; the tests check their messages.

    /usr/bin/python3 Scripts/make_pth_fixtures.py --resnet18 /tmp

writes /tmp/r18.pth (a random-weight torchvision resnet18 state dict, ~45 MB, NOT committed) and
/tmp/r18.expected.safetensors; the test that reads them is skipped when they are absent.
"""
import collections
import io
import json
import pickle
import struct
import sys
import zipfile
from pathlib import Path

import torch
import torch.nn as nn
import torchvision
from torchvision.models.resnet import BasicBlock

OUT = Path(__file__).resolve().parent.parent / "Tests" / "TensorFilesTests" / "Fixtures"
DTYPES = {torch.float32: "F32", torch.float64: "F64", torch.float16: "F16", torch.bfloat16: "BF16",
          torch.int64: "I64", torch.int32: "I32", torch.int16: "I16", torch.int8: "I8",
          torch.uint8: "U8", torch.bool: "BOOL"}
ITEM_SIZE = {"FloatStorage": 4, "DoubleStorage": 8, "HalfStorage": 2, "BFloat16Storage": 2,
             "LongStorage": 8, "IntStorage": 4, "ShortStorage": 2, "CharStorage": 1,
             "ByteStorage": 1, "BoolStorage": 1}


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        t = t.detach().contiguous().cpu()
        raw = t.view(torch.int16).numpy().tobytes() if t.dtype == torch.bfloat16 else t.numpy().tobytes()
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


def save_case(name, obj, expected):
    torch.save(obj, OUT / f"{name}.pth")
    write_safetensors(OUT / f"{name}.expected.safetensors", expected)


class TinyNet(nn.Module):
    """A torchvision-like model: resnet's stem, one BasicBlock, a classifier."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(8)
        self.relu = nn.ReLU(inplace=True)
        self.layer1 = nn.Sequential(BasicBlock(8, 8))
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(8, 5)

    def forward(self, x):
        x = self.layer1(self.relu(self.bn1(self.conv1(x))))
        return self.fc(torch.flatten(self.avgpool(x), 1))


def tiny_net():
    model = TinyNet()
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.normal_()
            m.running_var.uniform_(0.5, 2.0)
            m.weight.data.normal_()
            m.bias.data.normal_()
            m.num_batches_tracked.fill_(7)
    return model


def storage_types(archive_bytes):
    """Maps each storage key of a torch.save zip to its storage type name, without executing torch code."""
    with zipfile.ZipFile(io.BytesIO(archive_bytes)) as z:
        pkl = next(n for n in z.namelist() if n.endswith("/data.pkl"))
        found = {}

        class Probe(pickle.Unpickler):
            def find_class(self, module, name):
                if module == "torch._utils":
                    return lambda *args, **kwargs: None
                return super().find_class(module, name)

            def persistent_load(self, pid):
                found[pid[2]] = pid[1].__name__
                return None

        Probe(io.BytesIO(z.read(pkl))).load()
        return found


def rezip(archive_bytes, path, compression=zipfile.ZIP_STORED, big_endian=False):
    """Rewrites a torch.save zip with Python's zipfile (a different layout: no alignment, no ZIP64)."""
    types = storage_types(archive_bytes)
    with zipfile.ZipFile(io.BytesIO(archive_bytes)) as src, zipfile.ZipFile(path, "w", compression) as dst:
        prefix = src.namelist()[0].split("/")[0]
        for info in src.infolist():
            data = src.read(info)
            key = info.filename[len(prefix) + len("/data/"):] if info.filename.startswith(prefix + "/data/") else None
            if big_endian and key in types:
                size = ITEM_SIZE[types[key]]
                data = b"".join(data[i:i + size][::-1] for i in range(0, len(data), size))
            dst.writestr(info.filename, data)
        if big_endian:
            dst.writestr(prefix + "/byteorder", b"big")


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--resnet18":
        torch.manual_seed(0)
        sd = torchvision.models.resnet18().state_dict()
        out = Path(sys.argv[2])
        torch.save(sd, out / "r18.pth")
        write_safetensors(out / "r18.expected.safetensors", sd)
        print(f"wrote {out / 'r18.pth'} ({len(sd)} tensors)")
        return

    OUT.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(1234)

    # 1. A small torchvision-like state dict: float32 weights + int64 num_batches_tracked.
    model = tiny_net()
    sd = model.state_dict()
    save_case("small_model", sd, sd)

    # 2. Element types, a 0-dim scalar and an empty tensor.
    dtypes = collections.OrderedDict()
    dtypes["f16"] = torch.randn(3, 4).half()
    dtypes["bf16"] = torch.randn(2, 5).bfloat16()
    dtypes["f64"] = torch.randn(4, 2).double()
    dtypes["bool"] = torch.tensor([[True, False, True], [False, False, True]])
    dtypes["u8"] = torch.arange(250, 256, dtype=torch.uint8).reshape(2, 3)
    dtypes["i8"] = torch.tensor([-128, -1, 0, 127], dtype=torch.int8)
    dtypes["i16"] = torch.tensor([-32768, 12345, 32767], dtype=torch.int16)
    dtypes["i32"] = torch.tensor([-2**31, -7, 2**31 - 1], dtype=torch.int32)
    dtypes["i64"] = torch.tensor([-2**63, 3, 2**63 - 1], dtype=torch.int64)
    dtypes["scalar"] = torch.tensor(2.5)
    dtypes["empty"] = torch.zeros(0, 3)
    save_case("dtypes", dtypes, dtypes)

    # 3. Strided views: transposes, slices with a storage offset, shared storages, stride 0, parameters.
    base = torch.arange(24, dtype=torch.float32).reshape(4, 6)
    shared = torch.arange(100, 112, dtype=torch.int64)
    cube = torch.arange(2 * 3 * 4 * 5, dtype=torch.float32).reshape(2, 3, 4, 5)
    views = collections.OrderedDict()
    views["transposed"] = base.t()                      # 6x4, stride (1, 6)
    views["slice"] = base[1:3, 2:5]                     # offset 8, stride (6, 1)
    views["row"] = base[2]                              # offset 12, contiguous
    views["column"] = base[:, 3]                        # offset 3, stride (6,)
    views["every_other"] = base[::2, ::3]               # stride (12, 3)
    views["shared_a"] = shared[:6].view(2, 3)           # shares one storage with shared_b
    views["shared_b"] = shared[4:]                      # offset 4
    views["expanded"] = torch.tensor([1.0, 2.0, 3.0]).expand(2, 3)   # stride (0, 1)
    views["channels_last"] = cube.contiguous(memory_format=torch.channels_last)
    views["permuted"] = cube.permute(3, 1, 0, 2)
    views["param"] = nn.Parameter(torch.randn(2, 2))
    views["half_t"] = torch.randn(3, 2).half().t()
    save_case("views", views, views)

    # 4. A training checkpoint: the tensors are under "state_dict".
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    model(torch.randn(2, 3, 6, 6)).sum().backward()
    opt.step()
    sd = model.state_dict()
    checkpoint = {"state_dict": sd, "epoch": 3, "optimizer": opt.state_dict(), "best_acc": 0.91, "arch": "tinynet"}
    save_case("checkpoint", checkpoint, sd)

    # 5. A checkpoint with a "model" dict (and no "state_dict").
    small = collections.OrderedDict(weight=torch.randn(3, 2), bias=torch.randn(3))
    save_case("model_key", {"model": small, "epoch": 1, "note": b"bytes"}, small)

    # 6. Big-endian archive (as torch >= 2.1 writes on big-endian hosts), re-zipped by Python's zipfile.
    be = collections.OrderedDict()
    be["w"] = torch.randn(2, 3)
    be["h"] = torch.randn(4).half()
    be["n"] = torch.tensor(5)
    be["t"] = torch.randn(3, 2).double().t()
    be["b"] = torch.tensor([True, False])
    buf = io.BytesIO()
    torch.save(be, buf)
    rezip(buf.getvalue(), OUT / "bigendian.pth", big_endian=True)
    write_safetensors(OUT / "bigendian.expected.safetensors", be)

    # Error cases (no expected file).
    block = BasicBlock(4, 4)
    torch.save(block, OUT / "module.pth")                           # a whole nn.Module
    torch.save({"model": block, "epoch": 1}, OUT / "model_object.pth")  # a module under "model"
    torch.jit.save(torch.jit.script(nn.Linear(2, 2)), OUT / "scripted.pt")
    torch.save(small, OUT / "legacy.pth", _use_new_zipfile_serialization=False)
    buf = io.BytesIO()
    torch.save(small, buf)
    rezip(buf.getvalue(), OUT / "deflated.pth", compression=zipfile.ZIP_DEFLATED)

    total = sum(p.stat().st_size for p in OUT.iterdir())
    print(f"wrote {len(list(OUT.iterdir()))} files, {total} bytes, to {OUT}")


if __name__ == "__main__":
    main()
