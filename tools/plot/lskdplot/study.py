"""Every figure a sweep directory allows: its run directories are found recursively and grouped by model and data
set; each figure is made from the runs that carry what it needs (an analysis file or /metrics/mi)."""
import os
from collections import defaultdict

import h5py
import numpy as np

from . import figure4, mi, projection, reliability, summary
from .runfile import RUN_FORMAT, analysis_path, checkpoint_path, text


def _projections(run):
    """(class names, variant, analysis name) of each projection analysis of the run directory."""
    found = []
    analyses = os.path.join(run, "analyses")
    names = sorted(n[:-3] for n in os.listdir(analyses) if n.endswith(".h5")) if os.path.isdir(analyses) else []
    for name in names:
        if name.startswith("projection"):
            with h5py.File(analysis_path(run, name), "r") as g:
                found.append((tuple(text(n) for n in g.attrs["class_names"]), text(g.attrs["variant"]), name))
    return found


def _runs(directory):
    """(path, facts) of every lskd run directory below directory, in path order."""
    found = []
    for root, dirs, files in os.walk(directory):
        if "checkpoint.h5" not in files:
            continue
        dirs.clear()  # a run's own folders (records, outputs, analyses) hold no runs
        try:
            with h5py.File(checkpoint_path(root), "r") as f:
                if text(f.attrs.get("format", b"")) != RUN_FORMAT:
                    continue
                found.append((root, {
                    "group": (text(f.attrs["model"]), text(f.attrs["dataset"]), text(f.attrs["role"])),
                    "alpha": float(f.attrs["smoothing"]),
                    "seed": int(f.attrs["seed"]),
                    "calibration": os.path.isfile(analysis_path(root, "calibration")),
                    "mi": "metrics/mi" in f and np.isfinite(f["metrics/mi"][:]).any(),
                    "projections": _projections(root),
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
    decoding_path = os.path.join(directory, figure4.TABLE)
    if os.path.exists(decoding_path):
        written.append(figure4.plot(decoding_path, out_dir))
    return written
