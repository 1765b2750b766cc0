"""Figures of a sweep's summary.h5 (study/sweep_summary.cpp): M's Figure 5, accuracy against equivalent
smoothing γ, and teacher ECE against α.

summary.h5 holds one row per run as 1-D datasets at the root, one per column (NaN where a column does not
apply): role ('teacher', 'baseline' = the student architecture trained with LS α, 'student' = distilled),
model, alpha, teacher_alpha, temperature, seed, gamma, test_acc, test_ece, file (relative to the summary)."""
import os

import h5py
import numpy as np

from .runfile import PlotError, plt, save, text

COLUMNS = ("role", "model", "alpha", "teacher_alpha", "temperature", "gamma", "test_acc", "test_ece", "file")


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
    """The data set, from the first run file the summary names that can be read ('' if none)."""
    for name in table["file"]:
        try:
            with h5py.File(os.path.join(os.path.dirname(path), name), "r") as f:
                return text(f.attrs["dataset"])
        except (OSError, KeyError):
            continue
    return ""


def _curve(ax, x, y, label, style):
    """Mean over seeds at each x, with the min-max range shaded (M plots min / mean / max of 5 seeds)."""
    if len(x) == 0:
        return
    xs = np.unique(x)
    mean = np.array([y[x == v].mean() for v in xs])
    line, = ax.plot(xs, mean, style, label=label, markersize=4)
    ax.fill_between(xs, [y[x == v].min() for v in xs], [y[x == v].max() for v in xs], color=line.get_color(),
                    alpha=0.2)


def _models(table, mask):
    return ", ".join(sorted(set(table["model"][mask])))


def figure5(table, dataset, out_dir):
    role, acc, gamma, t = table["role"], table["test_acc"], table["gamma"], table["temperature"]
    teachers, baselines, students = role == "teacher", role == "baseline", role == "student"
    hard = students & (table["teacher_alpha"] == 0)
    smoothed = students & (table["teacher_alpha"] > 0) & (t == 1)
    fig, ax = plt.subplots(figsize=(6.5, 4.5))
    _curve(ax, gamma[teachers], acc[teachers], f"teacher {_models(table, teachers)}, trained with LS α", "s-")
    _curve(ax, gamma[baselines], acc[baselines], f"student {_models(table, baselines)} trained with LS α", "o-")
    _curve(ax, gamma[hard], acc[hard], "student of the α = 0 teacher at T", "^-")
    for temperature in sorted(set(t[hard])):
        i = np.flatnonzero(hard & (t == temperature))[0]
        ax.annotate(f"T={temperature:g}", (gamma[i], acc[i]), textcoords="offset points", xytext=(3, -9), fontsize=6)
    _curve(ax, gamma[smoothed], acc[smoothed], "student of an LS teacher at T = 1", "v-")
    ax.set_xlabel("equivalent label smoothing γ (= α for runs trained with LS)")
    ax.set_ylabel("test accuracy")
    alphas = ", ".join(f"{a:g}" for a in sorted(set(table["alpha"][teachers])))
    ax.set_title(f"{_models(table, teachers | baselines | students)}{' on ' + dataset if dataset else ''}: "
                 f"accuracy against γ (M Fig. 5)\nteacher α = {alphas}", fontsize=9)
    ax.legend(fontsize=7)
    return save(fig, out_dir, "figure5_accuracy_vs_gamma")


def teacher_ece(table, dataset, out_dir):
    teachers = table["role"] == "teacher"
    fig, ax = plt.subplots(figsize=(5.5, 4))
    _curve(ax, table["alpha"][teachers], table["test_ece"][teachers], "teacher, T = 1", "s-")
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
