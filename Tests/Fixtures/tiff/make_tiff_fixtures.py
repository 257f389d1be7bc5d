"""Small pyramidal JPEG TIFFs written by tifffile/imagecodecs, an independent writer, for the
slide-reading tests (TIFF structure and resolution checks, the direct JPEG-TIFF reader).

    python3 Tests/Fixtures/tiff/make_tiff_fixtures.py

Output is deterministic (seeded content, fixed JPEG settings). Files:

- smallest_first.tif: generic pyramid written smallest level first (directory 0 is the 1/16
  level, directory 2 is level 0, flagged reduced-resolution so OpenSlide lists it), 1024 x 768 px at 0.243 um/px, levels 1, 4, 16, JPEG YCbCr 4:2:0,
  256 px tiles, resolution tags on every level consistent with its downsample.
- inconsistent_levels.tif: level 0 first, 1024 x 768 px at 0.25 um/px; the 1/4 level's tags claim
  0.25 um/px too (they should say 1.0).
- generic_tables.tif: generic pyramid 1000 x 700 px (edges cut through tiles), levels 1, 2, 4,
  JPEG YCbCr 4:2:0 tiles of 256 px sharing one JPEGTables tag (abbreviated tile streams).
- aperio_like.svs: BigTIFF in Aperio's layout: level 0 of 1000 x 700 px with an Aperio
  ImageDescription (MPP = 0.25, AppMag = 40), 240 px tiles of RGB JPEG (photometric RGB, RGB
  components, no colour transform; tifffile writes YCbCr for JPEG, so the tag is rewritten
  afterwards), a stripped thumbnail, then the 1/4 level.
"""
import os

import imagecodecs
import numpy as np
import tifffile

HERE = os.path.dirname(os.path.abspath(__file__))


