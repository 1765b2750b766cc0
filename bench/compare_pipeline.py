#!/usr/bin/python3
"""Throughput of the training transform (decode, RandomResizedCrop(224), horizontal flip, normalise) in lskd's
streamed folder pipeline against PyTorch's DataLoader + torchvision transforms, on the same generated JPEGs, in one
run.

Two folders of seeded synthetic photos are written with PIL (smooth gradients, blobs and grain, quality 90, 4:2:0):
photo size (500x375, ImageNet's typical JPEG; --images of them) and large (3000x2000, a camera's; --large-images).
On each (--sizes), at every --workers count N, it times:
  - torchvision: DataLoader(ImageFolder(DIR, Compose([RandomResizedCrop(224), RandomHorizontalFlip(), ToTensor(),
    Normalize(ImageNet mean, std)])), batch, shuffle, drop_last, num_workers=N, persistent_workers) - N decoding
    processes, as PyTorch users run it; the first batches (worker start-up) are not timed;
  - lskd: `lskd bench --pipeline DIR --threads N --json` (DCT-scaled decoding, the default), and again with
    --full-decode (full-size decoding, torchvision's pixels).
Rounds alternate the sides; the medians are compared, in images per wall second and per CPU second (lskd: the
process's CPU time, all threads; torchvision: the main process's and its workers' from /proc). The load average
is printed beside every measurement: on a loaded machine the wall numbers measure the share of the CPU each side
got, and the CPU-second numbers are the steadier comparison of the work.

Usage: bench/compare_pipeline.py [--lskd build/tools/lskd] [--work /tmp/lskd-pipeline-bench] [--sizes photo,large]
                                 [--images 200] [--large-images 64] [--workers 1,2] [--batch 32] [--batches 12]
                                 [--rounds 2]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

SIZES = {"photo": (500, 375), "large": (3000, 2000)}
CLASSES = 4


def synthetic_photo(width, height, rng):
    """A photo-like RGB image: a smooth two-colour gradient and a few soft blobs, drawn at 1/8 size and upscaled
    (bicubic), then grain at full size, so that large images are quick to make and JPEG blocks are not flat."""
    import numpy as np
    from PIL import Image
    sw, sh = max(width // 8, 8), max(height // 8, 8)
    y, x = np.mgrid[0:sh, 0:sw].astype(np.float32)
    a, b = rng.uniform(0, 255, 3), rng.uniform(0, 255, 3)
    t = (x / sw * rng.uniform(0.3, 1.0) + y / sh * rng.uniform(0.3, 1.0)) / 2
    img = a * (1 - t[..., None]) + b * t[..., None]
    for _ in range(6):
        cx, cy, r = rng.uniform(0, sw), rng.uniform(0, sh), rng.uniform(0.05, 0.3) * min(sw, sh)
        mask = np.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * r * r))
        img += mask[..., None] * (rng.uniform(0, 255, 3) - img) * 0.8
    small = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))
    full = np.asarray(small.resize((width, height), Image.BICUBIC), dtype=np.int16)
    grain = rng.integers(-8, 9, size=full.shape, dtype=np.int16)
    return np.clip(full + grain, 0, 255).astype(np.uint8)


def write_folder(root, width, height, count, seed):
    """count JPEGs in CLASSES class folders; kept when already complete (the same seed writes the same files)."""
    import numpy as np
    from PIL import Image
    done = os.path.join(root, ".complete")
    if os.path.exists(done):
        return
    rng = np.random.default_rng(seed)
    for i in range(count):
        folder = os.path.join(root, f"class{i % CLASSES}")
        os.makedirs(folder, exist_ok=True)
        Image.fromarray(synthetic_photo(width, height, rng)).save(os.path.join(folder, f"img{i:04d}.jpg"),
                                                                  quality=90)
    open(done, "w").close()


def children_cpu_seconds(pids):
    """User + system CPU seconds of the DataLoader's worker processes so far (/proc/PID/stat fields 14 and 15)."""
    total = 0.0
    for pid in pids:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def torch_worker(args):
    """Runs in its own process: images/s of DataLoader + torchvision's training transform."""
    import torch
    import torchvision.transforms as T
    from torchvision.datasets import ImageFolder
    torch.manual_seed(0)
    transform = T.Compose([T.RandomResizedCrop(args.size), T.RandomHorizontalFlip(), T.ToTensor(),
                           T.Normalize((0.485, 0.456, 0.406), (0.229, 0.224, 0.225))])
    loader = torch.utils.data.DataLoader(ImageFolder(args.torch_worker, transform=transform), batch_size=args.batch,
                                         shuffle=True, drop_last=True, num_workers=args.workers_one,
                                         persistent_workers=True, prefetch_factor=2)

    def batches():
        while True:
            yield from loader

    it = batches()
    for _ in range(2 * args.workers_one):  # every worker started and through its first batch
        next(it)
    pids = [w.pid for w in loader._iterator._workers]
    t0, c0 = time.perf_counter(), time.process_time() + children_cpu_seconds(pids)
    for _ in range(args.batches):
        next(it)
    wall = time.perf_counter() - t0
    cpu = time.process_time() + children_cpu_seconds(pids) - c0
    images = args.batch * args.batches
    print(json.dumps({"img_per_s": images / wall, "img_per_cpu_s": images / cpu}))


