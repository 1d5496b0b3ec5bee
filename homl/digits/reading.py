"""Digits that are not MNIST's: printed in fonts (`font_digits`), written and photographed worse
(`photograph`), and the reading that brings any such image to MNIST's format (`DigitReader`)."""

from __future__ import annotations

import itertools
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import numpy as np
from scipy import ndimage

from homl.core.errors import ParamsError
from homl.core.params import Range

if TYPE_CHECKING:  # pandas loads only for the experiment's tables, not for reading a photo (start-up time)
    import pandas as pd

PHOTO_SCALE = 4  # a photo's pixels per MNIST pixel: fine enough for strokes half a pixel wider or thinner
PAPER = 255.0  # white paper's grey level
GREY_PAPER = 190.0  # the grey paper a pencil writes on (`contrast`)
INK_THRESHOLD = 0.1  # of the darkest ink: lighter is paper when the digit's box is cut out
MNIST_BOX = 20  # MNIST scaled each digit's box to fit 20x20 pixels, then centred it by mass in 28x28
MNIST_SIZE = 28
FINE_BOX = (
    80  # a box is eroded or dilated at this many pixels a side at least: room for a fraction of a pixel
)
RENDER_PIXELS = 96  # a printed digit's image, before it is read


@dataclass(frozen=True)
class DegradationParams:
    """params.yaml's `digit_degradations`: each way a pen or a camera changes a digit, at a few strengths."""

    digits: Annotated[int, Range(10, None)]  # test digits degraded (the same ones for every degradation)
    contrast: tuple[Annotated[float, Range(0.01, 1)], ...]  # pencil darkness, a share of the grey paper's
    blur: tuple[Annotated[float, Range(0.1, 5)], ...]  # a photo's Gaussian blur, sigma in MNIST pixels
    thicker: tuple[Annotated[float, Range(0.1, 5)], ...]  # a marker: strokes this many MNIST pixels wider
    thinner: tuple[Annotated[float, Range(0.1, 2)], ...]  # a fine pen: strokes this many MNIST pixels thinner

    @property
    def degradations(self) -> list[tuple[str, float]]:
        """Every (kind, strength), the untouched digit ("none", 0) first."""
        kinds = ("contrast", "blur", "thicker", "thinner")
        return [("none", 0.0)] + [(kind, float(s)) for kind in kinds for s in getattr(self, kind)]


@dataclass(frozen=True)
class ReadingParams:
    """params.yaml's `digit_reading`: the readings compared on degraded training digits held out."""

    validation_digits: Annotated[int, Range(10, None)]
    tone: tuple[tuple[Annotated[float, Range(0, 1)], Annotated[float, Range(0, 1)]], ...]
    stroke_quantiles: tuple[tuple[Annotated[float, Range(0, 1)], Annotated[float, Range(0, 1)]], ...]

    def __post_init__(self):
        for name in ("tone", "stroke_quantiles"):
            for low, high in getattr(self, name):
                if not low < high:
                    raise ParamsError(f"digit_reading.{name}: [{low}, {high}] must rise")


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


def font_digits(params: FontParams, reader: DigitReader) -> pd.DataFrame:
    """Every digit in every font and rotation, `read` in MNIST's format as `homl predict-digit` reads an
    image: columns font, rotation, digit, image (28x28 uint8)."""
    import pandas as pd

    rows = [
        {
            "font": name,
            "rotation": rotation,
            "digit": digit,
            "image": reader.read(render_digit(digit, font_path(name), rotation)),
        }
        for name in params.fonts
        for rotation in params.rotations
        for digit in range(10)
    ]
    return pd.DataFrame(rows)


def photograph(digit: np.ndarray, kind: str, strength: float) -> np.ndarray:
    """An MNIST digit (light ink on black) written dark on paper and photographed, `PHOTO_SCALE` times
    larger, after one degradation: `contrast` (pencil of this darkness on grey paper), `blur` (sigma in
    MNIST pixels), `thicker` or `thinner` (strokes this many MNIST pixels wider or narrower), or `none`."""
    ink = np.clip(ndimage.zoom(np.asarray(digit, dtype=np.float64) / 255, PHOTO_SCALE, order=1), 0, 1)
    paper, darkness = PAPER, 1.0
    if kind == "contrast":
        paper, darkness = GREY_PAPER, strength
    elif kind == "blur":
        ink = ndimage.gaussian_filter(ink, strength * PHOTO_SCALE)
    elif kind in ("thicker", "thinner"):
        morphology = ndimage.grey_dilation if kind == "thicker" else ndimage.grey_erosion
        ink = morphology(ink, footprint=_disk(strength * PHOTO_SCALE / 2))
    elif kind != "none":
        raise ValueError(f"unknown degradation {kind!r}")
    return np.clip(np.rint(paper - darkness * paper * ink), 0, 255).astype(np.uint8)


