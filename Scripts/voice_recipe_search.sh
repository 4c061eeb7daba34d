#!/usr/bin/env bash
# The recipe search of Models/voice-emotion.md ("What was tried"): every variant is scored by the same
# 10-fold speaker-independent CV on RAVDESS actors 01-20 (one male + one female actor per fold), on two
# caches of the frozen Whisper tiny.en encoder's statistics, each computed once: the clean clips of RAVDESS
# and TESS, and RAVDESS with 2 augmented copies of every clip. Each variant writes WORK/search/NAME.json and a line to
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
cv="--cv 10 --init $work/whisper-tiny-en.safetensors"
clean="--cache $work/statistics --copies 0"
aug="--cache $work/statistics --copies 2"

declare -A variants=(
  [linear-l2]="$ravdess $clean --layer 2 --projection 0"
  [mlp-l2]="$ravdess $clean --layer 2"
  [mlp-l2-mean]="$ravdess $clean --layer 2 --mean-only"
  [mlp-l1]="$ravdess $clean --layer 1"
  [mlp-l3]="$ravdess $clean --layer 3"
  [mlp-l4]="$ravdess $clean --layer 4"
  [mlp-wsum]="$ravdess $clean --weighted-sum"
  [linear-wsum]="$ravdess $clean --weighted-sum --projection 0"
  [mlp-l2-tess]="$both $clean --layer 2"
  [mlp-l2-tess-unbalanced]="$both $clean --layer 2 --no-corpus-balance"
  [mlp-wsum-tess]="$both $clean --weighted-sum"
  [mlp-l2-e100]="$ravdess $clean --layer 2 --head-epochs 100"
  [mlp-l2-lr3e-3]="$ravdess $clean --layer 2 --head-lr 0.003"
  [mlp-l2-drop0.5]="$ravdess $clean --layer 2 --dropout 0.5"
  [mlp-l2-p512]="$ravdess $clean --layer 2 --projection 512"
  [linear-l2-e100-lr3e-3]="$ravdess $clean --layer 2 --projection 0 --head-epochs 100 --head-lr 0.003"
  [mlp-l2-p512-lr3e-3]="$ravdess $clean --layer 2 --projection 512 --head-lr 0.003"
  [mlp-l2-p512-tess]="$both $clean --layer 2 --projection 512"
  [mlp-l2-p512-lr3e-3-tess]="$both $clean --layer 2 --projection 512 --head-lr 0.003"
  [mlp-l2-p512-tess-seeds5]="$both $clean --layer 2 --projection 512 --head-seeds 5"
  [mlp-l2-aug]="$ravdess $aug --layer 2"
  [mlp-l2-aug1]="$ravdess $aug --layer 2 --use-copies 1"
  [mlp-wsum-aug]="$ravdess $aug --weighted-sum"
  [mlp-l2-p512-aug]="$ravdess $aug --layer 2 --projection 512"
)
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(mlp-l2 linear-l2 mlp-l2-mean mlp-l1 mlp-l3 mlp-l4 mlp-wsum linear-wsum mlp-l2-tess mlp-l2-tess-unbalanced mlp-wsum-tess mlp-l2-aug mlp-l2-aug1 mlp-wsum-aug)
for name in "${names[@]}"; do
  extra=${variants[$name]:-}
  [ -n "$extra" ] || extra="$EXTRA_ARGS"
  out=$("$bin" evaluate voice $cv $extra --json "$work/search/$name.json" 2>"$work/search/$name.log")
  echo "$name	$(echo "$out" | head -1)" | tee -a "$work/search/summary.txt"
done
