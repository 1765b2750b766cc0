#!/bin/sh
# Interleaved A/B of two lskd builds' training steps (`lskd bench --json`): the builds alternate, so drift of a
# shared machine hits both alike. Prints one line per run and the median step time and CPU overhead per build.
# Usage: bench/compare_builds.sh OLD_LSKD NEW_LSKD [rounds=3] [threads="1 2"] [models="mlp-1200 lenet resnet-20"]
#                                [precision=f32]
set -eu
[ $# -ge 2 ] || { echo "usage: $0 OLD_LSKD NEW_LSKD [rounds] [threads] [models] [precision]" >&2; exit 2; }
old=$1 new=$2 rounds=${3:-3} threads=${4:-"1 2"} models=${5:-"mlp-1200 lenet resnet-20"} precision=${6:-f32}
for bin in "$old" "$new"; do [ -x "$bin" ] || { echo "$0: $bin is not an executable" >&2; exit 2; }; done
uptime
for m in $models; do
  input=28x28x1; [ "${m#resnet}" != "$m" ] && input=32x32x3
  for t in $threads; do
    for r in $(seq "$rounds"); do
      for which in old new; do
        bin=$old; [ $which = new ] && bin=$new
        printf '%s %s %s ' "$m" "$t" "$which"
        "$bin" bench --model "$m" --input "$input" --threads "$t" --precision "$precision" --steps 20 --json |
          python3 -c 'import json, sys; d = json.loads(sys.stdin.readline()); print("%.2f %.4f" % (d["train_step_ms"], d["train_overhead_share_cpu"]))'
      done
    done
  done
done | tee /dev/stderr | python3 -c '
import collections, statistics, sys
runs = collections.defaultdict(list)
for line in sys.stdin:
    model, threads, which, ms, overhead = line.split()
    runs[(model, threads, which)].append((float(ms), float(overhead)))
print("model      threads  step ms old -> new (median)   overhead CPU old -> new")
for model, threads in dict.fromkeys((k[0], k[1]) for k in runs):
    old, new = runs[(model, threads, "old")], runs[(model, threads, "new")]
    med = lambda xs, i: statistics.median(x[i] for x in xs)
    print(f"{model:10s} {threads:>7s}  {med(old, 0):9.2f} -> {med(new, 0):9.2f} ({med(new, 0) / med(old, 0) - 1:+.1%})"
          f"   {med(old, 1):6.1%} -> {med(new, 1):6.1%}")
'
uptime