def stroke_width(ink: np.ndarray) -> float:
    """A digit's mean stroke width in pixels: twice its ink (0 to 1 a pixel) over the perimeter of the
    pixels more than half inked. A stroke w wide and l long has ink w l and perimeter about 2 l."""
    return float(stroke_widths(np.asarray(ink)[None])[0])


def stroke_widths(inks: np.ndarray) -> np.ndarray:
    """The `stroke_width` of each digit of a (n, height, width) stack."""
    inked = np.pad(inks > 0.5, ((0, 0), (1, 1), (1, 1)))
    perimeter = np.count_nonzero(inked[:, 1:] != inked[:, :-1], axis=(1, 2))
    perimeter += np.count_nonzero(inked[:, :, 1:] != inked[:, :, :-1], axis=(1, 2))
    return 2 * np.sum(inks, axis=(1, 2)) / np.maximum(perimeter, 1)


@dataclass(frozen=True)
class DigitReader:
    """Any grayscale image of one digit in MNIST's format, as MNIST made its digits: light ink on black,
    the ink's box scaled to fit 20x20 (aspect kept), centred by mass in 28x28.

    Before that, what the pen and the camera change is undone: the paper's grey level is taken away and
    the darkest ink stretched to full; ink levels are mapped from [`tone_low`, `tone_high`] to [0, 1]
    (clipped: a blurred edge gets sharp); a stroke wider than `stroke_high` or thinner than `stroke_low`
    (pixels at MNIST's scale) is eroded or dilated to that width. The defaults change neither."""

    tone_low: float = 0.0
    tone_high: float = 1.0
    stroke_low: float = 0.0
    stroke_high: float = float(MNIST_BOX)  # no stroke is wider than the box

    def read(self, image: np.ndarray) -> np.ndarray:
        """The image in MNIST's format: (28, 28) uint8."""
        ink = self._ink(np.asarray(image, dtype=np.float64))
        inked = ink > INK_THRESHOLD * ink.max() if ink.max() > 0 else np.zeros(ink.shape, dtype=bool)
        if not inked.any():
            return np.zeros((MNIST_SIZE, MNIST_SIZE), dtype=np.uint8)
        rows, columns = np.flatnonzero(inked.any(axis=1)), np.flatnonzero(inked.any(axis=0))
        box = self._stroke_normalized(ink[rows[0] : rows[-1] + 1, columns[0] : columns[-1] + 1])
        return _centred(_scaled_to_box(box))

    def _ink(self, gray: np.ndarray) -> np.ndarray:
        border = np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]])
        if np.median(border) > (gray.min() + gray.max()) / 2:  # dark ink on light paper
            gray, border = 255 - gray, 255 - border
        ink = np.clip(gray - np.median(border), 0, None)
        if ink.max() <= 0:
            return ink
        return np.clip((ink / ink.max() - self.tone_low) / (self.tone_high - self.tone_low), 0, 1)

    def _stroke_normalized(self, box: np.ndarray) -> np.ndarray:
        scale = MNIST_BOX / max(box.shape)
        width = stroke_width(box) * scale
        target = min(max(width, self.stroke_low), self.stroke_high)
        if target == width:
            return box
        finer = max(1.0, FINE_BOX / max(box.shape))
        if finer > 1:
            box = np.clip(ndimage.zoom(box, finer, order=1), 0, 1)
        morphology = ndimage.grey_erosion if width > target else ndimage.grey_dilation
        return morphology(box, footprint=_disk(abs(width - target) / scale * finer / 2))


def photographs(digits: np.ndarray, degradations: list[tuple[str, float]]) -> dict[tuple[str, float], list]:
    """Every digit `photograph`ed under each degradation (the degradations shared among the workers)."""
    from joblib import Parallel, delayed

    taken = Parallel(n_jobs=-1)(
        delayed(_photographed)(digits, kind, strength) for kind, strength in degradations
    )
    return dict(zip(degradations, taken, strict=True))


