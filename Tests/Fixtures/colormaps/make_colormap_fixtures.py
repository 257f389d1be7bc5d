"""Writes matplotlib_colormaps.csv: matplotlib's own bytes for `jet` and `viridis` at a sweep of
values (every lookup-table entry, every entry boundary's neighbourhood, and out-of-range values).

Run from this folder with `python3 make_colormap_fixtures.py` (needs matplotlib).
"""
import csv

import matplotlib
from matplotlib import colormaps

VALUES = sorted(set(
    [-0.5, 0.0, 0.25, 0.5, 0.75, 1.0, 1.5]
    + [i / 255 for i in range(256)]
    + [(i + 0.5) / 256 for i in range(256)]
))

with open("matplotlib_colormaps.csv", "w", newline="") as handle:
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(["colormap", "value", "red", "green", "blue"])
    for name in ("jet", "viridis"):
        cmap = colormaps[name]
        for value in VALUES:
            red, green, blue, _ = cmap(float(value), bytes=True)
            writer.writerow([name, repr(float(value)), int(red), int(green), int(blue)])
print("matplotlib", matplotlib.__version__, len(VALUES), "values per colormap")
