"""The linear regression stages end to end, and the large benchmark on small data."""

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from stage_runner import REPO, repo_params, run_stage, write_params

from homl.core import io
from homl.linreg import tables as linreg_tables


def linreg_params(**overrides):
    base = repo_params()["linreg"]
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
    for solver, printed in linreg_tables.BOOK_THETAS.items():
        np.testing.assert_allclose(metrics["synthetic_book_loops"][solver]["theta"], printed, atol=1e-8)
    spread = metrics["synthetic_seed_spread"]["minibatch_gd"]
    assert spread["seeds"] == 8 and 0 < spread["min_distance"] <= spread["max_distance"] < 0.05


def test_the_large_linear_regression_benchmark_writes_its_results(tmp_path):
    out = tmp_path / "large.json"
    bench = [sys.executable, str(REPO / "bench" / "linreg_large.py"), "--rows", "50000", "--out", str(out)]
    assert subprocess.run(bench, capture_output=True).returncode == 0
    report = io.read_json(out)
    assert report["rows"] == 50_000 and report["solvers"]["minibatch_gd"]["distance_to_closed_form"] < 0.1


def test_a_diverging_learning_rate_stops_linreg_fit_without_metrics(tmp_path):
    write_params(tmp_path, linreg=linreg_params(batch_gd={"eta": 3.0}))
    assert run_stage(tmp_path, "linreg_data.py", "synthetic.npz", "diabetes.npz").returncode == 0
    fit = run_stage(tmp_path, "linreg_fit.py", "synthetic.npz", "diabetes.npz", "linreg.json", "plots")
    assert fit.returncode == 1
    assert fit.stderr.startswith("error: batch GD diverged at step") and "eta=3.0 is too large" in fit.stderr
    assert not (tmp_path / "linreg.json").exists()


def test_the_softmax_exercise_stage_compares_with_scikit_learn_on_other_features(tmp_path):
    cfg = repo_params()["softmax_iris"]
    cfg["features"] = ["sepal length (cm)", "petal width (cm)"]
    write_params(tmp_path, softmax_iris=cfg)
    result = run_stage(tmp_path, "softmax_iris.py", "softmax.json", "loss.csv", "regions.png")
    assert result.returncode == 0, result.stderr
    metrics = io.read_json(tmp_path / "softmax.json")
    gd, exact = metrics["softmax_gd"], metrics["sklearn_logistic_regression"]
    assert gd["test_accuracy"] >= exact["test_accuracy"] - 1 / metrics["test_flowers"]
    assert metrics["softmax_gd_to_the_end"]["largest_difference_to_sklearn"] < 1e-5
    assert gd["best_epoch"] < gd["epochs_run"] <= cfg["gd"]["max_epochs"]
    losses = (tmp_path / "loss.csv").read_text().splitlines()
    assert losses[0] == "epoch,training_loss,validation_loss" and len(losses) == 1 + gd["epochs_run"]


def test_the_logistic_regression_stage_reproduces_the_books_decision_boundary(tmp_path):
    write_params(tmp_path)
    result = run_stage(tmp_path, "logistic_iris.py", "logistic.json", "curve.csv", "curve.png")
    assert result.returncode == 0, result.stderr
    metrics = io.read_json(tmp_path / "logistic.json")
    assert metrics["book_grid_boundary"] == pytest.approx(linreg_tables.BOOK_BOUNDARY, abs=1e-8)
    assert metrics["decision_boundary"] == pytest.approx(-metrics["intercept"] / metrics["weight"])
    assert (
        metrics["book_grid_boundary"] - 3 / 999
        < metrics["decision_boundary"]
        <= metrics["book_grid_boundary"]
    )
    curve = pd.read_csv(tmp_path / "curve.csv")
    assert list(curve.columns) == ["petal width (cm)", "virginica", "not virginica"]
    assert curve["virginica"].is_monotonic_increasing


