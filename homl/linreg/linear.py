"""Linear regression, chapter 4: the closed forms and three gradient-descent solvers.

Every solver has scikit-learn's interface (`fit`, `predict`, `intercept_`, `coef_`) and keeps
`theta_` = [intercept, *coef]. The gradient-descent solvers also record `path_` (theta after each
step) and `loss_` (training MSE after each epoch), and raise `DivergenceError` instead of
returning NaN when the learning rate is too large.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from homl.core.errors import DivergenceError
from homl.core.params import Range
from homl.linreg.datasets import SyntheticParams
from homl.linreg.sgd_steps import stochastic_epoch

MAX_PATH_POINTS = 2_000
Positive = Annotated[float, Range(1e-12, None)]
Count = Annotated[int, Range(1, None)]


@dataclass(frozen=True)
class BatchGDParams:
    eta: Positive
    n_iterations: Count
    tolerance: Annotated[float, Range(0, None)]


@dataclass(frozen=True)
class ScheduleGDParams:
    n_epochs: Count
    t0: Positive
    t1: Positive


@dataclass(frozen=True)
class MiniBatchGDParams(ScheduleGDParams):
    batch_size: Count = 20


@dataclass(frozen=True)
class SklearnSGDParams:
    max_iter: Count
    tol: Annotated[float, Range(0, None)]
    eta0: Positive
    n_iter_no_change: Count


@dataclass(frozen=True)
class BookLoopParams:
    stochastic_gd: ScheduleGDParams
    minibatch_gd: MiniBatchGDParams


@dataclass(frozen=True)
class Params:
    """params.yaml's `linreg`."""

    synthetic: SyntheticParams
    batch_gd: BatchGDParams
    stochastic_gd: ScheduleGDParams
    minibatch_gd: MiniBatchGDParams
    sklearn_sgd: SklearnSGDParams
    book: BookLoopParams
    spread_seeds: Count


def recorded_steps(total: int, points: int = MAX_PATH_POINTS) -> np.ndarray:
    """About `points` step numbers in 1..total, spaced evenly on a log scale (the early steps move most)."""
    return np.unique(np.geomspace(1, max(total, 1), points).astype(np.int64))


def with_bias(X: np.ndarray) -> np.ndarray:
    """X with a leading column of ones (x0 = 1), as the book writes it."""
    X = np.asarray(X, dtype=np.float64)
    return np.hstack([np.ones((len(X), 1)), X.reshape(len(X), -1)])


def gram_chunked(X: np.ndarray, y: np.ndarray, chunk_rows: int = 1_000_000) -> tuple[np.ndarray, np.ndarray]:
    """[1 X]^T [1 X] and [1 X]^T y, accumulated a chunk of rows at a time (no copy of X is made)."""
    n_features = X.shape[1]
    gram = np.zeros((n_features + 1, n_features + 1))
    moment = np.zeros(n_features + 1)
    for start in range(0, len(X), chunk_rows):
        rows = with_bias(X[start : start + chunk_rows])
        gram += rows.T @ rows
        moment += rows.T @ y[start : start + chunk_rows]
    return gram, moment


class _LinearModel(RegressorMixin, BaseEstimator):
    def predict(self, X: np.ndarray) -> np.ndarray:
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        return X @ self.coef_ + self.intercept_

    def _validated(self, X, y) -> tuple[np.ndarray, np.ndarray]:
        return validate_data(self, X, y, dtype="numeric", y_numeric=True, ensure_min_samples=2)

    def _set_theta(self, theta: np.ndarray) -> None:
        self.theta_ = theta
        self.intercept_, self.coef_ = float(theta[0]), theta[1:]


class NormalEquation(_LinearModel):
    """Linear regression by the normal equation: theta = (X^T X)^-1 X^T y, solved as a linear system, the
    normal matrix built a chunk of rows at a time (a memory map of any size fits).

    Attributes
    ----------
    theta_ : ndarray of shape (n_features + 1,)
        The intercept, then the coefficients.
    intercept_ : float
    coef_ : ndarray of shape (n_features,)

    Examples
    --------
    >>> import numpy as np
    >>> from homl.linreg import NormalEquation
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> NormalEquation().fit(X, 4 + 3 * X[:, 0]).theta_.round(6)
    array([4., 3.])
    """

    def fit(self, X: np.ndarray, y: np.ndarray) -> NormalEquation:
        X, y = self._validated(X, y)
        gram, moment = gram_chunked(X, np.asarray(y, dtype=np.float64))
        self._set_theta(np.linalg.solve(gram, moment))
        return self


