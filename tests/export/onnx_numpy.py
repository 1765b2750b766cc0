"""A small NumPy interpreter of the ONNX operators lskd's exports use (Debian has no ONNX runtime, and python3-onnx
1.12 has no reference evaluator): enough to check an exported graph's logits independently of PyTorch."""
import numpy as np
from onnx import numpy_helper


def attributes(node):
    out = {}
    for a in node.attribute:
        out[a.name] = a.i if a.type == a.INT else a.f if a.type == a.FLOAT else list(a.ints) if a.ints else a.s
    return out


def pad_nchw(x, pads, value):
    top, left, bottom, right = pads
    return np.pad(x, ((0, 0), (0, 0), (top, bottom), (left, right)), constant_values=value)


def windows(x, kh, kw, sh, sw):
    """[N, C, OH, OW, kh, kw] views of x's sliding windows."""
    n, c, h, w = x.shape
    oh, ow = (h - kh) // sh + 1, (w - kw) // sw + 1
    s = x.strides
    return np.lib.stride_tricks.as_strided(x, (n, c, oh, ow, kh, kw), (s[0], s[1], s[2] * sh, s[3] * sw, s[2], s[3]))


def conv(x, w, b, a):
    if a.get("group", 1) != 1 or a.get("dilations", [1, 1]) != [1, 1]:
        raise NotImplementedError("grouped or dilated Conv")
    kh, kw = w.shape[2:]
    sh, sw = a.get("strides", [1, 1])
    x = pad_nchw(x, a.get("pads", [0, 0, 0, 0]), 0.0)
    y = np.einsum("nchwij,ocij->nohw", windows(x, kh, kw, sh, sw), w, optimize=True)
    return y + (b[None, :, None, None] if b is not None else 0)


def max_pool(x, a):
    kh, kw = a["kernel_shape"]
    sh, sw = a.get("strides", [1, 1])
    return windows(pad_nchw(x, a.get("pads", [0, 0, 0, 0]), -np.inf), kh, kw, sh, sw).max(axis=(4, 5))


def gemm(a_, b_, c_, a):
    a_ = a_.T if a.get("transA", 0) else a_
    b_ = b_.T if a.get("transB", 0) else b_
    return a.get("alpha", 1.0) * a_ @ b_ + (a.get("beta", 1.0) * c_ if c_ is not None else 0)


def run(graph_proto, x):
    """The graph's first output for input x (float32 array)."""
    g = graph_proto.graph
    values = {t.name: numpy_helper.to_array(t).astype(np.float64) for t in g.initializer}
    values[g.input[0].name] = x.astype(np.float64)
    for node in g.node:
        ins = [values[i] if i else None for i in node.input]
        a = attributes(node)
        op = node.op_type
        if op == "Conv":
            y = conv(ins[0], ins[1], ins[2] if len(ins) > 2 else None, a)
        elif op == "MaxPool":
            y = max_pool(ins[0], a)
        elif op == "Relu":
            y = np.maximum(ins[0], 0)
        elif op == "Add":
            y = ins[0] + ins[1]
        elif op == "Flatten":
            axis = a.get("axis", 1)
            y = ins[0].reshape(int(np.prod(ins[0].shape[:axis])), -1)
        elif op == "Gemm":
            y = gemm(ins[0], ins[1], ins[2] if len(ins) > 2 else None, a)
        elif op == "ReduceMean":
            y = ins[0].mean(axis=tuple(a["axes"]), keepdims=bool(a.get("keepdims", 1)))
        else:
            raise NotImplementedError(f"ONNX operator {op}")
        values[node.output[0]] = y
    return values[g.output[0].name]
