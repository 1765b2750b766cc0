"""Every figure a sweep directory allows: its run files are found recursively and grouped by model and data
set; each figure is made from the runs that carry what it needs (an analysis group or /metrics/mi)."""
import os
from collections import defaultdict

import h5py
import numpy as np

from . import mi, projection, reliability, summary
from .runfile import text


def _runs(directory):
    """(path, facts) of every lskd run file below directory, in path order."""
    found = []
    for root, _, files in os.walk(directory):
        for name in sorted(files):
            if not name.endswith(".h5") or name == "summary.h5":
                continue
            path = os.path.join(root, name)
            try:
                with h5py.File(path, "r") as f:
                    if text(f.attrs.get("format", b"")) != "lskd-run/2":
                        continue
                    analyses = f["analysis"] if "analysis" in f else {}
                    projections = [(tuple(text(n) for n in analyses[g].attrs["class_names"]),
                                    text(analyses[g].attrs["variant"]), g)
                                   for g in sorted(analyses) if g.startswith("projection")]
                    found.append((path, {
                        "group": (text(f.attrs["model"]), text(f.attrs["dataset"]), text(f.attrs["role"])),
                        "alpha": float(f.attrs["smoothing"]),
                        "seed": int(f.attrs["seed"]),
                        "calibration": "analysis/calibration" in f,
                        "mi": "metrics/mi" in f and np.isfinite(f["metrics/mi"][:]).any(),
                        "projections": projections,
                    }))
            except OSError:
                continue  # a file being written by a running sweep
    return sorted(found)


def plot(directory, out_dir):
    runs = _runs(directory)
    written = []
    groups = defaultdict(list)
    for path, facts in runs:
        groups[facts["group"]].append((path, facts))
    for (model, dataset, role), members in sorted(groups.items()):
        sub = os.path.join(out_dir, f"{model}_{dataset}_{role}")
        calibrated = [p for p, f in members if f["calibration"]]
        if calibrated:
            written += reliability.plot(calibrated, sub)
        with_mi = [p for p, f in members if f["mi"]]
        if with_mi:
            written += mi.plot(with_mi, sub)
        # 2x2 panels: the α = 0 run beside each α > 0 run (lowest seed of each), per class triple.
        triples = defaultdict(dict)
        for p, f in members:
            for names, variant, group in f["projections"]:
                best = triples[(names, variant, group)].get(f["alpha"])
                if best is None or f["seed"] < best[1]:
                    triples[(names, variant, group)][f["alpha"]] = (p, f["seed"])
        for (_, _, group), by_alpha in triples.items():
            if 0.0 in by_alpha:
                for a in sorted(a for a in by_alpha if a > 0):
                    written += projection.plot([by_alpha[0.0][0], by_alpha[a][0]], sub, suffix=f"_a{a:g}",
                                               group=group)
    summary_path = os.path.join(directory, "summary.h5")
    if os.path.exists(summary_path):
        written += summary.plot(summary_path, out_dir)
    return written