def test_the_positive_species_must_be_an_iris_species(tmp_path):
    cfg = repo_params()["logistic_iris"]
    write_params(tmp_path, logistic_iris={**cfg, "positive": "rose"})
    result = run_stage(tmp_path, "logistic_iris.py", "logistic.json", "curve.csv", "curve.png")
    assert result.returncode == 1 and "logistic_iris.positive: 'rose' is no iris species" in result.stderr


def test_the_regularized_models_match_scikit_learn_and_the_books_predictions(tmp_path):
    write_params(tmp_path)
    result = run_stage(tmp_path, "regularized_fit.py", "regularized.json", "penalties.png")
    assert result.returncode == 0, result.stderr
    fitted = io.read_json(tmp_path / "regularized.json")
    drawn = fitted.pop("book_figures_largest_difference_to_sklearn")
    assert set(fitted) == set(linreg_tables.BOOK_REGULARIZED)
    for name, printed in linreg_tables.BOOK_REGULARIZED.items():
        assert fitted[name]["largest_difference_to_sklearn"] < 1e-8
        assert fitted[name]["prediction"] == pytest.approx(printed, abs=1e-8)
    # The book's figures 4-17 and 4-18, drawn by homl's models: each panel's curves are scikit-learn's.
    assert set(drawn) == {"ridge_line", "ridge_polynomial", "lasso_line", "lasso_polynomial"}
    assert max(drawn.values()) < 1e-7
    assert (tmp_path / "penalties.png").read_bytes().startswith(b"\x89PNG")


def test_the_early_stopping_stage_keeps_the_epoch_of_the_lowest_validation_error(tmp_path):
    cfg = repo_params()["early_stopping"]
    write_params(tmp_path, early_stopping={**cfg, "n_epochs": 300})
    result = run_stage(tmp_path, "early_stopping.py", "stopping.json", "epochs.csv", "epochs.png")
    assert result.returncode == 0, result.stderr
    found, epochs = io.read_json(tmp_path / "stopping.json"), pd.read_csv(tmp_path / "epochs.csv")
    assert list(epochs["epoch"]) == list(range(1, 301)) and found["epochs"] == 300
    best = epochs.loc[epochs["validation_rmse"].idxmin()]
    assert best["epoch"] == found["best_epoch"] and 1 < found["best_epoch"] < 300
    assert best["validation_rmse"] == pytest.approx(found["best_validation_rmse"])
    # Training on past it overfits the degree-90 polynomial: the training error keeps falling, the
    # validation error rises again.
    assert found["last_training_rmse"] < found["training_rmse_at_best"]
    assert found["last_validation_rmse"] > found["best_validation_rmse"]


def test_the_polynomial_stage_fits_the_books_coefficients_and_draws_learning_curves(tmp_path):
    cfg = repo_params()["polynomial"]
    write_params(tmp_path, polynomial={**cfg, "curve_points": 8})
    result = run_stage(tmp_path, "polynomial_fit.py", "polynomial.json", "curves.csv", "curves.png")
    assert result.returncode == 0, result.stderr
    fitted = io.read_json(tmp_path / "polynomial.json")
    assert fitted["intercept"] == pytest.approx(linreg_tables.BOOK_POLYNOMIAL[0], abs=1e-8)
    np.testing.assert_allclose(fitted["coefficients"], linreg_tables.BOOK_POLYNOMIAL[1:], atol=1e-8)
    curves = pd.read_csv(tmp_path / "curves.csv")
    assert len(curves) == 8 and curves["training_set_size"].is_monotonic_increasing
    line, wiggly = fitted["learning_curves"]["degree_1"], fitted["learning_curves"]["degree_10"]
    assert line["training_rmse"] > wiggly["training_rmse"]  # the line underfits: high error even in training
    assert wiggly["validation_rmse"] > wiggly["training_rmse"]  # the degree-10 polynomial overfits: a gap
