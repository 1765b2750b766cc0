#!/usr/bin/python3
"""lskd's transformer-tiny against its PyTorch twin: runs test_models' "transformer twin file" case, which writes the
model's parameters, a padded batch and its logits to an HDF5 file, loads the parameters strictly (every name and
shape must match) into the twin the benchmarks and interop use (tools/python/lskd_torch/transformer.py:
nn.TransformerEncoder/Decoder layers with norm_first=True and batch_first=True, two embeddings, √d scaling, lskd's
sinusoids and the output tied to tgt_embed), and checks that the logits agree within 1e-4 and that the parameter
counts are equal. Exits 77 (CTest: skipped) without python3-torch or python3-h5py.

Usage: transformer_twin.py --test-models BUILD/tests/test_models"""
import argparse
import os
import subprocess
import sys
import tempfile

TOLERANCE = 1e-4


def skip_without(module, package):
    try:
        __import__(module)
    except ImportError:
        print(f"SKIPPED: {package} is not installed; the Transformer twin is untested")
        sys.exit(77)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--test-models", required=True)
    args = parser.parse_args()
    skip_without("torch", "python3-torch")
    skip_without("h5py", "python3-h5py")
    import h5py
    import torch
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools", "python"))
    from lskd_torch.transformer import transformer_twin

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "twin.h5")
        run = subprocess.run([args.test_models, "transformer twin file"], env={**os.environ, "LSKD_TWIN_FILE": path},
                             capture_output=True, text=True)
        if run.returncode != 0:
            print(run.stdout, run.stderr)
            return 1
        with h5py.File(path, "r") as f:
            params = {}
            f["params"].visititems(lambda name, obj: params.__setitem__(name.replace("/", "."), torch.from_numpy(
                obj[()])) if isinstance(obj, h5py.Dataset) else None)
            src = torch.from_numpy(f["source"][()]).long()
            tgt = torch.from_numpy(f["decoder_input"][()]).long()
            want = torch.from_numpy(f["logits"][()])
            lskd_count = int(f.attrs["parameters"])
    vocabularies = params["src_embed.weight"].shape[0], params["tgt_embed.weight"].shape[0]
    twin = transformer_twin("transformer-tiny", *vocabularies)
    twin.load_state_dict(params, strict=True)
    twin.eval()
    with torch.no_grad():
        got = twin(src, tgt).reshape(want.shape)
    twin_count = sum(p.numel() for p in twin.parameters())
    worst = (got - want).abs().max().item()
    print(f"parameters lskd {lskd_count}, torch {twin_count}; largest logit difference {worst:.3g}")
    return 0 if worst < TOLERANCE and twin_count == lskd_count else 1


if __name__ == "__main__":
    sys.exit(main())