def _photographed(digits: np.ndarray, kind: str, strength: float) -> list[np.ndarray]:
    return [photograph(digit, kind, strength) for digit in digits]


def accuracies(readers: dict[str, DigitReader], models: dict[str, Any], photos: dict, labels: np.ndarray):
    """Each model's accuracy on the photos of each degradation read by each reader: columns reader,
    degradation, kind, strength, model, accuracy. A model answers every degradation's photos in one call."""
    import pandas as pd
    from joblib import Parallel, delayed

    taken = np.stack([photo for shots in photos.values() for photo in shots])
    bounds = np.linspace(0, len(taken), 2 * (os.cpu_count() or 1) + 1).astype(int)
    pieces = list(itertools.pairwise(bounds))
    # every reader's pieces in one pool: no worker waits for one reader's last piece
    read = Parallel(n_jobs=-1)(
        delayed(_read_each)(reader, taken[start:stop])
        for reader in readers.values()
        for start, stop in pieces
    )
    rows = []
    for number, reader_name in enumerate(readers):
        read_by_it = np.concatenate(read[number * len(pieces) : (number + 1) * len(pieces)])
        for model_name, model in models.items():
            correct = (model.predict(read_by_it) == np.tile(labels, len(photos))).reshape(len(photos), -1)
            rows += [
                {
                    "reader": reader_name,
                    "degradation": f"{kind} {strength:g}" if kind != "none" else kind,
                    "kind": kind,
                    "strength": strength,
                    "model": model_name,
                    "accuracy": float(right.mean()),
                }
                for (kind, strength), right in zip(photos, correct, strict=True)
            ]
    return pd.DataFrame(rows)


def _read_each(reader: DigitReader, images: np.ndarray) -> np.ndarray:
    return np.array([reader.read(image) for image in images]).reshape(-1, MNIST_SIZE, MNIST_SIZE)


def candidate_readers(params: ReadingParams, training_digits: np.ndarray) -> dict[str, DigitReader]:
    """Every reader of the `params` grid, its stroke range the quantiles of the training digits' widths."""
    widths = stroke_widths(training_digits / 255)
    readers = {}
    for tone in params.tone:
        for quantiles in params.stroke_quantiles:
            low, high = np.quantile(widths, quantiles) if quantiles != (0.0, 1.0) else (0.0, float(MNIST_BOX))
            name = f"tone {tone[0]:g}-{tone[1]:g}, strokes {quantiles[0]:g}-{quantiles[1]:g}"
            readers[name] = DigitReader(*map(float, tone), float(low), float(high))
    return readers


def reader_choice(table: pd.DataFrame, readers: dict[str, DigitReader]) -> dict:
    """The reader whose mean accuracy over the degradations is highest (ties: the first listed)."""
    means = table.groupby("reader", sort=False)["accuracy"].mean()
    name = means.index[int(np.argmax(means.to_numpy()))]
    return {"reader": name, **asdict(readers[name]), "validation_accuracy": float(means[name])}


def _scaled_to_box(box: np.ndarray) -> np.ndarray:
    from PIL import Image

    scale = MNIST_BOX / max(box.shape)
    size = (max(1, round(box.shape[1] * scale)), max(1, round(box.shape[0] * scale)))
    pixels = Image.fromarray(np.rint(box * 255).astype(np.uint8))
    return np.asarray(pixels.resize(size, Image.LANCZOS), dtype=np.float64)


def _centred(digit: np.ndarray) -> np.ndarray:
    canvas = np.zeros((MNIST_SIZE, MNIST_SIZE))
    top, left = (MNIST_SIZE - digit.shape[0]) // 2, (MNIST_SIZE - digit.shape[1]) // 2
    canvas[top : top + digit.shape[0], left : left + digit.shape[1]] = digit
    centre = (MNIST_SIZE - 1) / 2
    mass_y, mass_x = ndimage.center_of_mass(canvas)
    centred = ndimage.shift(canvas, (centre - mass_y, centre - mass_x), order=1, cval=0)
    return np.clip(np.rint(centred), 0, 255).astype(np.uint8)


def _disk(radius: float) -> np.ndarray:
    reach = int(np.ceil(radius))
    offsets = np.arange(-reach, reach + 1)
    return offsets[:, None] ** 2 + offsets[None] ** 2 <= radius**2
