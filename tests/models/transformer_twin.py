#!/usr/bin/python3
"""lskd's transformer-tiny against its PyTorch twin: runs test_models' "transformer twin file" case, which writes the
model's parameters, a padded batch and its logits to an HDF5 file, loads the parameters strictly (every name and
shape must match) into torch.nn.Transformer(norm_first=True, batch_first=True) with two embeddings, √d scaling,
fairseq's sinusoids and the output tied to tgt_embed, and checks that the logits agree within 1e-4 and that the
parameter counts are equal. Exits 77 (CTest: skipped) without python3-torch or python3-h5py.

Usage: transformer_twin.py --test-models BUILD/tests/test_models"""
import argparse
import math
import os
import subprocess
import sys
import tempfile

TOLERANCE = 1e-4
PAD = 0


def skip_without(module, package):
    try:
        __import__(module)
    except ImportError:
        print(f"SKIPPED: {package} is not installed; the Transformer twin is untested")
        sys.exit(77)


def sinusoids(length, dim):
    import torch
    half = dim // 2
    step = math.log(10000.0) / (half - 1)
    freq = torch.exp(-step * torch.arange(half, dtype=torch.float64))
    angle = torch.arange(length, dtype=torch.float64)[:, None] * freq[None, :]
    return torch.cat([torch.sin(angle), torch.cos(angle)], dim=1).float()


def make_twin(source_vocab, target_vocab):
    import torch
    from torch import nn

    class Twin(nn.Module):
        def __init__(self):
            super().__init__()
            self.d = 128
            self.src_embed = nn.Embedding(source_vocab, self.d)
            self.tgt_embed = nn.Embedding(target_vocab, self.d)
            core = nn.Transformer(self.d, 4, 2, 2, 512, dropout=0.0, batch_first=True, norm_first=True)
            self.encoder, self.decoder = core.encoder, core.decoder

        def embed(self, table, ids):
            return table(ids) * math.sqrt(self.d) + sinusoids(ids.shape[1], self.d)[None]

        def forward(self, src, tgt):
            src_pad = src == PAD
            causal = torch.triu(torch.full((tgt.shape[1], tgt.shape[1]), float("-inf")), diagonal=1)
            memory = self.encoder(self.embed(self.src_embed, src), src_key_padding_mask=src_pad)
            h = self.decoder(self.embed(self.tgt_embed, tgt), memory, tgt_mask=causal,
                             memory_key_padding_mask=src_pad)
            return h.reshape(-1, self.d) @ self.tgt_embed.weight.T

    return Twin()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--test-models", required=True)
    args = parser.parse_args()
    skip_without("torch", "python3-torch")
    skip_without("h5py", "python3-h5py")
    import h5py
    import torch

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
    twin = make_twin(params["src_embed.weight"].shape[0], params["tgt_embed.weight"].shape[0])
    twin.load_state_dict(params, strict=True)
    twin.eval()
    with torch.no_grad():
        got = twin(src, tgt)
    twin_count = sum(p.numel() for p in twin.parameters())
    worst = (got - want).abs().max().item()
    print(f"parameters lskd {lskd_count}, torch {twin_count}; largest logit difference {worst:.3g}")
    return 0 if worst < TOLERANCE and twin_count == lskd_count else 1


if __name__ == "__main__":
    sys.exit(main())