class PseudoInverse(_LinearModel):
    """Linear regression by the pseudo-inverse: theta = X^+ y through the SVD (`np.linalg.lstsq`), also
    defined when X^T X is singular.

    Attributes
    ----------
    theta_ : ndarray of shape (n_features + 1,)
        The intercept, then the coefficients.
    intercept_ : float
    coef_ : ndarray of shape (n_features,)

    Examples
    --------
    >>> import numpy as np
    >>> from homl.linreg import PseudoInverse
    >>> X = np.array([[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]])  # two equal columns: X^T X is singular
    >>> PseudoInverse().fit(X, 2 * X[:, 0]).coef_.round(6)
    array([1., 1.])
    """

    def fit(self, X: np.ndarray, y: np.ndarray) -> PseudoInverse:
        X, y = self._validated(X, y)
        theta, *_ = np.linalg.lstsq(with_bias(X), np.asarray(y, dtype=np.float64), rcond=None)
        self._set_theta(theta)
        return self


def mse(Xb: np.ndarray, y: np.ndarray, theta: np.ndarray) -> float:
    residual = Xb @ theta - y
    return float(residual @ residual / len(y))


def _check_finite(theta: np.ndarray, solver: str, step: int, setting: str) -> None:
    if not np.all(np.isfinite(theta)) or np.abs(theta).max() > 1e150:
        raise DivergenceError(
            f"{solver} diverged at step {step}: {setting} is too large for this data; lower it"
        )


class BatchGD(_LinearModel):
    """Linear regression by batch gradient descent on the MSE.

    Parameters
    ----------
    eta : float, default 0.1
        The learning rate; too large a rate stops `fit` with `DivergenceError`.
    n_iterations : int, default 1000
        The most steps taken.
    tolerance : float, default 1e-10
        Stop once the gradient's norm is below it.

    Attributes
    ----------
    theta_ : ndarray of shape (n_features + 1,)
        The intercept, then the coefficients.
    intercept_ : float
    coef_ : ndarray of shape (n_features,)
    path_ : ndarray of shape (n_recorded, n_features + 1)
        theta along the way (the book's figure 4-11).

    Examples
    --------
    >>> import numpy as np
    >>> from homl.linreg import BatchGD
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> BatchGD(n_iterations=5000).fit(X, 4 + 3 * X[:, 0]).theta_.round(6)
    array([4., 3.])
    """

    def __init__(self, eta: float = 0.1, n_iterations: int = 1000, tolerance: float = 1e-10):
        self.eta = eta
        self.n_iterations = n_iterations
        self.tolerance = tolerance

    def fit(self, X: np.ndarray, y: np.ndarray) -> BatchGD:
        if self.eta <= 0:
            raise ValueError(f"eta must be positive, got {self.eta}")
        X, y = self._validated(X, y)
        Xb, y = with_bias(X), np.asarray(y, dtype=np.float64)
        theta = np.zeros(Xb.shape[1])
        path, losses = [theta.copy()], []
        record = set(recorded_steps(self.n_iterations).tolist())
        self.n_iter_ = self.n_iterations
        for iteration in range(1, self.n_iterations + 1):
            gradient = 2 / len(y) * Xb.T @ (Xb @ theta - y)
            theta = theta - self.eta * gradient
            _check_finite(theta, "batch GD", iteration, f"eta={self.eta}")
            if iteration in record:
                path.append(theta.copy())
            losses.append(mse(Xb, y, theta))
            if np.linalg.norm(gradient) < self.tolerance:
                self.n_iter_ = iteration
                break
        self.path_, self.loss_ = np.array(path), np.array(losses)
        self._set_theta(theta)
        return self


def learning_schedule(t: np.ndarray | int, t0: float, t1: float):
    """The book's decaying learning rate t0 / (t + t1)."""
    return t0 / (t + t1)


class StochasticGD(_LinearModel):
    """Linear regression by stochastic gradient descent: one random instance a step, the learning rate
    following the book's schedule t0 / (t + t1).

    Parameters
    ----------
    n_epochs : int, default 50
    t0, t1 : float, default 5 and 50
        The schedule's constants.
    random_state : int or None, default 42
        The seed of the instances' draws; None draws a fresh one.

    Attributes
    ----------
    theta_ : ndarray of shape (n_features + 1,)
        The intercept, then the coefficients.
    intercept_ : float
    coef_ : ndarray of shape (n_features,)
    path_, loss_ : ndarray
        theta along the way, and the training MSE after each epoch.

    Examples
    --------
    >>> import numpy as np
    >>> from homl.linreg import StochasticGD
    >>> X = np.linspace(0, 2, 50)[:, None]
    >>> StochasticGD(n_epochs=200).fit(X, 4 + 3 * X[:, 0]).theta_.round(1)
    array([4., 3.])
    """

    def __init__(self, n_epochs: int = 50, t0: float = 5, t1: float = 50, random_state: int | None = 42):
        self.n_epochs = n_epochs
        self.t0 = t0
        self.t1 = t1
        self.random_state = random_state

    def fit(self, X: np.ndarray, y: np.ndarray) -> StochasticGD:
        X, y = self._validated(X, y)
        Xb, y = with_bias(X), np.asarray(y, dtype=np.float64)
        rng = np.random.default_rng(self.random_state)
        m = len(y)
        theta = np.zeros(Xb.shape[1])
        record = recorded_steps(self.n_epochs * m) - 1  # 0-based step numbers
        path, losses = [theta[None]], []
        for epoch in range(self.n_epochs):
            picks = rng.integers(m, size=m)
            etas = learning_schedule(epoch * m + np.arange(m), self.t0, self.t1)
            steps = record[(record >= epoch * m) & (record < (epoch + 1) * m)] - epoch * m
            theta, recorded = stochastic_epoch(Xb, y, theta, picks, etas, steps)
            path.append(recorded)
            _check_finite(theta, "stochastic GD", (epoch + 1) * m, f"t0/t1={self.t0}/{self.t1}")
            losses.append(mse(Xb, y, theta))
        self.path_, self.loss_ = np.concatenate(path), np.array(losses)
        self._set_theta(theta)
        return self


