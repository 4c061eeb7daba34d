#!/usr/bin/env bash
# Fuzzes TakeSense's file readers with libFuzzer (targets in Fuzz/, seeds from Scripts/fuzz_seeds.py).
#
#   Scripts/fuzz.sh [SECONDS] [TARGET...]     each target for SECONDS (default 30); all targets by default
#   FUZZ_RUNS=10000000 Scripts/fuzz.sh 0 T    a fixed number of executions instead of a time limit
#   FUZZ_FORK=2 FUZZ_RUNS=10000000 ...         one run spread over 2 worker processes (libFuzzer's -fork, one per
#                                              core; executions are counted over all workers; a crash, timeout or
#                                              out-of-memory in any worker still ends the run as a finding)
#
# Builds in .build-fuzz (release, -sanitize=fuzzer,address); the corpus grows in .build-fuzz/corpus/<target>,
# crashes land in .build-fuzz/artifacts/. Exit status 1 when any target found a crash, leak or timeout.
# Long runs (see FUZZING.md) go in the background: nohup nice -n 10 Scripts/fuzz.sh 0 ... > /tmp/fuzz.log 2>&1 &
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(FuzzSafeTensors FuzzPyTorch FuzzCTranslate2 FuzzModelMetadata FuzzPolicy FuzzManifest FuzzAnalysisJSON)
fi
scratch=.build-fuzz
export TAKESENSE_FUZZ=1
# The Swift runtime's own backtracer would read the crashed process's memory and trip AddressSanitizer first.
export SWIFT_BACKTRACE=enable=no
for t in "${targets[@]}"; do
    swift build -c release --scratch-path "$scratch" --product "$t" -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library >&2
done
bin="$(swift build -c release --scratch-path "$scratch" --show-bin-path)"
python3 Scripts/fuzz_seeds.py "$scratch/seeds" >/dev/null
mkdir -p "$scratch/artifacts"
status=0
for t in "${targets[@]}"; do
    mkdir -p "$scratch/corpus/$t"
    limit=(-max_total_time="$seconds")
    if [ -n "${FUZZ_RUNS:-}" ]; then limit=(-runs="$FUZZ_RUNS"); fi
    # Fork mode ignores crashes, timeouts and OOMs by default: here each is a finding, as without it.
    if [ -n "${FUZZ_FORK:-}" ]; then limit+=(-fork="$FUZZ_FORK" -ignore_crashes=0 -ignore_timeouts=0 -ignore_ooms=0); fi
    echo "== $t" >&2
    # -timeout: one input may take at most 10 s (a hang is a finding); -rss_limit_mb: memory is a finding too.
    log="$scratch/$t.log"
    code=0
    "$bin/$t" "${limit[@]}" -max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$scratch/artifacts/$t-" "$scratch/corpus/$t" "$scratch/seeds/$t" > "$log" 2>&1 || code=$?
    grep -E "^(#[0-9]+.*DONE|stat::number_of_executed_units|stat::average_exec_per_sec|stat::peak_rss_mb|SUMMARY|==[0-9]+==ERROR|INFO: (fuzzed for|exiting))" \
        "$log" >&2 || true
    if [ -n "${FUZZ_FORK:-}" ]; then grep -E "^#[0-9]+: cov" "$log" | tail -1 >&2 || true; fi
    if [ "$code" -ne 0 ]; then echo "$t: FINDING (exit $code; $log, $scratch/artifacts)" >&2; status=1; fi
done
exit $status
