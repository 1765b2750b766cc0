#!/usr/bin/env bash
# lskd set-up: installs the Debian packages that are missing, configures and builds Release into build/,
# then runs what was asked:
#   ./setup.sh            set up only
#   ./setup.sh study      set up, then run the study on the default data (Fashion-MNIST)
#   ./setup.sh test       set up, then run the whole test suite (quick + slow) and the sanitizer build of
#                         the readers' tests, then 30 s of libFuzzer on each reader of untrusted input
# Idempotent: a second run installs nothing and rebuilds only what changed.
set -euo pipefail
cd "$(dirname "$0")"

packages=(
  build-essential cmake pkg-config clang-format
  libdnnl-dev ocl-icd-opencl-dev opencl-headers
  libtbb-dev libeigen3-dev libhdf5-dev zlib1g-dev libisal-dev
  catch2 libcli11-dev libyaml-cpp-dev libfmt-dev libbenchmark-dev libsentencepiece-dev
  libjpeg62-turbo-dev libpng-dev
  libopenmpi-dev openmpi-bin
  clang libclang-rt-14-dev
  python3 python3-numpy python3-matplotlib python3-h5py help2man
  dataset-fashion-mnist festlex-cmu
  # The German catalogues of the built-in gettext-de corpus (configs/gettext-de.yaml pins the same list).
  git libgtk2.0-common krb5-locales libc-l10n libglib2.0-data dpkg util-linux-locales coreutils libdpkg-perl
  e2fsprogs-l10n gnupg-l10n gsettings-desktop-schemas tar gettext bash apt libapt-pkg6.0 binutils-common libgnutls30
  libexif12 procps findutils make diffutils xz-utils sed grep login libpam-runtime libgdk-pixbuf2.0-common
  libgstreamer1.0-0 libelf1 man-db help2man postgresql-client-15 libpq5
)
# Only the test suite needs PyTorch, ONNX, PIL and torchvision: it checks lskd's exports and image decoding
# against them.
if [ "${1:-}" = test ]; then packages+=(python3-torch python3-onnx python3-pil python3-torchvision); fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Each stage prints its wall time, so that a CI log shows where the time of `./setup.sh test` goes.
timed() {
  local name=$1 start=$SECONDS
  shift
  "$@"
  echo "setup: $name took $((SECONDS - start)) s"
}

jobs=$(nproc)
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
timed build cmake --build build -j "$jobs"

case "${1:-}" in
  "") ;;
  study)
    shift
    ./build/tools/lskd study "$@"
    ;;
  test)
    timed tests ctest --test-dir build --output-on-failure -j "$jobs"
    # The data readers and the HDF5 layer parse untrusted bytes, so their tests also run under ASan and UBSan.
    cmake -S . -B build-sanitize -DCMAKE_BUILD_TYPE=Debug -DLSKD_SANITIZE=ON -DLSKD_BUILD_BENCH=OFF >/dev/null
    timed "sanitizer build" cmake --build build-sanitize -j "$jobs" --target test_data test_io
    timed "sanitizer tests" ctest --test-dir build-sanitize --output-on-failure --no-tests=error -j "$jobs" \
      -R '^(data|io):'
    # Coverage-guided fuzzing (clang, libFuzzer) of the IDX, .mo, CIFAR, run-file and YAML config readers and the
    # JPEG and PNG decoders.
    timed "fuzz build and fuzzing" tests/fuzz/run_fuzzers.sh
    ;;
  *)
    echo "setup: unknown action '$1' (expected: study, test)" >&2
    exit 2
    ;;
esac
