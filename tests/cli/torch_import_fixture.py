#!/usr/bin/python3
"""Files for tests/cli/test_import.cpp, written with Debian's python3-torch and python3-torchvision.

  torch_import_fixture.py DIR

DIR/resnet18.pth      torchvision.models.resnet18(num_classes=10).state_dict(), seeded, with every batch norm's
                      γ, β and running statistics drawn away from their start (1, 0, 0, 1) so that eval mode matters
DIR/expected.h5       /inputs [4, 3, 64, 64] float32 (NCHW, standard normal) and /logits [4, 10] float32: that
                      model's eval-mode output on them
DIR/resnet50.pth, DIR/expected50.h5
                      the same for torchvision.models.resnet50 (bottleneck blocks, V1.5 strides)
DIR/missing_key.pth   the same without layer2.0.bn1.running_var
DIR/wrong_shape.pth   the same with fc.weight [10, 256]
DIR/not_a_zip.pth     text
Exit status 77 when torch, torchvision or h5py is missing (the test then skips, saying so)."""
import os
import sys

try:
    import h5py
    import torch
    import torchvision
except ImportError:
    sys.exit(77)


def write_model(model, out, pth, expected):
    """Seeds the batch norms away from their start, saves the state dict and the eval-mode logits; returns the state."""
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.5, 0.5)
                m.running_mean.uniform_(-0.5, 0.5)
                m.running_var.uniform_(0.5, 2.0)
    model.eval()
    inputs = torch.randn(4, 3, 64, 64)
    with torch.no_grad():
        logits = model(inputs)
    state = model.state_dict()
    torch.save(state, os.path.join(out, pth))
    with h5py.File(os.path.join(out, expected), "w") as f:
        f["inputs"] = inputs.numpy()
        f["logits"] = logits.numpy()
    return state


def main(out):
    torch.manual_seed(24)
    state = write_model(torchvision.models.resnet18(num_classes=10), out, "resnet18.pth", "expected.h5")
    write_model(torchvision.models.resnet50(num_classes=10), out, "resnet50.pth", "expected50.h5")
    missing = dict(state)
    del missing["layer2.0.bn1.running_var"]
    torch.save(missing, os.path.join(out, "missing_key.pth"))
    wrong = dict(state)
    wrong["fc.weight"] = torch.zeros(10, 256)
    torch.save(wrong, os.path.join(out, "wrong_shape.pth"))
    with open(os.path.join(out, "not_a_zip.pth"), "w") as f:
        f.write("not a state dict\n")


if __name__ == "__main__":
    main(sys.argv[1])
