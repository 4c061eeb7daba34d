#!/usr/bin/env bash
# Builds Samples/sample-take.mp4, the take the README's main command analyses, from material that may be
# redistributed (credits in Samples/README.md):
#   picture: NASA portrait of astronaut Eileen Collins (public domain), as shipped in scikit-image's
#            data folder (skimage/data/astronaut.png; pip downloads the wheel, nothing is installed);
#   voice:   four RAVDESS speech recordings of actor 20 (CC BY-NC-SA 4.0): two happy, then two sad.
# So the face reads happy throughout while the voice turns sad half way: the second half is a retake span.
# Usage: Scripts/make_sample_take.sh [RAVDESS_DIR]   (default ../shared/data/ravdess; needs ffmpeg and pip)
set -euo pipefail
cd "$(dirname "$0")/.."
ravdess="${1:-../shared/data/ravdess}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
pip download --quiet --no-deps --only-binary=:all: --dest "$work" "scikit-image==0.26.0"
(cd "$work" && unzip -q -o scikit_image-*.whl skimage/data/astronaut.png)
clips=(03-01-03-02-01-01-20 03-01-03-02-02-01-20 03-01-04-02-01-01-20 03-01-04-02-02-01-20)
inputs=()
total=0
for c in "${clips[@]}"; do
  inputs+=(-i "$ravdess/Actor_20/$c.flac")
  total=$(python3 -c "print($total + $(ffprobe -v error -show_entries format=duration -of csv=p=0 "$ravdess/Actor_20/$c.flac"))")
done
mkdir -p Samples
# Picture: 720x720 on a 1280x720 dark canvas with a slow push-in; audio: the four clips back to back.
ffmpeg -hide_banner -loglevel error -y \
  -loop 1 -framerate 25 -t "$total" -i "$work/skimage/data/astronaut.png" "${inputs[@]}" \
  -filter_complex "[0:v]scale=720:720,pad=1280:720:280:0:color=0x1c2230,zoompan=z='1+0.0006*on':x='iw/2-iw/zoom/2':y='ih/3-ih/zoom/3':d=1:s=1280x720:fps=25,format=yuv420p[v];[1:a][2:a][3:a][4:a]concat=n=4:v=0:a=1[a]" \
  -map "[v]" -map "[a]" -c:v libx264 -preset slow -crf 26 -tune stillimage -c:a aac -b:a 96k -ar 48000 -t "$total" \
  -metadata title="TakeSense sample take" -metadata comment="Picture: NASA (public domain). Voice: RAVDESS actor 20, CC BY-NC-SA 4.0. See Samples/README.md." \
  -movflags +faststart Samples/sample-take.mp4
ls -l Samples/sample-take.mp4
