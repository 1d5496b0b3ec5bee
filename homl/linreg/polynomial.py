"""Chapter 4's polynomial regression and learning curves: the book's quadratic data, a polynomial fit of
it, and the learning curves of models that underfit and overfit it (the book's figures 4-15 and 4-16)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

import numpy as np
import pandas as pd

from homl.core.params import Range


@dataclass(frozen=True)
class QuadraticParams:
    """The book's data: x uniform in [x_low, x_high), y = c0 + c1 x + c2 x^2 + Gaussian noise."""

    rows: Annotated[int, Range(10, None)]
    x_low: float
    x_high: float
    coefficients: tuple[float, float, float]
    noise_std: Annotated[float, Range(0, None)]


@dataclass(frozen=True)
class Params:
    """params.yaml's `polynomial`: the data, the degree fitted, and the learning curves drawn."""

    data: QuadraticParams
    degree: Annotated[int, Range(1, 30)]
    curve_degrees: tuple[Annotated[int, Range(1, 30)], ...]
    curve_points: Annotated[int, Range(2, None)]  # training sizes on each curve, from 1% to all
    folds: Annotated[int, Range(2, None)]


def quadratic_data(params: QuadraticParams, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The book's quadratic data, drawn as the book draws it (`np.random.seed(seed)`, `rand`, `randn`)."""
    legacy = np.random.RandomState(seed)
    X = (params.x_high - params.x_low) * legacy.rand(params.rows, 1) + params.x_low
    c0, c1, c2 = params.coefficients
    return X, (c2 * X**2 + c1 * X + c0 + params.noise_std * legacy.randn(params.rows, 1)).ravel()


def polynomial_model(degree: int):
    """Polynomial features of the given degree (no bias column), then linear regression."""
    from sklearn.linear_model import LinearRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import PolynomialFeatures

    return make_pipeline(PolynomialFeatures(degree=degree, include_bias=False), LinearRegression())


def learning_curves(X: np.ndarray, y: np.ndarray, degrees: tuple[int, ...], points: int, folds: int):
    """Each degree's training and validation RMSE by training-set size, as the book draws them: scikit-
    learn's `learning_curve` over `points` sizes from 1% to all of the training folds, unshuffled k-fold."""
    from sklearn.model_selection import learning_curve

    table = None
    for degree in degrees:
        sizes, train, valid = learning_curve(
            polynomial_model(degree),
            X,
            y,
            train_sizes=np.linspace(0.01, 1.0, points),
            cv=folds,
            scoring="neg_root_mean_squared_error",
        )
        if table is None:
            table = pd.DataFrame({"training_set_size": sizes})
        table[f"degree_{degree}_training"] = -train.mean(axis=1)
        table[f"degree_{degree}_validation"] = -valid.mean(axis=1)
    return table


def fit_figures(model, curves: pd.DataFrame, degrees: tuple[int, ...]) -> dict:
    """The polynomial's intercept and coefficients, and each curve's RMSE on the whole training folds."""
    regression = model[-1]
    last = curves.iloc[-1]
    return {
        "intercept": float(regression.intercept_),
        "coefficients": regression.coef_.tolist(),
        "learning_curves": {
            f"degree_{degree}": {
                "training_rmse": float(last[f"degree_{degree}_training"]),
                "validation_rmse": float(last[f"degree_{degree}_validation"]),
            }
            for degree in degrees
        },
    }
