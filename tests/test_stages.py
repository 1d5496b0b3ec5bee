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


def test_augmentation_and_variant_stages(tiny_mnist):
    write_params(
        tiny_mnist,
        knn={"n_neighbors": [1, 3], "weights": ["distance"], "folds": 3, "seed": 0},
        augment={"directions": ["left", "up"], "distance": 1},
        knn_variants={"deskew": [False, True], "blur_sigma": [0.0], "folds": 3, "seed": 0},
    )
    assert run_stage(tiny_mnist, "augment_mnist.py", "mnist.npz", "shifted.npz").returncode == 0
    shifted = io.load_arrays(tiny_mnist / "shifted.npz")
    assert shifted["images"].shape == (3000, 28, 28) and shifted["labels"].shape == (3000,)
    assert run_stage(tiny_mnist, "knn_search.py", "mnist.npz", "grid.csv", "best.json").returncode == 0
    augmented = run_stage(
        tiny_mnist, "knn_augmented.py", "mnist.npz", "shifted.npz", "best.json", "augmented.json"
    )
    assert augmented.returncode == 0, augmented.stderr
    assert io.read_json(tiny_mnist / "augmented.json")["train_images"] == 3000
    search = run_stage(tiny_mnist, "knn_variant_search.py", "mnist.npz", "variants.csv", "variant.json")
    assert search.returncode == 0, search.stderr
    assert len((tiny_mnist / "variants.csv").read_text().splitlines()) == 3
    best = run_stage(tiny_mnist, "knn_best.py", "mnist.npz", "variant.json", "best_test.json")
    assert best.returncode == 0, best.stderr
    metrics = io.read_json(tiny_mnist / "best_test.json")
    assert metrics["train_images"] == 3000 and metrics["accuracy"] > 0.9


def linreg_params(**overrides):
    base = yaml.safe_load((REPO / "params.yaml").read_text())["linreg"]
    base["stochastic_gd"]["n_epochs"] = 50
    base["large"].update(enabled=True, rows=5_000, features=3, batch_size=100)
    for key, value in overrides.items():
        base[key].update(value)
    return base


def test_linreg_stages(tmp_path):
    write_params(tmp_path, linreg=linreg_params())
    assert run_stage(tmp_path, "linreg_data.py", "synthetic.npz", "diabetes.npz").returncode == 0
    fit = run_stage(tmp_path, "linreg_fit.py", "synthetic.npz", "diabetes.npz", "linreg.json", "plots")
    assert fit.returncode == 0, fit.stderr
    metrics = io.read_json(tmp_path / "linreg.json")
    assert metrics["synthetic"]["batch_gd"]["distance_to_closed_form"] < 1e-6
    assert metrics["synthetic"]["minibatch_gd"]["distance_to_closed_form"] < 1e-2
    assert metrics["diabetes"]["pseudo_inverse"]["distance_to_closed_form"] < 1e-6
    assert (tmp_path / "plots" / "path_stochastic_gd.csv").read_text().startswith("theta0,theta1\n")
    large = run_stage(tmp_path, "linreg_large.py", "large.json")
    assert large.returncode == 0, large.stderr
    report = io.read_json(tmp_path / "large.json")
    assert report["rows"] == 5_000 and report["minibatch_gd"]["distance_to_closed_form"] < 0.1


def test_a_diverging_learning_rate_stops_linreg_fit_without_metrics(tmp_path):
    write_params(tmp_path, linreg=linreg_params(batch_gd={"eta": 3.0}))
    assert run_stage(tmp_path, "linreg_data.py", "synthetic.npz", "diabetes.npz").returncode == 0
    fit = run_stage(tmp_path, "linreg_fit.py", "synthetic.npz", "diabetes.npz", "linreg.json", "plots")
    assert fit.returncode == 1
    assert fit.stderr.startswith("error: batch GD diverged at step") and "eta=3.0 is too large" in fit.stderr
    assert not (tmp_path / "linreg.json").exists()
