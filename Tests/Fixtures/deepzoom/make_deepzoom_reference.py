"""Reference Deep Zoom pyramids from openslide-python's DeepZoomGenerator, for DeepZoomPyramidTests.

Run from this folder: python3 make_deepzoom_reference.py > deepzoom_reference.json
Each case is an image size, tile size and overlap; the file records the level count, every
level's size and tile grid, and the size of the first, last and an inner tile of each level.
"""
import json

from openslide import ImageSlide
from openslide.deepzoom import DeepZoomGenerator
from PIL import Image

CASES = [
    (1, 1, 256, 0),
    (256, 256, 256, 0),
    (257, 100, 256, 0),
    (1000, 600, 256, 0),
    (1000, 600, 256, 1),
    (4000, 3000, 254, 1),
    (4097, 3, 128, 2),
]

cases = []
for width, height, tile, overlap in CASES:
    generator = DeepZoomGenerator(ImageSlide(Image.new("RGB", (width, height))), tile_size=tile, overlap=overlap)
    levels = []
    for level in range(generator.level_count):
        columns, rows = generator.level_tiles[level]
        addresses = sorted({(0, 0), (columns - 1, rows - 1), (columns // 2, rows // 2)})
        levels.append({
            "size": list(generator.level_dimensions[level]),
            "tiles": [columns, rows],
            "tileSizes": [[c, r, *generator.get_tile_dimensions(level, (c, r))] for c, r in addresses],
        })
    cases.append({"width": width, "height": height, "tileSize": tile, "overlap": overlap,
                  "levelCount": generator.level_count, "levels": levels})
print(json.dumps(cases))
