"""Reading lskd run files (docs/run-file.md) and writing figures: names, titles, attributes as Python values."""
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


def open_run(path):
    """Opens an lskd run file for reading, refusing other files with a clear message."""
    try:
        f = h5py.File(path, "r")
    except OSError as e:
        raise PlotError(f"{path}: cannot open as HDF5: {e}") from None
    if text(f.attrs.get("format", b"")) != "lskd-run/2":
        f.close()
        raise PlotError(f"{path}: not an lskd run file (no 'lskd-run/2' format attribute)")
    return f


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
    return os.path.splitext(os.path.basename(path))[0]


def save(fig, out_dir, name):
    """Writes fig as out_dir/name.png and returns the path."""
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, name + ".png")
    fig.savefig(path, dpi=120, bbox_inches="tight")
    plt.close(fig)
    return path
