#!/usr/bin/env python3
"""Write full-size random weights for an encoder preset, as an F32 safetensors file with the
published model's tensor names and shapes: for speed and memory measurements of `slidemil
extract` at full size without the gated weights (the features mean nothing).

    python3 scripts/make-random-encoder-weights.py --preset gigapath --output /tmp/gigapath.safetensors

The shapes come from the model built on PyTorch's meta device, as the CI fixtures build it
(Tests/Fixtures/make_vit_fixtures.py), and the file is written one tensor at a time, so a ViT-g
(4.5 GB) never sits in memory: N(0, 0.02) matrices, tokens and biases, norm weights and layer
scales 1, from a seeded generator.
"""
import argparse
import importlib.util
import json
import pathlib
import struct

import numpy as np
import torch

ROOT = pathlib.Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("fixtures", ROOT / "Tests" / "Fixtures" / "make_vit_fixtures.py")
fixtures = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fixtures)


def published_shapes(preset):
    if preset == "conch":
        with torch.device("meta"):
            return {k: list(v.shape) for k, v in fixtures.Conch(reduced=False).state_dict().items()}
    name = "h-optimus-0" if preset == "h-optimus-1" else preset
    return fixtures.full_shapes(fixtures.PRESETS[name][0])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--preset", required=True, choices=sorted(list(fixtures.PRESETS) + ["h-optimus-1", "conch"]))
    parser.add_argument("--output", required=True)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    shapes = published_shapes(args.preset)
    header, offset = {}, 0
    for name, shape in shapes.items():
        size = 4 * int(np.prod(shape, dtype=np.int64))
        header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [offset, offset + size]}
        offset += size
    header["__metadata__"] = {"format": "pt", "content": f"random weights for {args.preset}, seed {args.seed}"}
    encoded = json.dumps(header).encode()
    encoded += b" " * (-len(encoded) % 8)
    generator = np.random.default_rng(args.seed)
    with open(args.output, "wb") as out:
        out.write(struct.pack("<Q", len(encoded)) + encoded)
        for name, shape in shapes.items():
            ones = name.endswith("gamma") or (len(shape) == 1 and "norm" in name and name.endswith("weight"))
            values = np.ones(shape, np.float32) if ones else (0.02 * generator.standard_normal(shape, np.float32))
            out.write(values.tobytes())
    print(f"{args.output}: {len(shapes)} tensors, {offset / 1e9:.2f} GB")


if __name__ == "__main__":
    main()
