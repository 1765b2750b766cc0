"""torchvision's own answers for lskd's image-folder and transform tests (run by Debian's /usr/bin/python3).

  torchvision_reference.py check                 exit 0 when torch, torchvision and PIL import
  torchvision_reference.py folder ROOT OUT       ImageFolder's samples of ROOT: one "label<TAB>relative path" a line
  torchvision_reference.py crop OUT              RandomResizedCrop.get_params on many cases, every draw recorded
  torchvision_reference.py resample DIR          PIL's Image.resize(BILINEAR, box) on random images
  torchvision_reference.py transforms DIR        the train (crop, flip) and eval (resize, centre crop) presets

Doubles are written with float.hex() so the C++ side reads them back exactly.
"""
import os
import sys


class Recorder:
    """Stands in for the torch module inside torchvision.transforms.transforms and logs every random draw."""

    def __init__(self, torch, log):
        self._torch = torch
        self._log = log

    def __getattr__(self, name):
        return getattr(self._torch, name)

    def empty(self, *args, **kwargs):
        return RecordingTensor(self._torch.empty(*args, **kwargs), self._log)

    def randint(self, low, high, size):
        value = self._torch.randint(low, high, size)
        self._log.append(("randint", int(low), int(high), int(value.item())))
        return value

    def rand(self, *args, **kwargs):
        value = self._torch.rand(*args, **kwargs)
        self._log.append(("uniform", 0.0, 1.0, float(value.item())))
        return value


class RecordingTensor:
    def __init__(self, tensor, log):
        self._tensor = tensor
        self._log = log

    def uniform_(self, lo, hi):
        value = self._tensor.uniform_(lo, hi)
        self._log.append(("uniform", float(lo), float(hi), float(value.item())))
        return value


def recording_transforms(log):
    import torch
    import torchvision.transforms.transforms as T

    T.torch = Recorder(torch, log)
    return T


def write_draws(out, log):
    for kind, lo, hi, value in log:
        if kind == "uniform":
            out.write(f"u {lo.hex()} {hi.hex()} {value.hex()}\n")
        else:
            out.write(f"r {lo} {hi} {value}\n")


def folder(root, path):
    from torchvision.datasets.folder import IMG_EXTENSIONS, find_classes, make_dataset

    _, class_to_idx = find_classes(root)
    with open(path, "w", encoding="utf-8", errors="surrogateescape") as out:
        for file, label in make_dataset(root, class_to_idx, IMG_EXTENSIONS):
            out.write(f"{label}\t{os.path.relpath(file, root)}\n")


def crop_cases():
    import random

    rng = random.Random(24)
    cases = [(224, 224, (0.08, 1.0), (3 / 4, 4 / 3)), (500, 375, (0.08, 1.0), (3 / 4, 4 / 3)),
             (1, 1, (0.08, 1.0), (3 / 4, 4 / 3)), (2, 3, (0.08, 1.0), (3 / 4, 4 / 3)),
#elongated images : every try fails, the fallback crops at the nearest allowed ratio
             (1000, 10, (0.08, 1.0), (3 / 4, 4 / 3)), (10, 1000, (0.08, 1.0), (3 / 4, 4 / 3)),
             (7, 300, (0.5, 1.0), (3 / 4, 4 / 3)), (100, 50, (0.9, 1.0), (1.0, 1.0)),
#a ratio range around the image's own: the fallback takes the whole image
             (10, 10, (1.0, 1.0), (0.5, 2.0)), (33, 31, (1.0, 1.0), (0.9, 1.1))]
    for _ in range(300):
        w, h = rng.randint(1, 600), rng.randint(1, 600)
        s0 = rng.choice([0.08, 0.25, 0.5, 0.9, 1.0])
        r0 = rng.choice([3 / 4, 0.5, 1.0, 0.9])
        cases.append((w, h, (s0, rng.uniform(s0, 1.0)), (r0, 1 / r0 if r0 < 1 else 1.0 + rng.random())))
    return cases


def crop(path):
    import torch
    from PIL import Image

    torch.manual_seed(24)
    log = []
    T = recording_transforms(log)
    with open(path, "w") as out:
        for w, h, scale, ratio in crop_cases():
            log.clear()
            i, j, ch, cw = T.RandomResizedCrop.get_params(Image.new("RGB", (w, h)), scale, ratio)
            out.write(f"case {w} {h} {scale[0].hex()} {scale[1].hex()} {ratio[0].hex()} {ratio[1].hex()}\n")
            write_draws(out, log)
            out.write(f"result {i} {j} {ch} {cw}\n")


