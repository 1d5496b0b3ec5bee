"""The stage scripts end to end, on tiny data, in a scratch directory with its own params.yaml."""

import os
import runpy
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from io import StringIO
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import tiers
import yaml
from tiny_data import make_passengers, make_spam_corpus, save_tiny_mnist

from homl import io, readme
from homl.knn import KNNClassifier

REPO = Path(__file__).resolve().parent.parent


def run_stage(cwd: Path, script: str, *paths: str) -> subprocess.CompletedProcess:
    """Run a stage script in `cwd`: in its own process as DVC does (`pytest --all`), else in this one,
    which has paid the imports already."""
    command = [sys.executable, str(REPO / "stages" / script), *paths]
    if tiers.ALL:
        return subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    out, err, status = StringIO(), StringIO(), 0
    argv, here = sys.argv, os.getcwd()
    try:
        os.chdir(cwd)
        sys.argv = command[1:]
        with redirect_stdout(out), redirect_stderr(err):
            runpy.run_path(command[1], run_name="__main__")
    except SystemExit as exit:  # what the interpreter would do with it
        status = 1 if isinstance(exit.code, str) else exit.code or 0
        if isinstance(exit.code, str):
            err.write(exit.code + "\n")
    finally:
        sys.argv = argv
        os.chdir(here)
    return subprocess.CompletedProcess(command, status, out.getvalue(), err.getvalue())


@pytest.fixture
def tiny_mnist(tmp_path):
    """Scikit-learn's 8x8 digits, padded to 28x28, as a small MNIST."""
    save_tiny_mnist(tmp_path / "mnist.npz", 1000, 300)
    return tmp_path


def write_params(directory: Path, **sections) -> None:
    base = yaml.safe_load((REPO / "params.yaml").read_text())
    (directory / "params.yaml").write_text(yaml.safe_dump({**base, **sections}))


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
    outputs = ["fonts.npz", "fonts.json", "fonts.csv", "mistakes.png", "knn.joblib"]
    result = run_stage(tiny_mnist, "font_digits.py", *outputs)
    assert result.returncode == 0, result.stderr
    metrics = io.read_json(tiny_mnist / "fonts.json")
    assert metrics["digits"] == 40 and 0 <= metrics["accuracy"]["knn"] <= 1
    assert set(metrics["accuracy_by_rotation"]["knn"]) == {"0.0", "10.0"}
    printed = io.load_arrays(tiny_mnist / "fonts.npz")
    assert printed["images"].shape == (40, 28, 28) and printed["labels"].tolist()[:10] == list(range(10))


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
    methods = yaml.safe_load((REPO / "params.yaml").read_text())["denoise"]["methods"]
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
    saved = io.load_model(tiny_mnist / "denoiser.joblib")
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


def linreg_params(**overrides):
    base = yaml.safe_load((REPO / "params.yaml").read_text())["linreg"]
    base["stochastic_gd"]["n_epochs"] = 50
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
    # With the default params, the data and the book's own loops give the figures the book prints.
    for solver, printed in readme.BOOK_THETAS.items():
        np.testing.assert_allclose(metrics["synthetic_book_loops"][solver]["theta"], printed, atol=1e-8)
    spread = metrics["synthetic_seed_spread"]["minibatch_gd"]
    assert spread["seeds"] == 8 and 0 < spread["min_distance"] <= spread["max_distance"] < 0.05


def test_the_large_linear_regression_benchmark_writes_its_results(tmp_path):
    out = tmp_path / "large.json"
    bench = [sys.executable, str(REPO / "bench" / "linreg_large.py"), "--rows", "50000", "--out", str(out)]
    assert subprocess.run(bench, capture_output=True).returncode == 0
    report = io.read_json(out)
    assert report["rows"] == 50_000 and report["minibatch_gd"]["distance_to_closed_form"] < 0.1


def test_a_diverging_learning_rate_stops_linreg_fit_without_metrics(tmp_path):
    write_params(tmp_path, linreg=linreg_params(batch_gd={"eta": 3.0}))
    assert run_stage(tmp_path, "linreg_data.py", "synthetic.npz", "diabetes.npz").returncode == 0
    fit = run_stage(tmp_path, "linreg_fit.py", "synthetic.npz", "diabetes.npz", "linreg.json", "plots")
    assert fit.returncode == 1
    assert fit.stderr.startswith("error: batch GD diverged at step") and "eta=3.0 is too large" in fit.stderr
    assert not (tmp_path / "linreg.json").exists()


def test_titanic_stages(tmp_path):
    small_grids = {
        "logistic_regression": {"C": [1.0]},
        "svc": {"C": [1.0], "gamma": ["scale"], "kernel": ["rbf"]},
        "random_forest": {
            "n_estimators": [20],
            "max_depth": [4],
            "min_samples_leaf": [1],
            "max_features": ["sqrt"],
        },
        "gradient_boosting": {
            "n_estimators": [20],
            "learning_rate": [0.1],
            "max_depth": [2],
            "subsample": [1.0],
        },
    }
    base = yaml.safe_load((REPO / "params.yaml").read_text())["titanic"]
    write_params(tmp_path, titanic={**base, "classifiers": small_grids, "cv": {"folds": 3}}, seed=0)
    io.write_table(tmp_path / "titanic.parquet", make_passengers(400))
    split = run_stage(tmp_path, "titanic_split.py", "titanic.parquet", "train.parquet", "test.parquet")
    assert split.returncode == 0, split.stderr
    train, test = io.read_table(tmp_path / "train.parquet"), io.read_table(tmp_path / "test.parquet")
    assert (len(train), len(test)) == (320, 80)
    for name in small_grids:
        trained = run_stage(
            tmp_path,
            "titanic_train.py",
            name,
            "train.parquet",
            f"cv/{name}.joblib",
            f"cv/{name}.json",
            f"reports/{name}.json",
        )
        assert trained.returncode == 0, trained.stderr
    evaluate = [
        "test.parquet",
        "cv",
        "best.joblib",
        "test.json",
        "classifiers.csv",
        "roc.csv",
        "confusion.csv",
    ]
    result = run_stage(tmp_path, "titanic_evaluate.py", *evaluate)
    assert result.returncode == 0, result.stderr
    metrics = io.read_json(tmp_path / "test.json")
    assert metrics["classifier"] in small_grids and metrics["accuracy"] > 0.7 and metrics["roc_auc"] > 0.7
    assert len((tmp_path / "classifiers.csv").read_text().splitlines()) == 5
    model = io.load_model(tmp_path / "best.joblib")
    assert model.predict(test.drop(columns=["survived"])).shape == (80,)
    gains = run_stage(tmp_path, "titanic_feature_gains.py", "train.parquet", "cv", "gains.csv")
    assert gains.returncode == 0, gains.stderr
    assert (tmp_path / "gains.csv").read_text().startswith("feature,cv_accuracy_without,gain\n")


