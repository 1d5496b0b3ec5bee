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
    xlim: tuple[float, float] | None = None,
    point: tuple[float, float, str] | None = None,
) -> None:
    """Every other column of `table` against column `x`, a dotted vertical line at `marked` (a decision
    boundary, say), a labelled `point` (x, y, label: an operating point), the axes cut to `xlim` and
    `ylim` if given, as a PNG with stable bytes."""
    figure, axis = plt.subplots(figsize=(8, 3))
    _lines(axis, table, x)
    if marked is not None:
        axis.axvline(marked, color="black", linestyle=":", label=f"{marked:.2f}")
    if point is not None:
        axis.plot(*point[:2], "o", color="black", label=point[2])
    _finish(axis, x, ylabel, xlim, ylim)
    _save(figure, path)


def paths(
    path: str | Path,
    walks: dict[str, np.ndarray],
    labels: tuple[str, str],
    xlim: tuple[float, float] | None = None,
    ylim: tuple[float, float] | None = None,
) -> None:
    """Each named walk through a plane (rows of two coordinates: a solver's parameters step by step, the
    book's figure 4-11), its points joined, the axes cut to `xlim` and `ylim`, as a PNG with stable bytes."""
    figure, axis = plt.subplots(figsize=(8, 4))
    for (name, walk), marker in zip(walks.items(), ["s", "+", "o", "^", "v"], strict=False):
        axis.plot(*np.asarray(walk)[:, :2].T, marker=marker, markersize=4, linewidth=1, label=name)
    _finish(axis, *labels, xlim, ylim)
    _save(figure, path)


def panels(
    path: str | Path,
    X: np.ndarray,
    y: np.ndarray,
    tables: dict[str, pd.DataFrame],
    x: str,
    ylim: tuple[float, float] | None = None,
    columns: int = 2,
) -> None:
    """The data points on one panel per table, titled by its key, with every other column of the table
    against its column `x` (models' predictions along a grid), as a PNG with stable bytes."""
    rows = -(-len(tables) // columns)
    figure, axes = plt.subplots(rows, columns, figsize=(4.5 * columns, 3.2 * rows), squeeze=False)
    for axis, (title, table) in zip(axes.flat, tables.items(), strict=False):
        axis.plot(np.ravel(X), y, ".", color="tab:blue", label="data")
        _lines(axis, table, x)
        axis.set_title(title, fontsize=10)
        _finish(axis, x, "y", None, ylim)
    _save(figure, path)


def bars(path: str | Path, values: pd.Series, xlabel: str) -> None:
    """One horizontal bar per entry of `values` (labelled by its index), largest on top, as a PNG with
    stable bytes."""
    ordered = values.sort_values()
    figure, axis = plt.subplots(figsize=(8, 0.35 * len(ordered) + 1))
    axis.barh([str(label) for label in ordered.index], ordered.to_numpy(), color="tab:blue")
    axis.axvline(0, color="black", linewidth=0.8)
    axis.set_xlabel(xlabel)
    axis.grid(alpha=0.3, axis="x")
    _save(figure, path)


def _lines(axis: plt.Axes, table: pd.DataFrame, x: str) -> None:
    for column in table.columns.drop(x):
        axis.plot(table[x], table[column], label=column)


def _finish(
    axis: plt.Axes,
    xlabel: str,
    ylabel: str,
    xlim: tuple[float, float] | None,
    ylim: tuple[float, float] | None,
) -> None:
    if xlim is not None:
        axis.set_xlim(*xlim)
    if ylim is not None:
        axis.set_ylim(*ylim)
    axis.set_xlabel(xlabel)
    axis.set_ylabel(ylabel)
    axis.legend(loc="best")
    axis.grid(alpha=0.3)


def _save(figure: plt.Figure, path: str | Path) -> None:
    """The figure as a PNG whose bytes depend on its content only."""
    figure.tight_layout()
    with io.atomic_path(path) as tmp:
        figure.savefig(tmp, format="png", dpi=80, metadata={"Software": None})
    plt.close(figure)
