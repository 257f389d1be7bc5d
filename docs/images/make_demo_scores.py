"""Makes the attention file behind docs/images/synthetic_0_heatmap.png.

The scores are not a model's: they fall off with distance from the slide's ground-truth tumour
box (from synthetic_0.json), plus a little noise, so the picture shows where a good model would
look. The picture was made with:

  slidemil tile slides-sample/synthetic_0.tif -o tiles --tile-size 64 --stride 32
  python3 docs/images/make_demo_scores.py tiles/patches/synthetic_0.h5 slides-sample/synthetic_0.json scores.h5
  slidemil heatmap slides-sample/synthetic_0.tif scores.h5 -o heatmaps --patches tiles/patches/synthetic_0.h5 \
      --max-side 600 --sigma 2 --top-k 0 --bottom-k 0
"""
import json
import sys

import h5py
import numpy as np

patches, truth, out = sys.argv[1:4]
with h5py.File(patches, "r") as f:
    coords = f["coords"][:].astype(np.int64)
    side = int(f["coords"].attrs["patch_size_level0"])
box = json.load(open(truth))["tumor_boxes"][0]
centres = coords + side / 2
dx = np.maximum(0, np.maximum(box["x"] - centres[:, 0], centres[:, 0] - (box["x"] + box["width"])))
dy = np.maximum(0, np.maximum(box["y"] - centres[:, 1], centres[:, 1] - (box["y"] + box["height"])))
rng = np.random.default_rng(0)
raw = np.exp(-np.hypot(dx, dy) / 400) + 0.05 * rng.random(len(coords))
attention = (raw / raw.sum()).astype(np.float32)
with h5py.File(out, "w") as f:
    f.create_dataset("coords", data=coords)
    f.create_dataset("attention", data=attention)
    f.attrs["patch_size_level0"] = side
    f.attrs["probability"] = 0.912
