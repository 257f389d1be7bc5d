"""The reference for `slidemil bench viewer`: openslide-python's Deep Zoom tiles, JPEG-encoded.

This is how openslide-python's own deep-zoom server example answers a tile request:
DeepZoomGenerator.get_tile (read_region at the best level, then a PIL resize) followed by a
JPEG save. It reads the same tiles, in the same order, as the benchmark's scripted pan and zoom.

Usage: python3 bench-deepzoom-reference.py SLIDE TILE_LIST TILE_SIZE QUALITY
TILE_LIST has one `level column row` per line. Prints one line per tile: milliseconds taken.
"""
import io
import sys
import time

from openslide import OpenSlide
from openslide.deepzoom import DeepZoomGenerator


def main():
    slide_path, list_path, tile_size, quality = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    generator = DeepZoomGenerator(OpenSlide(slide_path), tile_size=tile_size, overlap=0, limit_bounds=False)
    with open(list_path) as handle:
        tiles = [tuple(int(v) for v in line.split()) for line in handle if line.strip()]
    for level, column, row in tiles:
        begun = time.perf_counter()
        image = generator.get_tile(level, (column, row))
        buffer = io.BytesIO()
        image.save(buffer, "jpeg", quality=quality)
        print(f"{(time.perf_counter() - begun) * 1000:.3f}")


if __name__ == "__main__":
    main()
