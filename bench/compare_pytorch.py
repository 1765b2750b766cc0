#!/usr/bin/python3
"""Training and inference throughput of lskd against PyTorch (Debian's python3-torch) on the same machine, in one run.

For each model and thread count: `lskd bench --json` and the same architecture and recipe in PyTorch (batch 128, SGD
lr 0.01 momentum 0.9, cross-entropy, float32), alternating over --rounds rounds, and the ratios of the medians.
Training and inference (PyTorch: eval() under torch.no_grad(); lskd: eval() under NoGradGuard, the fused pass that
`lskd eval`, teacher logits and records run). Inference is measured at --batch on both sides and again at lskd's
evaluation batch (the batch `lskd eval` runs at, reported by `lskd bench`), on both sides, so the ratio at equal
batch and the ratio of what evaluation really runs at are both printed, labelled with their batch. Each
PyTorch measurement runs in its own process (this script with --torch-worker), so that it has its own thread count
and its own peak RSS. The lskd columns also carry lskd's own roofline: the share of its training step spent
outside its GEMM-like primitives (framework overhead, in process CPU time, the steadier measure on a shared
machine) and its step time against the sum of those primitives timed alone.

PyTorch's Linear layers go through libblas.so.3: install libopenblas0-openmp first, or PyTorch's MLP numbers
are about 40x too low; this script refuses to run on the reference BLAS. OpenBLAS gets OPENBLAS_CORETYPE from the
CPU flags (SkylakeX only where avx512f is present, else Haswell: SkylakeX kernels crash on AVX2-only hosts).

Sequence models (--models transformer-tiny,transformer-small) get a table of their own: training target tokens/s
(forward, cross-entropy with label smoothing 0.1, backward, AdamW lr 1e-3; under --precision bf16 the forward and
the loss in autocast) on synthetic batches shaped like CMU words
(--batch rows of --source-length tokens + EOS and --target-length + EOS, vocabularies --source-vocab/--target-vocab),
and beam search (--beam) and greedy decoding of --batch sources in words/s, every hypothesis run to exactly
--target-length tokens + EOS on both sides. The twin is lskd_torch/transformer.py: nn.TransformerEncoderLayer/
DecoderLayer (norm_first, batch_first) and a hand-written KV-cache beam search.

With --precision bf16 both sides compute in bf16 mixed precision: `lskd bench --precision bf16` against PyTorch's
torch.autocast("cpu", dtype=torch.bfloat16) around the forward pass and the loss (training) or the forward pass
(inference), with the model and input in channels_last for the conv nets (lenet, resnet-20), as a PyTorch user
would run them; master weights, optimizer and backward's accumulation stay f32 on both sides.

Usage: bench/compare_pytorch.py [--lskd build/tools/lskd] [--threads 1,2] [--steps 30] [--rounds 3] [--infer-only]
                                [--precision f32|bf16]
"""
import contextlib
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time

MODELS = {"mlp-1200": (28, 28, 1), "lenet": (28, 28, 1), "resnet-20": (32, 32, 3)}
SEQUENCE_MODELS = ("transformer-tiny", "transformer-small")
SEQUENCE_FLAGS = ("source_length", "target_length", "source_vocab", "target_vocab", "beam", "decode_passes")


def import_twins():
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools", "python"))


def require_openblas(torch):
    torch.zeros(2, 2) @ torch.zeros(2, 2)  # loads the BLAS, so that /proc/self/maps shows it
    if "openblas" not in open("/proc/self/maps").read():
        sys.exit("PyTorch is using the reference BLAS (libblas.so.3 is not OpenBLAS): apt-get install "
                 "libopenblas0-openmp first (or put OpenBLAS's libblas.so.3 on LD_LIBRARY_PATH), or its numbers "
                 "are meaningless")


def cpu_timed(step, steps, warmup):
    """Wall and process CPU seconds per step."""
    for _ in range(warmup):
        step()
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(steps):
        step()
    return (time.perf_counter() - t0) / steps, (time.process_time() - c0) / steps


def synthetic_words(torch, rows, length, vocab):
    """[rows, length + 1]: ids over the non-special ones, then EOS (lskd's synthetic_words draws its own)."""
    ids = torch.randint(4, vocab, (rows, length + 1))
    ids[:, -1] = 2
    return ids


