#!/usr/bin/python3
"""`lskd export` end to end: trains an mlp (with dropout), a lenet and a resnet-20 for one epoch on a tiny IDX data
set, exports each, and checks that the export's logits on the run's stored test records equal the stored
logits within 1e-4: the state_dict through lskd_torch's twin (loaded strictly, so every name matches), the ONNX
graph through a NumPy interpreter of its operators. Then a transformer-tiny on a tiny TSV corpus: its state_dict's
teacher-forced logits equal the run's stored test-token logits within 1e-4; its ONNX graph is checked by onnx's
checker and its inputs and metadata, not evaluated (Debian has no ONNX runtime, and the interpreter here covers
only the image models' operators). Exits 77 (CTest: skipped) when the Python package the format
needs is not installed, naming it.

Usage: test_export.py --lskd BUILD/tools/lskd --format torch|onnx"""
import argparse
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(SOURCE, "tools", "python"))
sys.path.insert(0, HERE)

TOLERANCE = 1e-4
# model, its lskd train flags, its twin's arguments
RUNS = (("mlp", ["--hidden", "32,16", "--dropout", "0.2"], {"hidden": [32, 16], "dropout": 0.2}),
        ("lenet", [], {}), ("resnet-20", [], {}))


def skip_without(module, package):
    try:
        __import__(module)
    except ImportError:
        print(f"SKIPPED: {package} is not installed (apt-get install {package}); lskd export is untested")
        sys.exit(77)


def lskd(binary, *args):
    return subprocess.run([binary, *args], capture_output=True, text=True)


def test_images(data_dir):
    import numpy as np
    with open(os.path.join(data_dir, "t10k-images-idx3-ubyte"), "rb") as f:
        images = np.frombuffer(f.read()[16:], np.uint8).reshape(-1, 28, 28)
    with open(os.path.join(data_dir, "t10k-labels-idx1-ubyte"), "rb") as f:
        labels = np.frombuffer(f.read()[8:], np.uint8)
    return images, labels


def stored_records(run):
    """The normalised NCHW inputs of the run's last test records, their stored logits, labels and indices."""
    import h5py
    import numpy as np
    with h5py.File(os.path.join(run, "checkpoint.h5"), "r") as f:
        epoch = int(f.attrs["epochs_done"])
        mean, std = f["data/normalization_mean"][()], f["data/normalization_std"][()]
    with h5py.File(os.path.join(run, "records", f"test_epoch_{epoch}.h5"), "r") as r:
        return r["indices"][()], r["labels"][()], r["logits"][()], mean, std


def exported_logits(fmt, model_name, twin_args, path, x, run):
    if fmt == "torch":
        import torch
        from lskd_torch import twin
        model = twin(model_name, (28, 28, 1), 10, **twin_args)
        model.load_state_dict(torch.load(path), strict=True)
        with torch.no_grad():
            return model.eval()(torch.from_numpy(x)).numpy()
    import onnx
    import onnx_numpy
    graph = onnx.load(path)
    onnx.checker.check_model(graph)
    meta = {p.key: p.value for p in graph.metadata_props}
    mean = stored_records(run)[3]
    if meta.get("lskd_model") != model_name or float(meta["normalization_mean"]) != float(mean[0]):
        raise AssertionError(f"{path}: metadata {meta} does not name {model_name} and mean {mean[0]}")
    return onnx_numpy.run(graph, x)


def write_tsv(path, lines):
    """Unique words and their reversals, so that a stored target names its source."""
    import random
    rng, words = random.Random(7), set()
    while len(words) < lines:
        words.add("".join(rng.choice("abcdefgh") for _ in range(rng.randint(3, 7))))
    with open(path, "w") as f:
        for w in sorted(words):
            f.write(f"{w}\t{w[::-1]}\n")
    return {w[::-1]: w for w in words}


def char_ids(f, side):
    """A char vocabulary's characters by id: the four specials, then one hex code point a line."""
    lines = bytes(f[f"sequence/{side}_vocab"][()]).decode().split("\n")
    return {chr(int(h, 16)): 4 + i for i, h in enumerate(line for line in lines if line)}


