"""Reference for the Tiling benchmark: read the same tiles with openslide-python's read_region.

Usage: /usr/bin/python3 tiling_openslide_loop.py SLIDE COORDS.txt LEVEL SIZE WORKERS
COORDS.txt holds one "x y" level-0 pair per line (dumped from patches/<id>.h5).
Each worker process opens its own handle and reads a contiguous share of the tiles, converting
them to RGB (as SlideMIL delivers them); prints tiles, seconds and tiles/s.
"""
import sys
import time
from multiprocessing import Pool

import openslide


def read_share(args):
    path, coords, level, size = args
    slide = openslide.OpenSlide(path)
    checksum = 0
    for x, y in coords:
        tile = slide.read_region((x, y), level, (size, size)).convert("RGB")
        checksum += tile.getpixel((size // 2, size // 2))[0]
    slide.close()
    return checksum


def main():
    path, coords_path, level, size, workers = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    coords = [tuple(map(int, line.split())) for line in open(coords_path) if line.strip()]
    shares = [(path, coords[i::workers], level, size) for i in range(workers)]
    start = time.perf_counter()
    with Pool(workers) as pool:
        pool.map(read_share, shares)
    seconds = time.perf_counter() - start
    print(f"{len(coords)} tiles in {seconds:.2f} s: {len(coords) / seconds:.0f} tiles/s")


if __name__ == "__main__":
    main()
