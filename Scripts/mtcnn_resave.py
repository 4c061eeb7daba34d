#!/usr/bin/env python3
"""Re-saves facenet-pytorch's MTCNN state dicts (pnet.pt, rnet.pt, onet.pt: the legacy, pre-1.6
torch.save format) in the zip format that TakeSense's Swift reader (Checkpoint.loadPyTorch) reads.

    /usr/bin/python3 Scripts/mtcnn_resave.py FACENET_DATA_DIR OUT_DIR

Tensors are copied unchanged (float32); nothing else is kept. Used by Scripts/convert_mtcnn.sh.
"""
import os
import sys

import torch


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: mtcnn_resave.py FACENET_DATA_DIR OUT_DIR")
    src, dst = sys.argv[1], sys.argv[2]
    os.makedirs(dst, exist_ok=True)
    for net in ("pnet", "rnet", "onet"):
        state = torch.load(os.path.join(src, f"{net}.pt"), map_location="cpu")
        state = {k: v.detach().clone().contiguous() for k, v in state.items()}
        torch.save(state, os.path.join(dst, f"{net}.pth"), _use_new_zipfile_serialization=True)
        print(f"{net}: {len(state)} tensors, {sum(v.numel() for v in state.values())} values")


if __name__ == "__main__":
    main()
