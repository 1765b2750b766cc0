#!/usr/bin/python3
"""Training throughput of lskd against PyTorch (Debian's python3-torch) on the same machine, in one run.

For each model: `lskd bench --json` and the same architecture and recipe in PyTorch (batch 128, SGD lr 0.01
momentum 0.9, cross-entropy, float32, same thread count), alternating over --rounds rounds, and the ratio
of the medians. PyTorch's Linear layers go through libblas.so.3: install libopenblas0-openmp first (see
../shared/notes/onednn.md §7) or PyTorch's MLP numbers are 40x too low; this script refuses to run on the
reference BLAS.

Usage: bench/compare_pytorch.py [--lskd build/tools/lskd] [--threads 2] [--steps 30] [--rounds 3]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import torch
import torch.nn as nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools", "python"))
from lskd_torch import twin  # noqa: E402  (the PyTorch twins of lskd's models, with lskd's parameter names)

MODELS = {"mlp-1200": (28, 28, 1), "lenet": (28, 28, 1), "resnet-20": (32, 32, 3)}


def torch_model(name, shape):
    if name not in MODELS:
        raise SystemExit(f"no PyTorch twin for {name}")
    return twin(name, shape, 10)


def torch_throughput(name, shape, batch, steps, warmup):
    torch.manual_seed(0)
    model = torch_model(name, shape)
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    x = torch.randn(batch, shape[2], shape[0], shape[1])
    y = torch.randint(0, 10, (batch,))
    loss_fn = nn.CrossEntropyLoss()

    def step():
        opt.zero_grad(set_to_none=True)
        loss_fn(model(x), y).backward()
        opt.step()

    for _ in range(warmup):
        step()
    t0 = time.perf_counter()
    for _ in range(steps):
        step()
    return batch * steps / (time.perf_counter() - t0)


def lskd_throughput(binary, name, shape, batch, steps, warmup, threads):
    out = subprocess.run([binary, "bench", "--model", name, "--input", "x".join(map(str, shape)), "--batch", str(batch),
                          "--steps", str(steps), "--warmup", str(warmup), "--threads", str(threads), "--json"],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])["train_img_per_s"]


def check_blas():
    config = torch.__config__.show()
    libs = open("/proc/self/maps").read()
    if "openblas" not in libs:
        sys.exit("PyTorch is using the reference BLAS (libblas.so.3 is not OpenBLAS): apt-get install "
                 "libopenblas0-openmp first, or its MLP numbers are meaningless")
    return config


def main():
    # OpenBLAS 0.3.21 may not know a newer CPU and fall back to SSE3 kernels (notes §7); name the widest
    # kernel set the CPU has. It reads the variable at load time, so set it and start again.
    if "OPENBLAS_CORETYPE" not in os.environ:
        flags = open("/proc/cpuinfo").read()
        os.environ["OPENBLAS_CORETYPE"] = "SkylakeX" if " avx512f" in flags else "Haswell"
        os.execv(sys.executable, [sys.executable] + sys.argv)
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lskd", default=os.path.join(os.path.dirname(__file__), "..", "build", "tools", "lskd"))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--models", default=",".join(MODELS))
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    torch.zeros(2, 2) @ torch.zeros(2, 2)  # loads the BLAS, so check_blas sees it
    check_blas()
    print(f"torch {torch.__version__}, {args.threads} threads, batch {args.batch}, {args.steps} steps x {args.rounds} rounds")
    print(f"{'model':<10} {'lskd img/s':>11} {'torch img/s':>12} {'ratio':>6}")
    for name in args.models.split(","):
        shape = MODELS[name]
        ours, theirs = [], []
        for _ in range(args.rounds):
            ours.append(lskd_throughput(args.lskd, name, shape, args.batch, args.steps, args.warmup, args.threads))
            theirs.append(torch_throughput(name, shape, args.batch, args.steps, args.warmup))
        a, b = statistics.median(ours), statistics.median(theirs)
        print(f"{name:<10} {a:>11.0f} {b:>12.0f} {a / b:>6.2f}")


if __name__ == "__main__":
    main()
