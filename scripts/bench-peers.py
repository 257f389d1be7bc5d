#!/usr/bin/env python3
"""Peer figures for `slidemil bench engine`: the same ResNets in PyTorch (CPU) and onnxruntime.

Prints one JSON object on stdout: images/s for ResNet-18, ResNet-50 and ResNet-50 truncated after
layer3 (CLAM's feature extractor), eval forward at 224x224 (batch 1
and 32) in both runtimes, and the MNIST ResNet-18 training-step time (batch 256, 28x28) in
PyTorch. The networks are defined here (torchvision layout: BasicBlock/Bottleneck v1.5) so the
script needs only torch, onnx and onnxruntime. Weights are random: speed does not depend on them.
"""
import argparse
import io
import json
import sys
import time

import torch
import torch.nn as nn


class Basic(nn.Module):
    expansion = 1

    def __init__(self, cin, planes, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = None
        if stride != 1 or cin != planes:
            self.downsample = nn.Sequential(nn.Conv2d(cin, planes, 1, stride, bias=False), nn.BatchNorm2d(planes))

    def forward(self, x):
        out = torch.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return torch.relu(out + (x if self.downsample is None else self.downsample(x)))


class Bottle(nn.Module):
    expansion = 4

    def __init__(self, cin, planes, stride):
        super().__init__()
        width = planes * 4
        self.conv1 = nn.Conv2d(cin, planes, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv3 = nn.Conv2d(planes, width, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(width)
        self.downsample = None
        if stride != 1 or cin != width:
            self.downsample = nn.Sequential(nn.Conv2d(cin, width, 1, stride, bias=False), nn.BatchNorm2d(width))

    def forward(self, x):
        out = torch.relu(self.bn1(self.conv1(x)))
        out = torch.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        return torch.relu(out + (x if self.downsample is None else self.downsample(x)))


def resnet(depth, in_channels=3, classes=1000, stages=4):
    """torchvision ResNet; with stages=3, CLAM's truncation: layer4 and fc removed, pooled layer3."""
    block, counts = {18: (Basic, [2, 2, 2, 2]), 50: (Bottle, [3, 4, 6, 3])}[depth]
    counts = counts[:stages]
    layers = [nn.Conv2d(in_channels, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(3, 2, 1)]
    cin = 64
    for stage, count in enumerate(counts):
        for index in range(count):
            layers.append(block(cin, 64 << stage, 2 if (index == 0 and stage > 0) else 1))
            cin = (64 << stage) * block.expansion
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten()] + ([nn.Linear(cin, classes)] if stages == 4 else [])
    return nn.Sequential(*layers)


def timed(function, repetitions, clock=time.perf_counter):
    """Seconds of the fastest repetition after a warm-up (as `slidemil bench engine` reports);
    with clock=time.process_time, CPU seconds of all threads."""
    function()
    best = float("inf")
    for _ in range(repetitions):
        start = clock()
        function()
        best = min(best, clock() - start)
    return best


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repetitions", type=int, default=2)
    parser.add_argument("--batch-one-factor", type=int, default=16,
                        help="batch-1 cases time this many times as many passes (slidemil bench engine passes its own)")
    parser.add_argument("--training-only", action="store_true", help="only the MNIST training step")
    args = parser.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(args.threads)
    result = {"torch": torch.__version__}
    try:
        import onnxruntime as ort
        result["onnxruntime"] = ort.__version__
    except ImportError:
        ort = None
    # Names match `slidemil bench engine`'s figures; resnet50_layer3 is ResNet-50 truncated after layer3.
    networks = () if args.training_only else (("resnet18", 18, 4), ("resnet50", 50, 4), ("resnet50_layer3", 50, 3))
    for name, depth, stages in networks:
        model = resnet(depth, stages=stages).eval()
        session = None
        if ort is not None:
            buffer = io.BytesIO()
            torch.onnx.export(model, (torch.randn(1, 3, 224, 224),), buffer, dynamo=False,
                              input_names=["x"], output_names=["y"], dynamic_axes={"x": {0: "n"}, "y": {0: "n"}})
            options = ort.SessionOptions()
            options.intra_op_num_threads = args.threads
            options.inter_op_num_threads = 1
            session = ort.InferenceSession(buffer.getvalue(), options, providers=["CPUExecutionProvider"])
        for batch in (1, 32):
            x = torch.randn(batch, 3, 224, 224)
            reps = args.repetitions if batch == 32 else args.batch_one_factor * args.repetitions
            with torch.inference_mode():
                seconds = timed(lambda: model(x), reps)
            result[f"torch_{name}_b{batch}_images_per_s"] = batch / seconds
            if session is not None:
                feed = {"x": x.numpy()}
                seconds = timed(lambda: session.run(None, feed), reps)
                result[f"ort_{name}_b{batch}_images_per_s"] = batch / seconds
    model = resnet(18, in_channels=1, classes=10).train()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    images, labels = torch.randn(256, 1, 28, 28), torch.randint(0, 10, (256,))

    def step():
        optimizer.zero_grad()
        nn.functional.cross_entropy(model(images), labels).backward()
        optimizer.step()

    result["torch_mnist_train_step_s"] = timed(step, 3 * args.repetitions)
    result["torch_mnist_train_step_cpu_s"] = timed(step, 3 * args.repetitions, clock=time.process_time)
    json.dump(result, sys.stdout)
    print()


if __name__ == "__main__":
    main()
