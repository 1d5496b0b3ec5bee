"""Softmax regression by batch GD with early stopping (chapter 4's exercise) against scikit-learn's."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from homl.core.errors import DivergenceError, ParamsError
from homl.linreg import datasets, softmax
from homl.linreg.softmax import SoftmaxRegression

PETALS = ("petal length (cm)", "petal width (cm)")


@pytest.fixture(scope="module")
def petals():
    X, y, species = datasets.iris(PETALS)
    assert X.shape == (150, 2) and species == ["setosa", "versicolor", "virginica"]
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, stratify=y, random_state=42)
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


def test_run_to_the_end_it_reaches_scikit_learns_minimum_of_the_same_loss(petals):
    X_train, _, y_train, _ = petals
    alpha = 0.01
    exact = LogisticRegression(C=1 / (alpha * len(y_train)), tol=1e-12, max_iter=10_000).fit(X_train, y_train)
    for tol, max_epochs in ((0, 20_000), (1e-10, 50_000)):
        gd = SoftmaxRegression(max_epochs=max_epochs, alpha=alpha, validation_fraction=0, tol=tol)
        gd.fit(X_train, y_train)
        np.testing.assert_allclose(gd.coef_, exact.coef_, atol=1e-6)
        np.testing.assert_allclose(gd.intercept_, exact.intercept_, atol=1e-6)
        assert np.all(np.diff(gd.loss_curve_) <= 1e-15)  # the loss only falls
    assert gd.best_epoch_ == len(gd.loss_curve_) < 20_000  # stopped by the tolerance


def test_early_stopping_keeps_the_epoch_of_the_lowest_validation_loss(petals):
    X_train, _, y_train, _ = petals
    for patience in (1, 50):
        gd = SoftmaxRegression(max_epochs=50_001, validation_fraction=0.25, patience=patience).fit(
            X_train, y_train
        )
        curve = gd.validation_loss_curve_
        assert len(curve) == len(gd.loss_curve_) < 50_001
        assert gd.best_epoch_ == np.argmin(curve) + 1 == len(curve) - patience  # stopped `patience` after
    longer = SoftmaxRegression(max_epochs=50_001, validation_fraction=0.25, patience=5000).fit(
        X_train, y_train
    )
    assert longer.best_epoch_ >= gd.best_epoch_


def test_the_exercise_matches_scikit_learns_accuracy_on_held_out_flowers(petals):
    """The tolerance: one test flower of the 30."""
    X_train, X_test, y_train, y_test = petals
    alpha = 0.01
    gd = SoftmaxRegression(alpha=alpha, validation_fraction=0.25).fit(X_train, y_train)
    exact = LogisticRegression(C=1 / (alpha * len(y_train))).fit(X_train, y_train)
    assert gd.score(X_test, y_test) >= exact.score(X_test, y_test) - 1 / len(y_test)
    np.testing.assert_allclose(gd.predict_proba(X_test).sum(axis=1), 1)


def test_a_learning_rate_too_large_stops_with_the_setting_named(petals):
    X_train, _, y_train, _ = petals
    with pytest.raises(DivergenceError, match="eta=1e\\+300"):
        SoftmaxRegression(eta=1e300, validation_fraction=0).fit(X_train * 1e10, y_train)


def test_an_unknown_iris_column_is_named_and_two_are_needed():
    with pytest.raises(ParamsError, match="no iris column 'petal area'"):
        datasets.iris(("petal area",))
    gd = softmax.GDParams(0.5, 10, 0.01, 0.2, 1, 0.0)
    with pytest.raises(ParamsError, match="3 given; two"):
        softmax.IrisParams(PETALS + ("sepal width (cm)",), 0.2, gd)
