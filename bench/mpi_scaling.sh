#!/bin/sh
# What 2 MPI ranks buy on one machine (docs/scale.md, "Measured"): (a) a small sweep's wall time on 2 ranks against
# one process; (b) the training throughput of one data-parallel run of mlp-1200; (c) a training step's compute
# against MPI_Allreduce of mlp-1200's gradients. Meant for an idle machine of at least 2 cores; expected 4-6 minutes.
# Usage: bench/mpi_scaling.sh [BUILD_DIR]     (BUILD_DIR: a build with -DLSKD_BUILD_BENCH=ON, default build)
# Environment: MPIEXEC (default mpirun; Open MPI's, for -x), MPI_FLAGS (default --bind-to core; add
# --oversubscribe on fewer than 2 cores), DATA_DIR (the data directory, if not lskd's default), TMPDIR (where the
# runs are written, in a fresh directory removed at the end), SMOKE=1 (tiny sizes, about a minute: checks that the
# script runs; its numbers mean nothing).
set -eu
build=${1:-build}
if [ "${SMOKE:-0}" = 1 ]; then sweep_images=1000 sweep_epochs=1 images=1280 steps=5; else
    sweep_images=8000 sweep_epochs=4 images=12800 steps=30
fi
lskd=$build/tools/lskd
allreduce=$build/bench/bench_allreduce
mpiexec=${MPIEXEC:-mpirun}
mpi_flags=${MPI_FLAGS:---bind-to core}
python=/usr/bin/python3  # Debian's, with python3-h5py (setup.sh)
for f in "$lskd" "$allreduce"; do
    [ -x "$f" ] || { echo "mpi_scaling.sh: $f not found; build targets lskd and bench_allreduce" \
                          "(-DLSKD_BUILD_BENCH=ON) in $build" >&2; exit 2; }
done
if [ "$(id -u)" = 0 ]; then export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1; fi
data_key=${DATA_DIR:+data-dir: $DATA_DIR,}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mpi() { # ranks, then the command; rank 0's output only matters
    ranks=$1
    shift
    # shellcheck disable=SC2086
    "$mpiexec" $mpi_flags -n "$ranks" -x OMP_NUM_THREADS=1 "$@"
}
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) before the measurements"

# (a) A sweep of 5 runs, 1 thread each: an mlp-1200 teacher, its 2 students and 2 baselines (mlp-800), 4 epochs of
# 8,000 images. The students wait for the teacher; the baselines need nothing.
recipe="max-train: $sweep_images, val-size: 2000, max-test: 2000, epochs: $sweep_epochs, batch: 128, lr: 0.05"
recipe="$recipe, momentum: 0.9, threads: 1"
cat > "$work/sweep.yaml" <<YAML
output: $work/unused
dataset: fashion-mnist
seeds: [1]
teacher: {model: mlp-1200, alphas: [0], recipe: {$data_key $recipe}}
student: {model: mlp-800, recipe: {$data_key $recipe}}
distill:
  - {teacher-alpha: 0, temperatures: [1, 4]}
baselines: {alphas: [0, 0.1]}
parallel: 1
YAML
t=$(now)
"$lskd" sweep "$work/sweep.yaml" --out "$work/one" --quiet --json > /dev/null
sweep_one=$(since "$t")
t=$(now)
"$lskd" sweep "$work/sweep.yaml" --out "$work/jobs2" --jobs 2 --quiet --json > /dev/null
sweep_jobs=$(since "$t")
t=$(now)
mpi 2 "$lskd" sweep "$work/sweep.yaml" --out "$work/ranks2" --quiet --json > /dev/null
sweep_ranks=$(since "$t")
same=yes
for d in jobs2 ranks2; do cmp -s "$work/one/summary.csv" "$work/$d/summary.csv" || same=no; done

# (b) One data-parallel run: mlp-1200, 1 epoch of 12,800 images in global batches of 128 (100 steps).
train() { # the run's name, mpirun's ranks (0: one process, no mpirun), threads
    name=$1 ranks=$2 threads=$3
    set -- "$lskd" train --model mlp-1200 --max-train $images --max-test 1000 --val-size 0 --epochs 1 --batch 128 \
        --lr 0.05 --momentum 0.9 --threads "$threads" --output "$work/$name" --quiet
    if [ -n "${DATA_DIR:-}" ]; then set -- "$@" --data-dir "$DATA_DIR"; fi
    if [ "$ranks" = 0 ]; then "$@"; else mpi "$ranks" "$@"; fi > /dev/null
    "$python" -c 'import sys, h5py; print(h5py.File(sys.argv[1], "r")["metrics/train_seconds"][-1])' \
        "$work/$name/checkpoint.h5"
}
dp_11=$(train r1t1 0 1)
dp_12=$(train r1t2 0 2)
dp_21=$(train r2t1 2 1)

# (c) One training step of mlp-1200 on 1 thread at the global batch and at a rank's half of it; the allreduce of
# its 2,395,210 gradients between 2 ranks, alone and as GradientBuckets::average (packing included).
step_ms() { "$lskd" bench --model mlp-1200 --threads 1 --batch "$1" --steps $steps --json |
            "$python" -c 'import json, sys; print("%.1f" % json.load(sys.stdin)["train_step_ms"])'; }
step128=$(step_ms 128)
step64=$(step_ms 64)
mpi 2 "$allreduce" $steps > "$work/allreduce.txt"
allreduce_ms=$(awk '$1 == 2395210 { printf "%.1f", $2 }' "$work/allreduce.txt")
average_ms=$(awk '/GradientBuckets::average/ { printf "%.1f", $(NF - 1) }' "$work/allreduce.txt")

rate() { awk -v s="$1" -v n=$images 'BEGIN { printf "%6.1f s  %7.0f images/s", s, n / s }'; }
cat <<TABLE

(a) sweep of 5 runs, 1 thread each: 1 mlp-1200 teacher, 2 students, 2 baselines; $sweep_epochs epochs of
    $sweep_images images
    one process, parallel 1          ${sweep_one} s
    one process, --jobs 2            ${sweep_jobs} s
    mpirun -n 2, 1 thread per rank   ${sweep_ranks} s
    summaries identical: $same
(b) lskd train mlp-1200, 1 epoch of $images images, global batch 128: training time (train_seconds)
    1 rank x 1 thread    $(rate "$dp_11")
    1 rank x 2 threads   $(rate "$dp_12")
    2 ranks x 1 thread   $(rate "$dp_21")
(c) mlp-1200 (2,395,210 parameters), per step, 1 thread
    training step, batch 128           ${step128} ms
    training step, batch 64            ${step64} ms
    MPI_Allreduce of the gradients     ${allreduce_ms} ms  (2 ranks)
    GradientBuckets::average           ${average_ms} ms  (2 ranks, packing included)
load average after: $(cut -d' ' -f1-3 /proc/loadavg)
TABLE
