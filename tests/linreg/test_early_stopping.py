"""Early stopping (the book's figure 4-20): the model kept is the one of the lowest validation error."""

import numpy as np
import pytest

from homl.core import params
from homl.linreg import early_stopping, polynomial


@pytest.fixture(scope="module")
def quadratic():
    return polynomial.quadratic_data(params.load("polynomial.data", polynomial.QuadraticParams), seed=42)


def test_the_model_kept_is_the_one_of_the_lowest_validation_error(quadratic):
    X, y = quadratic
    cfg = early_stopping.Params(degree=90, training_share=0.5, eta0=0.002, n_epochs=300)
    epochs, kept = early_stopping.sgd_epochs(X, y, cfg, seed=42)
    best = epochs["validation_rmse"].idxmin()
    assert 0 < best < len(epochs) - 1  # the curve turns up within these epochs
    validation = np.sqrt(np.mean((kept.predict(X[50:]) - y[50:]) ** 2))
    assert validation == pytest.approx(epochs["validation_rmse"][best], rel=1e-12)
    found = early_stopping.stopping_figures(epochs)
    assert found["best_epoch"] == best + 1 and found["epochs"] == 300
