"""The stage scripts end to end, on tiny data, in a scratch directory with its own params.yaml."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml
from sklearn.datasets import load_digits

from homl import io

REPO = Path(__file__).resolve().parent.parent


def run_stage(cwd: Path, script: str, *paths: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(REPO / "stages" / script), *paths], cwd=cwd, capture_output=True, text=True
    )


@pytest.fixture
def tiny_mnist(tmp_path):
    """Scikit-learn's 8x8 digits, padded to 28x28, as a small MNIST."""
    images, labels = load_digits(return_X_y=True)
    images = np.pad((images * 15).reshape(-1, 8, 8), ((0, 0), (10, 10), (10, 10))).astype(np.uint8)
    io.save_arrays(
        tmp_path / "mnist.npz",
        train_images=images[:1000],
        train_labels=labels[:1000].astype(np.uint8),
        test_images=images[1000:1300],
        test_labels=labels[1000:1300].astype(np.uint8),
    )
    return tmp_path


def write_params(directory: Path, **sections) -> None:
    base = yaml.safe_load((REPO / "params.yaml").read_text())
    (directory / "params.yaml").write_text(yaml.safe_dump({**base, **sections}))


def test_knn_search_then_evaluate(tiny_mnist):
    write_params(
        tiny_mnist, knn={"n_neighbors": [1, 3, 5], "weights": ["uniform", "distance"], "folds": 3, "seed": 0}
    )
    search = run_stage(tiny_mnist, "knn_search.py", "mnist.npz", "grid.csv", "best.json")
    assert search.returncode == 0, search.stderr
    grid = (tiny_mnist / "grid.csv").read_text().splitlines()
    assert grid[0] == "n_neighbors,distance_mean,uniform_mean,distance_std,uniform_std" and len(grid) == 4
    evaluate = run_stage(
        tiny_mnist,
        "knn_evaluate.py",
        "mnist.npz",
        "best.json",
        "knn.npz",
        "test.json",
        "confusion.csv",
        "errors.png",
    )
    assert evaluate.returncode == 0, evaluate.stderr
    metrics = io.read_json(tiny_mnist / "test.json")
    assert metrics["accuracy"] > 0.9
    assert set(metrics["class_accuracy"]) == {str(d) for d in range(10)}
    assert len((tiny_mnist / "confusion.csv").read_text().splitlines()) == 301


def test_a_bad_parameter_stops_the_stage_with_one_line(tiny_mnist):
    write_params(tiny_mnist, knn={"n_neighbors": [0, 3], "weights": ["uniform"], "folds": 3, "seed": 0})
    result = run_stage(tiny_mnist, "knn_search.py", "mnist.npz", "grid.csv", "best.json")
    assert result.returncode == 1
    assert result.stderr.strip() == "error: knn.n_neighbors[0]: 0 is out of range; allowed: [1, inf]"
    assert not (tiny_mnist / "grid.csv").exists()
