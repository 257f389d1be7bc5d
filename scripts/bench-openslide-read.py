#!/usr/bin/env python3
"""openslide-python reference for `slidemil bench tiling`: reads the same tiles SlideMIL reads.

Arguments: the slide, a CSV of level-0 tile origins (x,y per line), the level, the side read at
that level, the delivered tile side, and the number of worker processes. Each worker opens the
slide once and reads its share with `read_region`, converts to RGB and, when the read side differs
from the tile side, shrinks with PIL's box filter (area averaging, as SlideMIL does). Prints one
JSON object: {"tiles": n, "seconds": wall time of the reading, slide opening excluded}.
"""
import argparse
import json
import multiprocessing
import sys
import time

import openslide
from PIL import Image

_slide = None


def _open(path):
    global _slide
    _slide = openslide.OpenSlide(path)


def _read(job):
    level, read_size, tile_size, chunk = job
    for x, y in chunk:
        image = _slide.read_region((x, y), level, (read_size, read_size)).convert("RGB")
        if read_size != tile_size:
            image = image.resize((tile_size, tile_size), Image.BOX)
    return len(chunk)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("slide")
    parser.add_argument("coordinates")
    parser.add_argument("level", type=int)
    parser.add_argument("read_size", type=int)
    parser.add_argument("tile_size", type=int)
    parser.add_argument("processes", type=int)
    args = parser.parse_args()
    with open(args.coordinates) as handle:
        points = [tuple(int(v) for v in line.split(",")) for line in handle if line.strip()]
    chunks = [points[i:i + 32] for i in range(0, len(points), 32)]
    jobs = [(args.level, args.read_size, args.tile_size, chunk) for chunk in chunks]
    if args.processes == 1:
        _open(args.slide)
        start = time.perf_counter()
        done = sum(_read(job) for job in jobs)
        seconds = time.perf_counter() - start
    else:
        with multiprocessing.Pool(args.processes, initializer=_open, initargs=(args.slide,)) as pool:
            pool.map(abs, range(args.processes))  # the workers are up and have opened the slide
            start = time.perf_counter()
            done = sum(pool.map(_read, jobs, chunksize=1))
            seconds = time.perf_counter() - start
    json.dump({"tiles": done, "seconds": seconds}, sys.stdout)


if __name__ == "__main__":
    main()
