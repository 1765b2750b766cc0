#!/usr/bin/env bash
# Coverage-guided fuzzing of the readers of untrusted input: builds the libFuzzer harnesses of tests/fuzz with
# clang, ASan and UBSan in build-fuzz/, then runs each for a bounded time from its seeds in tests/fuzz/corpus/.
#   tests/fuzz/run_fuzzers.sh [SECONDS]     SECONDS per harness, default 30
# New inputs go to build-fuzz/corpus/<harness>/ (the committed seeds stay as they are); a crash stops the script
# with libFuzzer's report and the input saved in build-fuzz/crashes/<harness>/.
set -euo pipefail
cd "$(dirname "$0")/../.."

seconds=${1:-30}
harnesses=(fuzz_idx fuzz_cifar fuzz_run_file fuzz_yaml_config)
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
CC=clang CXX=clang++ cmake -S tests/fuzz -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" >/dev/null
cmake --build build-fuzz -j "$(nproc)" --target "${harnesses[@]}"

# A file claiming a huge size must be an Error from a failed allocation, which ASan otherwise reports as a crash.
export ASAN_OPTIONS=allocator_may_return_null=1:detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1
for h in "${harnesses[@]}"; do
  mkdir -p "build-fuzz/corpus/$h" "build-fuzz/crashes/$h" build-fuzz/logs
  log="build-fuzz/logs/$h.log"
  if ! "build-fuzz/$h" "build-fuzz/corpus/$h" "tests/fuzz/corpus/$h" -max_total_time="$seconds" \
      -artifact_prefix="build-fuzz/crashes/$h/" >"$log" 2>&1; then
    tail -n 60 "$log" >&2
    echo "fuzz: $h failed; the input is in build-fuzz/crashes/$h/, the whole log in $log" >&2
    exit 1
  fi
  echo "fuzz: $h: $(grep -E '^#[0-9]+ +DONE' "$log" | tail -n 1)"
done