def test_an_unknown_titanic_classifier_is_a_one_line_error(tmp_path):
    write_params(tmp_path)
    io.write_table(tmp_path / "train.parquet", make_passengers(50))
    result = run_stage(
        tmp_path, "titanic_train.py", "xgboost", "train.parquet", "m.joblib", "c.json", "r.json"
    )
    assert result.returncode == 1
    assert result.stderr.strip().startswith("error: titanic.classifiers.xgboost: missing; listed: ")


def test_spam_stages(tmp_path):
    base = yaml.safe_load((REPO / "params.yaml").read_text())["spam"]
    base["cv"] = {"folds": 3}
    base["features"].update(word_bigrams="auto", chars=True)
    base["target_precision"] = 0.9
    write_params(tmp_path, spam=base, seed=0)
    io.write_table(tmp_path / "spam.parquet", make_spam_corpus())
    parse = run_stage(
        tmp_path, "spam_parse.py", "spam.parquet", "train.parquet", "test.parquet", "parse.json"
    )
    assert parse.returncode == 0, parse.stderr
    counts = io.read_json(tmp_path / "parse.json")
    assert counts["messages"] == 252 and counts["repeated_bodies_removed"] == 12
    assert counts["copy_groups_in_both_parts"] == 0
    train, test = io.read_table(tmp_path / "train.parquet"), io.read_table(tmp_path / "test.parquet")
    assert len(train) + len(test) == 240 and not set(train["body"]) & set(test["body"])
    assert not set(train["copy_group"]) & set(test["copy_group"])
    trained = run_stage(
        tmp_path,
        "spam_train.py",
        "train.parquet",
        "spam.joblib",
        "choice.json",
        "train.json",
        "classifiers.csv",
        "gains.csv",
    )
    assert trained.returncode == 0, trained.stderr
    assert set(io.read_json(tmp_path / "train.json")) >= {"classifier", "threshold", "cv_recall_at_threshold"}
    assert len((tmp_path / "classifiers.csv").read_text().splitlines()) == 1 + 2 * 3  # 3 classifiers, 2 sets
    evaluated = run_stage(
        tmp_path, "spam_evaluate.py", "test.parquet", "spam.joblib", "test.json", "pr.csv", "c.csv"
    )
    assert evaluated.returncode == 0, evaluated.stderr
    metrics = io.read_json(tmp_path / "test.json")
    assert metrics["precision"] > 0.8 and metrics["recall"] > 0.8  # a third of the messages are spam
    headers = run_stage(
        tmp_path, "spam_headers.py", "train.parquet", "test.parquet", "choice.json", "headers.json"
    )
    assert headers.returncode == 0, headers.stderr
    assert io.read_json(tmp_path / "headers.json")["strip_headers"] is False
    assert set(metrics["groups"]) == {"spam", "easy_ham"}
    assert (
        metrics["groups"]["easy_ham"]["false_alarm_rate"] < 0.2 and metrics["groups"]["spam"]["recall"] > 0.8
    )
    chosen = io.read_json(tmp_path / "choice.json")["features"]
    assert {"words", "subject", "chars", "structure"} <= set(chosen)  # switched on, not auto
    comparison = pd.read_csv(tmp_path / "classifiers.csv")
    assert set(comparison["features"]) == {
        "words+subject+chars+structure",
        "words+word_bigrams+subject+chars+structure",
    }
    gains = pd.read_csv(tmp_path / "gains.csv").set_index("feature")
    assert gains.index.tolist() == ["word_bigrams"] and gains["chosen"]["word_bigrams"] == (
        "word_bigrams" in chosen
    )
    best = comparison.groupby("features")["cv_average_precision"].max()
    assert gains["cv_average_precision_gain"]["word_bigrams"] == pytest.approx(
        best["words+word_bigrams+subject+chars+structure"] - best["words+subject+chars+structure"]
    )
    book = run_stage(tmp_path, "spam_book.py", "spam.parquet", "book.json")
    assert book.returncode == 0, book.stderr
    assert io.read_json(tmp_path / "book.json")["test_messages"] == 51  # the book splits 20% of all 252

    from homl.text import parse_email

    model = io.load_model(tmp_path / "spam.joblib")
    assert model.estimator.named_steps["fields"].features == tuple(chosen)  # prepares what it reads
    new = [
        parse_email(b"Subject: hi\n\nfree money offer click winner cheap deal"),
        parse_email(b"Subject: x\n\nproject meeting review draft patch"),
    ]
    assert model.predict(new).tolist() == [True, False]
