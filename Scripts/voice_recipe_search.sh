#!/usr/bin/env bash
# The recipe search of Models/voice-emotion.md ("What was tried"): every variant is scored by the same
# 10-fold speaker-independent CV on RAVDESS actors 01-20 (one male + one female actor per fold), on one
# cache of the frozen Whisper tiny.en encoder's statistics (clean + 2 augmented copies of every clip of
# RAVDESS and TESS, computed once). Each variant writes WORK/search/NAME.json and a line to
# WORK/search/summary.txt.
#
#   Scripts/voice_recipe_search.sh [SHARED_DATA_DIR] [WORK_DIR] [VARIANT...]
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-../shared/data}
work=${2:-/tmp/takesense-voice}
shift $(( $# > 2 ? 2 : $# )) || true
bin=${TAKESENSE_BIN:-.build/release/takesense}
mkdir -p "$work/search"
export OMP_WAIT_POLICY=PASSIVE
ravdess="--data ravdess=$data/ravdess"
both="--data ravdess=$data/ravdess --data tess=$data/tess"
common="--cv 10 --init $work/whisper-tiny-en.safetensors --cache $work/statistics-ravdess-tess-2.safetensors --copies 2"

declare -A variants=(
  [linear-l2-clean]="$ravdess --layer 2 --projection 0 --use-copies 0"
  [linear-l2-aug]="$ravdess --layer 2 --projection 0"
  [mlp-l2-clean]="$ravdess --layer 2 --use-copies 0"
  [mlp-l2-aug]="$ravdess --layer 2"
  [mlp-l2-aug1]="$ravdess --layer 2 --use-copies 1"
  [mlp-l2-aug-mean]="$ravdess --layer 2 --mean-only"
  [mlp-l1-aug]="$ravdess --layer 1"
  [mlp-l3-aug]="$ravdess --layer 3"
  [mlp-l4-aug]="$ravdess --layer 4"
  [mlp-wsum-aug]="$ravdess --weighted-sum"
  [linear-wsum-aug]="$ravdess --weighted-sum --projection 0"
  [mlp-l2-aug-tess]="$both --layer 2"
  [mlp-l2-aug-tess-unbalanced]="$both --layer 2 --no-corpus-balance"
  [mlp-wsum-aug-tess]="$both --weighted-sum"
)
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(linear-l2-clean linear-l2-aug mlp-l2-clean mlp-l2-aug mlp-l2-aug1 mlp-l2-aug-mean mlp-l1-aug mlp-l3-aug mlp-l4-aug mlp-wsum-aug linear-wsum-aug mlp-l2-aug-tess mlp-l2-aug-tess-unbalanced mlp-wsum-aug-tess)
for name in "${names[@]}"; do
  extra=${variants[$name]:-}
  [ -n "$extra" ] || extra="$EXTRA_ARGS"
  out=$("$bin" evaluate voice $common $extra --json "$work/search/$name.json" 2>"$work/search/$name.log")
  echo "$name	$(echo "$out" | head -1)" | tee -a "$work/search/summary.txt"
done
