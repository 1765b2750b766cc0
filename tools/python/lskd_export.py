#!/usr/bin/python3
"""lskd_export: a run's model as a PyTorch state_dict or an ONNX graph (`lskd export` runs this).

  lskd_export.py RUN --format torch --output TMP --shown-as MODEL.pt    state_dict of lskd_torch.twin(...)
  lskd_export.py RUN --format onnx --output TMP --shown-as MODEL.onnx   "input" [N, C, H, W] -> "logits" [N, K]

RUN is a run directory; its model is read from RUN/checkpoint.h5 (docs/run-file.md). An image classifier takes NCHW
input normalised as lskd does: (pixel / 255 - mean[c]) / std[c], with the checkpoint's /data/normalization_mean and
_std (the ONNX graph also carries them, and the class names, as metadata). A sequence model (a Transformer) is the
state_dict of lskd_torch.transformer's twin; as ONNX it maps token ids "source" [N, S] and "decoder_input" [N, T]
(padding 0, BOS 1, EOS 2) to teacher-forced "logits" [N, T, V], with both vocabularies as metadata.
It writes --output and nothing else: `lskd export` checks and locks the file the user named (--shown-as, the name
in messages), passes a temporary path beside it, and moves that into place after exit status 0.
Needs Debian's python3-h5py and python3-torch, and python3-onnx for --format onnx. Exit status: 0 done,
1 bad run or any other failure (one line on stderr, never a traceback), 3 a Python package is missing."""
import argparse
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import one_line_errors  # noqa: E402 - found through the line above


class ExportError(Exception):
    pass


def need(module, package):
    try:
        return __import__(module)
    except ImportError:
        print(f"lskd_export: {package} is not installed (apt-get install {package})", file=sys.stderr)
        sys.exit(3)


def text(value):
    return value.decode() if isinstance(value, bytes) else str(value)


def mlp_layout(params):
    """Hidden sizes and whether dropout sits between the layers, from the indices of features.<i>.weight: lskd's
    mlp is Flatten, then Linear, ReLU (and Dropout) per hidden layer, so the Linear layers are 2 or 3 apart."""
    indices = sorted(int(m.group(1)) for k in params if (m := re.fullmatch(r"features\.(\d+)\.weight", k)))
    if not indices:
        raise ExportError("no features.<i>.weight parameters, as an mlp has")
    step = indices[1] - indices[0] if len(indices) > 1 else 2
    if indices != list(range(1, 1 + step * len(indices), step)) or step not in (2, 3):
        raise ExportError(f"mlp layers at unexpected indices {indices}")
    return [params[f"features.{i}.weight"].shape[0] for i in indices], step == 3


def load_twin(run_path):
    """The twin of the run's model with the run's parameters, and the run's attributes for the metadata."""
    h5py, np, torch = need("h5py", "python3-h5py"), need("numpy", "python3-numpy"), need("torch", "python3-torch")
    from lskd_torch import flattened_input, twin

    if not os.path.isdir(run_path):
        raise ExportError("not a run directory (convert a run file of an earlier lskd with `lskd convert-run`)")
    try:
        f = h5py.File(os.path.join(run_path, "checkpoint.h5"), "r")
    except OSError as e:
        raise ExportError(f"cannot open its checkpoint.h5 as HDF5 ({e})")
    with f:
        if text(f.attrs.get("format", "")) != "lskd-run/3":
            raise ExportError("checkpoint.h5 is not an lskd checkpoint (no format attribute 'lskd-run/3')")
        if "params" not in f:
            raise ExportError("no /params group")
        params = {}
        f["params"].visititems(lambda k, d: params.update({k.replace("/", "."): d[()]})
                               if isinstance(d, h5py.Dataset) else None)
        if "sequence" in f:
            return load_sequence_twin(f, params)
        info = {
            "model": text(f.attrs["model"]),
            "dataset": text(f.attrs["dataset"]),
            "classes": int(f.attrs["num_classes"]),
            "input_hwc": tuple(int(v) for v in text(f.attrs["input_shape_hwc"]).split(",")),
            "class_names": [text(n) for n in f.attrs["class_names"]],
            "mean": [float(v) for v in f["data/normalization_mean"][()]],
            "std": [float(v) for v in f["data/normalization_std"][()]],
        }
    hidden, dropout = mlp_layout(params) if info["model"].startswith("mlp") else (None, False)
    try:
        model = twin(info["model"], info["input_hwc"], info["classes"], hidden=hidden, dropout=0.5 if dropout else 0.0)
    except ValueError as e:
        raise ExportError(str(e))
    flat = flattened_input(info["model"], info["input_hwc"])
    if flat is not None and flat[0] in params:
        key, (h, w, c) = flat
        weight = params[key]
        if weight.shape[1] != h * w * c:
            raise ExportError(f"/params/{key} has {weight.shape[1]} inputs, not {h}x{w}x{c}")
        # lskd flattens H, W, C; PyTorch flattens C, H, W.
        params[key] = weight.reshape(-1, h, w, c).transpose(0, 3, 1, 2).reshape(weight.shape[0], -1)

    return load_state(model, params, info), info


