#!/usr/bin/python3
"""lskd_import: a PyTorch state_dict as an HDF5 file of named float32 arrays (`lskd import` runs this).

  lskd_import.py MODEL.pth --output TMP.h5

MODEL.pth is what torch.save(model.state_dict(), ...) writes, or a checkpoint dict holding one under "state_dict"
or "model" (as training scripts save them). It is loaded on the CPU with torch.load(weights_only=True), so a file
that pickles code is refused rather than run. TMP.h5 gets one dataset per tensor at its root, named by the
state_dict key (`layer1.0.conv1.weight`), as float32 in PyTorch's layout; batch norm's num_batches_tracked
counters are left out (lskd keeps none). lskd checks the names and shapes against its model and writes the run.
Needs Debian's python3-torch and python3-h5py. Exit status: 0 done, 1 bad file or any other failure (one line on
stderr, never a traceback), 3 a Python package is missing."""
import argparse
import sys

import one_line_errors


class ConversionError(Exception):
    pass


def need(module, package):
    try:
        return __import__(module)
    except ImportError:
        print(f"lskd_import: {package} is not installed (apt-get install {package})", file=sys.stderr)
        sys.exit(3)


def load_state_dict(path):
    torch = need("torch", "python3-torch")
    import zipfile
    if not zipfile.is_zipfile(path):
        raise ConversionError("not a PyTorch file (torch.save writes a zip archive)")
    try:
        obj = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as e:  # noqa: BLE001 - torch raises many kinds for a damaged or hostile file
        raise ConversionError(f"torch.load cannot read it ({type(e).__name__}: {' '.join(str(e).split())[:300]})")
    if isinstance(obj, dict):
        for key in ("state_dict", "model"):
            if key in obj and isinstance(obj[key], dict):
                obj = obj[key]
                break
    if not isinstance(obj, dict) or not obj:
        raise ConversionError("it holds no state_dict (a dict of tensors)")
    state = {}
    for key, value in obj.items():
        if not isinstance(key, str) or not isinstance(value, torch.Tensor):
            raise ConversionError(f"entry {key!r} is not a named tensor")
        if key.endswith("num_batches_tracked"):
            continue
        if "/" in key or key.startswith("."):
            raise ConversionError(f"entry {key!r} is not a module path")
        if not value.is_floating_point():
            raise ConversionError(f"entry {key!r} holds {value.dtype}, not floating-point values")
        state[key] = value.detach().to(torch.float32).contiguous().numpy()
    return state


def write_arrays(state, path):
    h5py = need("h5py", "python3-h5py")
    with h5py.File(path, "w") as f:
        for key, array in state.items():
            f.create_dataset(key, data=array)


def main(argv=None):
    ap = argparse.ArgumentParser(prog="lskd_import.py", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pth")
    ap.add_argument("--output", required=True, help="the HDF5 file to write (lskd import's temporary)")
    args = ap.parse_args(argv)
    try:
        state = load_state_dict(args.pth)
    except ConversionError as e:
        print(f"lskd_import: {args.pth}: {e}", file=sys.stderr)
        return 1
    except OSError as e:
        print(f"lskd_import: {args.pth}: cannot read ({e.strerror or e})", file=sys.stderr)
        return 1
    write_arrays(state, args.output)
    return 0


if __name__ == "__main__":
    sys.exit(one_line_errors.run(main, "lskd_import"))
