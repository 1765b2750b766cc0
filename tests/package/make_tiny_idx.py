#!/usr/bin/python3
"""Writes a tiny learnable Fashion-MNIST-shaped IDX data set (28x28, 10 classes) into DIR, for tests that must not
read the installed data set: class c lights a 7x7 block at its own place on a noisy background.

Usage: make_tiny_idx.py DIR [--train 500] [--test 200] [--seed 1]"""
import argparse
import os
import random
import struct


def images_and_labels(count, rng):
    images, labels = bytearray(), bytearray()
    for i in range(count):
        c = i % 10
        row, col = 7 * (c // 4), 7 * (c % 4)
        for y in range(28):
            for x in range(28):
                lit = row <= y < row + 7 and col <= x < col + 7
                images.append(min(255, (200 if lit else 0) + rng.randrange(56)))
        labels.append(c)
    return bytes(images), bytes(labels)


def write_idx(directory, prefix, count, rng):
    images, labels = images_and_labels(count, rng)
    with open(os.path.join(directory, f"{prefix}-images-idx3-ubyte"), "wb") as f:
        f.write(struct.pack(">IIII", 0x803, count, 28, 28) + images)
    with open(os.path.join(directory, f"{prefix}-labels-idx1-ubyte"), "wb") as f:
        f.write(struct.pack(">II", 0x801, count) + labels)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir")
    ap.add_argument("--train", type=int, default=500)
    ap.add_argument("--test", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    rng = random.Random(args.seed)
    write_idx(args.dir, "train", args.train, rng)
    write_idx(args.dir, "t10k", args.test, rng)


if __name__ == "__main__":
    main()
