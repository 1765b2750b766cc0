#!/usr/bin/python3
"""Files for tests/cli/test_folder_eval.cpp, written with Debian's python3-torch and python3-torchvision.

  torch_folder_fixture.py DIR CLASSES

DIR/resnet18.pth   torchvision.models.resnet18(num_classes=CLASSES).state_dict(), seeded random weights
DIR/expected.h5    /logits [N, CLASSES] float32 and /labels [N] int64: that model's eval-mode output on
                   torchvision.datasets.ImageFolder(DIR/data/val) through Resize(256), CenterCrop(224), ToTensor and
                   ImageNet's Normalize, the images in ImageFolder's order
Exit status 77 when torch, torchvision or h5py is missing (the test then skips, saying so)."""
import os
import sys

try:
    import h5py
    import torch
    import torchvision
    from torchvision import transforms
except ImportError:
    sys.exit(77)


def main(out, classes):
    torch.manual_seed(24)
    model = torchvision.models.resnet18(num_classes=classes)
    model.eval()
    torch.save(model.state_dict(), os.path.join(out, "resnet18.pth"))
    preset = transforms.Compose([
        transforms.Resize(256),
        transforms.CenterCrop(224),
        transforms.ToTensor(),
        transforms.Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225]),
    ])
    val = torchvision.datasets.ImageFolder(os.path.join(out, "data", "val"), transform=preset)
    inputs = torch.stack([val[i][0] for i in range(len(val))])
    with torch.no_grad():
        logits = model(inputs)
    with h5py.File(os.path.join(out, "expected.h5"), "w") as f:
        f["logits"] = logits.numpy()
        f["labels"] = torch.tensor(val.targets).numpy()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
