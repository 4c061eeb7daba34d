#!/usr/bin/env bash
# Regenerates Tests/FacesTests/Fixtures/mtcnn with facenet-pytorch's MTCNN (see Scripts/mtcnn_fixtures.py).
# Fetches facenet-pytorch with pip (--no-deps: Debian's python3-torch/torchvision are used) and the
# public-domain test photographs shipped in Debian's python3-skimage package (apt-get download, unpacked,
# not installed).
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pip download --quiet --no-deps "facenet-pytorch==2.6.0" -d "$work"
(cd "$work" && unzip -q facenet_pytorch-*.whl -d facenet)
(cd "$work" && apt-get download -q python3-skimage >/dev/null && dpkg-deb -x python3-skimage_*.deb skimage)
fer=()
[ -d ../shared/data/fer2013/validation ] && fer=(--fer ../shared/data/fer2013)
/usr/bin/python3 Scripts/mtcnn_fixtures.py --facenet "$work/facenet" \
    --images "$work/skimage/usr/lib/python3/dist-packages/skimage/data" "${fer[@]}" \
    --out Tests/FacesTests/Fixtures/mtcnn
