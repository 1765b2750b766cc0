"""lskd_torch: the PyTorch twins of lskd's models, with lskd's parameter names.

Each twin has a `features` module (everything up to the penultimate activations) and a `classifier` Linear (the
ImageNet ResNets resnet-18 and resnet-50 are torchvision's own resnet18 and resnet50, whose names lskd uses), and
its state_dict names are those of a run's checkpoint.h5 /params (docs/run-file.md), so `lskd export --format torch` writes
a state_dict that `twin(...).load_state_dict` takes strictly. The twins take NCHW input normalised as lskd does,
(pixel / 255 - mean[c]) / std[c] with the checkpoint's /data/normalization_*; lskd flattens NHWC maps, so the export
reorders the columns of the first fully connected layer after a flatten from H, W, C to PyTorch's C, H, W.

    from lskd_torch import twin
    model = twin("lenet", (28, 28, 1), 10)
    model.load_state_dict(torch.load("lenet.pt"))
"""
from collections import OrderedDict

import torch
import torch.nn as nn

MODEL_NAMES = ("mlp-1200", "mlp-800", "mlp", "lenet", "alexnet-cifar", "resnet-20", "resnet-32", "resnet-56",
               "resnet-18", "resnet-50")


class Twin(nn.Module):
    def __init__(self, features, classifier):
        super().__init__()
        self.features = features
        self.classifier = classifier

    def forward(self, x):
        return self.classifier(self.features(x))


def mlp(inputs, hidden, classes, dropout=0.0):
    """Flatten, then Linear and ReLU (and Dropout when dropout > 0) per hidden size: lskd's indices."""
    layers, width = [nn.Flatten()], inputs
    for h in hidden:
        layers += [nn.Linear(width, h), nn.ReLU()]
        if dropout > 0:
            layers.append(nn.Dropout(dropout))
        width = h
    return Twin(nn.Sequential(*layers), nn.Linear(width, classes))


def lenet(h, w, c, classes):
    return Twin(nn.Sequential(OrderedDict([
        ("conv1", nn.Conv2d(c, 32, 5, padding=2)), ("relu1", nn.ReLU()), ("pool1", nn.MaxPool2d(2)),
        ("conv2", nn.Conv2d(32, 64, 5, padding=2)), ("relu2", nn.ReLU()), ("pool2", nn.MaxPool2d(2)),
        ("flatten", nn.Flatten()), ("fc", nn.Linear((h // 4) * (w // 4) * 64, 1024)), ("relu3", nn.ReLU())])),
        nn.Linear(1024, classes))


def pooled(n):
    """Output size of a 3/2 max-pool with padding 1 (AlexNet's)."""
    return (n + 2 - 3) // 2 + 1


def alexnet_cifar(h, w, c, classes):
    flat = pooled(pooled(h)) * pooled(pooled(w)) * 64
    return Twin(nn.Sequential(OrderedDict([
        ("conv1", nn.Conv2d(c, 64, 5, padding=2)), ("relu1", nn.ReLU()), ("pool1", nn.MaxPool2d(3, 2, 1)),
        ("conv2", nn.Conv2d(64, 64, 5, padding=2)), ("relu2", nn.ReLU()), ("pool2", nn.MaxPool2d(3, 2, 1)),
        ("flatten", nn.Flatten()), ("fc1", nn.Linear(flat, 384)), ("relu3", nn.ReLU()),
        ("fc2", nn.Linear(384, 192)), ("relu4", nn.ReLU())])),
        nn.Linear(192, classes))


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = None
        if stride != 1 or cin != cout:  # option B, as lskd's resnet
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        out = torch.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return torch.relu(out + (self.shortcut(x) if self.shortcut is not None else x))


class GlobalAvgPool(nn.Module):
    def forward(self, x):
        return x.mean(dim=(2, 3))


def resnet(n, c, classes):
    layers, cin = [("conv1", nn.Conv2d(c, 16, 3, 1, 1, bias=False)), ("bn1", nn.BatchNorm2d(16)),
                   ("relu1", nn.ReLU())], 16
    for stage in range(3):
        for b in range(n):
            cout = 16 << stage
            layers.append((f"stage{stage + 1}_block{b + 1}", Block(cin, cout, 2 if stage > 0 and b == 0 else 1)))
            cin = cout
    layers.append(("pool", GlobalAvgPool()))
    return Twin(nn.Sequential(OrderedDict(layers)), nn.Linear(64, classes))


def twin(name, input_hwc, classes, hidden=None, dropout=0.0):
    """The twin of lskd model `name` for inputs of shape (H, W, C); `hidden` is the sizes of model "mlp"."""
    h, w, c = input_hwc
    if name == "mlp-1200":
        return mlp(h * w * c, [1200, 1200], classes, dropout)
    if name == "mlp-800":
        return mlp(h * w * c, [800, 800], classes, dropout)
    if name == "mlp":
        if not hidden:
            raise ValueError("model mlp needs its hidden sizes")
        return mlp(h * w * c, hidden, classes, dropout)
    if name == "lenet":
        return lenet(h, w, c, classes)
    if name == "alexnet-cifar":
        return alexnet_cifar(h, w, c, classes)
    if name in ("resnet-18", "resnet-50"):
        import torchvision.models
        model = getattr(torchvision.models, name.replace("-", ""))(num_classes=classes)
        if c != 3:  # torchvision's stem takes 3 channels; lskd's takes the input's
            model.conv1 = nn.Conv2d(c, 64, kernel_size=7, stride=2, padding=3, bias=False)
        return model
    if name.startswith("resnet-") and name[len("resnet-"):] in ("20", "32", "56"):
        return resnet((int(name[len("resnet-"):]) - 2) // 6, c, classes)
    raise ValueError(f"no PyTorch twin for model '{name}' (expected one of {', '.join(MODEL_NAMES)})")


def flattened_input(name, input_hwc):
    """(key, (H, W, C)): the weight of the Linear layer that takes a flattened map and that map's shape, or None
    when no layer does (the resnets pool to one value per channel before their classifier)."""
    h, w, c = input_hwc
    if name.startswith("mlp"):
        return "features.1.weight", (h, w, c)
    if name == "lenet":
        return "features.fc.weight", (h // 4, w // 4, 64)
    if name == "alexnet-cifar":
        return "features.fc1.weight", (pooled(pooled(h)), pooled(pooled(w)), 64)
    return None
