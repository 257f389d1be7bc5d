"""Reference fixtures for the Swift ResNet engine, made with PyTorch on the CPU.

The networks are built from torch.nn alone and reproduce torchvision's ResNet
(v1.5: the stride of a Bottleneck sits on its 3x3 convolution) layer for layer,
so every state_dict name matches torchvision's. Only the widths are reduced:
a "base width" w replaces 64, giving stage planes w, 2w, 4w, 8w.

Run from the repository root:

    python3 Tests/Fixtures/make_resnet_fixtures.py

It rewrites Tests/Fixtures/resnet/*.safetensors; see Tests/Fixtures/README.md.
"""

import gzip
import json
import pathlib
import struct

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from safetensors.torch import save_file

HERE = pathlib.Path(__file__).resolve().parent
OUT = HERE / "resnet"
MNIST_IMAGES = HERE.parent.parent / "Sources" / "MNISTBags" / "mnist" / "t10k-images-idx3-ubyte.gz"
MNIST_LABELS = HERE.parent.parent / "Sources" / "MNISTBags" / "mnist" / "t10k-labels-idx1-ubyte.gz"


def conv3x3(in_planes, out_planes, stride=1):
    return nn.Conv2d(in_planes, out_planes, kernel_size=3, stride=stride, padding=1, bias=False)


def conv1x1(in_planes, out_planes, stride=1):
    return nn.Conv2d(in_planes, out_planes, kernel_size=1, stride=stride, bias=False)


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = conv3x3(inplanes, planes, stride)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = conv3x3(planes, planes)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = downsample

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + identity)


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = conv1x1(inplanes, planes)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = conv3x3(planes, planes, stride)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv3 = conv1x1(planes, planes * self.expansion)
        self.bn3 = nn.BatchNorm2d(planes * self.expansion)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        return self.relu(out + identity)