def tissue(width, height, seed):
    """H&E-like pink/purple blobs on white with some texture, uint8 RGB."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    field = np.zeros((height, width), np.float32)
    for _ in range(12):
        cx, cy = rng.uniform(0, width), rng.uniform(0, height)
        r = rng.uniform(40, 220)
        field += np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * r * r))
    nuclei = np.zeros_like(field)
    for _ in range(120):
        cx, cy = rng.uniform(0, width), rng.uniform(0, height)
        nuclei += np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / 18.0)
    field = np.clip(field, 0, 1)
    noise = rng.normal(0, 1.5, (height, width)).astype(np.float32)
    r = 245 - 60 * field - 90 * np.clip(nuclei * field, 0, 1) + noise
    g = 245 - 140 * field - 60 * np.clip(nuclei * field, 0, 1) + noise
    b = 245 - 50 * field - 20 * np.clip(nuclei * field, 0, 1) + noise
    return np.clip(np.stack([r, g, b], -1), 0, 255).astype(np.uint8)


def shrink(image, factor):
    h, w = image.shape[0] // factor, image.shape[1] // factor
    return image[: h * factor, : w * factor].reshape(h, factor, w, factor, 3).mean((1, 3)).round().astype(np.uint8)


def per_cm(mpp):
    return (1e4 / mpp, 1e4 / mpp)


def split_tables(stream):
    """Splits a complete JPEG into (tables-only stream, abbreviated stream without DQT/DHT)."""
    tables, body = bytearray(b"\xff\xd8"), bytearray(b"\xff\xd8")
    pos = 2
    while pos < len(stream):
        assert stream[pos] == 0xFF
        marker = stream[pos + 1]
        if marker == 0xDA:  # start of scan: the rest is entropy-coded data up to EOI
            body += stream[pos:]
            break
        length = int.from_bytes(stream[pos + 2:pos + 4], "big")
        segment = stream[pos:pos + 2 + length]
        if marker in (0xDB, 0xC4):
            tables += segment
        elif marker != 0xE0:  # drop JFIF APP0, as TIFF JPEG streams carry none
            body += segment
        pos += 2 + length
    return bytes(tables) + b"\xff\xd9", bytes(body)


def tiled_streams(image, tile, encode):
    h, w = image.shape[:2]
    for y in range(0, h, tile):
        for x in range(0, w, tile):
            block = np.zeros((tile, tile, 3), np.uint8)
            piece = image[y:y + tile, x:x + tile]
            block[: piece.shape[0], : piece.shape[1]] = piece
            yield encode(block)


def ycbcr_jpeg(block, quality=85):
    """A complete baseline JPEG of an RGB block in YCbCr 4:2:0, as TIFF JPEG tiles are stored."""
    return imagecodecs.jpeg8_encode(block, level=quality, colorspace="RGB", outcolorspace="YCBCR", subsampling="420")


def write_level(tif, image, mpp, subfiletype):
    tif.write(iter(list(tiled_streams(image, 256, ycbcr_jpeg))), shape=image.shape, dtype=np.uint8, tile=(256, 256),
              photometric="ycbcr", compression="jpeg", subsampling=(2, 2), resolution=per_cm(mpp),
              resolutionunit="CENTIMETER", subfiletype=subfiletype, metadata=None)


def smallest_first():
    level0 = tissue(1024, 768, seed=1)
    with tifffile.TiffWriter(os.path.join(HERE, "smallest_first.tif")) as tif:
        for factor in (16, 4, 1):
            write_level(tif, shrink(level0, factor) if factor > 1 else level0, 0.243 * factor,
                        subfiletype=0 if factor == 16 else 1)


def inconsistent_levels():
    level0 = tissue(1024, 768, seed=2)
    with tifffile.TiffWriter(os.path.join(HERE, "inconsistent_levels.tif")) as tif:
        write_level(tif, level0, 0.25, subfiletype=0)
        write_level(tif, shrink(level0, 4), 0.25, subfiletype=1)


def generic_tables():
    level0 = tissue(1000, 700, seed=3)
    encode = ycbcr_jpeg
    with tifffile.TiffWriter(os.path.join(HERE, "generic_tables.tif")) as tif:
        for factor in (1, 2, 4):
            image = level0 if factor == 1 else shrink(level0, factor)
            tables = split_tables(encode(np.zeros((256, 256, 3), np.uint8)))[0]
            tiles = [split_tables(s)[1] for s in tiled_streams(image, 256, encode)]
            tif.write(iter(tiles), shape=image.shape, dtype=np.uint8, tile=(256, 256), photometric="ycbcr",
                      compression="jpeg", subsampling=(2, 2), jpegtables=tables, resolution=per_cm(0.5 * factor),
                      resolutionunit="CENTIMETER", subfiletype=0 if factor == 1 else 1, metadata=None)


def aperio_like():
    level0 = tissue(1000, 700, seed=4)
    # Photometric RGB: the JPEG data are RGB components, not converted (libtiff reads them as is).
    encode = lambda block: imagecodecs.jpeg8_encode(block, level=80, colorspace="RGB", outcolorspace="RGB")
    description = ("Aperio Image Library v12.0.15 \r\n1000x700 [0,0 1000x700] (240x240) JPEG/RGB Q=80"
                   "|AppMag = 40|MPP = 0.25|ScanScope ID = SS0000")
    with tifffile.TiffWriter(os.path.join(HERE, "aperio_like.svs"), bigtiff=True) as tif:
        tif.write(iter(list(tiled_streams(level0, 240, encode))), shape=level0.shape, dtype=np.uint8,
                  tile=(240, 240), photometric="rgb", compression="jpeg", subsampling=(1, 1), description=description,
                  metadata=None)
        thumbnail = shrink(level0, 8)
        tif.write(thumbnail, photometric="rgb", compression="jpeg", subsampling=(1, 1), rowsperstrip=16, metadata=None,
                  description="Aperio Image Library v12.0.15 \r\n1000x700 -> 125x87 - |AppMag = 40|MPP = 0.25")
        level2 = shrink(level0, 4)
        tif.write(iter(list(tiled_streams(level2, 240, encode))), shape=level2.shape, dtype=np.uint8,
                  tile=(240, 240), photometric="rgb", compression="jpeg", subsampling=(1, 1), metadata=None,
                  description="Aperio Image Library v12.0.15 \r\n1000x700 -> 250x175 - |AppMag = 40|MPP = 0.25")


def photometric_rgb(path, pages):
    """Rewrites the PhotometricInterpretation tag of `pages` to RGB (2) in place."""
    with tifffile.TiffFile(path, mode="r+b") as tif:
        for index in pages:
            tif.pages[index].tags["PhotometricInterpretation"].overwrite(2)


if __name__ == "__main__":
    smallest_first()
    inconsistent_levels()
    generic_tables()
    aperio_like()
    photometric_rgb(os.path.join(HERE, "aperio_like.svs"), [0, 2])
    for name in sorted(os.listdir(HERE)):
        if not name.endswith(".py"):
            print(name, os.path.getsize(os.path.join(HERE, name)))
