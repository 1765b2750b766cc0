#!/bin/sh
# lskd under mpirun with 2 ranks: `lskd eval` prints exactly what one process prints (the split shared among the
# ranks, docs/scale.md), and analyze, export and bench, which run in one process, refuse with the usage status 2
# and leave the run as it was. Usage: MPIEXEC LSKD WORK_DIR
set -eu
mpiexec=$1 lskd=$2 work=$3
rm -rf "$work"
mkdir -p "$work"
run="$work/run"
"$lskd" train --model mlp --hidden 32 --max-train 600 --max-test 300 --val-size 200 --epochs 1 --batch 64 \
    --threads 1 --output "$run" --quiet

# Evaluation batch 256 (distill::kEvalBatch, whatever the run's): 300 test examples are 2 batches, one on each
# rank; 200 validation examples are 1, on rank 0.
for split in test val; do
    alone="$work/alone_$split.json" ranks="$work/ranks_$split.json"
    "$lskd" eval "$run" --split "$split" --threads 1 --json > "$alone"
    "$mpiexec" --oversubscribe -n 2 "$lskd" eval "$run" --split "$split" --threads 1 --json > "$ranks" \
        || { echo "mpirun -n 2 lskd eval --split $split failed"; exit 1; }
    cmp "$alone" "$ranks" || { echo "eval of $split on 2 ranks differs:"; cat "$alone" "$ranks"; exit 1; }
done

before=$(md5sum < "$run/checkpoint.h5")
refused() {  # $1: the command's name; the rest: its arguments
    name=$1
    shift
    status=0
    "$mpiexec" --oversubscribe -n 2 "$lskd" "$@" > "$work/refused.out" 2> "$work/refused.err" || status=$?
    [ "$status" -eq 2 ] || { echo "mpirun -n 2 lskd $name exited $status, not 2:"; cat "$work/refused.err"; exit 1; }
    grep -q "lskd $name: runs in one process, but was started as 2 MPI ranks" "$work/refused.err" \
        || { echo "lskd $name under 2 ranks gave no usage message:"; cat "$work/refused.err"; exit 1; }
    [ "$(grep -c "runs in one process" "$work/refused.err")" -eq 1 ] \
        || { echo "lskd $name: the message is printed by rank 0 only"; cat "$work/refused.err"; exit 1; }
    ! grep -q MPI_ABORT "$work/refused.err" \
        || { echo "lskd $name: a usage error ends every rank alike, not by MPI_Abort"; cat "$work/refused.err"; exit 1; }
}
refused analyze analyze calibration "$run" --threads 1
refused export export "$run" --format onnx --output "$work/model.onnx"
refused bench bench --model mlp --threads 1 --steps 2
[ "$(md5sum < "$run/checkpoint.h5")" = "$before" ] || { echo "a refused command changed the checkpoint"; exit 1; }
[ ! -e "$run/analyses" ] || { echo "a refused analysis wrote into the run"; exit 1; }
[ ! -e "$work/model.onnx" ] || { echo "a refused export wrote its output"; exit 1; }
# One rank is no job to refuse: it runs as without a launcher.
"$mpiexec" -n 1 "$lskd" analyze calibration "$run" --threads 1 --json > /dev/null \
    || { echo "mpirun -n 1 lskd analyze failed"; exit 1; }
rm -rf "$work"
echo "eval on 2 ranks equals one process; analyze, export and bench refused on 2 ranks with status 2, run on 1"
