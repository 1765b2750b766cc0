#!/usr/bin/python3
"""docs/teacher-logits.md's PyTorch + h5py example, run as written on a tiny Fashion-MNIST-shaped data set: its file
must teach an lskd student, whose γ must equal γ worked out here from the file (docs/method.md §7: the mean
wrong-class softmax mass times K/(K − 1)), and whose run must name the logits file as its teacher. A file
the example did not cover (one training example dropped) must be refused. Exits 77 (CTest: skipped) without
python3-torch or python3-h5py.

Usage: test_doc_example.py --lskd BUILD/tools/lskd"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

SOURCE = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lskd", required=True)
    args = ap.parse_args()
    for module, package in (("torch", "python3-torch"), ("h5py", "python3-h5py")):
        try:
            __import__(module)
        except ImportError:
            print(f"SKIPPED: {package} is not installed (apt-get install {package}); the docs' example is untested")
            return 77
    import h5py
    import numpy as np

    with open(os.path.join(SOURCE, "docs", "teacher-logits.md")) as f:
        blocks = re.findall(r"```python\n(.*?)```", f.read(), re.S)
    if len(blocks) != 1:
        print(f"FAILED: docs/teacher-logits.md has {len(blocks)} python blocks, expected the one example")
        return 1
    failures = 0
    with tempfile.TemporaryDirectory(prefix="lskd-teacher-logits-") as tmp:
        example, data, logits = (os.path.join(tmp, n) for n in ("teacher_logits.py", "data", "logits.h5"))
        with open(example, "w") as f:
            f.write(blocks[0])
        subprocess.run([sys.executable, os.path.join(SOURCE, "tests", "package", "make_tiny_idx.py"), data,
                        "--train", "300", "--test", "100"], check=True)
        subprocess.run([sys.executable, example, data, logits, "50"], check=True)

        student = os.path.join(tmp, "student")
        common = ["distill", "--model", "mlp", "--hidden", "16", "--data-dir", data, "--val-size", "0",
                  "--epochs", "1", "--batch", "50", "--threads", "1", "--record-per-class", "3", "--temperature", "2",
                  "--quiet", "--json"]
        run = subprocess.run([args.lskd, *common, "--teacher-logits", logits, "--output", student],
                             capture_output=True, text=True)
        if run.returncode != 0:
            print(f"FAILED: lskd distill --teacher-logits: {run.stderr}")
            return 1
        gamma = json.loads(run.stdout.strip().splitlines()[-1])["gamma"]
        with h5py.File(logits, "r") as f:
            z = f["train/logits"][()].astype(np.float64) / 2.0
        with open(os.path.join(data, "train-labels-idx1-ubyte"), "rb") as f:
            y = np.frombuffer(f.read()[8:], np.uint8)
        p = np.exp(z - z.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        expected = float(np.mean(1.0 - p[np.arange(len(y)), y]) * 10 / 9)
        ok = abs(gamma - expected) < 1e-5
        failures += not ok
        print(f"{'ok' if ok else 'FAILED'} γ at T = 2: lskd {gamma:.6f}, worked out from the file {expected:.6f}")
        with h5py.File(os.path.join(student, "checkpoint.h5"), "r") as f:
            named = f.attrs["role"].decode() == "student" and f["distill"].attrs["teacher_file"].decode() == logits
        failures += not named
        print(f"{'ok' if named else 'FAILED'} the student's run is a student of {logits}")

        with h5py.File(logits, "a") as f:  # drop training example 7
            keep = f["train/indices"][()] != 7
            rows, indices = f["train/logits"][()][keep], f["train/indices"][()][keep]
            del f["train/logits"], f["train/indices"]
            f["train/logits"], f["train/indices"] = rows, indices
        refused = subprocess.run([args.lskd, *common, "--teacher-logits", logits, "--output", student + "2"],
                                 capture_output=True, text=True)
        ok = refused.returncode == 1 and "(the first: example 7)" in refused.stderr \
            and not os.path.exists(student + "2")
        failures += not ok
        print(f"{'ok' if ok else 'FAILED'} a file missing a training example is refused: {refused.stderr.strip()}")
    print(f"{3 - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
