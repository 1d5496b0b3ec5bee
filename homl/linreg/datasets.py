"""Chapter 4's data: the book's synthetic set, drawn as the book draws it, a large synthetic set made a
chunk at a time, standardization, and the iris flowers scikit-learn ships."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

import numpy as np

from homl.core.errors import ParamsError
from homl.core.params import Range


@dataclass(frozen=True)
class SyntheticParams:
    """params.yaml's `linreg.synthetic`: the book's y = intercept + x . coefficients + Gaussian noise."""

    rows: Annotated[int, Range(2, None)]
    intercept: float
    coefficients: tuple[float, ...]
    x_max: Annotated[float, Range(0, None)]
    noise_std: Annotated[float, Range(0, None)]


def synthetic_data(
    rows: int, intercept: float, coefficients, x_max: float, noise_std: float, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """The book's data: x uniform in [0, x_max), y = intercept + x . coefficients + Gaussian noise.

    Drawn as the book draws it (`np.random.seed(seed)`, then `rand`, then `randn`), so that with the
    book's settings the data, and every figure fitted on it, are the book's own.
    """
    legacy = np.random.RandomState(seed)
    X = x_max * legacy.rand(rows, len(coefficients))
    return X, intercept + X @ np.asarray(coefficients, dtype=np.float64) + noise_std * legacy.randn(rows)


def large_synthetic_data(
    rows: int, features: int, seed: int, chunk_rows: int = 1_000_000
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Standard-normal X, y = X theta + noise, generated a chunk at a time into one array each.

    Returns X, y and the true [intercept, *coefficients].
    """
    rng = np.random.default_rng(seed)
    theta = rng.uniform(-5, 5, features + 1)
    X = np.empty((rows, features))
    y = np.empty(rows)
    for start in range(0, rows, chunk_rows):
        stop = min(start + chunk_rows, rows)
        X[start:stop] = rng.standard_normal((stop - start, features))
        y[start:stop] = X[start:stop] @ theta[1:] + theta[0] + rng.standard_normal(stop - start)
    return X, y, theta


def standardize(X: np.ndarray) -> np.ndarray:
    """Zero mean and unit variance per column, as gradient descent wants it."""
    X = np.asarray(X, dtype=np.float64)
    return (X - X.mean(axis=0)) / X.std(axis=0)


def iris(features: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """The iris flowers scikit-learn ships: the `features` columns, the species as 0-2, and their names."""
    from sklearn.datasets import load_iris

    flowers = load_iris(as_frame=True)
    unknown = sorted(set(features) - set(flowers.data.columns))
    if unknown:
        raise ParamsError(f"no iris column {unknown[0]!r}; the table has {list(flowers.data.columns)}")
    return flowers.data[list(features)].to_numpy(), flowers.target.to_numpy(), list(flowers.target_names)
