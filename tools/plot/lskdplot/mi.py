"""Mutual information against epoch (M Fig. 6), from /metrics/mi (lskd train --mi-every): one line per α, the mean
over its runs (seeds) with their min-max range shaded."""
import math

import numpy as np

from .runfile import alpha, config_value, open_run, plt, require, save, text

HINT = "train it with `lskd train --mi-every E`"


def plot(paths, out_dir):
    fig, ax = plt.subplots(figsize=(6, 4.2))
    runs = []
    for p in paths:
        with open_run(p) as f:
            mi = require(f, "metrics/mi", HINT)[:]
            epoch = f["metrics/epoch"][:]
            runs.append((alpha(f), epoch, mi, text(f.attrs["model"]), text(f.attrs["dataset"]),
                         config_value(f, "mi-examples"), config_value(f, "mi-classes")))
    runs.sort(key=lambda r: r[0])
    alphas = sorted({r[0] for r in runs})
    colors = plt.cm.viridis(np.linspace(0, 0.9, len(alphas)))
    # Runs of one α (seeds) as their mean per epoch with the min-max range shaded.
    for a, c in zip(alphas, colors):
        same = [r for r in runs if r[0] == a]
        epochs = np.unique(np.concatenate([r[1][np.isfinite(r[2])] for r in same]))
        values = [np.concatenate([r[2][(r[1] == e) & np.isfinite(r[2])] for r in same]) for e in epochs]
        seeds = f" (mean of {len(same)} runs)" if len(same) > 1 else ""
        ax.plot(epochs, [v.mean() for v in values], "o-", color=c, markersize=3, label=f"α = {a:g}{seeds}")
        if len(same) > 1:
            ax.fill_between(epochs, [v.min() for v in values], [v.max() for v in values], color=c, alpha=0.2)
    ax.axhline(math.log(2), color="gray", linestyle="--", linewidth=1, label="log 2")
    n = runs[0][5]
    ax.set_xlabel("epoch")
    ax.set_ylabel("Î(X; Y), nats")
    models = ", ".join(sorted({r[3] for r in runs}))
    pair = runs[0][6] or "the data set's default pair"
    ax.set_title(f"{models}, {runs[0][4]}: mutual information during training\n"
                 f"N = {n or '?'} ({pair}), α = {', '.join(f'{a:g}' for a in alphas)}"
                 + (f"; upper bound log N = {math.log(int(n)):.2f}" if n and n.isdigit() else ""), fontsize=9)
    ax.legend(fontsize=8)
    return [save(fig, out_dir, "mi_by_epoch")]
