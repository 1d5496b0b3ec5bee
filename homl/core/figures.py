"""PNG figures for DVC's image plots, drawn with matplotlib's non-interactive backend."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from homl.core import io  # noqa: E402


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
    figure.tight_layout()
    with io.atomic_path(path) as tmp:
        figure.savefig(tmp, format="png", dpi=80, metadata={"Software": None})
    plt.close(figure)
