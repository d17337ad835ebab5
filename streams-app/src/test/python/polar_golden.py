#!/usr/bin/env python3
"""Golden values for dev.redunet.data.PolarTransform (REDUNET_SPEC §5).

Runs the reference paper code's polar transform (functionals.convert2polar, restated below) with
SciPy's ndimage.rotate on a few seeded synthetic 28 x 28 uint8 images and writes
src/test/resources/vectors/polar.json. Generated with Debian's python3-scipy 1.10.1 and
python3-numpy 1.24.2 (the versions the reference was run with):

    /usr/bin/python3 streams-app/src/test/python/polar_golden.py
"""
import json
import pathlib

import numpy as np
import scipy
from scipy import ndimage


def convert2polar(images, channels, timesteps, angles):
    """The reference's convert2polar, with the angle grid as a parameter."""
    mid = images.shape[1] // 2
    radii = np.linspace(0, mid, channels).astype(np.int32)
    out = np.zeros((images.shape[0], channels, timesteps), dtype=images.dtype)
    for t, angle in enumerate(angles):
        rotated = ndimage.rotate(images, angle, axes=(1, 2), reshape=False)
        out[:, :, t] = rotated[:, mid, radii]
    return out


def synthetic_images(n, seed):
    """Blurry strokes: a few Gaussian blobs along random segments, scaled to uint8."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:28, 0:28]
    images = np.zeros((n, 28, 28))
    for i in range(n):
        for _ in range(3):
            a, b = rng.uniform(4, 24, size=2), rng.uniform(4, 24, size=2)
            for s in np.linspace(0, 1, 12):
                cy, cx = a + s * (b - a)
                images[i] += np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * 1.2 ** 2))
    images = 255 * images / images.max(axis=(1, 2), keepdims=True)
    return np.clip(np.round(images), 0, 255).astype(np.uint8)


def main():
    images = synthetic_images(4, 20240611)
    cases = []
    for channels, timesteps, endpoint in [(5, 200, False), (15, 16, True), (5, 7, False)]:
        angles = (np.linspace(0, 360, timesteps) if endpoint
                  else 360.0 * np.arange(timesteps) / timesteps)
        polar = convert2polar(images, channels, timesteps, angles)
        cases.append({
            "channels": channels,
            "timesteps": timesteps,
            "include_endpoint": endpoint,
            "polar": polar.astype(int).tolist(),
        })
    out = {
        "description": "PolarTransform golden values: reference convert2polar (ndimage.rotate, "
                       "order 3, reshape=False, uint8) on seeded synthetic images",
        "scipy": scipy.__version__,
        "numpy": np.__version__,
        "images": images.astype(int).tolist(),
        "cases": cases,
    }
    target = pathlib.Path(__file__).resolve().parents[1] / "resources" / "vectors" / "polar.json"
    target.write_text(json.dumps(out, separators=(",", ":")) + "\n")
    print("wrote", target)


if __name__ == "__main__":
    main()
