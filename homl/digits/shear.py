"""The deskewing's resampling: each image sheared and moved, read by bilinear interpolation (numba)."""

import numba
import numpy as np


@numba.njit(nogil=True, cache=True)  # no fastmath: each pixel's terms in one fixed order on every CPU
def sheared(
    padded: np.ndarray, row_shift: np.ndarray, col_shift: np.ndarray, alpha: np.ndarray
) -> np.ndarray:
    """Float32 images whose pixel (r, c) is image i read at (r + row_shift[i], c + alpha[i] (r - h/2) +
    col_shift[i]), bilinearly; zero where that point lies a pixel or more outside. `padded`: the float64
    images with one row and column of zeros on every side."""
    n, padded_height, padded_width = padded.shape
    height, width = padded_height - 2, padded_width - 2
    out = np.empty((n, height, width), dtype=np.float32)
    for i in range(n):
        image = padded[i]
        for r in range(height):
            source_r = r + row_shift[i]
            r0 = np.floor(source_r)
            fr = source_r - r0
            top = min(max(np.int64(r0) + 1, 0), height + 1)
            bottom = min(top + 1, height + 1)
            rows_inside = source_r > -1 and source_r < height
            for c in range(width):
                source_c = c + alpha[i] * (r - height / 2.0) + col_shift[i]
                if not (rows_inside and source_c > -1 and source_c < width):
                    out[i, r, c] = 0.0
                    continue
                c0 = np.floor(source_c)
                fc = source_c - c0
                left = min(max(np.int64(c0) + 1, 0), width + 1)
                right = min(left + 1, width + 1)
                out[i, r, c] = (
                    image[top, left] * (1 - fr) * (1 - fc)
                    + image[top, right] * (1 - fr) * fc
                    + image[bottom, left] * fr * (1 - fc)
                    + image[bottom, right] * fr * fc
                )
    return out
