"""Template-plane panels from RUN/analyses/projection.h5 (lskd analyze projection): rows train and validation, one
column per run (M Fig. 1: α = 0 and α > 0), each panel on its own scale, the templates drawn as vertices."""
import numpy as np

from .runfile import PlotError, alpha, open_analysis, open_run, plt, run_label, save, text

HINT = "run `lskd analyze projection` on it first"
COLORS = ("tab:blue", "tab:orange", "tab:green")
SPLITS = {"train": "train", "val": "validation"}  # the rows of M Fig. 1, by the analysis file's group


def _read(path, group):
    with open_run(path) as f:
        run = {"alpha": alpha(f), "label": run_label(f)}
    with open_analysis(path, group, HINT) as g:
        if "val" not in g:
            raise PlotError(f"{path}: analyses/{group}.h5 has no validation projection; "
                            f"run `lskd analyze projection` on it again")
        return run | {
            "variant": text(g.attrs["variant"]),
            "names": [text(n) for n in g.attrs["class_names"]],
            "classes": g["classes"][:],
            "vertices": g["vertices"][:],
            "splits": {s: (g[f"{s}/coords"][:], g[f"{s}/labels"][:], float(g[s].attrs["scatter_ratio"]))
                       for s in SPLITS},
        }


def _panel(ax, run, split):
    coords, labels, ratio = run["splits"][split]
    for k, (cls, name) in enumerate(zip(run["classes"], run["names"])):
        pts = coords[labels == cls]
        ax.scatter(pts[:, 0], pts[:, 1], s=8, alpha=0.6, color=COLORS[k], label=name)
    v = run["vertices"]
    ax.plot(np.append(v[:, 0], v[0, 0]), np.append(v[:, 1], v[0, 1]), "k--", linewidth=0.8)
    centre = v.mean(axis=0)
    for k, name in enumerate(run["names"]):
        ax.plot(v[k, 0], v[k, 1], marker="^", markersize=11, color=COLORS[k], markeredgecolor="black")
        # Labels point away from the triangle's centre, so that close vertices do not overprint them.
        away = v[k] - centre
        away = 14 * away / (np.linalg.norm(away) or 1)
        ax.annotate(f"w({name})", v[k], textcoords="offset points", xytext=tuple(away), fontsize=7,
                    ha="left" if away[0] >= 0 else "right", va="bottom" if away[1] >= 0 else "top")
    ax.margins(0.12)
    ax.set_xlabel("plane coordinate 1")
    ax.set_ylabel("plane coordinate 2")
    ax.set_title(f"{run['label']}\n{SPLITS[split]}, {run['variant']} plane, within/between scatter {ratio:.3f}",
                 fontsize=8)
    ax.legend(fontsize=7, markerscale=1.5)


def plot(paths, out_dir, suffix="", group="projection"):
    """`group`: the analysis to draw, analyses/<group>.h5 (a study's second triple is in projection_2)."""
    runs = sorted((_read(p, group) for p in paths), key=lambda r: r["alpha"])
    names = runs[0]["names"]
    if any(r["names"] != names for r in runs):
        raise PlotError("the runs were projected on different classes: "
                        + "; ".join(", ".join(r["names"]) for r in runs))
    fig, axes = plt.subplots(2, len(runs), figsize=(4.6 * len(runs), 8.4), squeeze=False,
                             constrained_layout=True)
    for col, run in enumerate(runs):
        for row, split in enumerate(SPLITS):
            _panel(axes[row][col], run, split)
    fig.suptitle(f"penultimate activations of {', '.join(names)} on the plane of their templates")
    slug = "_".join(n.replace("/", "-").replace(" ", "-") for n in names)
    return [save(fig, out_dir, f"projection_{slug}{suffix}")]
