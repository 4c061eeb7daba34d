#!/usr/bin/env bash
# The many-machines test on the real engines (issue 16): a single-node Slurm (Debian's slurm-wlm + munge,
# configured and started here on localhost) runs deploy/slurm/takesense-batch.sbatch as a 4-task array over a
# folder of generated takes into a throw-away PostgreSQL (Scripts/with-postgres.sh). One array task is killed
# mid-way (SIGKILL) and resubmitted. Checks: every take in the store exactly once and analysed once, and the
# merged `batch report --json` equals a one-machine run's. Every daemon started here is stopped on exit.
#
#   Scripts/slurm-test.sh [path/to/takesense]      (default .build/debug/takesense; run as root, as CI does)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
bin=$(realpath "${1:-.build/debug/takesense}")
[ -x "$bin" ] || { echo "slurm-test: $bin not built" >&2; exit 1; }
if [ -z "${TAKESENSE_TEST_POSTGRES:-}" ]; then exec Scripts/with-postgres.sh "$0" "$bin"; fi
for tool in slurmctld slurmd sbatch munged mungekey ffmpeg psql; do
    command -v "$tool" >/dev/null || { echo "slurm-test: $tool missing (apt-get install slurm-wlm munge ffmpeg postgresql)" >&2; exit 1; }
done
[ "$(id -u)" -eq 0 ] || { echo "slurm-test: the single-node Slurm runs as root here" >&2; exit 1; }

