#!/usr/bin/env bash
# Coverage-guided fuzzing of the readers of untrusted input: builds the libFuzzer harnesses of tests/fuzz with
# clang, ASan and UBSan in build-fuzz/, then runs each for a bounded time from its seeds in tests/fuzz/corpus/.
#   tests/fuzz/run_fuzzers.sh [SECONDS]     SECONDS per harness, default 30; as many harnesses at once as cores
# New inputs go to build-fuzz/corpus/<harness>/ (the committed seeds stay as they are). A crash, a leak or an
# input taking over 10 s (a hang) ends that harness with libFuzzer's report and the input saved in
# build-fuzz/crashes/<harness>/; every harness still runs, and the script fails at the end if any failed.
set -euo pipefail
cd "$(dirname "$0")/../.."

seconds=${1:-30}
harnesses=(fuzz_idx fuzz_mo fuzz_cifar fuzz_cmudict fuzz_parallel_tsv fuzz_run_file fuzz_yaml_config fuzz_text_metrics
           fuzz_jpeg fuzz_png fuzz_image_geometry fuzz_folder_cache fuzz_folder_stream)
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
  # ccache caches a file compiled with a precompiled header (cmake/PrecompiledHeaders.cmake) only when told to.
  export CCACHE_SLOPPINESS=${CCACHE_SLOPPINESS:+$CCACHE_SLOPPINESS,}pch_defines,time_macros
fi
CC=clang CXX=clang++ cmake -S tests/fuzz -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" >/dev/null
build_start=$SECONDS
cmake --build build-fuzz -j "$(nproc)" --target "${harnesses[@]}"
echo "fuzz: the build took $((SECONDS - build_start)) s"

# A file claiming a huge size must be an Error from a failed allocation, which ASan otherwise reports as a crash;
# allocations over 256 MB fail at once, so that such files do not slow the fuzzing to a few inputs a second.
export ASAN_OPTIONS=allocator_may_return_null=1:max_allocation_size_mb=256:detect_leaks=1
export LSAN_OPTIONS=suppressions=$PWD/tests/fuzz/lsan.supp
export UBSAN_OPTIONS=print_stacktrace=1
# Harnesses run side by side, one per core, each for its full time: a harness is single-threaded, so on CI's two
# cores the 13 take half the wall time with the same fuzzing each.
jobs=$(nproc)
fuzz() {
  local h=$1
  mkdir -p "build-fuzz/corpus/$h" "build-fuzz/crashes/$h" build-fuzz/logs
  "build-fuzz/$h" "build-fuzz/corpus/$h" "tests/fuzz/corpus/$h" -max_total_time="$seconds" -timeout=10 \
    -artifact_prefix="build-fuzz/crashes/$h/" >"build-fuzz/logs/$h.log" 2>&1
}
failed=()
for ((first = 0; first < ${#harnesses[@]}; first += jobs)); do
  batch=("${harnesses[@]:first:jobs}")
  pids=()
  for h in "${batch[@]}"; do
    fuzz "$h" &
    pids+=($!)
  done
  for i in "${!batch[@]}"; do
    h=${batch[i]}
    log="build-fuzz/logs/$h.log"
    if wait "${pids[i]}"; then
      echo "fuzz: $h: $(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1)"
    else
      tail -n 40 "$log" >&2
      echo "fuzz: $h FAILED; the input is in build-fuzz/crashes/$h/, the whole log in $log" >&2
      failed+=("$h")
    fi
  done
done
((${#failed[@]} == 0)) || { echo "fuzz: failed: ${failed[*]}" >&2; exit 1; }
