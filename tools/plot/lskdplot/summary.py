"""Figures of a sweep's summary.h5 (study/sweep_summary.cpp): M's Figure 5, accuracy against equivalent
smoothing γ, and teacher ECE against α.

summary.h5 holds one row per run as 1-D datasets at the root, one per column (NaN where a column does not
apply): role ('teacher', 'baseline' = the student architecture trained with LS α, 'student' = distilled),
model, alpha, teacher_alpha, temperature, seed, gamma, test_acc, test_ece, file (relative to the summary)."""
import os

import h5py
import numpy as np

from .runfile import PlotError, checkpoint_path, plt, save, text

COLUMNS = ("role", "model", "seed", "alpha", "teacher_alpha", "temperature", "gamma", "test_acc", "test_ece", "file")


def read_table(path):
    """{column: numpy array}, strings decoded."""
    try:
        f = h5py.File(path, "r")
    except OSError as e:
        raise PlotError(f"{path}: cannot open as HDF5: {e}") from None
    with f:
        missing = [c for c in COLUMNS if c not in f]
        if missing:
            raise PlotError(f"{path}: not an lskd sweep summary (no column {', '.join(missing)})")
        table = {}
        for name in COLUMNS:
            values = f[name][:]
            table[name] = np.array([text(v) for v in values]) if values.dtype.kind in "SOU" else values.astype(float)
    if len({len(v) for v in table.values()}) != 1:
        raise PlotError(f"{path}: columns of different lengths")
    return table


def _dataset(path, table):
    """The data set, from the first run the summary names whose checkpoint can be read ('' if none)."""
    for name in table["file"]:
        try:
            with h5py.File(checkpoint_path(os.path.join(os.path.dirname(path), name)), "r") as f:
                return text(f.attrs["dataset"])
        except (OSError, KeyError):
            continue
    return ""


def _groups(keys, x, y):
    """Per distinct key (a tuple of columns; runs differing only in seed share one): mean x, mean y, min y,
    max y, min x, max x, as arrays ordered by mean x."""
    rows = []
    for key in sorted(set(keys)):
        m = np.array([k == key for k in keys], dtype=bool)
        rows.append((x[m].mean(), y[m].mean(), y[m].min(), y[m].max(), x[m].min(), x[m].max(), key))
    rows.sort(key=lambda r: r[0])
    return [np.array([r[i] for r in rows]) for i in range(6)] + [[r[6] for r in rows]]


def _curve(ax, keys, x, y, label, style):
    """One point per group of seeds at its mean (x, y), joined in order of x; the min-max range of y over the
    seeds shaded (M plots min / mean / max of 5 seeds) and the range of x, where it varies (a student's
    measured γ), as a horizontal bar. Returns the groups for annotation."""
    if len(x) == 0:
        return None
    groups = _groups(keys, x, y)
    gx, gy, ylo, yhi, xlo, xhi, _ = groups
    line, = ax.plot(gx, gy, style, label=label, markersize=4)
    ax.fill_between(gx, ylo, yhi, color=line.get_color(), alpha=0.2)
    if (xhi > xlo).any():
        ax.errorbar(gx, gy, xerr=[gx - xlo, xhi - gx], fmt="none", ecolor=line.get_color(), elinewidth=0.8)
    return groups


def _models(table, mask):
    return ", ".join(sorted(set(table["model"][mask])))


def figure5(table, dataset, out_dir):
    """Students are grouped by (teacher α, T) and plotted at their mean measured γ, one curve per teacher α
    joining its temperatures; teachers and baselines are grouped by α. Every point is a mean over seeds."""
    role, acc, gamma, t = table["role"], table["test_acc"], table["gamma"], table["temperature"]
    alpha, teacher_alpha = table["alpha"], table["teacher_alpha"]
    teachers, baselines, students = role == "teacher", role == "baseline", role == "student"
    fig, ax = plt.subplots(figsize=(6.5, 4.5))
    _curve(ax, list(alpha[teachers]), alpha[teachers], acc[teachers],
           f"teacher {_models(table, teachers)}, trained with LS α", "s-")
    _curve(ax, list(alpha[baselines]), alpha[baselines], acc[baselines],
           f"student {_models(table, baselines)} trained with LS α", "o-")
    for a, style in zip(sorted(set(teacher_alpha[students])), ("^-", "v-", "<-", ">-", "d-", "p-", "h-", "*-")):
        s = students & (teacher_alpha == a)
        groups = _curve(ax, list(t[s]), gamma[s], acc[s], f"student of the α = {a:g} teacher at T", style)
        for gx, gy, temperature in zip(groups[0], groups[1], groups[6]):
            ax.annotate(f"T={temperature:g}", (gx, gy), textcoords="offset points", xytext=(3, -9), fontsize=6)
    ax.set_xlabel("equivalent label smoothing γ (α for runs trained with LS; students: mean measured γ)")
    ax.set_ylabel("test accuracy (mean, min–max over seeds)")
    alphas = ", ".join(f"{a:g}" for a in sorted(set(alpha[teachers])))
    seeds = len(set(table["seed"]))
    ax.set_title(f"{_models(table, teachers | baselines | students)}{' on ' + dataset if dataset else ''}: "
                 f"accuracy against γ (M Fig. 5)\nteacher α = {alphas}; {seeds} seed{'s' if seeds != 1 else ''}",
                 fontsize=9)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1))
    return save(fig, out_dir, "figure5_accuracy_vs_gamma")


def teacher_ece(table, dataset, out_dir):
    teachers = table["role"] == "teacher"
    fig, ax = plt.subplots(figsize=(5.5, 4))
    _curve(ax, list(table["alpha"][teachers]), table["alpha"][teachers], table["test_ece"][teachers], "teacher, T = 1",
           "s-")
    ax.set_xlabel("label smoothing α")
    ax.set_ylabel("test ECE (15 bins)")
    alphas = ", ".join(f"{a:g}" for a in sorted(set(table["alpha"][teachers])))
    ax.set_title(f"{_models(table, teachers)}{' on ' + dataset if dataset else ''}: teacher calibration\n"
                 f"α = {alphas}", fontsize=9)
    ax.legend(fontsize=7)
    return save(fig, out_dir, "teacher_ece_vs_alpha")


def plot(path, out_dir):
    table = read_table(path)
    dataset = _dataset(path, table)
    written = [figure5(table, dataset, out_dir)]
    if (table["role"] == "teacher").any():
        written.append(teacher_ece(table, dataset, out_dir))
    return written
