#!/usr/bin/env python3
"""Full-size check of a SlideMIL encoder preset against timm (transformers for phikon-v2).

Reads N tiles of --input-size px at level 0 of a slide with openslide-python, writes them as a
CLAM-style patch file, runs `slidemil extract --backbone PRESET --weights W` on them, runs the
published model (same weights, built as its model card says) on the same tiles, and prints the
largest difference relative to the largest feature. Exit status 1 above --tolerance.

    python3 scripts/check-encoder.py --preset uni --weights UNI/model.safetensors \\
        --slide slides-sample/synthetic_0.tif --tiles 8

For conch, --input-size 448 checks its native size. Needs torch, timm, safetensors, h5py,
openslide-python (transformers for phikon-v2, open_clip_torch for conch), and a
release build of slidemil (.build/release/slidemil). A ViT-g runs a few seconds per tile on CPU.
"""
import argparse
import importlib.util
import pathlib
import subprocess
import sys
import tempfile

import h5py
import numpy as np
import openslide
import torch
from safetensors.torch import load_file

ROOT = pathlib.Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("fixtures", ROOT / "Tests" / "Fixtures" / "make_vit_fixtures.py")
fixtures = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fixtures)  # the preset table and helpers of the CI fixtures

TRIDENT_NAMES = {"uni": "uni_v1", "uni2-h": "uni_v2", "virchow2": "virchow2", "h-optimus-0": "hoptimus0",
                 "h-optimus-1": "hoptimus1", "gigapath": "gigapath", "phikon-v2": "phikon_v2",
                 "conch": "conch_v1"}


def reference_model(preset, weights):
    state = load_file(weights)
    if preset == "phikon-v2":
        from transformers import Dinov2Config, Dinov2Model
        config = Dinov2Config(hidden_size=1024, num_hidden_layers=24, num_attention_heads=16, mlp_ratio=4, patch_size=16,
                              image_size=224, layerscale_value=1e-5, hidden_act="gelu", layer_norm_eps=1e-6)
        model = Dinov2Model(config).eval()
        renamed = {}
        for name, tensor in state.items():
            for new, old in fixtures.PUBLISHED_DINOV2_NAMES.items():
                name = name.replace(old, new)
            renamed[name] = tensor
        model.load_state_dict(renamed, strict=False)
        return lambda x: model(pixel_values=x).last_hidden_state[:, 0], fixtures.IMAGENET
    if preset == "conch":
        model = fixtures.Conch(reduced=False).eval()
        result = model.load_state_dict({k: v.float() for k, v in state.items()}, strict=False)
        missing = [k for k in result.missing_keys if k.startswith("visual.")]
        if missing:  # the text towers are not built here; the image tower must be complete
            sys.exit(f"{weights}: image-tower tensors missing: {', '.join(missing[:5])}")
        return model.visual, fixtures.OPENAI
    name = "h-optimus-0" if preset == "h-optimus-1" else preset
    kwargs, norm, pooling, _, _ = fixtures.PRESETS[name]
    model = fixtures.timm_model(kwargs, reduced=False)
    model.load_state_dict({k: v.float() for k, v in state.items()}, strict=True)
    return lambda x: fixtures.pooled(model(x), model, pooling), norm


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--preset", required=True, choices=sorted(TRIDENT_NAMES))
    parser.add_argument("--weights", required=True)
    parser.add_argument("--slide", required=True)
    parser.add_argument("--tiles", type=int, default=8)
    parser.add_argument("--input-size", type=int, default=224)
    parser.add_argument("--tolerance", type=float, default=1e-3)
    parser.add_argument("--slidemil", default=str(ROOT / ".build" / "release" / "slidemil"))
    args = parser.parse_args()

    slide = openslide.OpenSlide(args.slide)
    width, height = slide.dimensions
    size = args.input_size
    rng = np.random.default_rng(0)
    coords = np.stack([rng.integers(0, width - size, args.tiles), rng.integers(0, height - size, args.tiles)], axis=1)
    tiles = np.stack([np.asarray(slide.read_region((int(x), int(y)), 0, (size, size)).convert("RGB")) for x, y in coords])

    with tempfile.TemporaryDirectory() as work:
        work = pathlib.Path(work)
        slide_id = pathlib.Path(args.slide).stem
        (work / "patches").mkdir()
        with h5py.File(work / "patches" / f"{slide_id}.h5", "w") as f:
            dataset = f.create_dataset("coords", data=coords.astype(np.int64))
            dataset.attrs.update({"patch_size": size, "patch_level": 0, "downsample": [1.0, 1.0],
                                  "level_dim": [width, height], "downsampled_level_dim": [width, height], "name": slide_id})
        subprocess.run([args.slidemil, "extract", args.slide, "--output", str(work), "--backbone", args.preset,
                        "--weights", args.weights, "--input-size", str(size), "--batch-size", str(args.tiles)], check=True)
        with h5py.File(work / f"features_{TRIDENT_NAMES[args.preset]}" / f"{slide_id}.h5") as f:
            ours = f["features"][:]

    forward, norm = reference_model(args.preset, args.weights)
    with torch.no_grad():
        theirs = forward(fixtures.normalised(tiles, size, norm)).numpy()
    difference = np.abs(ours - theirs).max()
    scale = np.abs(theirs).max()
    print(f"{args.preset}: {len(tiles)} tiles of {size} px, features {theirs.shape[1]}; "
          f"max |difference| {difference:.3g}, max |reference| {scale:.3g}, ratio {difference / scale:.3g}")
    sys.exit(0 if difference <= args.tolerance * scale else 1)


if __name__ == "__main__":
    main()