class ResNet(nn.Module):
    def __init__(self, block, layers, base_width, num_classes, in_channels=3):
        super().__init__()
        self.inplanes = base_width
        self.conv1 = nn.Conv2d(in_channels, base_width, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(base_width)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(block, base_width, layers[0])
        self.layer2 = self._make_layer(block, base_width * 2, layers[1], stride=2)
        self.layer3 = self._make_layer(block, base_width * 4, layers[2], stride=2)
        self.layer4 = self._make_layer(block, base_width * 8, layers[3], stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(base_width * 8 * block.expansion, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")

    def _make_layer(self, block, planes, blocks, stride=1):
        downsample = None
        if stride != 1 or self.inplanes != planes * block.expansion:
            downsample = nn.Sequential(
                conv1x1(self.inplanes, planes * block.expansion, stride),
                nn.BatchNorm2d(planes * block.expansion),
            )
        layers = [block(self.inplanes, planes, stride, downsample)]
        self.inplanes = planes * block.expansion
        layers += [block(self.inplanes, planes) for _ in range(1, blocks)]
        return nn.Sequential(*layers)

    def stem(self, x):
        return self.maxpool(self.relu(self.bn1(self.conv1(x))))

    def truncated_after_layer3(self, x):
        """CLAM's ResNet-50 feature extractor: stop after layer3, global average pool."""
        x = self.layer3(self.layer2(self.layer1(self.stem(x))))
        return torch.flatten(self.avgpool(x), 1)

    def features(self, x):
        x = self.layer4(self.layer3(self.layer2(self.layer1(self.stem(x)))))
        return torch.flatten(self.avgpool(x), 1)

    def forward(self, x):
        return self.fc(self.features(x))


def randomise_batch_norm(model, generator, num_batches_tracked):
    """Make eval mode non-trivial while keeping activations of order one.

    Affine parameters are drawn far from 1/0; running statistics are first measured
    on calibration batches (so deep stacks neither explode nor vanish) and then
    perturbed, so they differ from the statistics of any test batch.
    """
    batch_norms = [m for m in model.modules() if isinstance(m, nn.BatchNorm2d)]
    with torch.no_grad():
        for m in batch_norms:
            c = m.num_features
            m.weight.copy_(0.5 + torch.rand(c, generator=generator))
            m.bias.copy_(0.2 * torch.randn(c, generator=generator))
            m.reset_running_stats()
            m.momentum = None  # cumulative average over the calibration batches
        model.train()
        for _ in range(4):
            model(torch.randn(4, model.conv1.in_channels, 64, 64, generator=generator))
        for m in batch_norms:
            c = m.num_features
            std = m.running_var.sqrt()
            m.running_mean.add_(0.2 * std * torch.randn(c, generator=generator))
            m.running_var.mul_(0.7 + 0.6 * torch.rand(c, generator=generator))
            m.momentum = 0.1
            m.num_batches_tracked.fill_(num_batches_tracked)


def save(tensors, path, metadata):
    """save_file, then rewrite the header with sorted keys so reruns give identical bytes.

    The package serialises `__metadata__` from a hash map, in an order that changes
    from run to run; the data offsets do not depend on the header, so only it changes.
    """
    save_file(tensors, path, metadata=metadata)
    raw = path.read_bytes()
    (length,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + length])
    text = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    path.write_bytes(struct.pack("<Q", len(text)) + text + raw[8 + length :])


def state_dict_tensors(model):
    return {name: t.detach().clone().contiguous() for name, t in model.state_dict().items()}


def make_eval_fixture(name, block, layers, base_width, num_classes, seed, truncated):
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed + 1)
    model = ResNet(block, layers, base_width, num_classes)
    randomise_batch_norm(model, generator, num_batches_tracked=12345)
    model.eval()
    inputs = torch.randn(2, 3, 64, 64, generator=generator)
    with torch.no_grad():
        io = {
            "input": inputs,
            "features": model.features(inputs),
            "logits": model(inputs),
        }
        if truncated:
            io["layer3_pooled"] = model.truncated_after_layer3(inputs)
    metadata = {
        "architecture": name,
        "base_width": str(base_width),
        "num_classes": str(num_classes),
        "mode": "eval",
    }
    save(state_dict_tensors(model), OUT / f"{name}_weights.safetensors", metadata)
    save({k: v.contiguous() for k, v in io.items()}, OUT / f"{name}_io.safetensors", metadata)


def read_idx(path, count, header_bytes):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    return np.frombuffer(raw, dtype=np.uint8, offset=header_bytes)[:count]


GRADIENT_NAMES = ["conv1.weight", "bn1.weight", "layer4.1.bn2.weight", "fc.weight", "fc.bias"]
BN_STATE_NAMES = ["bn1", "layer1.0.bn1"]


def make_mnist_training_fixture(seed=7, base_width=8, batch=8, lr=0.1, momentum=0.9, weight_decay=1e-4):
    torch.manual_seed(seed)
    model = ResNet(BasicBlock, [2, 2, 2, 2], base_width, num_classes=10, in_channels=1)
    weights = state_dict_tensors(model)

    pixels = read_idx(MNIST_IMAGES, batch * 28 * 28, 16).astype(np.float32) / 255.0
    images = torch.from_numpy(pixels.reshape(batch, 1, 28, 28).copy())
    inputs = ((images - 0.1307) / 0.3081).contiguous()
    labels = torch.from_numpy(read_idx(MNIST_LABELS, batch, 8).astype(np.int64))

    model.train()
    optimiser = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum, weight_decay=weight_decay)
    parameters = dict(model.named_parameters())
    buffers = dict(model.named_buffers())
    io = {"input": inputs, "labels": labels}

    for step in (1, 2):
        optimiser.zero_grad()
        x = inputs.clone().requires_grad_(True)
        logits = model(x)
        loss = F.cross_entropy(logits, labels)
        loss.backward()
        io[f"step{step}.logits"] = logits.detach()
        io[f"step{step}.loss"] = loss.detach().reshape(1)
        io[f"step{step}.input_grad"] = x.grad.detach()
        for name in GRADIENT_NAMES:
            io[f"step{step}.grad.{name}"] = parameters[name].grad.detach().clone()
        optimiser.step()
        for name in GRADIENT_NAMES:
            io[f"step{step}.after.{name}"] = parameters[name].detach().clone()
        for bn in BN_STATE_NAMES:
            for buffer in ("running_mean", "running_var", "num_batches_tracked"):
                io[f"step{step}.after.{bn}.{buffer}"] = buffers[f"{bn}.{buffer}"].detach().clone()

    metadata = {
        "architecture": "resnet18_mnist",
        "base_width": str(base_width),
        "num_classes": "10",
        "mode": "train",
        "loss": "cross_entropy_mean",
        "optimizer": "sgd",
        "lr": str(lr),
        "momentum": str(momentum),
        "weight_decay": str(weight_decay),
        "bn_momentum": "0.1",
        "bn_eps": "1e-05",
        "normalisation": "mean 0.1307 std 0.3081",
        "images": "first 8 images of the MNIST t10k set",
    }
    save(weights, OUT / "resnet18_mnist_weights.safetensors", metadata)
    save({k: v.contiguous() for k, v in io.items()}, OUT / "resnet18_mnist_train_step.safetensors", metadata)


def main():
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)
    OUT.mkdir(exist_ok=True)
    make_eval_fixture("resnet18_tiny", BasicBlock, [2, 2, 2, 2], base_width=8, num_classes=10, seed=18, truncated=False)
    make_eval_fixture("resnet50_tiny", Bottleneck, [3, 4, 6, 3], base_width=4, num_classes=10, seed=50, truncated=True)
    make_mnist_training_fixture()
    for path in sorted(OUT.glob("*.safetensors")):
        print(f"{path.name}: {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