def load_sequence_twin(f, params):
    """The Transformer twin of a sequence run, and its attributes; the vocabulary sizes are its embeddings' rows."""
    from lskd_torch.transformer import transformer_twin

    info = {"model": text(f.attrs["model"]), "dataset": text(f.attrs["dataset"]),
            "source_vocab": text(bytes(f["sequence/source_vocab"][()])),
            "target_vocab": text(bytes(f["sequence/target_vocab"][()])),
            "vocab_kinds": (text(f["sequence"].attrs["source_vocab_kind"]),
                            text(f["sequence"].attrs["target_vocab_kind"]))}
    for key in ("src_embed.weight", "tgt_embed.weight"):
        if key not in params:
            raise ExportError(f"no /params/{key}, which a sequence model has")
    info["classes"] = params["tgt_embed.weight"].shape[0]
    try:
        model = transformer_twin(info["model"], params["src_embed.weight"].shape[0], info["classes"])
    except ValueError as e:
        raise ExportError(str(e))
    return load_state(model, params, info), info


def load_state(model, params, info):
    """`model` with `params` (name → array) as its state, every key and shape checked."""
    np, torch = need("numpy", "python3-numpy"), need("torch", "python3-torch")
    state = {}
    for key, expected in model.state_dict().items():
        if key.endswith("num_batches_tracked"):
            state[key] = expected  # PyTorch's counter of batch-norm updates; eval mode does not read it
            continue
        if key not in params:
            raise ExportError(f"no /params/{key}, which the {info['model']} twin needs")
        value = torch.from_numpy(np.ascontiguousarray(params.pop(key), dtype=np.float32))
        if value.shape != expected.shape:
            raise ExportError(f"/params/{key} is {list(value.shape)}, the {info['model']} twin's is "
                              f"{list(expected.shape)}")
        state[key] = value
    if params:
        raise ExportError(f"parameters the {info['model']} twin does not have: {', '.join(sorted(params))}")
    model.load_state_dict(state, strict=True)
    return model.eval()


def export_torch(model, path):
    import torch
    torch.save(model.state_dict(), path)


def export_onnx(model, info, path):
    import torch
    onnx = need("onnx", "python3-onnx")
    if "input_hwc" in info:
        h, w, c = info["input_hwc"]
        with torch.no_grad():
            torch.onnx.export(model, torch.zeros(1, c, h, w), path, input_names=["input"], output_names=["logits"],
                              dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}}, opset_version=13)
    else:
        # With gradients on, torch 1.13 runs attention and encoder layers as plain operators rather than through its
        # fused eval-mode kernels, which have no ONNX form; the arithmetic is the same.
        with torch.enable_grad():
            torch.onnx.export(model, (torch.tensor([[5, 6, 7, 2]]), torch.tensor([[1, 5, 6]])), path,
                              input_names=["source", "decoder_input"], output_names=["logits"], opset_version=14,
                              dynamic_axes={"source": {0: "batch", 1: "source_length"},
                                            "decoder_input": {0: "batch", 1: "target_length"},
                                            "logits": {0: "batch", 1: "target_length"}})
    graph = onnx.load(path)
    if "input_hwc" in info:
        meta = {"lskd_model": info["model"], "dataset": info["dataset"], "input_layout": "NCHW",
                "normalization_mean": ",".join(map(repr, info["mean"])),
                "normalization_std": ",".join(map(repr, info["std"])), "class_names": "\n".join(info["class_names"])}
    else:
        meta = {"lskd_model": info["model"], "dataset": info["dataset"], "special_ids": "pad 0, bos 1, eos 2",
                "source_vocab_kind": info["vocab_kinds"][0], "target_vocab_kind": info["vocab_kinds"][1],
                "source_vocab": info["source_vocab"], "target_vocab": info["target_vocab"]}
    for k, v in meta.items():
        graph.metadata_props.add(key=k, value=v)
    onnx.checker.check_model(graph)
    onnx.save(graph, path)


def main(argv=None):
    ap = argparse.ArgumentParser(prog="lskd_export.py", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("run")
    ap.add_argument("--format", required=True, choices=["torch", "onnx"])
    ap.add_argument("--output", required=True, help="the file to write (lskd export's temporary)")
    ap.add_argument("--shown-as", help="the output's name in messages (default: --output)")
    args = ap.parse_args(argv)
    shown = args.shown_as or args.output
    try:
        model, info = load_twin(args.run)
    except ExportError as e:
        print(f"lskd_export: {args.run}: {e}", file=sys.stderr)
        return 1
    except KeyError as e:
        print(f"lskd_export: {args.run}: missing {e}", file=sys.stderr)
        return 1
    try:
        export_torch(model, args.output) if args.format == "torch" else export_onnx(model, info, args.output)
    except OSError as e:
        print(f"lskd_export: {shown}: cannot write ({e.strerror or e})", file=sys.stderr)
        return 1
    if "input_hwc" not in info:
        print(f"{shown}: {info['model']} ({info['dataset']}, target vocabulary of {info['classes']}) as {args.format}; "
              f"input token ids (padding 0, BOS 1, EOS 2), teacher-forced logits out")
        return 0
    print(f"{shown}: {info['model']} ({info['dataset']}, {info['classes']} classes) as {args.format}; "
          f"input NCHW {info['input_hwc'][2]}x{info['input_hwc'][0]}x{info['input_hwc'][1]} normalised with mean "
          f"{info['mean']} std {info['std']}")
    return 0


if __name__ == "__main__":
    sys.exit(one_line_errors.run(main, "lskd_export"))