def run_torch(directory, workers, args):
    out = subprocess.run([sys.executable, os.path.abspath(__file__), "--torch-worker", directory, "--workers-one",
                          str(workers), "--batch", str(args.batch), "--batches", str(args.batches), "--size",
                          str(args.size)], check=True, capture_output=True, text=True)
    r = json.loads(out.stdout.strip().splitlines()[-1])
    return r["img_per_s"], r["img_per_cpu_s"]


def run_lskd(directory, threads, full_decode, args):
    cmd = [args.lskd, "bench", "--pipeline", directory, "--threads", str(threads), "--batch", str(args.batch),
           "--steps", str(args.batches), "--warmup", "2", "--size", str(args.size), "--json"]
    if full_decode:
        cmd.append("--full-decode")
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    r = json.loads(out.stdout.strip().splitlines()[-1])
    return r["img_per_s"], r["img_per_cpu_s"]


def load():
    return "{:.1f}".format(os.getloadavg()[0])


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--lskd", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "build", "tools",
                                                  "lskd"))
    p.add_argument("--work", default="/tmp/lskd-pipeline-bench")
    p.add_argument("--images", type=int, default=200, help="photo-size images")
    p.add_argument("--large-images", type=int, default=64, help="large images")
    p.add_argument("--workers", default="1,2")
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--batches", type=int, default=12)
    p.add_argument("--size", type=int, default=224)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--sizes", default="photo,large")
    p.add_argument("--torch-worker", help=argparse.SUPPRESS)
    p.add_argument("--workers-one", type=int, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.torch_worker:
        return torch_worker(args)
    print(f"machine: {os.uname().nodename}, {os.cpu_count()} CPUs; load average at start {load()}")
    rows = []
    for name in args.sizes.split(","):
        w, h = SIZES[name]
        count = args.large_images if name == "large" else args.images
        directory = os.path.join(args.work, f"{name}-{w}x{h}-{count}")
        write_folder(directory, w, h, count, seed=24)
        for n in (int(x) for x in args.workers.split(",")):
            runs = {"torchvision": [], "lskd": [], "lskd full decode": []}
            loads = []
            for _ in range(args.rounds):
                runs["torchvision"].append(run_torch(directory, n, args))
                runs["lskd"].append(run_lskd(directory, n, False, args))
                runs["lskd full decode"].append(run_lskd(directory, n, True, args))
                loads.append(load())
            med = {k: (statistics.median(v[0] for v in r), statistics.median(v[1] for v in r)) for k, r in runs.items()}
            rows.append((name, f"{w}x{h}", n, med, "/".join(loads)))
            print(f"{name} {w}x{h} workers/threads {n}: " + ", ".join(
                f"{k} {v[0]:.1f} img/s ({v[1]:.0f} per CPU s)" for k, v in med.items()) + f"; load {rows[-1][-1]}",
                  flush=True)
    print("\nimg/s (wall), and in brackets img per CPU second (all threads and worker processes), medians of "
          f"{args.rounds} rounds; ratio = lskd / torchvision")
    print("| images | workers = threads | torchvision | lskd | ratio | lskd full decode | ratio | load (1 min) |")
    print("|---|---|---|---|---|---|---|---|")
    for name, size, n, med, loads in rows:
        tv, ls, lf = med["torchvision"], med["lskd"], med["lskd full decode"]
        cell = lambda v: f"{v[0]:.1f} ({v[1]:.0f})"
        ratio = lambda v: f"{v[0] / tv[0]:.2f}x ({v[1] / tv[1]:.2f}x)"
        print(f"| {name} {size} | {n} | {cell(tv)} | {cell(ls)} | {ratio(ls)} | {cell(lf)} | {ratio(lf)} | {loads} |")


if __name__ == "__main__":
    main()