def random_image(rng, w, h):
    from PIL import Image

    return Image.frombytes("RGB", (w, h), bytes(rng.getrandbits(8) for _ in range(w * h * 3)))


def resample(directory):
    import random

    from PIL import Image

    rng = random.Random(2024)
    cases = [((500, 375), (0, 0, 500, 375), (224, 224)), ((500, 375), (37, 12, 403, 300), (224, 224)),
             ((20, 30), (0, 0, 20, 30), (224, 224)), ((64, 48), (3.3, 1.7, 40.25, 33.9), (29, 41)),
             ((64, 48), (0, 0, 64, 48), (64, 48)), ((64, 48), (5, 7, 37, 29), (32, 22)), ((1, 1), (0, 0, 1, 1), (5, 3)),
             ((300, 7), (0, 0, 300, 7), (11, 7)), ((9, 200), (0.5, 10.25, 8.75, 190.5), (9, 13)),
             ((333, 257), (0, 0, 333, 257), (256, 331))]
    for _ in range(12):
        w, h = rng.randint(1, 180), rng.randint(1, 180)
        x0, y0 = rng.uniform(0, w - 0.5), rng.uniform(0, h - 0.5)
        box = (x0, y0, rng.uniform(x0 + 0.25, w), rng.uniform(y0 + 0.25, h))
        cases.append(((w, h), box, (rng.randint(1, 200), rng.randint(1, 200))))
    with open(os.path.join(directory, "cases.txt"), "w") as index:
        for k, ((w, h), box, (ow, oh)) in enumerate(cases):
            image = random_image(rng, w, h)
            with open(os.path.join(directory, f"in{k}.rgb"), "wb") as f:
                f.write(image.tobytes())
            with open(os.path.join(directory, f"out{k}.rgb"), "wb") as f:
                f.write(image.resize((ow, oh), Image.BILINEAR, box=box).tobytes())
            index.write(f"{k} {w} {h} {' '.join(float(b).hex() for b in box)} {ow} {oh}\n")


def transforms(directory):
    import random

    import numpy
    import torch

    torch.manual_seed(7)
    rng = random.Random(7)
    log = []
    T = recording_transforms(log)
    mean, std = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)
    train = T.Compose([T.RandomResizedCrop(48, scale=(0.08, 1.0), ratio=(3 / 4, 4 / 3)), T.RandomHorizontalFlip(0.5),
                       T.ToTensor(), T.Normalize(mean, std)])
    evals = {(56, 48): T.Compose([T.Resize(56), T.CenterCrop(48), T.ToTensor(), T.Normalize(mean, std)]),
             (32, 40): T.Compose([T.Resize(32), T.CenterCrop(40), T.ToTensor(), T.Normalize(mean, std)])}
    sizes = [(500, 375), (375, 500), (97, 61), (48, 48), (20, 300), (31, 23), (1, 1), (640, 427)]
    with open(os.path.join(directory, "cases.txt"), "w") as index:
        for k, (w, h) in enumerate(sizes):
            image = random_image(rng, w, h)
            with open(os.path.join(directory, f"in{k}.rgb"), "wb") as f:
                f.write(image.tobytes())
            for view in range(3):
                log.clear()
                out = train(image).permute(1, 2, 0).contiguous().numpy().astype(numpy.float32)
                out.tofile(os.path.join(directory, f"train{k}_{view}.f32"))
                index.write(f"train {k} {w} {h} {view} {len(log)}\n")
                write_draws(index, log)
            for (resize, size), transform in evals.items():
                out = transform(image).permute(1, 2, 0).contiguous().numpy().astype(numpy.float32)
                out.tofile(os.path.join(directory, f"eval{k}_{resize}_{size}.f32"))
                index.write(f"eval {k} {w} {h} {resize} {size}\n")


def main():
    if sys.argv[1] == "check":
        import PIL  # noqa: F401
        import torch  # noqa: F401
        import torchvision  # noqa: F401
        return
    {"folder": folder, "crop": crop, "resample": resample, "transforms": transforms}[sys.argv[1]](*sys.argv[2:])


main()
