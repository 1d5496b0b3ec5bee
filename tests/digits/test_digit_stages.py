"""The digit stages end to end on tiny data: KNN, shifts and variants, the IDM, fonts, noisy digits."""

import dataclasses

import numpy as np
import pandas as pd
import pytest
from stage_runner import repo_params, run_stage, write_params
from tiny_data import save_digit_reader, save_tiny_mnist

from homl.core import io
from homl.digits.knn import KNNClassifier
from homl.digits.reading import DigitReader


@pytest.fixture
def tiny_mnist(tmp_path):
    """Scikit-learn's 8x8 digits, padded to 28x28, as a small MNIST."""
    save_tiny_mnist(tmp_path / "mnist.npz", 1000, 300)
    return tmp_path


def test_knn_search_then_evaluate(tiny_mnist):
    write_params(
        tiny_mnist, knn={"n_neighbors": [1, 3, 5], "weights": ["uniform", "distance"], "folds": 3}, seed=0
    )
    search = run_stage(tiny_mnist, "knn_search.py", "mnist.npz", "grid.csv", "choice.json", "best.json")
    assert search.returncode == 0, search.stderr
    grid = (tiny_mnist / "grid.csv").read_text().splitlines()
    assert grid[0] == "n_neighbors,distance_mean,uniform_mean,distance_std,uniform_std" and len(grid) == 4
    evaluate = run_stage(
        tiny_mnist,
        "digit_evaluate.py",
        "knn",
        "mnist.npz",
        "choice.json",
        "knn.joblib",
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
    write_params(tiny_mnist, knn={"n_neighbors": [0, 3], "weights": ["uniform"], "folds": 3}, seed=0)
    result = run_stage(tiny_mnist, "knn_search.py", "mnist.npz", "grid.csv", "choice.json", "best.json")
    assert result.returncode == 1
    assert result.stderr.strip() == "error: knn.n_neighbors[0]: 0 is out of range; allowed: [1, inf]"
    assert not (tiny_mnist / "grid.csv").exists()


def test_augmentation_and_variant_stages(tiny_mnist):
    write_params(
        tiny_mnist,
        knn={"n_neighbors": [1, 3], "weights": ["distance"], "folds": 3},
        seed=0,
        augment={"directions": ["left", "up"], "distance": 1},
        knn_variants={"deskew": [False, True], "blur_sigma": [0.0], "folds": 3},
    )
    assert run_stage(tiny_mnist, "augment_mnist.py", "mnist.npz", "shifted.npz").returncode == 0
    shifted = io.load_arrays(tiny_mnist / "shifted.npz")
    assert shifted["images"].shape == (3000, 28, 28) and shifted["labels"].shape == (3000,)
    assert (
        run_stage(tiny_mnist, "knn_search.py", "mnist.npz", "grid.csv", "choice.json", "best.json").returncode
        == 0
    )
    augmented = run_stage(
        tiny_mnist, "knn_augmented.py", "mnist.npz", "shifted.npz", "choice.json", "augmented.json"
    )
    assert augmented.returncode == 0, augmented.stderr
    assert io.read_json(tiny_mnist / "augmented.json")["train_images"] == 3000
    for deskew in ("false", "true"):
        search = run_stage(
            tiny_mnist, "knn_variant_search.py", deskew, "mnist.npz", f"variants/{deskew}.parquet"
        )
        assert search.returncode == 0, search.stderr
    io.write_table(
        tiny_mnist / "variants" / "stale.parquet",
        io.read_table(tiny_mnist / "variants" / "true.parquet").assign(deskew=None),
    )
    choice = run_stage(
        tiny_mnist, "knn_variant_choice.py", "variants", "variants.csv", "variant_choice.json", "variant.json"
    )
    assert choice.returncode == 0, choice.stderr
    assert len((tiny_mnist / "variants.csv").read_text().splitlines()) == 3  # the stale table is not read
    assert run_stage(tiny_mnist, "knn_variant_search.py", "maybe", "mnist.npz", "x.parquet").returncode == 1
    best = run_stage(tiny_mnist, "knn_best.py", "mnist.npz", "variant_choice.json", "best_test.json")
    assert best.returncode == 0, best.stderr
    metrics = io.read_json(tiny_mnist / "best_test.json")
    assert metrics["train_images"] == 3000 and metrics["accuracy"] > 0.9


def test_the_idm_settings_are_chosen_without_the_test_digits(tiny_mnist):
    """idm_search reads a file holding no test digits at all, then the model is evaluated once."""
    data = io.load_arrays(tiny_mnist / "mnist.npz")
    io.save_arrays(tiny_mnist / "train_only.npz", **{k: v for k, v in data.items() if k.startswith("train")})
    io.write_choice(tiny_mnist / "variant.json", {"hyperparameters": {"deskew": True, "blur_sigma": 0.5}})
    grid = {"features": ["pixels"], "window": [1], "context": [0, 1], "n_candidates": [5, 10]}
    grid.update(n_neighbors=[1, 3], weights=["uniform"], validation_size=200)
    write_params(tiny_mnist, seed=0, idm=grid)
    search = run_stage(
        tiny_mnist, "idm_search.py", "train_only.npz", "variant.json", "idm.csv", "choice.json", "search.json"
    )
    assert search.returncode == 0, search.stderr
    choice = io.read_json(tiny_mnist / "choice.json")
    assert choice["hyperparameters"]["deskew"] is True and 0.9 < choice["validation_accuracy"] <= 1
    assert len((tiny_mnist / "idm.csv").read_text().splitlines()) == 1 + 2  # one row per distance setting
    evaluate = ["idm", "mnist.npz", "choice.json", "idm.joblib", "test.json", "confusion.csv", "errors.png"]
    result = run_stage(tiny_mnist, "digit_evaluate.py", *evaluate)
    assert result.returncode == 0, result.stderr
    metrics = io.read_json(tiny_mnist / "test.json")
    assert metrics["accuracy"] > 0.9 and len(metrics["class_accuracy"]) == 10


def test_font_digits_are_read_by_every_model(tiny_mnist):
    write_params(tiny_mnist, font_digits={"fonts": ["DejaVuSans.ttf", "cmr10.ttf"], "rotations": [0, 10]})
    data = io.load_arrays(tiny_mnist / "mnist.npz")
    io.save_model(tiny_mnist / "knn.joblib", KNNClassifier(1).fit(data["train_images"], data["train_labels"]))
    save_digit_reader(tiny_mnist / "reader.joblib")
    outputs = ["reader.joblib", "fonts.npz", "fonts.json", "fonts.csv", "mistakes.png", "knn.joblib"]
    result = run_stage(tiny_mnist, "font_digits.py", *outputs)
    assert result.returncode == 0, result.stderr
    metrics = io.read_json(tiny_mnist / "fonts.json")
    assert metrics["digits"] == 40 and 0 <= metrics["accuracy"]["knn"] <= 1
    assert set(metrics["accuracy_by_rotation"]["knn"]) == {"0.0", "10.0"}
    printed = io.load_arrays(tiny_mnist / "fonts.npz")
    assert printed["images"].shape == (40, 28, 28) and printed["labels"].tolist()[:10] == list(range(10))


SMALL_DEGRADATIONS = {"digits": 60, "contrast": [0.25], "blur": [1.0], "thicker": [2.0], "thinner": [0.5]}


def test_the_reader_is_chosen_without_the_test_digits_then_every_model_reads_degraded_test_digits(tiny_mnist):
    data = io.load_arrays(tiny_mnist / "mnist.npz")
    io.save_arrays(tiny_mnist / "train_only.npz", **{k: v for k, v in data.items() if k.startswith("train")})
    io.write_choice(
        tiny_mnist / "knn_choice.json", {"hyperparameters": {"n_neighbors": 1, "weights": "uniform"}}
    )
    readers = {
        "validation_digits": 100,
        "tone": [[0.0, 1.0], [0.25, 0.5]],
        "stroke_quantiles": [[0.0, 1.0], [0.2, 0.8]],
    }
    write_params(tiny_mnist, seed=0, digit_degradations=SMALL_DEGRADATIONS, digit_reading=readers)
    outputs = ["reader.joblib", "reading.json", "reading.csv"]
    result = run_stage(tiny_mnist, "digit_reading.py", "train_only.npz", "knn_choice.json", *outputs)
    assert result.returncode == 0, result.stderr
    choice, table = io.read_json(tiny_mnist / "reading.json"), pd.read_csv(tiny_mnist / "reading.csv")
    assert len(table) == 4 * 5 and set(table["reader"]) >= {choice["reader"]}
    means = table.groupby("reader")["accuracy"].mean()
    assert choice["validation_accuracy"] == pytest.approx(means.max())
    saved = dataclasses.asdict(io.load_model(tiny_mnist / "reader.joblib"))
    assert saved == pytest.approx({name: choice[name] for name in saved})

    in_mnist_format = np.stack([DigitReader().read(digit) for digit in data["train_images"]])  # 20x20 boxes
    io.save_model(tiny_mnist / "knn.joblib", KNNClassifier(1).fit(in_mnist_format, data["train_labels"]))
    outputs = ["reader.joblib", "degraded.json", "degraded.csv", "degraded.png", "knn.joblib"]
    result = run_stage(tiny_mnist, "digit_degradations.py", "mnist.npz", *outputs)
    assert result.returncode == 0, result.stderr
    metrics = io.read_json(tiny_mnist / "degraded.json")
    assert metrics["digits"] == 60 and set(metrics["accuracy"]) == {"knn"}
    assert list(metrics["accuracy"]["knn"]) == sorted(
        ["none", "contrast 0.25", "blur 1", "thicker 2", "thinner 0.5"]
    )
    assert metrics["accuracy"]["knn"]["none"] > 0.8
    assert (tiny_mnist / "degraded.png").stat().st_size > 1000


def test_noisy_digits_are_cleaned_better_than_left_noisy_with_settings_chosen_without_test_digits(tiny_mnist):
    write_params(tiny_mnist, knn={"n_neighbors": [1, 3], "weights": ["distance"], "folds": 3}, seed=0)
    assert (
        run_stage(tiny_mnist, "knn_search.py", "mnist.npz", "grid.csv", "choice.json", "best.json").returncode
        == 0
    )
    evaluate = ["knn", "mnist.npz", "choice.json", "knn.joblib", "test.json", "confusion.csv", "errors.png"]
    assert run_stage(tiny_mnist, "digit_evaluate.py", *evaluate).returncode == 0
    assert run_stage(tiny_mnist, "noisy_mnist.py", "mnist.npz", "noisy.npz").returncode == 0
    noisy = io.load_arrays(tiny_mnist / "noisy.npz")
    clean = io.load_arrays(tiny_mnist / "mnist.npz")
    noise = noisy["test_images"] - clean["test_images"].astype(np.int16)
    assert noise.min() == 0 and noise.max() == 99
    methods = repo_params()["denoise"]["methods"]
    methods["bounded"].update(n_neighbors=[10, 20], shifted_copies=[False, True])
    write_params(tiny_mnist, seed=0, denoise={"validation_size": 100, "methods": methods})
    stages = [
        ("denoise_search.py", "mnist.npz", "noisy.npz", "search.csv", "choice.json", "search.json"),
        ("denoise.py", "mnist.npz", "noisy.npz", "choice.json", "denoiser.joblib", "cleaned.npz"),
        ("denoise_evaluate.py", "mnist.npz", "noisy.npz", "cleaned.npz", "choice.json", "knn.joblib")
        + ("denoise.json", "denoise.csv", "denoise.png"),
    ]
    for script, *paths in stages:
        result = run_stage(tiny_mnist, script, *paths)
        assert result.returncode == 0, result.stderr
    scores, search = io.read_json(tiny_mnist / "denoise.json"), io.read_json(tiny_mnist / "search.json")
    assert set(scores) == {"noisy", "vote", "mean", "posterior", "bounded", "saved"}
    for method in ("vote", "mean", "posterior", "bounded"):
        assert scores[method]["psnr_db"] > scores["noisy"]["psnr_db"] + 1
        assert search[method]["validation_psnr_db"] > scores["noisy"]["psnr_db"] + 1
        assert 0 < scores[method]["knn_accuracy"] <= 1  # recognized or not: measured, not promised
    assert scores["bounded"]["psnr_db"] > scores["posterior"]["psnr_db"] > scores["mean"]["psnr_db"]
    table = pd.read_csv(tiny_mnist / "search.csv")
    is_bounded = table["method"] == "bounded"
    assert set(table.loc[is_bounded, "patch_radius"]) == {0, 1}  # local weights, scored beside one weight
    assert table.loc[~is_bounded, ["patch_radius", "locality"]].isna().all(axis=None)
    saved = io.load_model(tiny_mnist / "denoiser.joblib")
    if saved.method == "bounded":
        assert saved.patch_radius == search["bounded"]["patch_radius"]
    assert (
        saved.method
        == scores["saved"]
        == search["saved"]
        == io.read_json(tiny_mnist / "choice.json")["saved"]
    )
    cleaned = io.load_arrays(tiny_mnist / "cleaned.npz")
    noisy_test = io.load_arrays(tiny_mnist / "noisy.npz")["test_images"]
    np.testing.assert_array_equal(cleaned[saved.method], saved.predict(noisy_test))
    assert (tiny_mnist / "denoise.png").read_bytes().startswith(b"\x89PNG")

    # Other test digits, same training digits: the same choices (selection never reads the test digits).
    chosen = (tiny_mnist / "choice.json").read_bytes()
    for name in ("mnist.npz", "noisy.npz"):
        arrays = io.load_arrays(tiny_mnist / name)
        arrays["test_images"] = np.ascontiguousarray(arrays["test_images"][::-1, ::-1])
        io.save_arrays(tiny_mnist / name, **arrays)
    for script, *paths in stages:
        result = run_stage(tiny_mnist, script, *paths)
        assert result.returncode == 0, result.stderr
    assert (tiny_mnist / "choice.json").read_bytes() == chosen
    assert io.read_json(tiny_mnist / "denoise.json")["bounded"]["psnr_db"] != scores["bounded"]["psnr_db"]


def test_a_stock_scikit_learn_classifier_drops_into_the_digit_evaluation(tiny_mnist):
    from sklearn.neighbors import KNeighborsClassifier

    from homl.data import mnist
    from homl.digits import evaluate

    data = mnist.load(tiny_mnist / "mnist.npz")
    stock = KNeighborsClassifier(3).fit(
        data.train_images.reshape(len(data.train_images), -1), data.train_labels
    )
    ours = KNNClassifier(3).fit(data.train_images, data.train_labels)
    images = data.test_images.reshape(len(data.test_images), -1)
    np.testing.assert_allclose(evaluate.classify(stock, images), evaluate.classify(ours, images))
    assert ours.verbose == 0  # progress shown while classifying, a quiet model afterwards
