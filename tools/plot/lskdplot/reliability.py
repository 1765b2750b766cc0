"""Reliability diagrams from RUN/analyses/calibration.h5 (lskd analyze calibration): per run before and after
temperature scaling, and all runs together before scaling (with and without label smoothing)."""
import numpy as np

from .runfile import alpha, open_analysis, open_run, plt, require, run_label, save, stem, text

HINT = "run `lskd analyze calibration` on it first"


def _diagram(f, part):
    g = require(f, part, HINT)
    return {k: g[k][:] for k in ("lower", "upper", "count", "accuracy", "confidence")} | {
        "ece": float(g.attrs["ece"]), "temperature": float(g.attrs["temperature"])}


def _bars(ax, d, label, color):
    width = d["upper"] - d["lower"]
    filled = d["count"] > 0
    ax.bar(d["lower"][filled], d["accuracy"][filled], width=width[filled], align="edge", alpha=0.6,
           edgecolor="black", color=color, label=label)
    ax.plot(d["confidence"][filled], d["accuracy"][filled], "o", color=color, markersize=3)


def _axes(ax, title):
    ax.plot([0, 1], [0, 1], "k--", linewidth=1, label="perfect calibration")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("confidence")
    ax.set_ylabel("accuracy")
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=7, loc="upper left")


def plot_run(path, out_dir):
    """Two panels: the test split at T = 1 and at the T fitted on validation."""
    with open_run(path) as f:
        label = run_label(f)
    with open_analysis(path, "calibration", HINT) as g:
        before, after = _diagram(g, "before"), _diagram(g, "after")
        split, fit = text(g.attrs["report_split"]), text(g.attrs["fit_split"])
    fig, axes = plt.subplots(1, 2, figsize=(9, 4.2))
    _bars(axes[0], before, f"T = 1, ECE {before['ece']:.3f}", "tab:blue")
    _axes(axes[0], f"{label}\n{split}, before temperature scaling")
    _bars(axes[1], after, f"T = {after['temperature']:.2f}, ECE {after['ece']:.3f}", "tab:green")
    _axes(axes[1], f"{label}\n{split}, after temperature scaling (T fitted on {fit})")
    return save(fig, out_dir, f"reliability_{stem(path)}")


def plot_comparison(paths, out_dir):
    """All runs' accuracy-vs-confidence curves at T = 1, one line per α."""
    runs = []
    for p in paths:
        with open_run(p) as f, open_analysis(p, "calibration", HINT) as g:
            runs.append((alpha(f), _diagram(g, "before"), text(f.attrs["model"]), text(f.attrs["dataset"])))
    runs.sort(key=lambda r: r[0])
    fig, ax = plt.subplots(figsize=(5, 4.5))
    colors = plt.cm.viridis(np.linspace(0, 0.9, len(runs)))
    for (a, d, _, _), c in zip(runs, colors):
        filled = d["count"] > 0
        ax.plot(d["confidence"][filled], d["accuracy"][filled], "o-", color=c, markersize=3,
                label=f"α = {a:g}, ECE {d['ece']:.3f}")
    models = sorted({r[2] for r in runs})
    _axes(ax, f"{', '.join(models)}, {runs[0][3]}: reliability on test at T = 1, α = "
              f"{', '.join(f'{r[0]:g}' for r in runs)}")
    return save(fig, out_dir, "reliability_by_alpha")


def plot(paths, out_dir):
    written = [plot_run(p, out_dir) for p in paths]
    if len(paths) > 1:
        written.append(plot_comparison(paths, out_dir))
    return written
