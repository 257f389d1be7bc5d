"""Writes tiny patch and feature .h5 files laid out exactly as CLAM and TRIDENT write them.

Run from this folder with `python3 make_h5_fixtures.py` (needs numpy and h5py). The values are
chosen so tests can check them exactly: coordinate i is (1024 * i, 512 * i + 7) and feature
(i, j) is i + j / 8, both exact in int32/float32.
"""
import h5py
import numpy as np

ROWS = 5
DIM = 8
COORDS = np.array([(1024 * i, 512 * i + 7) for i in range(ROWS)], dtype=np.int64)
FEATURES = np.array([[i + j / 8 for j in range(DIM)] for i in range(ROWS)], dtype=np.float32)


def appendable(file, name, data):
    """CLAM's save_hdf5 and TRIDENT's save_h5: one-row chunks, unlimited first dimension."""
    return file.create_dataset(name, shape=data.shape, maxshape=(None,) + data.shape[1:],
                               chunks=(1,) + data.shape[1:], dtype=data.dtype, data=data)


def clam_patches():
    # create_patches_fp.py, WholeSlideImage.process_contours at patch_level 1 of a slide whose
    # level 1 is downsampled by about 4 (OpenSlide reports slightly uneven factors).
    with h5py.File("clam_patches.h5", "w") as file:
        coords = appendable(file, "coords", COORDS)
        coords.attrs["patch_size"] = 256
        coords.attrs["patch_level"] = 1
        coords.attrs["downsample"] = (4.000120, 3.999880)
        coords.attrs["downsampled_level_dim"] = tuple(np.array((2500, 1800)))
        coords.attrs["level_dim"] = (2500, 1800)
        coords.attrs["name"] = "clam_slide"
        coords.attrs["save_path"] = "results/patches"


def trident_patches():
    # Trident's WSI.extract_tissue_coords: 512 px at 20x from a 40x slide.
    with h5py.File("trident_patches.h5", "w") as file:
        coords = appendable(file, "coords", COORDS)
        for key, value in trident_coords_attributes().items():
            coords.attrs[key] = value


def trident_coords_attributes():
    return {
        "patch_size": 512,
        "patch_size_level0": 512 * 40 // 20,
        "level0_magnification": 40,
        "target_magnification": 20,
        "overlap": 0,
        "name": "trident_slide",
        "savetodir": "trident_out/20x_512px_0px_overlap",
        "level0_width": 10000,
        "level0_height": 7200,
    }


def clam_features():
    # extract_features_fp.py: features float32, coords int32, no attributes.
    with h5py.File("clam_features.h5", "w") as file:
        appendable(file, "features", FEATURES)
        appendable(file, "coords", COORDS.astype(np.int32))


def trident_features():
    # Trident's patch-feature files: the encoder name on `features`, the tiling on `coords`.
    with h5py.File("trident_features.h5", "w") as file:
        features = appendable(file, "features", FEATURES)
        features.attrs["encoder"] = "conch_v15"
        features.attrs["name"] = "trident_slide"
        features.attrs["savetodir"] = "trident_out/features_conch_v15"
        coords = appendable(file, "coords", COORDS)
        for key, value in trident_coords_attributes().items():
            coords.attrs[key] = value


def fixed_length_strings():
    # NumPy byte strings become fixed-length HDF5 strings (null-padded); readers must accept them
    # as well as h5py's default variable-length UTF-8.
    with h5py.File("fixed_strings.h5", "w") as file:
        coords = appendable(file, "coords", COORDS)
        coords.attrs["patch_size"] = np.int32(256)
        coords.attrs["patch_level"] = np.int32(0)
        coords.attrs["name"] = np.bytes_("fixed_slide")
        coords.attrs["save_path"] = np.bytes_("abcdefgh")


if __name__ == "__main__":
    clam_patches()
    trident_patches()
    clam_features()
    trident_features()
    fixed_length_strings()
