"""Chapter 4's early stopping: stochastic GD on a polynomial of high degree, stopped where the validation
error is lowest (the book's figure 4-20), the model of that epoch kept."""

from __future__ import annotations

from copy import deepcopy
from dataclasses import dataclass
from typing import Annotated, Any

import numpy as np
import pandas as pd

from homl.core.params import Range

FIGURE_4_20_RMSE = (0.0, 3.5)  # the RMSE range the book's figure shows


@dataclass(frozen=True)
class Params:
    """params.yaml's `early_stopping` (the data: `polynomial.data`, the book's quadratic data)."""

    degree: Annotated[int, Range(1, 200)]
    training_share: Annotated[float, Range(0.1, 0.9)]  # the first rows train, the rest validate
    eta0: Annotated[float, Range(1e-6, None)]
    n_epochs: Annotated[int, Range(1, None)]


def sgd_epochs(X: np.ndarray, y: np.ndarray, params: Params, seed: int) -> tuple[pd.DataFrame, Any]:
    """The book's loop: polynomial features then standardization fitted on the training rows, one
    `partial_fit` pass of `SGDRegressor` an epoch, each epoch's training and validation RMSE, and a copy of
    the model at the epoch with the lowest validation RMSE (the first such epoch)."""
    from sklearn.linear_model import SGDRegressor
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import PolynomialFeatures, StandardScaler

    split = int(len(X) * params.training_share)
    preprocessing = make_pipeline(
        PolynomialFeatures(degree=params.degree, include_bias=False), StandardScaler()
    )
    X_train, X_valid = preprocessing.fit_transform(X[:split]), preprocessing.transform(X[split:])
    y_train, y_valid = y[:split], y[split:]
    model = SGDRegressor(penalty=None, eta0=params.eta0, random_state=seed)
    errors, best, lowest = [], None, np.inf
    for _ in range(params.n_epochs):
        model.partial_fit(X_train, y_train)
        errors.append((_rmse(model, X_train, y_train), _rmse(model, X_valid, y_valid)))
        if errors[-1][1] < lowest:
            best, lowest = deepcopy(model), errors[-1][1]
    table = pd.DataFrame(errors, columns=["training_rmse", "validation_rmse"])
    table.insert(0, "epoch", np.arange(1, len(table) + 1))
    return table, make_pipeline(preprocessing, best)


def _rmse(model, X: np.ndarray, y: np.ndarray) -> float:
    return float(np.sqrt(np.mean((model.predict(X) - y) ** 2)))


def stopping_figures(epochs: pd.DataFrame) -> dict:
    """The epoch of the lowest validation error with both errors there, and both errors at the last epoch."""
    best = epochs.loc[epochs["validation_rmse"].idxmin()]
    last = epochs.iloc[-1]
    return {
        "best_epoch": int(best["epoch"]),
        "best_validation_rmse": float(best["validation_rmse"]),
        "training_rmse_at_best": float(best["training_rmse"]),
        "epochs": int(last["epoch"]),
        "last_validation_rmse": float(last["validation_rmse"]),
        "last_training_rmse": float(last["training_rmse"]),
    }
