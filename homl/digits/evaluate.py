"""Digit models in use: their report on the MNIST test set, and digits that are not MNIST's, printed in
the fonts matplotlib ships and read the way `homl predict-digit` reads an image."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import pandas as pd

from homl.core import evaluation, io
from homl.core.params import Range
from homl.digits.images import to_mnist_format

N_SHOWN_ERRORS = 24
RENDER_PIXELS = 96


@dataclass(frozen=True)
class FontParams:
    """params.yaml's `font_digits`: every digit in every font file, at every rotation."""

    fonts: tuple[str, ...]  # file names in matplotlib's mpl-data/fonts/ttf
    rotations: tuple[Annotated[float, Range(-45, 45)], ...]  # degrees, counter-clockwise


def font_path(name: str) -> Path:
    """A font file that matplotlib ships."""
    import matplotlib

    path = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / name
    if not path.is_file():
        raise FileNotFoundError(f"matplotlib ships no font {name!r} (looked in {path.parent})")
    return path


def render_digit(digit: int, font: Path, rotation: float) -> np.ndarray:
    """A digit printed black on white in `font`, turned by `rotation` degrees: (96, 96) uint8 grayscale."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

    figure = Figure(figsize=(1, 1), dpi=RENDER_PIXELS, facecolor="white")
    figure.text(
        0.5,
        0.5,
        str(digit),
        fontproperties=FontProperties(fname=font, size=48),
        rotation=rotation,
        ha="center",
        va="center",
        color="black",
    )
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[..., :3].mean(axis=2).astype(np.uint8)


def font_digits(params: FontParams) -> pd.DataFrame:
    """Every digit in every font and rotation, in MNIST's format as `homl predict-digit` makes it:
    columns font, rotation, digit, image (28x28 uint8)."""
    rows = [
        {
            "font": name,
            "rotation": rotation,
            "digit": digit,
            "image": to_mnist_format(render_digit(digit, font_path(name), rotation)),
        }
        for name in params.fonts
        for rotation in params.rotations
        for digit in range(10)
    ]
    return pd.DataFrame(rows)


def verbose(model: Any, level: int = 1) -> Any:
    """The model, with progress bars on (or off, `level` 0) where it has `verbose`: homl's digit models, not
    necessarily a stock scikit-learn one."""
    return model.set_params(verbose=level) if "verbose" in model.get_params(deep=False) else model


def classify(model: Any, images: np.ndarray) -> np.ndarray:
    """The class probabilities of the test images (the seconds taken are printed: a measurement of the
    machine, never a metric)."""
    started = time.perf_counter()
    proba = verbose(model).predict_proba(images)
    verbose(model, 0)  # the saved model answers quietly
    print(f"classified {len(proba)} test images in {time.perf_counter() - started:.1f} s")
    return proba


def report(model: Any, images: np.ndarray, labels: np.ndarray, paths: Any, context: dict) -> None:
    """Classify the test images once; save the model, its metrics (with `context`),
    the confusion table and a figure of the most confident mistakes (`paths`: model, metrics, confusion,
    errors_png)."""
    from homl.core import figures  # matplotlib: imported only by the stages that draw

    proba = classify(model, images)
    predicted = model.classes_[proba.argmax(axis=1)]
    io.save_model(paths.model, model)
    scores = evaluation.classification_metrics(labels, predicted)
    io.write_json(paths.metrics, {**context, **scores})
    io.write_csv(paths.confusion, evaluation.confusion_table(labels, predicted))
    shown = evaluation.most_confident_errors(labels, proba, model.classes_, N_SHOWN_ERRORS)
    captions = [f"true {labels[i]}, said {predicted[i]}" for i in shown]
    figures.digit_grid(paths.errors_png, images[shown], captions)