def sequence_logits(model, run, source_of):
    """The twin's teacher-forced logits on each stored test token, and the stored ones."""
    import h5py
    import numpy as np
    import torch
    with h5py.File(os.path.join(run, "checkpoint.h5"), "r") as f:
        src_ids, tgt_ids = char_ids(f, "source"), char_ids(f, "target")
    tgt_chars = {i: c for c, i in tgt_ids.items()}
    with h5py.File(os.path.join(run, "outputs", "test.h5"), "r") as o:
        indices, labels, stored = o["indices"][()], o["labels"][()], o["logits"][()]
    ours = np.zeros_like(stored)
    for example in np.unique(indices // 65536):
        rows = np.flatnonzero(indices // 65536 == example)
        rows = rows[np.argsort(indices[rows] % 65536)]
        target = "".join(tgt_chars[int(t)] for t in labels[rows][:-1])  # the last is EOS
        source = [src_ids[c] for c in source_of[target]] + [2]
        decoder_input = [1] + [int(t) for t in labels[rows][:-1]]
        with torch.no_grad():
            ours[rows] = model(torch.tensor([source]), torch.tensor([decoder_input]))[0].numpy()
    return ours, stored


def check_sequence(lskd_binary, fmt, tmp):
    """transformer-tiny's export (see the module's text); the number of failures."""
    data = os.path.join(tmp, "tsv")
    os.makedirs(data)
    source_of = write_tsv(os.path.join(data, "train.tsv"), 160)
    run, out = os.path.join(tmp, "transformer"), os.path.join(tmp, f"transformer.{fmt}")
    trained = lskd(lskd_binary, "train", "--dataset", "tsv", "--data-dir", data, "--model", "transformer-tiny",
                   "--val-size", "20", "--test-size", "20", "--epochs", "1", "--batch", "32", "--optimizer", "adamw",
                   "--lr", "0.001", "--threads", "1", "--quiet", "--output", run)
    exported = lskd(lskd_binary, "export", run, "--format", fmt, "--output", out)
    if trained.returncode or exported.returncode:
        print(f"FAILED transformer-tiny: {trained.stderr}{exported.stderr}")
        return 1
    if fmt == "onnx":
        import onnx
        graph = onnx.load(out)
        onnx.checker.check_model(graph)
        meta = {p.key: p.value for p in graph.metadata_props}
        inputs = [i.name for i in graph.graph.input if i.name in ("source", "decoder_input")]
        ok = meta.get("lskd_model") == "transformer-tiny" and inputs == ["source", "decoder_input"]
        print(f"{'ok' if ok else 'FAILED'} transformer-tiny onnx: inputs {inputs}, metadata model "
              f"{meta.get('lskd_model')}")
        return 0 if ok else 1
    import numpy as np
    import torch
    from lskd_torch.transformer import transformer_twin
    state = torch.load(out)
    model = transformer_twin("transformer-tiny", state["src_embed.weight"].shape[0], state["tgt_embed.weight"].shape[0])
    model.load_state_dict(state, strict=True)
    ours, stored = sequence_logits(model.eval(), run, source_of)
    worst = float(np.abs(ours - stored).max())
    ok = worst <= TOLERANCE
    print(f"{'ok' if ok else 'FAILED'} transformer-tiny torch: {len(stored)} test tokens, largest logit difference "
          f"{worst:.2e} (tolerance {TOLERANCE:g})")
    return 0 if ok else 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lskd", required=True)
    ap.add_argument("--format", required=True, choices=["torch", "onnx"])
    args = ap.parse_args()
    skip_without("h5py", "python3-h5py")
    skip_without("torch", "python3-torch")
    if args.format == "onnx":
        skip_without("onnx", "python3-onnx")
    import numpy as np

    failures = 0
    with tempfile.TemporaryDirectory(prefix="lskd-export-") as tmp:
        data = os.path.join(tmp, "data")
        subprocess.run([sys.executable, os.path.join(SOURCE, "tests", "package", "make_tiny_idx.py"), data,
                        "--train", "400", "--test", "100"], check=True)
        images, labels = test_images(data)
        for model_name, extra, twin_args in RUNS:
            run = os.path.join(tmp, model_name)
            out = os.path.join(tmp, f"{model_name}.{'pt' if args.format == 'torch' else 'onnx'}")
            trained = lskd(args.lskd, "train", "--model", model_name, *extra, "--dataset", "idx", "--data-dir", data,
                           "--max-train", "300", "--val-size", "100", "--epochs", "1", "--batch", "50",
                           "--threads", "1", "--record-per-class", "3", "--quiet", "--output", run)
            exported = lskd(args.lskd, "export", run, "--format", args.format, "--output", out)
            if trained.returncode or exported.returncode:
                print(f"FAILED {model_name}: {trained.stderr}{exported.stderr}")
                failures += 1
                continue
            indices, stored_labels, stored, mean, std = stored_records(run)
            assert (labels[indices] == stored_labels).all(), "record indices do not point at their test images"
            x = ((images[indices].astype(np.float32) / 255 - mean[0]) / std[0]).astype(np.float32)[:, None]
            worst = float(np.abs(exported_logits(args.format, model_name, twin_args, out, x, run) - stored).max())
            ok = worst <= TOLERANCE
            failures += not ok
            print(f"{'ok' if ok else 'FAILED'} {model_name} {args.format}: {len(indices)} test records, largest "
                  f"logit difference {worst:.2e} (tolerance {TOLERANCE:g})")

        not_a_run = lskd(args.lskd, "export", os.path.join(data, "t10k-labels-idx1-ubyte"), "--format", args.format,
                         "--output", os.path.join(tmp, "x"))
        ok = not_a_run.returncode == 1 and "t10k-labels-idx1-ubyte" in not_a_run.stderr
        failures += not ok
        print(f"{'ok' if ok else 'FAILED'} a file that is not a run is refused: {not_a_run.stderr.strip()}")
        failures += check_sequence(args.lskd, args.format, tmp)
    print(f"{len(RUNS) + 2 - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
