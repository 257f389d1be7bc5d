"""Reference numbers for SlideMIL's stain normalisation, made with torchstain's numpy backend.

Three 64 x 64 tiles are read with openslide-python from the sample slides: a reference tile, a
tile to normalise (from another slide, so its colours differ), and an almost white background
tile on which Macenko is ill-posed. torchstain fits Reinhard and Macenko to the reference and
normalises the tile; the fitted targets and the normalised pixels are stored.

Run from the repository root:

    python3 Tests/Fixtures/make_stain_fixtures.py

It rewrites Tests/Fixtures/stain/: `<name>.rgb` files are raw 8-bit RGB, row-major, 64 x 64;
`expected.json` holds the fitted targets.
"""

import json
import pathlib

import numpy as np
import openslide
from torchstain.numpy.normalizers.macenko import NumpyMacenkoNormalizer
from torchstain.numpy.normalizers.reinhard import NumpyReinhardNormalizer

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
OUT = HERE / "stain"
SIZE = 64
TILES = {  # name -> (slide, level-0 corner)
    "reference": ("synthetic_0.tif", (520, 1500)),
    "tile": ("synthetic_3.tif", (1063, 1586)),
    "background": ("synthetic_0.tif", (20, 20)),
}


def read(slide, corner):
    image = openslide.OpenSlide(str(ROOT / "slides-sample" / slide)).read_region(corner, 0, (SIZE, SIZE))
    return np.ascontiguousarray(np.asarray(image.convert("RGB")), dtype=np.uint8)


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    tiles = {name: read(*where) for name, where in TILES.items()}
    for name, tile in tiles.items():
        (OUT / f"{name}.rgb").write_bytes(tile.tobytes())

    reinhard = NumpyReinhardNormalizer()
    reinhard.fit(tiles["reference"])
    (OUT / "reinhard.rgb").write_bytes(np.ascontiguousarray(reinhard.normalize(tiles["tile"])).tobytes())

    macenko = NumpyMacenkoNormalizer()
    macenko.fit(tiles["reference"])
    normalized, _, _ = macenko.normalize(tiles["tile"], stains=False)
    (OUT / "macenko.rgb").write_bytes(np.ascontiguousarray(normalized).tobytes())

    stained = (-np.log((tiles["background"].reshape(-1, 3).astype(float) + 1) / 240) >= 0.15).all(axis=1).sum()
    expected = {
        "size": SIZE, "tiles": {k: {"slide": s, "corner": c} for k, (s, c) in TILES.items()},
        "reinhard_means": [float(v) for v in reinhard.target_means],
        "reinhard_stds": [float(v) for v in reinhard.target_stds],
        "macenko_stain_vectors": macenko.HERef.T.tolist(),  # [[H r,g,b], [E r,g,b]]
        "macenko_max_concentrations": macenko.maxCRef.tolist(),
        "background_stained_pixels": int(stained),
    }
    (OUT / "expected.json").write_text(json.dumps(expected, indent=1) + "\n")
    print(json.dumps(expected, indent=1))


if __name__ == "__main__":
    main()
