"""Chapter 4's regularized linear models: ridge regression's closed form (the book's equation 4-9) and
proximal gradient descent for the whole elastic-net family (ridge, lasso and between), on the objectives
scikit-learn's `Ridge`, `Lasso` and `ElasticNet` minimize, so that each can be checked against them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

import numpy as np
import pandas as pd

from homl.core.params import Range
from homl.linreg.datasets import SyntheticParams
from homl.linreg.linear import _check_finite, _LinearModel, theta_of, with_bias

BOOK_GRID = (0.0, 3.0, 100)  # np.linspace's arguments for the x the book's figures 4-17 and 4-18 draw
BOOK_Y_RANGE = (0.0, 3.5)


@dataclass(frozen=True)
class ProximalParams:
    """The proximal gradient descent's settings."""

    n_iterations: Annotated[int, Range(1, None)]
    tolerance: Annotated[float, Range(0, None)]


@dataclass(frozen=True)
class Alphas:
    """The penalties one model is drawn at: on the straight line, and on the polynomial (0: no penalty)."""

    line: tuple[Annotated[float, Range(0, None)], ...]
    polynomial: tuple[Annotated[float, Range(0, None)], ...]


@dataclass(frozen=True)
class BookFigures:
    """The book's figures 4-17 (ridge) and 4-18 (lasso): each model's predictions at a few penalties."""

    degree: Annotated[int, Range(1, 30)]  # the polynomial of the right panels, its features standardized
    ridge: Alphas
    lasso: Alphas


@dataclass(frozen=True)
class Params:
    """params.yaml's `regularized`: the book's small data set, the penalties it fits, the GD settings."""

    data: SyntheticParams
    ridge_alpha: Annotated[float, Range(0, None)]  # scikit-learn's Ridge: squared errors + alpha |w|^2
    lasso_alpha: Annotated[float, Range(0, None)]  # scikit-learn's Lasso and ElasticNet: MSE / 2 + penalty
    elastic_net_alpha: Annotated[float, Range(0, None)]
    l1_ratio: Annotated[float, Range(0, 1)]
    query: float  # the x the book predicts at
    gd: ProximalParams
    book_figures: BookFigures


class RidgeClosedForm(_LinearModel):
    """Ridge regression by its closed form, theta = (X^T X + alpha A)^-1 X^T y, A the identity but for a 0
    where the bias is (the bias is not penalized): the minimum of the squared errors plus alpha times the
    squared weights, as scikit-learn's `Ridge(alpha)` has it.

    Parameters
    ----------
    alpha : float, default 1.0

    Attributes
    ----------
    theta_ : ndarray of shape (n_features + 1,)
        The intercept, then the coefficients.
    intercept_ : float
    coef_ : ndarray of shape (n_features,)

    Examples
    --------
    >>> import numpy as np
    >>> from homl.linreg import RidgeClosedForm
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> RidgeClosedForm(alpha=0.0).fit(X, 1 + 2 * X[:, 0]).theta_.round(6)
    array([1., 2.])
    """

    def __init__(self, alpha: float = 1.0):
        self.alpha = alpha

    def fit(self, X: np.ndarray, y: np.ndarray) -> RidgeClosedForm:
        X, y = self._validated(X, y)
        Xb = with_bias(X)
        penalty = self.alpha * np.eye(Xb.shape[1])
        penalty[0, 0] = 0
        self._set_theta(np.linalg.solve(Xb.T @ Xb + penalty, Xb.T @ np.asarray(y, dtype=np.float64)))
        return self


class ProximalGD(_LinearModel):
    """The elastic-net family by proximal gradient descent (ISTA): a gradient step on the half mean squared
    error plus the ridge part, then the lasso part's soft threshold, which sets weights exactly to 0. It
    minimizes what scikit-learn's `ElasticNet(alpha, l1_ratio)` does,
    MSE / 2 + alpha l1_ratio |w|_1 + alpha (1 - l1_ratio) |w|^2 / 2: l1_ratio 1 is `Lasso(alpha)`, and 0 is
    `Ridge(alpha * n_samples)`. The step is 1 over the gradient's Lipschitz constant.

    Parameters
    ----------
    alpha : float, default 1.0
    l1_ratio : float, default 0.5
    n_iterations : int, default 100000
    tolerance : float, default 1e-12
        Stop once no parameter moves more than this in a step.

    Attributes
    ----------
    theta_ : ndarray of shape (n_features + 1,)
        The intercept, then the coefficients.
    intercept_ : float
    coef_ : ndarray of shape (n_features,)
    n_iter_ : int

    Examples
    --------
    >>> import numpy as np
    >>> from homl.linreg import ProximalGD
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 0.0]])
    >>> ProximalGD(alpha=0.5, l1_ratio=1.0).fit(X, 1 + 2 * X[:, 0]).coef_.round(4) + 0.0  # drops x2
    array([1.6, 0. ])
    """

    def __init__(
        self, alpha: float = 1.0, l1_ratio: float = 0.5, n_iterations: int = 100_000, tolerance: float = 1e-12
    ):
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.n_iterations = n_iterations
        self.tolerance = tolerance

    def fit(self, X: np.ndarray, y: np.ndarray) -> ProximalGD:
        X, y = self._validated(X, y)
        Xb, y = with_bias(X), np.asarray(y, dtype=np.float64)
        m = len(y)
        l1, l2 = self.alpha * self.l1_ratio, self.alpha * (1 - self.l1_ratio)
        penalized = np.ones(Xb.shape[1])
        penalized[0] = 0  # the bias
        step = 1 / (np.linalg.eigvalsh(Xb.T @ Xb / m).max() + l2)
        theta = np.zeros(Xb.shape[1])
        self.n_iter_ = self.n_iterations
        for iteration in range(1, self.n_iterations + 1):
            gradient = Xb.T @ (Xb @ theta - y) / m + l2 * penalized * theta
            moved = theta - step * gradient
            moved = np.sign(moved) * np.maximum(np.abs(moved) - step * l1 * penalized, 0)
            _check_finite(moved, "proximal GD", iteration, f"alpha={self.alpha}")
            done = np.abs(moved - theta).max() <= self.tolerance
            theta = moved
            if done:
                self.n_iter_ = iteration
                break
        self._set_theta(theta)
        return self


