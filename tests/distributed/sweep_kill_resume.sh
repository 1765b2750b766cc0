#!/bin/sh
# lskd sweep under mpirun, one rank killed mid-sweep: the job ends, and the same command again completes the sweep
# with the summary of an uninterrupted one-process sweep (docs/scale.md). Usage: MPIEXEC LSKD WORK_DIR
set -eu
mpiexec=$1 lskd=$2 work=$3
rm -rf "$work"
mkdir -p "$work"
# The teacher is the long run (seconds even on an idle machine), so the kill lands while it trains and its students
# wait: a sweep that finished before the kill would test nothing.
common="max-test: 300, val-size: 200, batch: 64, lr: 0.05, threads: 1"
recipe="max-train: 600, $common"
teacher_recipe="$common"
cat > "$work/sweep.yaml" <<YAML
output: unused
seeds: [1]
teacher: {model: mlp, alphas: [0.1], recipe: {hidden: [512], epochs: 6, max-train: 4000, $teacher_recipe}}
student: {model: mlp, recipe: {hidden: [16], epochs: 3, $recipe}}
distill:
  - {teacher-alpha: 0.1, temperatures: [1, 4]}
baselines: {alphas: [0]}
YAML

"$lskd" sweep "$work/sweep.yaml" --out "$work/alone" --quiet --json > /dev/null

"$mpiexec" --oversubscribe -n 2 "$lskd" sweep "$work/sweep.yaml" --out "$work/ranks" --quiet > "$work/first.log" 2>&1 &
job=$!
# Kill a rank as soon as the first checkpoint (an epoch of the teacher or the baseline) is on disk.
waited=0
until ls "$work/ranks"/runs/teacher_*/checkpoint.h5 "$work/ranks"/runs/baseline_*/checkpoint.h5 > /dev/null 2>&1; do
    sleep 0.05
    waited=$((waited + 1))
    if [ "$waited" -gt 1200 ]; then echo "no checkpoint after 60 s"; cat "$work/first.log"; kill "$job"; exit 1; fi
done
ranks=$(ps -o pid= --ppid "$job")
victim=$(echo "$ranks" | tail -n 1)
[ -n "$victim" ] || { echo "no rank of mpirun $job found"; exit 1; }
kill -9 $victim
if wait "$job"; then echo "mpirun exited 0 although rank $victim was killed"; exit 1; fi
# A rank killed within a write (fsync) finishes that I/O before it dies (state D), so each gets up to 10 s to go.
for pid in $ranks; do  # gone, or a zombie that nobody reaps (a container's init)
    tries=0
    while :; do
        state=$(ps -o stat= -p "$pid" || true)
        case "$state" in "" | Z*) break ;; esac
        tries=$((tries + 1))
        if [ "$tries" -gt 200 ]; then echo "rank $pid still running 10 s after mpirun ended ($state)"; exit 1; fi
        sleep 0.05
    done
done
complete=$(grep -c . "$work/ranks/summary.csv" || true)
if [ "$complete" -ge 5 ]; then echo "the sweep had finished before the kill: nothing was resumed"; exit 1; fi

"$mpiexec" --oversubscribe -n 2 "$lskd" sweep "$work/sweep.yaml" --out "$work/ranks" --quiet > "$work/second.log" 2>&1 \
    || { echo "the resumed sweep failed:"; cat "$work/second.log"; exit 1; }
cmp "$work/alone/summary.csv" "$work/ranks/summary.csv" \
    || { echo "resumed summary differs:"; diff "$work/alone/summary.csv" "$work/ranks/summary.csv"; exit 1; }
rm -rf "$work"
echo "killed rank $victim; resumed sweep matches the one-process sweep"
