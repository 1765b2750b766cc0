"""Reading lskd run directories (docs/run-file.md) and writing figures: names, titles, attributes as Python values."""
import os
import re

import h5py
import numpy as np

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)


class PlotError(Exception):
    """Bad input for a figure: printed as one line by the command."""


def text(value):
    """An HDF5 string (bytes, numpy bytes or str) as str."""
    if isinstance(value, (bytes, np.bytes_)):
        return value.decode("utf-8")
    return str(value)


RUN_FORMAT = "lskd-run/3"
LEGACY_FORMAT = "lskd-run/2"


def checkpoint_path(run):
    """The checkpoint of a run directory (docs/run-file.md): its header, metrics and state."""
    return os.path.join(run, "checkpoint.h5")


def analysis_path(run, name):
    """The file of one analysis of a run directory: RUN/analyses/<name>.h5."""
    return os.path.join(run, "analyses", name + ".h5")


def _open(path):
    try:
        return h5py.File(path, "r")
    except OSError as e:
        raise PlotError(f"{path}: cannot open as HDF5: {e}") from None


def open_run(path):
    """Opens the checkpoint of the run directory `path` for reading (its attributes and metrics), refusing other
    paths with a clear message; a run file of an earlier lskd is named with the command that converts it."""
    if os.path.isfile(path):
        with _open(path) as f:
            legacy = text(f.attrs.get("format", b"")) == LEGACY_FORMAT
        if legacy:
            raise PlotError(f"{path}: a run file of an earlier lskd ({LEGACY_FORMAT}); convert it to a run directory "
                            f"with `lskd convert-run {path} <new run directory>`")
        raise PlotError(f"{path}: not an lskd run (a run is a directory holding checkpoint.h5)")
    if not os.path.isfile(checkpoint_path(path)):
        raise PlotError(f"{path}: not an lskd run (no checkpoint.h5)")
    f = _open(checkpoint_path(path))
    if text(f.attrs.get("format", b"")) != RUN_FORMAT:
        f.close()
        raise PlotError(f"{path}: not an lskd run (no '{RUN_FORMAT}' format attribute in checkpoint.h5)")
    return f


def open_analysis(run, name, hint):
    """Opens RUN/analyses/<name>.h5 for reading; its results are at the file's root."""
    path = analysis_path(run, name)
    if not os.path.isfile(path):
        raise PlotError(f"{run}: no analyses/{name}.h5 ({hint})")
    return _open(path)


def require(f, path, hint):
    if path not in f:
        raise PlotError(f"{f.filename}: no {path} ({hint})")
    return f[path]


def run_label(f):
    """'model, dataset, α = x' for titles."""
    return f"{text(f.attrs['model'])}, {text(f.attrs['dataset'])}, α = {float(f.attrs['smoothing']):g}"


def alpha(f):
    return float(f.attrs["smoothing"])


def config_value(f, key):
    """One key of the run's effective config (stored as flat 'key: value' YAML), or None."""
    m = re.search(rf"^{re.escape(key)}:\s*(.*)$", text(f.attrs.get("config", b"")), re.MULTILINE)
    return m.group(1).strip().strip("'\"") if m else None


def stem(path):
    """A run's name: its directory's."""
    return os.path.basename(os.path.normpath(path))


def save(fig, out_dir, name):
    """Writes fig as out_dir/name.png and returns the path."""
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, name + ".png")
    fig.savefig(path, dpi=120, bbox_inches="tight")
    plt.close(fig)
    return path
