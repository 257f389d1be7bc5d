#!/bin/sh
# Tiling benchmark: slidemil tile --verify-tiles (segmentation, grid, TileStream reading of every
# kept tile) against openslide-python's read_region loop over the same tiles, 2 workers each.
# Run from the repository root after `swift build -c release`. Writes into $1 (default: a temp dir).
set -e
work=${1:-$(mktemp -d)}
slide="$work/big.tif"
[ -f "$slide" ] || .build/release/slidemil synth "$slide" --width 20000 --height 16000 --seed 3 --quality 80 >/dev/null
for target in 0.5 0.25; do
    out="$work/tile-$target"
    rm -rf "$out" "$out-plan"
    echo "== slidemil, target $target um/px, segmentation and grid only"
    /usr/bin/time -f "wall %e s, peak RSS %M KiB" .build/release/slidemil tile "$slide" -o "$out-plan" --target-mpp "$target"
    echo "== slidemil, target $target um/px, plus reading every tile"
    /usr/bin/time -f "wall %e s, peak RSS %M KiB" .build/release/slidemil tile "$slide" -o "$out" \
        --target-mpp "$target" --verify-tiles --readers 2
    python3 -c "
import h5py, sys
d = h5py.File('$out/patches/big.h5')['coords']
open('$work/coords-$target.txt', 'w').write(''.join(f'{x} {y}\n' for x, y in d[:]))
print(int(d.attrs['patch_level']), int(d.attrs['patch_size']))" > "$work/geometry-$target.txt"
    read level size < "$work/geometry-$target.txt"
    echo "== openslide-python read_region, level $level, $size px"
    /usr/bin/time -f "wall %e s, peak RSS %M KiB" /usr/bin/python3 docs/benchmarks/tiling_openslide_loop.py \
        "$slide" "$work/coords-$target.txt" "$level" "$size" 2
done
