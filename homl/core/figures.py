"""PNG figures for DVC's image plots, drawn with matplotlib's non-interactive backend."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from homl.core import io  # noqa: E402

if TYPE_CHECKING:
    import pandas as pd


def digit_grid(
    path: str | Path,
    images: np.ndarray,
    captions: Sequence[str],
    columns: int = 8,
    value_range: tuple[float, float] | None = None,
) -> None:
    """Save square images (28x28 digits, say) in a grid, each with its caption, as a PNG with stable bytes:
    the highest value black, each image stretched to its own range unless `value_range` fixes one."""
    rows = max(1, -(-len(images) // columns))
    figure, axes = plt.subplots(rows, columns, figsize=(1.3 * columns, 1.5 * rows), squeeze=False)
    for axis in axes.flat:
        axis.axis("off")
    for axis, image, caption in zip(axes.flat, images, captions, strict=False):
        side = int(np.sqrt(np.size(image)))
        vmin, vmax = value_range or (None, None)
        axis.imshow(
            np.asarray(image).reshape(side, side),
            cmap="binary",
            interpolation="nearest",
            vmin=vmin,
            vmax=vmax,
        )
        axis.set_title(caption, fontsize=8)
    _save(figure, path)


def decision_regions(
    path: str | Path,
    model: object,
    X: np.ndarray,
    y: np.ndarray,
    feature_names: Sequence[str],
    class_names: Sequence[str],
    resolution: int = 300,
) -> None:
    """A classifier's decision regions over two features, the flowers themselves, and the contours of the
    second class's probability (the book's figure 4-25), as a PNG with stable bytes."""
    low, high = X.min(axis=0), X.max(axis=0)
    margin = 0.1 * (high - low)
    grid = np.meshgrid(
        *(np.linspace(a - m, b + m, resolution) for a, b, m in zip(low, high, margin, strict=True))
    )
    probabilities = model.predict_proba(np.c_[grid[0].ravel(), grid[1].ravel()])
    figure, axis = plt.subplots(figsize=(8, 4))
    regions = probabilities.argmax(axis=1).reshape(grid[0].shape)
    axis.contourf(*grid, regions, levels=np.arange(len(class_names) + 1) - 0.5, cmap="Pastel2")
    contours = axis.contour(
        *grid, probabilities[:, 1].reshape(grid[0].shape), levels=[0.1, 0.3, 0.5, 0.7, 0.9], cmap="BuGn"
    )
    axis.clabel(contours, inline=True, fontsize=8)
    for label, (name, marker) in enumerate(zip(class_names, ["o", "s", "^", "v", "D"], strict=False)):
        axis.plot(*X[y == label].T, marker, label=name, markersize=4, linestyle="none")
    axis.set_xlabel(feature_names[0])
    axis.set_ylabel(feature_names[1])
    axis.legend(loc="upper left")
    _save(figure, path)


def curves(
    path: str | Path,
    table: pd.DataFrame,
    x: str,
    ylabel: str,
    marked: float | None = None,
    ylim: tuple[float, float] | None = None,
) -> None:
    """Every other column of `table` against column `x`, a dotted vertical line at `marked` (a decision
    boundary, say), the y axis cut to `ylim` if given, as a PNG with stable bytes."""
    figure, axis = plt.subplots(figsize=(8, 3))
    for column in table.columns.drop(x):
        axis.plot(table[x], table[column], label=column)
    if marked is not None:
        axis.axvline(marked, color="black", linestyle=":", label=f"{marked:.2f}")
    if ylim is not None:
        axis.set_ylim(*ylim)
    axis.set_xlabel(x)
    axis.set_ylabel(ylabel)
    axis.legend(loc="best")
    axis.grid(alpha=0.3)
    _save(figure, path)


def _save(figure: plt.Figure, path: str | Path) -> None:
    """The figure as a PNG whose bytes depend on its content only."""
    figure.tight_layout()
    with io.atomic_path(path) as tmp:
        figure.savefig(tmp, format="png", dpi=80, metadata={"Software": None})
    plt.close(figure)