def torch_sequence_worker(name, threads, args):
    """The sequence model's training step and decoding at one thread count in this process; one JSON line."""
    import torch
    import torch.nn.functional as F
    import_twins()
    from lskd_torch.transformer import BOS, PAD, beam_search, transformer_twin

    torch.set_num_threads(threads)
    torch.set_num_interop_threads(1)
    require_openblas(torch)
    torch.manual_seed(0)
    model = transformer_twin(name, args.source_vocab, args.target_vocab)
    model, _, autocast = torch_precision(torch, model, None, args.precision, conv=False)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    source = synthetic_words(torch, args.batch, args.source_length, args.source_vocab)
    target = synthetic_words(torch, args.batch, args.target_length, args.target_vocab)
    decoder_input = torch.cat([torch.full((args.batch, 1), BOS), target[:, :-1]], dim=1)

    def train_step():
        opt.zero_grad(set_to_none=True)
        with autocast():
            logits = model(source, decoder_input)
            loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), target.reshape(-1), ignore_index=PAD,
                                   label_smoothing=0.1)
        loss.backward()
        opt.step()

    out = {}
    wall, cpu = cpu_timed(train_step, args.steps, args.warmup)
    tokens = target.numel()
    out["train_tok_per_s"], out["train_step_cpu_ms"] = tokens / wall, 1e3 * cpu
    model.eval()
    if args.precision == "bf16":
        # PyTorch 1.13's fused encoder-layer inference path checks only CUDA autocast and fails on CPU autocast's
        # mixed types; training mode (dropout is 0, so the same values) keeps the encoder on its autocast ops.
        model.encoder.train()
    for key, beam in (("beam", args.beam), ("greedy", 1)):
        def decode():
            with autocast():
                beam_search(model, source, beam, args.target_length, args.target_length)
        wall, cpu = cpu_timed(decode, args.decode_passes, 1)
        out[key + "_words_per_s"], out[key + "_words_per_cpu_s"] = args.batch / wall, args.batch / cpu
    out["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(json.dumps(out))


def torch_precision(torch, model, x, precision, conv):
    """The model, its input and the context its forward passes run under, for `precision`."""
    if precision == "f32":
        return model, x, contextlib.nullcontext
    if conv:
        model, x = model.to(memory_format=torch.channels_last), x.to(memory_format=torch.channels_last)
    return model, x, lambda: torch.autocast("cpu", dtype=torch.bfloat16)


def torch_worker(name, threads, batch, steps, warmup, eval_batch, infer_only, precision="f32"):
    """Measures one model at one thread count in this process and prints one JSON line."""
    import torch
    import torch.nn as nn
    import_twins()
    from lskd_torch import twin  # the PyTorch twins of lskd's models, with lskd's parameter names

    torch.set_num_threads(threads)
    torch.set_num_interop_threads(1)
    require_openblas(torch)
    shape = MODELS[name]
    torch.manual_seed(0)
    model = twin(name, shape, 10)
    x = torch.randn(batch, shape[2], shape[0], shape[1])
    y = torch.randint(0, 10, (batch,))
    loss_fn = nn.CrossEntropyLoss()
    conv = name != "mlp-1200"
    model, x, autocast = torch_precision(torch, model, x, precision, conv)
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)

    def train_step():
        opt.zero_grad(set_to_none=True)
        with autocast():
            loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()

    def timed(step, batch=batch, steps=steps, warmup=warmup):
        """Images per second of wall time, and process CPU milliseconds per step."""
        for _ in range(warmup):
            step()
        t0, c0 = time.perf_counter(), time.process_time()
        for _ in range(steps):
            step()
        return batch * steps / (time.perf_counter() - t0), 1e3 * (time.process_time() - c0) / steps

    out = {}
    if not infer_only:
        out["train_img_per_s"], out["train_step_cpu_ms"] = timed(train_step)
    model.eval()
    with torch.no_grad(), autocast():
        out["infer_img_per_s"], out["infer_step_cpu_ms"] = timed(lambda: model(x))
        # The same number of images at lskd's evaluation batch.
        x_eval = torch_precision(torch, model, torch.randn(eval_batch, shape[2], shape[0], shape[1]), precision,
                                 conv)[1]
        ips, cpu_ms = timed(lambda: model(x_eval), eval_batch, max(1, steps * batch // eval_batch),
                            max(1, warmup * batch // eval_batch))
        out["eval_infer_img_per_s"], out["eval_infer_img_per_cpu_s"] = ips, 1e3 * eval_batch / cpu_ms
    out["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(json.dumps(out))


def torch_run(name, threads, args, eval_batch):
    out = subprocess.run([sys.executable, os.path.abspath(__file__), "--torch-worker", name, "--threads", str(threads),
                          "--batch", str(args.batch), "--steps", str(args.steps), "--warmup", str(args.warmup),
                          "--eval-batch", str(eval_batch), "--precision", args.precision]
                         + (["--infer-only"] if args.infer_only else []),
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def sequence_flags(args):
    return [a for f in SEQUENCE_FLAGS for a in ("--" + f.replace("_", "-"), str(getattr(args, f)))]


def torch_sequence_run(name, threads, args):
    out = subprocess.run([sys.executable, os.path.abspath(__file__), "--torch-worker", name, "--threads", str(threads),
                          "--batch", str(args.batch), "--steps", str(args.steps), "--warmup", str(args.warmup),
                          "--precision", args.precision] + sequence_flags(args),
                         check=True, capture_output=True, text=True,
                         env=dict(os.environ, OPENBLAS_NUM_THREADS=str(threads))).stdout
    return json.loads(out.strip().splitlines()[-1])


def lskd_sequence_run(name, threads, args):
    out = subprocess.run([args.lskd, "bench", "--model", name, "--batch", str(args.batch), "--steps", str(args.steps),
                          "--warmup", str(args.warmup), "--threads", str(threads), "--json", "--precision",
                          args.precision] + sequence_flags(args),
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def compare_sequence(name, threads, args):
    """One line of the sequence table: medians over alternating rounds, ratios lskd / PyTorch."""
    ours, theirs = [], []
    for _ in range(args.rounds):
        ours.append(lskd_sequence_run(name, threads, args))
        theirs.append(torch_sequence_run(name, threads, args))
    tr, tt = median(ours, "train_tok_per_s"), median(theirs, "train_tok_per_s")
    cpu_train = median(theirs, "train_step_cpu_ms") / median(ours, "train_step_cpu_ms")
    cols = f"{name:<17} {threads:>3} {tr:>10.0f} {tt:>7.0f} {tr / tt:>5.2f} {cpu_train:>5.2f}"
    for key in ("beam", "greedy"):
        r, t = median(ours, key + "_words_per_s"), median(theirs, key + "_words_per_s")
        cpu = median(ours, key + "_words_per_cpu_s") / median(theirs, key + "_words_per_cpu_s")
        cols += f" | {r:>7.0f} {t:>7.0f} {r / t:>5.2f} {cpu:>5.2f}"
    print(f"{cols} | {median(ours, 'peak_rss_mib'):>8.0f} {median(theirs, 'peak_rss_mib'):>6.0f}", flush=True)


def print_sequence_table(names, thread_counts, args):
    print(f"sequence models: batch {args.batch}, source {args.source_length} + EOS, target {args.target_length} + EOS, "
          f"vocabularies {args.source_vocab}/{args.target_vocab}, beam {args.beam}, {args.decode_passes} decoding "
          f"passes")
    print(f"{'model':<17} {'thr':>3} {'train tok/s':>10} {'torch':>7} {'ratio':>5} {'CPU':>5} | {'beam w/s':>7} "
          f"{'torch':>7} {'ratio':>5} {'CPU':>5} | {'greedy':>7} {'torch':>7} {'ratio':>5} {'CPU':>5} | "
          f"{'RSS lskd':>8} {'torch':>6}")
    for name in names:
        for threads in thread_counts:
            compare_sequence(name, threads, args)


def lskd_run(name, threads, args):
    shape = MODELS[name]
    out = subprocess.run([args.lskd, "bench", "--model", name, "--input", "x".join(map(str, shape)), "--batch",
                          str(args.batch), "--steps", str(args.steps), "--warmup", str(args.warmup), "--threads",
                          str(threads), "--json", "--precision", args.precision]
                         + (["--infer-only"] if args.infer_only else []),
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def median(runs, key):
    return statistics.median(r[key] for r in runs)


def main():
    # OpenBLAS 0.3.21 may not know a newer CPU and fall back to SSE3 kernels; name the widest kernel set the CPU
    # has. It reads the variable at load time, so set it and start again.
    if "OPENBLAS_CORETYPE" not in os.environ:
        flags = open("/proc/cpuinfo").read()
        os.environ["OPENBLAS_CORETYPE"] = "SkylakeX" if " avx512f" in flags else "Haswell"
        os.execv(sys.executable, [sys.executable] + sys.argv)
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lskd", default=os.path.join(os.path.dirname(__file__), "..", "build", "tools", "lskd"))
    ap.add_argument("--threads", default="1,2", help="comma-separated thread counts, one column group each")
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--models", default=",".join(MODELS))
    ap.add_argument("--infer-only", action="store_true", help="inference columns only (no training steps)")
    ap.add_argument("--precision", choices=("f32", "bf16"), default="f32",
                    help="bf16: lskd's bf16 mixed precision against PyTorch's bf16 autocast")
    for flag, default in zip(SEQUENCE_FLAGS, (8, 7, 30, 45, 5, 5)):
        ap.add_argument("--" + flag.replace("_", "-"), type=int, default=default, help="sequence models")
    ap.add_argument("--eval-batch", type=int, default=0, help=argparse.SUPPRESS)  # the worker's, from lskd bench
    ap.add_argument("--torch-worker", metavar="MODEL", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.torch_worker in SEQUENCE_MODELS:
        torch_sequence_worker(args.torch_worker, int(args.threads), args)
        return
    if args.torch_worker:
        torch_worker(args.torch_worker, int(args.threads), args.batch, args.steps, args.warmup, args.eval_batch,
                     args.infer_only, args.precision)
        return
    thread_counts = [int(t) for t in args.threads.split(",")]
    isa = "avx512f" if " avx512f" in open("/proc/cpuinfo").read() else "AVX2 only (no avx512f)"
    if args.precision == "bf16":
        flags = set(open("/proc/cpuinfo").read().split())
        isa += ", bf16 in hardware: " + (", ".join(sorted(flags & {"avx512_bf16", "amx_bf16"})) or "none")
    print(f"{isa}, precision {args.precision}, OPENBLAS_CORETYPE={os.environ['OPENBLAS_CORETYPE']}, load {os.getloadavg()[0]:.1f}, batch "
          f"{args.batch}, {args.steps} steps x {args.rounds} rounds (medians)")
    names = args.models.split(",")
    for name in names:
        if name not in MODELS and name not in SEQUENCE_MODELS:
            sys.exit(f"no PyTorch twin set up for {name}; models: {', '.join(list(MODELS) + list(SEQUENCE_MODELS))}")
    sequences = [n for n in names if n in SEQUENCE_MODELS]
    if sequences:
        print_sequence_table(sequences, thread_counts, args)
    classifiers = [n for n in names if n in MODELS]
    if classifiers:
        train_header = (f" {'train lskd':>10} {'torch':>7} {'ratio':>5} {'CPU':>5} {'overhead':>8} {'of bound':>8}"
                        if not args.infer_only else "")
        print(f"{'model':<10} {'thr':>3}{train_header} | inference at batch {args.batch}: {'lskd':>6} {'torch':>6} "
              f"{'ratio':>5} {'CPU':>5} | at lskd's eval batch: {'batch':>5} {'lskd':>6} {'torch':>6} {'ratio':>5} "
              f"{'CPU':>5} {'vs torch@' + str(args.batch):>12} | {'RSS lskd':>8} {'torch':>6}")
    for name in classifiers:
        for threads in thread_counts:
            ours, theirs = [], []
            for _ in range(args.rounds):
                ours.append(lskd_run(name, threads, args))
                theirs.append(torch_run(name, threads, args, int(ours[-1]["eval_batch"])))
            eval_batch = int(ours[0]["eval_batch"])
            train = ""
            if not args.infer_only:
                tr, tt = median(ours, "train_img_per_s"), median(theirs, "train_img_per_s")
                # PyTorch's CPU time per step over lskd's: the steadier ratio on a shared machine.
                cpu_train = median(theirs, "train_step_cpu_ms") / median(ours, "train_step_cpu_ms")
                overhead = median(ours, "train_overhead_share_cpu")
                of_bound = statistics.median(r["train_gemm_cpu_ms"] / r["train_step_cpu_ms"] for r in ours)
                train = f" {tr:>10.0f} {tt:>7.0f} {tr / tt:>5.2f} {cpu_train:>5.2f} {100 * overhead:>7.1f}% {100 * of_bound:>7.0f}%"
            ir, it = median(ours, "infer_img_per_s"), median(theirs, "infer_img_per_s")
            cpu_infer = median(theirs, "infer_step_cpu_ms") / median(ours, "infer_step_cpu_ms")
            er, et = median(ours, "eval_infer_img_per_s"), median(theirs, "eval_infer_img_per_s")
            cpu_eval = median(ours, "eval_infer_img_per_cpu_s") / median(theirs, "eval_infer_img_per_cpu_s")
            # lskd's evaluation as it runs (its eval batch) against PyTorch at --batch, in CPU time.
            cpu_vs_batch = median(ours, "eval_infer_img_per_cpu_s") / (1e3 * args.batch / median(theirs, "infer_step_cpu_ms"))
            print(f"{name:<10} {threads:>3}{train} | {'':>20} {ir:>6.0f} {it:>6.0f} {ir / it:>5.2f} {cpu_infer:>5.2f} | "
                  f"{'':>20} {eval_batch:>5} {er:>6.0f} {et:>6.0f} {er / et:>5.2f} {cpu_eval:>5.2f} {cpu_vs_batch:>12.2f} | "
                  f"{median(ours, 'peak_rss_mib'):>8.0f} {median(theirs, 'peak_rss_mib'):>6.0f}", flush=True)
    print(f"load {os.getloadavg()[0]:.1f} at the end; ratios are lskd/PyTorch throughput (img/s, tok/s or "
          "words/s; wall) and CPU: PyTorch's process CPU time per image, token or word / lskd's (the steadier measure on a shared machine); overhead: share "
          "of lskd's training step (CPU time) outside its GEMM-like primitives timed alone; of bound: those "
          "primitives' time / the step's; vs torch@batch: lskd at its eval batch against PyTorch at --batch, CPU time")

if __name__ == "__main__":
    main()
