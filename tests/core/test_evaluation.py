import numpy as np
import pytest

from homl.core import evaluation, figures


def test_classification_metrics():
    truth = np.array([0, 0, 1, 1, 2, 2])
    predicted = np.array([0, 1, 1, 1, 2, 0])
    metrics = evaluation.classification_metrics(truth, predicted)
    assert metrics["accuracy"] == pytest.approx(4 / 6)
    assert metrics["class_accuracy"] == {"0": 0.5, "1": 1.0, "2": 0.5}
    assert metrics["macro_recall"] == pytest.approx(2 / 3)


def test_most_confident_errors_come_surest_first():
    truth = np.array([0, 1, 1, 0])
    proba = np.array([[0.9, 0.1], [0.6, 0.4], [0.95, 0.05], [0.2, 0.8]])
    assert evaluation.most_confident_errors(truth, proba, np.array([0, 1]), 5).tolist() == [2, 3, 1]


def test_digit_grid_writes_a_stable_png(tmp_path):
    images = np.random.default_rng(0).integers(0, 256, (5, 28, 28), dtype=np.uint8)
    figures.digit_grid(tmp_path / "a.png", images, list("abcde"), columns=3)
    figures.digit_grid(tmp_path / "b.png", images, list("abcde"), columns=3)
    assert (tmp_path / "a.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "a.png").read_bytes() == (tmp_path / "b.png").read_bytes()
