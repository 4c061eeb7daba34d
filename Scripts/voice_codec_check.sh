#!/usr/bin/env bash
# Issue 12: does the voice model hold on audio that went through the lossy codecs cameras and edit suites apply?
# Round-trips the clips of the shipped model's held-out RAVDESS actors (17-20, never in its training) through
# AAC and Opus at camera/proxy bit rates with the ffmpeg command-line tool, back to 16 kHz FLAC in RAVDESS's
# layout, and evaluates the model on each version (clean first). One line per version:
#   version  accuracy  macro-F1  ECE  NLL
#
#   Scripts/voice_codec_check.sh [SHARED_DATA_DIR] [WORK_DIR] [MODEL]
# Needs ffmpeg (with its AAC and libopus encoders) and a built .build/release/takesense (TAKESENSE_BIN overrides).
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-../shared/data}
work=${2:-/tmp/takesense-voice}/codec
model=${3:-Models/voice-emotion.safetensors}
bin=${TAKESENSE_BIN:-.build/release/takesense}
actors="17 18 19 20"
# name  encoder options  container
versions=("aac-128k|-c:a aac -b:a 128k|m4a" "aac-64k|-c:a aac -b:a 64k|m4a" "opus-32k|-c:a libopus -b:a 32k|ogg" "opus-16k|-c:a libopus -b:a 16k|ogg")
mkdir -p "$work"
for v in "${versions[@]}"; do
  IFS='|' read -r name options container <<<"$v"
  [ -f "$work/$name/done" ] && continue
  rm -rf "$work/$name.partial"
  for a in $actors; do
    mkdir -p "$work/$name.partial/ravdess/Actor_$a"
    for f in "$data"/ravdess/Actor_$a/*.flac; do
      base=$(basename "$f" .flac)
      # Encode at 48 kHz as a camera would, then decode back to 16 kHz mono FLAC for the loader.
      ffmpeg -nostdin -v error -i "$f" -ar 48000 $options "$work/$name.partial/tmp.$container"
      ffmpeg -nostdin -v error -i "$work/$name.partial/tmp.$container" -ar 16000 -ac 1 "$work/$name.partial/ravdess/Actor_$a/$base.flac"
      rm "$work/$name.partial/tmp.$container"
    done
  done
  touch "$work/$name.partial/done"
  rm -rf "${work:?}/$name" && mv "$work/$name.partial" "$work/$name"
done
report() {
  "$bin" evaluate voice --model "$model" --data "ravdess=$2" --speakers 17,18,19,20 --json "$work/$1.json" \
    | awk -v n="$1" '/^calibration:/ { ece = $5; nll = $7 } /^accuracy/ { acc = $2; f1 = $4 } END { gsub(",", "", acc); gsub(",", "", f1); gsub(",", "", ece); printf "%-9s accuracy %s  macro-F1 %s  ECE %s  NLL %s\n", n, acc, f1, ece, nll }'
}
report clean "$data/ravdess"
for v in "${versions[@]}"; do report "${v%%|*}" "$work/${v%%|*}/ravdess"; done
