"""Mutual information against epoch, one line per run (M Fig. 6), from /metrics/mi (lskd train --mi-every)."""
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
    colors = plt.cm.viridis(np.linspace(0, 0.9, len(runs)))
    for (a, epoch, mi, *_), c in zip(runs, colors):
        known = np.isfinite(mi)
        ax.plot(epoch[known], mi[known], "o-", color=c, markersize=3, label=f"α = {a:g}")
    ax.axhline(math.log(2), color="gray", linestyle="--", linewidth=1, label="log 2")
    n = runs[0][5]
    ax.set_xlabel("epoch")
    ax.set_ylabel("Î(X; Y), nats")
    models = ", ".join(sorted({r[3] for r in runs}))
    pair = runs[0][6] or "the data set's default pair"
    ax.set_title(f"{models}, {runs[0][4]}: mutual information during training\n"
                 f"N = {n or '?'} ({pair}), α = {', '.join(f'{r[0]:g}' for r in runs)}"
                 + (f"; upper bound log N = {math.log(int(n)):.2f}" if n and n.isdigit() else ""), fontsize=9)
    ax.legend(fontsize=8)
    return [save(fig, out_dir, "mi_by_epoch")]
