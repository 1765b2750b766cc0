#!/usr/bin/python3
"""Fashion-MNIST through the image-folder source against the IDX files: the same images, the same seeds, the same
model and recipe; the test accuracies should agree within seed noise (docs/data.md, "Image folders").

  bench/folder_vs_idx.py [--lskd build/tools/lskd] [--train 6000] [--test 2000] [--seeds 1,2,3] [--work DIR]

Writes, from /usr/share/datasets/fashion-mnist (Debian's dataset-fashion-mnist):
  WORK/idx/     the first TRAIN training and TEST test images as IDX files, each split in ImageFolder order (by class,
                then by position), so that an image's index is the same in both sources and the seeded validation
                split takes the same images
  WORK/png/     the same images as 8-bit grey PNGs, train/<class>/<position>.png and val/<class>/<position>.png
Then trains mlp-800 on each (lskd train, 1000 validation images carved by seed, 10 epochs) for every seed and prints
the test accuracies, their means and standard deviations, and the difference of the means with its Welch interval.
The folder source decodes grey PNGs to RGB (28×28×3), so its mlp has three times the inputs of the IDX one: the
question is whether the accuracy agrees, not whether the runs are bit-identical. Needs python3-pil and numpy."""
import argparse
import gzip
import json
import math
import os
import struct
import subprocess
import sys

import numpy as np
from PIL import Image

SOURCE = "/usr/share/datasets/fashion-mnist"
NAMES = ["T-shirt_top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle_boot"]


def read_idx(images, labels):
    with gzip.open(images) as f:
        _, n, h, w = struct.unpack(">IIII", f.read(16))
        x = np.frombuffer(f.read(), np.uint8).reshape(n, h, w)
    with gzip.open(labels) as f:
        f.read(8)
        y = np.frombuffer(f.read(), np.uint8)
    return x, y


def folder_order(y):
    # ImageFolder's order: sorted class folder names, then sorted file names (zero-padded positions).
    order = sorted(range(len(y)), key=lambda i: (NAMES[y[i]], i))
    return np.array(order)


def write_split(x, y, idx_dir, png_dir, stem):
    order = folder_order(y)
    with open(os.path.join(idx_dir, f"{stem}-images-idx3-ubyte"), "wb") as f:
        f.write(struct.pack(">IIII", 2051, len(order), 28, 28) + x[order].tobytes())
    with open(os.path.join(idx_dir, f"{stem}-labels-idx1-ubyte"), "wb") as f:
        f.write(struct.pack(">II", 2049, len(order)) + y[order].tobytes())
    for i in order:
        d = os.path.join(png_dir, NAMES[y[i]])
        os.makedirs(d, exist_ok=True)
        Image.fromarray(x[i], mode="L").save(os.path.join(d, f"{i:05d}.png"))


def train(lskd, dataset, data_dir, seed, out, extra):
    run = os.path.join(out, f"{dataset}_s{seed}")
    cmd = [lskd, "train", "--dataset", dataset, "--data-dir", data_dir, "--model", "mlp-800", "--epochs", "10",
           "--batch", "64", "--lr", "0.05", "--schedule", "cosine", "--val-size", "1000", "--seed", str(seed),
           "--threads", "1", "--output", run, "--force", "--quiet"] + extra
    subprocess.run(cmd, check=True)
    res = subprocess.run([lskd, "eval", run, "--split", "test", "--json", "--threads", "1"], check=True,
                         capture_output=True, text=True)
    return json.loads(res.stdout)["accuracy"]


def welch(a, b):
    ma, mb = np.mean(a), np.mean(b)
    va, vb = np.var(a, ddof=1) / len(a), np.var(b, ddof=1) / len(b)
    se = math.sqrt(va + vb)
    df = (va + vb) ** 2 / (va ** 2 / (len(a) - 1) + vb ** 2 / (len(b) - 1)) if se > 0 else 1
    from scipy.stats import t as student_t  # the interval's quantile; main() prints without it when scipy is missing
    q = student_t.ppf(0.975, df)
    return mb - ma, (mb - ma - q * se, mb - ma + q * se)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--lskd", default="build/tools/lskd")
    p.add_argument("--train", type=int, default=6000)
    p.add_argument("--test", type=int, default=2000)
    p.add_argument("--seeds", default="1,2,3")
    p.add_argument("--work", default="/tmp/lskd-folder-vs-idx")
    a = p.parse_args()
    idx_dir, png_dir, runs = (os.path.join(a.work, d) for d in ("idx", "png", "runs"))
    for d in (idx_dir, png_dir, runs):
        os.makedirs(d, exist_ok=True)
    x, y = read_idx(f"{SOURCE}/train-images-idx3-ubyte.gz", f"{SOURCE}/train-labels-idx1-ubyte.gz")
    tx, ty = read_idx(f"{SOURCE}/t10k-images-idx3-ubyte.gz", f"{SOURCE}/t10k-labels-idx1-ubyte.gz")
    if not os.path.exists(os.path.join(png_dir, "val")):
        write_split(x[:a.train], y[:a.train], idx_dir, os.path.join(png_dir, "train"), "train")
        write_split(tx[:a.test], ty[:a.test], idx_dir, os.path.join(png_dir, "val"), "t10k")
    seeds = [int(s) for s in a.seeds.split(",")]
    acc_idx = [train(a.lskd, "idx", idx_dir, s, runs, []) for s in seeds]
    acc_png = [train(a.lskd, "folder", png_dir, s, runs, ["--image-size", "28"]) for s in seeds]
    print(f"train {a.train} images (1000 of them validation), test {a.test}, seeds {seeds}")
    print("idx    test accuracy: " + " ".join(f"{v:.4f}" for v in acc_idx) +
          f"  mean {np.mean(acc_idx):.4f} ± {np.std(acc_idx, ddof=1):.4f}")
    print("folder test accuracy: " + " ".join(f"{v:.4f}" for v in acc_png) +
          f"  mean {np.mean(acc_png):.4f} ± {np.std(acc_png, ddof=1):.4f}")
    try:
        diff, (lo, hi) = welch(acc_idx, acc_png)
        print(f"folder − idx: {diff:+.4f}, 95 % Welch interval [{lo:+.4f}, {hi:+.4f}]")
    except ImportError:
        print(f"folder − idx: {np.mean(acc_png) - np.mean(acc_idx):+.4f} (no scipy for the interval)")


if __name__ == "__main__":
    sys.exit(main())
