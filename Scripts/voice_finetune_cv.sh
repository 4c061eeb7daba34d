#!/usr/bin/env bash
# Issue 12's untried lever, measured under the same protocol as the shipped recipe: fine-tuning the encoder's
# last blocks (the `efficient` recipe of `takesense train voice`), scored by the 10-fold speaker-independent CV on
# RAVDESS actors 01-20 that `takesense evaluate voice --cv 10` uses (fold k tests actors 2k-1 and 2k: one male,
# one female). Per fold: train with that pair held out (validation = 10 % of the other speakers, chosen by the
# recipe), then evaluate the fold's best model on the pair. Resumable: a fold with WORK/ft-cv/NAME/fold-AA-BB.json
# is skipped, an interrupted fold continues from its checkpoint (--resume). The summary (mean ± sd over the folds
# done) goes to WORK/ft-cv/NAME/summary.txt, every held-out clip's probabilities to fold-AA-BB.csv
# (Scripts/voice_ensemble_cv.py averages them with the frozen recipe's out-of-fold predictions).
#
#   Scripts/voice_finetune_cv.sh [SHARED_DATA_DIR] [WORK_DIR] [NAME] [-- extra `train voice` options]
#   e.g. Scripts/voice_finetune_cv.sh ../shared/data /tmp/takesense-voice block2 -- --trainable-blocks 1 --output-layer 2
#
# FOLDS="1 2" runs only those folds (a smoke run: FOLDS=1 ... -- --epochs 1 --augment-copies 0).
# WORK_DIR must hold whisper-tiny-en.safetensors (`takesense models import-whisper`, see Models/voice-emotion.md).
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-../shared/data}
work=${2:-/tmp/takesense-voice}
name=${3:-block2}
shift $(( $# > 3 ? 3 : $# )) || true
[ "${1:-}" = "--" ] && shift
bin=${TAKESENSE_BIN:-.build/release/takesense}
out="$work/ft-cv/$name"
mkdir -p "$out"
export OMP_WAIT_POLICY=PASSIVE
[ -f "$work/whisper-tiny-en.safetensors" ] || { echo "voice_finetune_cv: $work/whisper-tiny-en.safetensors is missing (takesense models import-whisper)" >&2; exit 1; }

for k in ${FOLDS:-$(seq 1 10)}; do
  a=$(printf %02d $((2 * k - 1))); b=$(printf %02d $((2 * k)))
  result="$out/fold-$a-$b.json"
  [ -f "$result" ] && continue
  run="$out/fold-$a-$b"
  resume=(); [ -f "$run/state.json" ] && resume=(--resume)
  "$bin" train voice --recipe efficient --data "ravdess=$data/ravdess" --init "$work/whisper-tiny-en.safetensors" \
      --test-speakers "ravdess:$a,ravdess:$b" --output "$run" "${resume[@]}" "$@" > "$run.log" 2>&1
  "$bin" evaluate voice --model "$run/best.safetensors" --data "ravdess=$data/ravdess" --speakers "$a,$b" \
      --json "$result.partial" --predictions "$out/fold-$a-$b.csv" >> "$run.log" 2>&1
  mv "$result.partial" "$result"
done

python3 - "$out" <<'EOF'
import glob, json, statistics, sys
out = sys.argv[1]
rows = [(p, json.load(open(p))) for p in sorted(glob.glob(f"{out}/fold-*.json"))]
acc = [r["accuracy"] for _, r in rows]
f1 = [r["macro_f1"] for _, r in rows]
sd = lambda v: statistics.stdev(v) if len(v) > 1 else 0.0
lines = [f"{p.rsplit('/', 1)[1]}: accuracy {r['accuracy']:.4f}, macro-F1 {r['macro_f1']:.4f}" for p, r in rows]
lines.append(f"{len(rows)} folds: accuracy {statistics.mean(acc):.3f} ± {sd(acc):.3f}, macro-F1 {statistics.mean(f1):.3f} ± {sd(f1):.3f}")
open(f"{out}/summary.txt", "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
EOF