work=$(mktemp -d /tmp/takesense-slurm.XXXXXX)
pids=()
cleanup() {
    [ -n "${SLURM_CONF:-}" ] && scancel --quiet --user root >/dev/null 2>&1 || true
    for pidfile in "$work/slurmd.pid" "$work/slurmctld.pid" "$work/munged.pid"; do
        [ -s "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true
    done
    sleep 1
    for pidfile in "$work/slurmd.pid" "$work/slurmctld.pid" "$work/munged.pid"; do
        [ -s "$pidfile" ] && kill -9 "$(cat "$pidfile")" 2>/dev/null || true
    done
    [ "${KEEP_SLURM_WORK:-}" = 1 ] || rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "slurm-test: FAIL: $*" >&2; for f in "$work"/*.log "$work"/out/*.out; do [ -f "$f" ] && { echo "--- $f" >&2; tail -20 "$f" >&2; }; done; exit 1; }

# munge: a fresh key, its own socket.
mkdir -p "$work/munge" && chmod 700 "$work/munge"
mungekey -c -k "$work/munge/munge.key" >/dev/null
munged --force --key-file "$work/munge/munge.key" --socket "$work/munge/munge.socket" --pid-file "$work/munged.pid" \
    --log-file "$work/munged.log" --seed-file "$work/munge/munge.seed"

# slurm: one node (this machine, 127.0.0.1), ports away from the defaults.
node=$(hostname -s)
cpus=$(nproc)
mkdir -p "$work/state" "$work/spool" "$work/out"
cat > "$work/slurm.conf" <<CONF
ClusterName=takesense-test
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=${TAKESENSE_SLURMCTLD_PORT:-16817}
SlurmdPort=${TAKESENSE_SLURMD_PORT:-16818}
SlurmUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$work/munge/munge.socket
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
SlurmctldTimeout=30
SlurmdTimeout=30
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=test Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$work/slurm.conf
slurmctld -f "$SLURM_CONF" || fail "slurmctld did not start"
slurmd -f "$SLURM_CONF" || fail "slurmd did not start"
for _ in $(seq 60); do sinfo -h -o %T 2>/dev/null | grep -qE "^idle" && break; sleep 1; done
sinfo -h -o %T | grep -qE "^idle" || fail "the node did not come up: $(sinfo 2>&1)"
echo "slurm-test: Slurm $(sinfo -V | cut -d' ' -f2) up on $node with $cpus CPUs; PostgreSQL at $TAKESENSE_TEST_POSTGRES"

# Takes: distinct 3 s cuts of the bundled sample (face and speech).
mkdir -p "$work/takes/day1"
for i in $(seq 0 9); do
    ffmpeg -nostdin -v error -y -ss "$(awk "BEGIN{print $i * 1.1}")" -i Samples/sample-take.mp4 -t 3 -c:v libx264 -preset ultrafast -c:a aac \
        "$work/takes/day1/take$((i + 1)).mp4"
done
export TAKESENSE_BIN=$bin TAKESENSE_STORE=$TAKESENSE_TEST_POSTGRES TAKESENSE_INPUTS=day1 TAKESENSE_MODELS=$repo/Models
export SLURM_CPUS_PER_TASK=1
unset TAKESENSE_OPTIONS  # progress lines (one per take in the log) tell when to kill a task mid-way
cd "$work/takes"

# The 4-task array; one task is killed once it has committed a take and still has takes to do.
job=$(sbatch --parsable --array=0-3 --cpus-per-task=1 --mem=0 --output="$work/out/%A_%a.out" "$repo/deploy/slurm/takesense-batch.sbatch") \
    || fail "sbatch refused the array"
echo "slurm-test: array job $job submitted"
victim=""
for _ in $(seq 600); do
    for t in 0 1 2 3; do
        out="$work/out/${job}_$t.out"
        # A non-terminal progress line per finished take: "1/3 takes · ...".
        if [ -f "$out" ] && grep -qE "^1/([2-9]|[1-9][0-9]) takes" "$out"; then victim=$t; break; fi
    done
    [ -n "$victim" ] && break
    squeue -h -j "$job" | grep -q . || break
    sleep 0.5
done
[ -n "$victim" ] || fail "no array task had two takes or more to be killed mid-way"
scancel --signal=KILL --full "${job}_$victim"
echo "slurm-test: task $victim killed (SIGKILL) mid-way"
for _ in $(seq 900); do squeue -h -j "$job" | grep -q . || break; sleep 1; done
squeue -h -j "$job" | grep -q . && fail "the array did not finish"
before=$(psql "$TAKESENSE_STORE" -Atc "SELECT count(*) FROM takesense_takes")
[ "$before" -lt 10 ] || fail "the killed task had finished its takes before the kill ($before in the store)"

# Resubmit the killed task (the shard count stays 4).
job2=$(sbatch --parsable --array="$victim" --cpus-per-task=1 --mem=0 --export=ALL,TAKESENSE_SHARDS=4 --output="$work/out/%A_%a.out" \
    "$repo/deploy/slurm/takesense-batch.sbatch")
for _ in $(seq 900); do squeue -h -j "$job2" | grep -q . || break; sleep 1; done
grep -q "already in the store" "$work/out/${job2}_$victim.out" || fail "the resubmitted task did not finish"

read -r count distinct maxruns failed < <(psql "$TAKESENSE_STORE" -AtF' ' -c \
    "SELECT count(*), count(DISTINCT content_hash), max(analyses), count(*) FILTER (WHERE status <> 'done') FROM takesense_takes")
echo "slurm-test: store: $count takes ($distinct distinct), most analyses of one take: $maxruns, failed: $failed; $before were in before the resubmission"
[ "$count" = 10 ] && [ "$distinct" = 10 ] || fail "expected the 10 takes once each, got $count ($distinct distinct)"
[ "$maxruns" = 1 ] || fail "a take was analysed $maxruns times"
[ "$failed" = 0 ] || fail "$failed takes failed"
workers=$(psql "$TAKESENSE_STORE" -Atc "SELECT count(DISTINCT worker) FROM takesense_takes")
[ "$workers" -ge 4 ] || fail "only $workers workers wrote to the store"

# The merged report equals a one-machine run over the same folder.
"$bin" batch report --store "$TAKESENSE_STORE" --json "$work/merged.json" 2>/dev/null
"$bin" batch day1 --store "$work/one.sqlite" --threads 1 --quiet >/dev/null
"$bin" batch report --store "$work/one.sqlite" --json "$work/one.json" 2>/dev/null
cmp -s "$work/merged.json" "$work/one.json" || { diff "$work/merged.json" "$work/one.json" | head -20 >&2; fail "the merged report differs from the one-machine run"; }
echo "slurm-test: merged report of the 4-task array (one task killed and resubmitted) equals the one-machine run: 10 takes"
echo "slurm-test: 1 passed, 0 failed"
