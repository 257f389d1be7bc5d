#!/usr/bin/env python3
"""Peer figures for `slidemil bench encoders`: timm's ViT-B/16 and ViT-L/16 in PyTorch (CPU)
and in onnxruntime (exported from the same torch model).

Prints one JSON object: images/s of the eval forward at 224x224 and the given batch, for each
model that --models names. Weights are random: speed does not depend on them.
"""
import argparse
import io
import json
import sys
import time
import types

import torch

# CPU-only torch wheels: torchvision's C-op registration fails on import; timm's ViTs do not need it.
sys.modules.setdefault("torchvision._meta_registrations", types.ModuleType("torchvision._meta_registrations"))
import timm  # noqa: E402

MODELS = {"vit-b16": "vit_base_patch16_224", "vit-l16": "vit_large_patch16_224"}


def timed(function, repetitions):
    """Seconds of the fastest repetition after a warm-up (as slidemil's benchmarks report)."""
    function()
    best = float("inf")
    for _ in range(repetitions):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repetitions", type=int, default=1)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--models", default="vit-b16,vit-l16")
    args = parser.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(args.threads)
    import onnxruntime as ort
    result = {"torch": torch.__version__, "timm": timm.__version__, "onnxruntime": ort.__version__}
    for key in args.models.split(","):
        model = timm.create_model(MODELS[key], pretrained=False, num_classes=0).eval()
        x = torch.randn(args.batch, 3, 224, 224)
        with torch.inference_mode():
            result[f"torch_{key}_images_per_s"] = args.batch / timed(lambda: model(x), args.repetitions)
        buffer = io.BytesIO()
        torch.onnx.export(model, (x[:1],), buffer, dynamo=False, opset_version=17,
                          input_names=["x"], output_names=["y"], dynamic_axes={"x": {0: "n"}, "y": {0: "n"}})
        options = ort.SessionOptions()
        options.intra_op_num_threads = args.threads
        options.inter_op_num_threads = 1
        session = ort.InferenceSession(buffer.getvalue(), options, providers=["CPUExecutionProvider"])
        feed = {"x": x.numpy()}
        result[f"ort_{key}_images_per_s"] = args.batch / timed(lambda: session.run(None, feed), args.repetitions)
    json.dump(result, sys.stdout)
    print()


if __name__ == "__main__":
    main()
