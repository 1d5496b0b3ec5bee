"""Whole-array image transforms for (n, height, width) stacks: shifts, deskewing, blur. Array in, array out."""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Annotated, Literal

import numpy as np
from scipy import ndimage

from homl.core.errors import ParamsError
from homl.core.params import Range

DESKEW_ROWS = 256  # images deskewed at a time: the temporary arrays stay in the cache
DIRECTIONS = {"up": (-1, 0), "down": (1, 0), "left": (0, -1), "right": (0, 1)}


@dataclass(frozen=True)
class ShiftParams:
    """params.yaml's `augment`: one shifted copy of every image per direction."""

    directions: tuple[Literal[tuple(DIRECTIONS)], ...]
    distance: Annotated[int, Range(1, 27)]


@dataclass(frozen=True)
class VariantParams:
    """params.yaml's `knn_variants`: the preprocessing choices scored by CV."""

    deskew: tuple[bool, ...]
    blur_sigma: tuple[Annotated[float, Range(0, 5)], ...]
    folds: Annotated[int, Range(2, None)]


@dataclass(frozen=True)
class NoiseParams:
    """params.yaml's `noisy`: an integer from [low, high) added to every pixel."""

    low: Annotated[int, Range(-255, 255)]
    high: Annotated[int, Range(-254, 256)]

    def __post_init__(self):
        if self.high <= self.low:
            raise ParamsError(f"noisy.high: {self.high} must exceed noisy.low ({self.low})")


def shift_images(images: np.ndarray, dy: int, dx: int) -> np.ndarray:
    """Shift every image `dy` pixels down and `dx` right (negative: up, left), filling with zeros.

    For whole shifts this equals `scipy.ndimage.shift(image, [dy, dx], cval=0)` on each image.
    """
    images = np.asarray(images)
    height, width = images.shape[-2:]
    shifted = np.zeros_like(images)
    if abs(dy) >= height or abs(dx) >= width:
        return shifted
    rows_to = slice(max(dy, 0), height + min(dy, 0))
    rows_from = slice(max(-dy, 0), height + min(-dy, 0))
    cols_to = slice(max(dx, 0), width + min(dx, 0))
    cols_from = slice(max(-dx, 0), width + min(-dx, 0))
    shifted[..., rows_to, cols_to] = images[..., rows_from, cols_from]
    return shifted


def augment_with_shifts(
    images: np.ndarray, labels: np.ndarray, directions: Sequence[str], distance: int
) -> tuple[np.ndarray, np.ndarray]:
    """The images followed by one shifted copy of all of them per direction, and the matching labels."""
    unknown = sorted(set(directions) - set(DIRECTIONS))
    if unknown:
        raise ValueError(f"unknown direction {unknown[0]!r}; allowed: {', '.join(DIRECTIONS)}")
    copies = [images] + [shift_images(images, *(distance * np.array(DIRECTIONS[d]))) for d in directions]
    return np.concatenate(copies), np.tile(labels, len(copies))


def deskew(images: np.ndarray, chunk: int = DESKEW_ROWS) -> np.ndarray:
    """Straighten slanted digits and centre them by mass, using the images' second moments.

    Each image is sheared along x by cov(x, y) / var(y) about its centre of mass, which is moved to
    the image centre (bilinear interpolation, zero outside). Returns float32 images in the input's range.
    Chunks small enough for the cache are shared among the cores.
    """
    images = np.asarray(images)
    starts = range(0, len(images), chunk)
    with ThreadPoolExecutor(os.cpu_count()) as pool:
        chunks = list(pool.map(lambda start: _deskew_chunk(images[start : start + chunk]), starts))
    return np.concatenate(chunks) if chunks else np.empty(images.shape, dtype=np.float32)


def _deskew_chunk(images: np.ndarray) -> np.ndarray:
    n, height, width = images.shape
    pixels = images.astype(np.float64)
    rows, cols = np.mgrid[:height, :width].astype(np.float64)
    mass = pixels.sum(axis=(1, 2))
    mass[mass == 0] = 1.0
    row_mean = np.einsum("nij,ij->n", pixels, rows) / mass
    col_mean = np.einsum("nij,ij->n", pixels, cols) / mass
    row_var = np.einsum("nij,nij->n", pixels, (rows - row_mean[:, None, None]) ** 2) / mass
    covariance = (
        np.einsum("nij,nij->n", pixels, (rows - row_mean[:, None, None]) * (cols - col_mean[:, None, None]))
        / mass
    )
    alpha = np.divide(covariance, row_var, out=np.zeros(n), where=row_var > 0)
    from homl.digits.shear import sheared  # numba: loaded by the stages that deskew

    padded = np.pad(pixels, ((0, 0), (1, 1), (1, 1)))
    return sheared(padded, row_mean - height / 2.0, col_mean - width / 2.0, alpha)


def blur(images: np.ndarray, sigma: float) -> np.ndarray:
    """Gaussian blur of every image (not across images); `sigma` in pixels, 0 returns the input."""
    if sigma == 0:
        return images
    return ndimage.gaussian_filter(
        np.asarray(images, dtype=np.float32), sigma=(0, sigma, sigma), mode="constant"
    )


def preprocess(images: np.ndarray, deskewed: bool, blur_sigma: float) -> np.ndarray:
    """The optional KNN preprocessing: deskewing, then a Gaussian blur."""
    if deskewed:
        images = deskew(images)
    return blur(images, blur_sigma)


def add_noise(images: np.ndarray, low: int, high: int, rng: np.random.Generator) -> np.ndarray:
    """The book's noise: an integer drawn from [low, high) added to every pixel, no clipping (int16)."""
    return images.astype(np.int16) + rng.integers(low, high, images.shape, dtype=np.int16)


def uniform_noise_moments(low: int, high: int) -> tuple[float, float]:
    """Mean and variance of an integer drawn uniformly from [low, high)."""
    return (low + high - 1) / 2, ((high - low) ** 2 - 1) / 12


def psnr(cleaned: np.ndarray, target: np.ndarray, peak: float = 255.0) -> float:
    """Peak signal-to-noise ratio in dB over the whole stack: 10 log10(peak^2 / MSE)."""
    return float("inf") if (error := mse(cleaned, target)) == 0 else 10 * np.log10(peak**2 / error)


def mse(cleaned: np.ndarray, target: np.ndarray) -> float:
    """Mean squared error per pixel."""
    return float(np.mean((np.asarray(cleaned, dtype=np.float64) - target) ** 2))
