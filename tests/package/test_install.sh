#!/usr/bin/env bash
# The .deb end to end: cpack builds it from BUILD_DIR, dpkg-deb unpacks it into a scratch root (no change to the
# system), its Depends must name the package of every library the binary links, and the unpacked lskd, run from
# another directory with the source tree hidden (a private mount namespace mounts an empty tmpfs over it), must
# print its help and run a tiny study whose report and plots exist.
# Usage: test_install.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
source_dir=$(realpath "$1")
build_dir=$(realpath "$2")
scratch=$(mktemp -d "${TMPDIR:-/tmp}/lskd-package.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
fail() { echo "test_install: FAILED: $*" >&2; exit 1; }

(cd "$build_dir" && cpack -G DEB -B "$scratch/pkg" >"$scratch/cpack.log" 2>&1) || { cat "$scratch/cpack.log"; fail "cpack -G DEB"; }
deb=$(ls "$scratch"/pkg/lskd_*.deb 2>/dev/null | head -1)
[ -n "$deb" ] || fail "cpack wrote no lskd_*.deb into $scratch/pkg"
echo "test_install: built $(basename "$deb")"
root="$scratch/root"
dpkg-deb -x "$deb" "$root"

for f in usr/bin/lskd usr/share/lskd/plot/lskd_plot.py usr/share/lskd/plot/lskdplot/study.py \
         usr/share/lskd/python/lskd_export.py usr/share/lskd/python/one_line_errors.py \
         usr/share/lskd/python/lskd_torch/__init__.py \
         usr/share/lskd/configs/quick.yaml usr/share/lskd/configs/paper.yaml usr/share/doc/lskd/method.md \
         usr/share/doc/lskd/README.md usr/share/man/man1/lskd.1.gz; do
    [ -f "$root/$f" ] || fail "the package has no /$f"
done
zcat "$root/usr/share/man/man1/lskd.1.gz" >"$scratch/lskd.1"
grep -q '^\.SH SYNOPSIS' "$scratch/lskd.1" || fail "the man page has no SYNOPSIS section"
grep -q '^\.SS "lskd study"' "$scratch/lskd.1" || fail "the man page has no section of lskd study's flags"

# Every shared library lskd needs must come from a package the .deb depends on.
depends=$(dpkg-deb -f "$deb" Depends)
echo "test_install: Depends: $depends"
# The package owning a library file, whichever of /lib and /usr/lib (merged) dpkg recorded it under.
owner() {
    local real base
    real=$(readlink -f "$1")
    base="$(basename "$(dirname "$real")")/$(basename "$real")"
    dpkg -S "$(basename "$real")" 2>/dev/null | awk -F': ' -v b="/$base" 'substr($2, length($2) - length(b) + 1) == b && !found {
        sub(/:.*/, "", $1); print $1; found = 1 }'
}
for lib in $(readelf -d "$root/usr/bin/lskd" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p'); do
    path=$(ldconfig -p | awk -v l="$lib" '$1 == l && /x86-64|x86_64/ && !found {print $NF; found = 1}')
    [ -n "$path" ] || fail "$lib (needed by lskd) is not installed on this machine"
    pkg=$(owner "$path")
    [ -n "$pkg" ] || fail "no Debian package owns $path ($lib)"
    [[ ", $depends," == *", $pkg"[\ ,]* ]] || fail "$lib comes from $pkg, which Depends does not name"
done
for pkg in python3 python3-numpy python3-matplotlib python3-h5py; do
    [[ ", $depends," == *", $pkg,"* ]] || fail "Depends does not name $pkg (the plot tool needs it)"
done

"$root/usr/bin/lskd" --help >"$scratch/help.txt" || fail "lskd --help exited non-zero"
grep -q study "$scratch/help.txt" || fail "lskd --help does not list the study command"

/usr/bin/python3 "$source_dir/tests/package/make_tiny_idx.py" "$scratch/data"
mkdir -p "$scratch/work"
cat >"$scratch/work/tiny.yaml" <<EOF
output: tiny-study
dataset: fashion-mnist
data-dir: $scratch/data
seeds: [1]
teacher:
  model: mlp
  alphas: [0, 0.3]
  recipe: {hidden: [32], max-train: 400, max-test: 200, val-size: 100, epochs: 1, batch: 50,
           lr: 0.05, threads: 1, record-per-class: 5, mi-examples: 20, mi-views: 2}
student:
  model: mlp
  loss: muller
  recipe: {hidden: [16], max-train: 400, max-test: 200, val-size: 100, epochs: 1, batch: 50,
           lr: 0.05, threads: 1, record-per-class: 5}
distill:
  - {teacher-alpha: 0, temperatures: [1]}
baselines: {alphas: [0]}
EOF

# Runs a command with the source tree (and the build tree, when it is inside it) hidden, if this process may make a
# mount namespace.
hidden=()
if unshare --mount true 2>/dev/null; then
    hidden=(unshare --mount sh -c 'mount -t tmpfs lskd-hidden "$0" && exec "$@"' "$source_dir")
    echo "test_install: running the unpacked lskd with $source_dir hidden"
else
    echo "test_install: WARNING: cannot make a mount namespace here; the source tree stays visible"
fi
"${hidden[@]}" env -C "$scratch/work" "$root/usr/bin/lskd" study tiny.yaml --quiet >"$scratch/study.log" 2>&1 ||
    { cat "$scratch/study.log"; fail "lskd study with the unpacked lskd"; }
out="$scratch/work/tiny-study"
[ -f "$out/report.md" ] || fail "the study wrote no report.md"
ls "$out"/plots/*.png >/dev/null 2>&1 || ls "$out"/plots/*/*.png >/dev/null 2>&1 ||
    { cat "$out/logs/plots.log" 2>/dev/null; fail "the study drew no plot: the installed lskd did not run its plot tool"; }
# lskd export finds its Python script in the package too (when PyTorch is there to run it).
if /usr/bin/python3 -c "import torch, h5py" 2>/dev/null; then
    teacher="$out/$(/usr/bin/python3 -c 'import h5py, sys; print(h5py.File(sys.argv[1])["file"][0].decode())' \
        "$out/summary.h5")"
    "${hidden[@]}" "$root/usr/bin/lskd" export "$teacher" --format torch --output "$scratch/teacher.pt" \
        >"$scratch/export.log" 2>&1 || { cat "$scratch/export.log"; fail "lskd export with the unpacked lskd"; }
    [ -s "$scratch/teacher.pt" ] || fail "lskd export wrote no $scratch/teacher.pt"
else
    echo "test_install: WARNING: python3-torch is not installed; lskd export of the unpacked lskd is untested"
fi
echo "test_install: 1 passed, 0 failed"