class MiniBatchGD(_LinearModel):
    """Linear regression by mini-batch gradient descent over shuffled batches, with the schedule
    t0 / (t + t1), t counting batches. Works on any array-like X indexable by rows (a memory map too):
    only one batch is copied at a time.

    Parameters
    ----------
    batch_size : int, default 20
    n_epochs : int, default 50
    t0, t1 : float, default 200 and 1000
        The schedule's constants.
    random_state : int or None, default 42
        The seed of the shuffles; None draws a fresh one.

    Attributes
    ----------
    theta_ : ndarray of shape (n_features + 1,)
        The intercept, then the coefficients.
    intercept_ : float
    coef_ : ndarray of shape (n_features,)
    path_, loss_ : ndarray
        theta along the way, and the training MSE after each epoch.

    Examples
    --------
    >>> import numpy as np
    >>> from homl.linreg import MiniBatchGD
    >>> X = np.linspace(0, 2, 100)[:, None]
    >>> MiniBatchGD(n_epochs=200).fit(X, 4 + 3 * X[:, 0]).theta_.round(1)
    array([4., 3.])
    """

    def __init__(
        self,
        batch_size: int = 20,
        n_epochs: int = 50,
        t0: float = 200,
        t1: float = 1000,
        random_state: int | None = 42,
    ):
        self.batch_size = batch_size
        self.n_epochs = n_epochs
        self.t0 = t0
        self.t1 = t1
        self.random_state = random_state

    def fit(self, X: np.ndarray, y: np.ndarray) -> MiniBatchGD:
        X, y = self._validated(X, y)
        rng = np.random.default_rng(self.random_state)
        m = len(y)
        theta = np.zeros(X.shape[1] + 1)
        batches = range(0, m, self.batch_size)
        record = set(recorded_steps(self.n_epochs * len(batches)).tolist())
        path, losses = [theta.copy()], []
        t = 0
        for _ in range(self.n_epochs):
            order = rng.permutation(m)
            for start in batches:
                rows = np.sort(order[start : start + self.batch_size])
                Xb, yb = with_bias(X[rows]), y[rows]
                gradient = 2 / len(rows) * Xb.T @ (Xb @ theta - yb)
                theta = theta - learning_schedule(t, self.t0, self.t1) * gradient
                t += 1
                if t in record:
                    path.append(theta.copy())
            _check_finite(theta, "mini-batch GD", t, f"t0/t1={self.t0}/{self.t1}")
            losses.append(self._mse_chunked(X, y, theta))
        self.path_, self.loss_ = np.array(path), np.array(losses)
        self._set_theta(theta)
        return self

    @staticmethod
    def _mse_chunked(X: np.ndarray, y: np.ndarray, theta: np.ndarray, chunk_rows: int = 1_000_000) -> float:
        total = 0.0
        for start in range(0, len(y), chunk_rows):
            residual = X[start : start + chunk_rows] @ theta[1:] + theta[0] - y[start : start + chunk_rows]
            total += float(residual @ residual)
        return total / len(y)


def theta_of(model) -> np.ndarray:
    """[intercept, *coefficients] of any fitted linear model, scikit-learn's included."""
    return np.concatenate([np.ravel(model.intercept_), np.ravel(model.coef_)])


def solver_report(model, X: np.ndarray, y: np.ndarray, reference: np.ndarray, epochs: int) -> dict:
    """Distance of a fitted model's theta to the closed form, its training RMSE and its epochs."""
    theta = theta_of(model)
    residual = model.predict(X) - y
    return {
        "distance_to_closed_form": float(np.linalg.norm(theta - reference)),
        "train_rmse": float(np.sqrt(np.mean(residual**2))),
        "epochs": int(epochs),
    }
