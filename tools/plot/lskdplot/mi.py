"""Mutual information against epoch (M Fig. 6), from /metrics/mi (lskd train --mi-every), with the points before and
within the first epoch (/early_metrics) at their fractional epochs: one panel per class pair (/metrics/mi, mi_2, ...
for the pairs of mi-classes), one line per α, the mean over its runs (seeds) with their min-max range shaded."""
import math

import numpy as np

from .runfile import alpha, config_value, open_run, plt, require, save, text

HINT = "train it with `lskd train --mi-every E`"


def metric_names(f):
    """mi, mi_2, mi_3, ... as the run file has them."""
    names = ["mi"]
    while f"metrics/mi_{len(names) + 1}" in f:
        names.append(f"mi_{len(names) + 1}")
    return names


def trajectory(f, name):
    """(epochs, Î): the early points (fractional epochs from 0), then the per-epoch estimates."""
    epoch, mi = f["metrics/epoch"][:], f[f"metrics/{name}"][:]
    if f"early_metrics/{name}" in f:
        epoch = np.concatenate([f["early_metrics/epoch"][:], epoch])
        mi = np.concatenate([f[f"early_metrics/{name}"][:], mi])
    return epoch, mi


def plot(paths, out_dir):
    runs = []
    for p in paths:
        with open_run(p) as f:
            require(f, "metrics/mi", HINT)
            runs.append((alpha(f), {n: trajectory(f, n) for n in metric_names(f)}, text(f.attrs["model"]),
                         text(f.attrs["dataset"]), config_value(f, "mi-examples"), config_value(f, "mi-classes")))
    runs.sort(key=lambda r: r[0])
    names = [n for n in runs[0][1] if all(n in r[1] for r in runs)]
    pairs = (runs[0][5] or "").split(";")
    alphas = sorted({r[0] for r in runs})
    colors = plt.cm.viridis(np.linspace(0, 0.9, len(alphas)))
    fig, axes = plt.subplots(1, len(names), figsize=(6 * len(names), 4.2), squeeze=False)
    for i, (name, ax) in enumerate(zip(names, axes[0])):
        # Runs of one α (seeds) as their mean per epoch with the min-max range shaded.
        for a, c in zip(alphas, colors):
            same = [r[1][name] for r in runs if r[0] == a]
            epochs = np.unique(np.concatenate([e[np.isfinite(v)] for e, v in same]))
            values = [np.concatenate([v[(e == x) & np.isfinite(v)] for e, v in same]) for x in epochs]
            seeds = f" (mean of {len(same)} runs)" if len(same) > 1 else ""
            ax.plot(epochs, [v.mean() for v in values], "o-", color=c, markersize=3, label=f"α = {a:g}{seeds}")
            if len(same) > 1:
                ax.fill_between(epochs, [v.min() for v in values], [v.max() for v in values], color=c, alpha=0.2)
        ax.axhline(math.log(2), color="gray", linestyle="--", linewidth=1, label="log 2")
        ax.set_xlabel("epoch")
        ax.set_ylabel("Î(X; Y), nats")
        pair = (pairs[i] if i < len(pairs) else "") or "the data set's default pair"
        ax.set_title(f"classes {pair}", fontsize=9)
        ax.legend(fontsize=8)
    n = runs[0][4]
    models = ", ".join(sorted({r[2] for r in runs}))
    fig.suptitle(f"{models}, {runs[0][3]}: mutual information during training; N = {n or '?'}, "
                 f"α = {', '.join(f'{a:g}' for a in alphas)}"
                 + (f"; upper bound log N = {math.log(int(n)):.2f}" if n and n.isdigit() else ""), fontsize=9)
    fig.tight_layout()
    return [save(fig, out_dir, "mi_by_epoch")]