def pairs(cfg: Params, rows: int) -> dict[str, tuple]:
    """Each homl solver with scikit-learn's model of the same objective (ridge by GD: `ProximalGD` with
    l1_ratio 0 and alpha over the rows, `Ridge`'s alpha being on the squared errors' sum)."""
    from sklearn.linear_model import ElasticNet, Lasso, Ridge

    gd = {"n_iterations": cfg.gd.n_iterations, "tolerance": cfg.gd.tolerance}
    ridge = Ridge(alpha=cfg.ridge_alpha, solver="cholesky")
    return {
        "ridge_closed_form": (RidgeClosedForm(cfg.ridge_alpha), ridge),
        "ridge_gd": (ProximalGD(cfg.ridge_alpha / rows, 0.0, **gd), ridge),
        "lasso_gd": (ProximalGD(cfg.lasso_alpha, 1.0, **gd), Lasso(alpha=cfg.lasso_alpha)),
        "elastic_net_gd": (
            ProximalGD(cfg.elastic_net_alpha, cfg.l1_ratio, **gd),
            ElasticNet(alpha=cfg.elastic_net_alpha, l1_ratio=cfg.l1_ratio),
        ),
    }


def compared(models: dict[str, tuple], X: np.ndarray, y: np.ndarray, query: float) -> dict:
    """Each pair fitted: homl's theta, its largest difference to scikit-learn's, both predictions at x =
    `query`."""
    figures = {}
    for name, (ours, theirs) in models.items():
        ours.fit(X, y)
        theirs.fit(X, y)
        figures[name] = {
            "theta": ours.theta_.tolist(),
            "largest_difference_to_sklearn": float(np.abs(ours.theta_ - theta_of(theirs)).max()),
            "prediction": float(ours.predict([[query]])[0]),
            "sklearn_prediction": float(np.ravel(theirs.predict([[query]]))[0]),
        }
    return figures


def penalty_panels(
    cfg: Params, X: np.ndarray, y: np.ndarray, grid: np.ndarray
) -> tuple[dict[str, pd.DataFrame], dict[str, float]]:
    """The book's figures 4-17 and 4-18 drawn by homl's models, a table per panel: ridge
    (`RidgeClosedForm`) and lasso (`ProximalGD`, l1_ratio 1), on the straight line and on standardized
    polynomial features, each penalty's predictions along `grid` (no penalty: `PseudoInverse`, the
    polynomial's normal equation being too ill-conditioned); and each panel's largest difference to
    scikit-learn's models of the same objectives over the grid."""
    from sklearn.linear_model import Lasso, LinearRegression, Ridge
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import PolynomialFeatures, StandardScaler

    from homl.linreg.linear import PseudoInverse

    exact_least_squares = LinearRegression()
    if "tol" in exact_least_squares.get_params():  # from scikit-learn 1.7, it cuts singular values under
        exact_least_squares.set_params(tol=0.0)  # tol times the largest: the degree-10 polynomial has some
    figures = cfg.book_figures
    gd = {"n_iterations": cfg.gd.n_iterations, "tolerance": cfg.gd.tolerance}
    models = {
        "ridge": lambda alpha: (RidgeClosedForm(alpha), Ridge(alpha, solver="cholesky")),
        "lasso": lambda alpha: (ProximalGD(alpha, 1.0, **gd), Lasso(alpha, max_iter=10**6, tol=1e-12)),
    }
    panels, differences = {}, {}
    for name, pair in models.items():
        for features in ("line", "polynomial"):
            table = pd.DataFrame({"x1": grid})
            for alpha in getattr(getattr(figures, name), features):
                ours, theirs = pair(alpha) if alpha > 0 else (PseudoInverse(), exact_least_squares)
                if features == "polynomial":
                    ours, theirs = (
                        make_pipeline(
                            PolynomialFeatures(figures.degree, include_bias=False), StandardScaler(), model
                        )
                        for model in (ours, theirs)
                    )
                label = f"alpha = {alpha:g}"
                table[label] = ours.fit(X, y).predict(grid.reshape(-1, 1))
                difference = np.abs(table[label] - theirs.fit(X, y).predict(grid.reshape(-1, 1))).max()
                differences[f"{name}_{features}"] = max(
                    differences.get(f"{name}_{features}", 0.0), difference
                )
            panels[f"{name}, {features if features == 'line' else f'degree {figures.degree}'}"] = table
    return panels, {key: float(value) for key, value in differences.items()}
