#!/usr/bin/env bash
# Builds Models/mtcnn.safetensors from facenet-pytorch's pretrained MTCNN weights (MIT licence):
# downloads the wheel from PyPI with pip (no dependencies), re-saves its legacy-format state dicts in
# the zip format with Debian's python3-torch (Scripts/mtcnn_resave.py), then converts them in Swift:
# `takesense faces import-mtcnn` reads them with Checkpoint.loadPyTorch, loads them strictly into
# P-Net/R-Net/O-Net (facenet-pytorch's parameter names) and writes one safetensors file with keys
# pnet.*, rnet.*, onet.*.
#
#   Scripts/convert_mtcnn.sh [VERSION]     (default 2.6.0, the version Models/mtcnn.md records)
set -euo pipefail
cd "$(dirname "$0")/.."
version=${1:-2.6.0}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pip download --quiet --no-deps "facenet-pytorch==$version" -d "$work"
wheel=$(ls "$work"/facenet_pytorch-*.whl)
sha256sum "$wheel"
(cd "$work" && unzip -q "$wheel" 'facenet_pytorch/data/*')
sha256sum "$work"/facenet_pytorch/data/*.pt
/usr/bin/python3 Scripts/mtcnn_resave.py "$work/facenet_pytorch/data" "$work/zip"
swift build -c release --product takesense
.build/release/takesense faces import-mtcnn --from "$work/zip" --output Models/mtcnn.safetensors \
    --source "facenet-pytorch $version (PyPI wheel, MIT licence): facenet_pytorch/data/{pnet,rnet,onet}.pt"
sha256sum Models/mtcnn.safetensors
