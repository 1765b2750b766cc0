"""The Figure-4 analogue of a sequence study (M Fig. 4; docs/method.md §15): the teachers' beam-search score (WER or
BLEU), token ECE and token NLL on the test split against the softmax temperature T, one curve per α at the seed
mean with the min–max range over seeds shaded.

decoding.h5 (study/plots.cpp, write_decoding_plot) holds one row per (teacher run, T) as 1-D datasets at the root:
alpha, seed, temperature, nll, ece, score, second; its attributes score_name and second_name say what score and
second are ('wer', 'per' or 'bleu', 'chrf')."""
import h5py

from .runfile import PlotError, plt, save, text
from .summary import _curve

COLUMNS = ("alpha", "seed", "temperature", "nll", "ece", "score", "second")
TABLE = "decoding.h5"


def read_table(path):
    """({column: float array}, score_name)."""
    try:
        f = h5py.File(path, "r")
    except OSError as e:
        raise PlotError(f"{path}: cannot open as HDF5: {e}") from None
    with f:
        missing = [c for c in COLUMNS if c not in f]
        if missing or "score_name" not in f.attrs:
            raise PlotError(f"{path}: not an lskd decoding table (no {', '.join(missing) or 'score_name'})")
        table = {name: f[name][:].astype(float) for name in COLUMNS}
        score_name = text(f.attrs["score_name"])
    if len({len(v) for v in table.values()}) != 1:
        raise PlotError(f"{path}: columns of different lengths")
    if len(table["alpha"]) == 0:
        raise PlotError(f"{path}: no rows")
    return table, score_name


def plot(path, out_dir):
    table, score_name = read_table(path)
    label = {"wer": "WER", "bleu": "BLEU"}.get(score_name, score_name)
    panels = (("score", f"test {label} (beam search at T)"), ("ece", "test token ECE (15 bins)"),
              ("nll", "test token NLL (nats)"))
    fig, axes = plt.subplots(1, 3, figsize=(13, 4))
    alphas = sorted(set(table["alpha"]))
    for ax, (column, ylabel) in zip(axes, panels):
        for a, style in zip(alphas, ("o-", "s-", "^-", "v-", "d-")):
            m = table["alpha"] == a
            _curve(ax, list(table["temperature"][m]), table["temperature"][m], table[column][m], f"α = {a:g}",
                   style)
        ax.axvline(1.0, color="grey", linewidth=0.6, linestyle=":")
        ax.set_xlabel("softmax temperature T")
        ax.set_ylabel(ylabel)
        ax.legend(fontsize=7)
    seeds = len(set(table["seed"]))
    fig.suptitle(f"Teachers against temperature (M Fig. 4 analogue): mean, min–max over {seeds} "
                 f"seed{'s' if seeds != 1 else ''}", fontsize=10)
    fig.tight_layout()
    return save(fig, out_dir, "figure4")

