"""Digits written and photographed worse, and the reader that brings them back to MNIST's format."""

import numpy as np
import pandas as pd
import pytest
from tiny_data import digits_as_mnist

from homl.core import errors
from homl.digits import reading
from homl.digits.reading import DigitReader, photograph, stroke_width


@pytest.fixture(scope="module")
def digits():
    """Small digits in MNIST's format: scaled to fit 20x20, centred by mass."""
    images, labels = digits_as_mnist()
    return np.stack([DigitReader().read(image) for image in images[:40]]), labels[:40]


def ink_width(photo: np.ndarray) -> float:
    return stroke_width((255 - photo.astype(float)) / 255)


def test_a_bars_stroke_width_is_its_ink_over_half_its_perimeter():
    bars = np.zeros((4, 28, 28))
    for width in range(1, 5):
        bars[width - 1, 4:24, 10 : 10 + width] = 1.0
    lengths, widths = 20, np.arange(1, 5)
    expected = 2 * widths * lengths / (2 * lengths + 2 * widths)  # ink over half the perimeter
    np.testing.assert_allclose(reading.stroke_widths(bars), expected)
    assert [stroke_width(bar) for bar in bars] == list(reading.stroke_widths(bars))


class InkParity:
    """A stand-in model: a read digit's class is the parity of its ink's total."""

    def predict(self, images: np.ndarray) -> np.ndarray:
        return images.reshape(len(images), -1).astype(int).sum(axis=1) % 2


def test_each_readers_accuracies_are_those_of_its_own_readings(digits):
    images, _ = digits
    labels = np.arange(len(images)) % 2
    readers = {"plain": DigitReader(), "sharp": DigitReader(tone_low=0.25, tone_high=0.5)}
    photos = reading.photographs(images, [("none", 0.0), ("blur", 1.0), ("thicker", 2.0)])
    table = reading.accuracies(readers, {"parity": InkParity()}, photos, labels)
    for name, reader in readers.items():
        for (kind, _), shots in photos.items():
            read = np.stack([reader.read(photo) for photo in shots])
            expected = np.mean(InkParity().predict(read) == labels)
            row = (table["reader"] == name) & (table["kind"] == kind)
            assert table.loc[row, "accuracy"].item() == expected


def test_each_degradation_changes_what_it_says(digits):
    images, _ = digits
    digit = images[0]
    plain = photograph(digit, "none", 0)
    assert plain.shape == (28 * reading.PHOTO_SCALE,) * 2 and plain.dtype == np.uint8
    assert plain.max() == 255 and plain.min() < 30  # dark ink on white paper
    pencil = photograph(digit, "contrast", 0.25)
    assert pencil.max() == reading.GREY_PAPER and pencil.min() >= reading.GREY_PAPER * 0.75 - 1
    widths = [ink_width(photograph(digit, kind, 1.0)) for kind in ("thinner", "none", "thicker")]
    assert widths[0] < widths[1] < widths[2]
    assert widths[2] - widths[1] == pytest.approx(reading.PHOTO_SCALE, rel=0.5)  # one MNIST pixel wider
    blurred = photograph(digit, "blur", 2.0)
    assert blurred.min() > plain.min()  # the ink spread and fainter
    with pytest.raises(ValueError, match="unknown degradation"):
        photograph(digit, "smudge", 1.0)


def test_the_reader_undoes_grey_paper_and_faint_pencil(digits):
    images, _ = digits
    for digit in images[:10]:
        on_white = DigitReader().read(photograph(digit, "none", 0))
        for darkness in (0.5, 0.1):
            in_pencil = DigitReader().read(photograph(digit, "contrast", darkness))
            assert np.abs(in_pencil.astype(int) - on_white).mean() < 6  # of 255; pencil has fewer grey levels
        assert on_white.max() > 0.9 * 255  # the darkest ink stretched to full


def test_the_tone_maps_ink_levels_and_clips():
    image = np.zeros((28, 28))
    image[8:20, 12:16] = np.linspace(0, 255, 12)[:, None]  # ink from none to full, row by row
    plain, sharp = DigitReader().read(image), DigitReader(0.25, 0.5).read(image)
    assert (sharp >= plain).sum() > (sharp < plain).sum()  # mid levels pushed up
    assert np.count_nonzero(sharp == 255) > np.count_nonzero(plain == 255)


def test_strokes_outside_the_range_are_brought_into_it_and_others_left_alone(digits):
    images, _ = digits
    widths = np.array([stroke_width(d / 255) for d in images])
    low, high = np.quantile(widths, [0.25, 0.75])
    ranged = DigitReader(stroke_low=low, stroke_high=high)

    def mean_width(reader: DigitReader, kind: str, strength: float) -> float:
        return np.mean([stroke_width(reader.read(photograph(d, kind, strength)) / 255) for d in images[:10]])

    assert high < mean_width(ranged, "thicker", 3.0) < mean_width(DigitReader(), "thicker", 3.0) - 0.2
    assert mean_width(ranged, "thinner", 1.0) > mean_width(DigitReader(), "thinner", 1.0)
    photo = photograph(images[0], "none", 0)  # strokes 2 to 4 pixels wide: inside a wide range
    np.testing.assert_array_equal(
        DigitReader(stroke_low=1.0, stroke_high=8.0).read(photo), DigitReader().read(photo)
    )


def test_the_reader_with_the_best_mean_is_chosen_ties_to_the_first():
    readers = {"a": DigitReader(), "b": DigitReader(0.25, 0.5), "c": DigitReader(0.1, 0.6)}
    table = pd.DataFrame(
        {"reader": ["a", "a", "b", "b", "c", "c"], "accuracy": [0.9, 0.5, 0.8, 0.7, 0.75, 0.75]}
    )
    choice = reading.reader_choice(table, readers)
    assert choice["reader"] == "b" and choice["validation_accuracy"] == pytest.approx(0.75)
    assert (choice["tone_low"], choice["tone_high"]) == (0.25, 0.5)


def test_candidate_readers_take_their_stroke_range_from_the_training_widths(digits):
    images, _ = digits
    params = reading.ReadingParams(10, ((0.0, 1.0), (0.25, 0.5)), ((0.0, 1.0), (0.1, 0.9)))
    readers = reading.candidate_readers(params, images)
    assert len(readers) == 4
    widths = [stroke_width(d / 255) for d in images]
    ranged = readers["tone 0.25-0.5, strokes 0.1-0.9"]
    assert (ranged.stroke_low, ranged.stroke_high) == pytest.approx(tuple(np.quantile(widths, [0.1, 0.9])))
    assert readers["tone 0-1, strokes 0-1"] == DigitReader()
    with pytest.raises(errors.ParamsError, match="must rise"):
        reading.ReadingParams(10, ((0.5, 0.25),), ((0.0, 1.0),))
