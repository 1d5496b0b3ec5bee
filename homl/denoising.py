"""Multi-output KNN from noisy images to clean ones: the book's vote, the mean, and a noise-aware posterior."""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Integral, Real
from typing import Annotated, Literal

import numpy as np
from sklearn.base import BaseEstimator, MultiOutputMixin, RegressorMixin, _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from homl.knn import WEIGHTS, as_rows, neighbor_weights
from homl.neighbors import kneighbors
from homl.params import Range

METHODS = ("vote", "mean", "posterior")


@dataclass(frozen=True)
class MethodParams:
    n_neighbors: Annotated[int, Range(1, 100)]
    weights: Literal[WEIGHTS]


Params = dict[Literal[METHODS], MethodParams]  # params.yaml's `denoise`: the methods run, with their settings


def weighted_mean(neighbor_targets: np.ndarray, distances: np.ndarray, weights: str) -> np.ndarray:
    """KNeighborsRegressor's prediction: the weighted mean of the neighbours' targets (n, k, d) -> (n, d)."""
    w = neighbor_weights(distances, weights)
    return np.einsum("nk,nkd->nd", w, neighbor_targets) / w.sum(axis=1, keepdims=True)


def weighted_vote(neighbor_targets: np.ndarray, distances: np.ndarray, weights: str) -> np.ndarray:
    """A multi-output KNeighborsClassifier's prediction: each output's weighted mode (n, k, d) -> (n, d).

    Ties go to the smallest value, as in scikit-learn.
    """
    w = neighbor_weights(distances, weights)
    same = neighbor_targets[:, :, None, :] == neighbor_targets[:, None, :, :]  # (n, k, k, d)
    support = np.einsum("nj,nijd->nid", w, same)  # the weight behind each neighbour's value
    is_mode = np.isclose(support, support.max(axis=1, keepdims=True), rtol=1e-12, atol=0)
    info = np.iinfo if np.issubdtype(neighbor_targets.dtype, np.integer) else np.finfo
    candidates = np.where(is_mode, neighbor_targets, info(neighbor_targets.dtype).max)
    return candidates.min(axis=1)


def posterior_mean(
    neighbor_targets: np.ndarray,
    distances: np.ndarray,
    weights: str,
    observed: np.ndarray,
    noise_mean: float,
    noise_variance: float,
) -> np.ndarray:
    """Each output's posterior mean when the neighbours' targets are its prior and `observed` its noisy reading.

    With prior mean m and variance v (the neighbours' weighted mean and variance) and additive noise of
    known mean and variance s, the estimate is m + v / (v + s) * (observed - noise_mean - m): where the
    neighbours agree it keeps their value, where they disagree it trusts the pixel it sees.
    """
    w = neighbor_weights(distances, weights)
    w = w / w.sum(axis=1, keepdims=True)
    prior_mean = np.einsum("nk,nkd->nd", w, neighbor_targets)
    prior_variance = np.einsum("nk,nkd->nd", w, (neighbor_targets - prior_mean[:, None, :]) ** 2)
    gain = prior_variance / (prior_variance + noise_variance)
    return prior_mean + gain * (observed - noise_mean - prior_mean)


class KNNDenoiser(MultiOutputMixin, RegressorMixin, BaseEstimator):
    """Multi-output KNN from noisy rows (images of any shape) to clean targets.

    `method`: "mean" (default: KNeighborsRegressor), "vote" (each output's weighted mode: the book's multi-output KNeighborsClassifier) or "posterior" (`posterior_mean`, which needs `noise` = (mean, variance)).
    `output_dtype` (for example "uint8" for images): predictions rounded and clipped into that integer
    type; None (default) keeps them as computed.
    """

    _parameter_constraints = {
        "n_neighbors": [Interval(Integral, 1, None, closed="left")],
        "weights": [StrOptions(set(WEIGHTS))],
        "method": [StrOptions(set(METHODS))],
        "noise": [tuple, None],
        "output_dtype": [str, None],
        "chunk_rows": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(
        self,
        n_neighbors: int = 5,
        weights: str = "uniform",
        method: str = "mean",
        noise: tuple[float, float] | None = None,
        output_dtype: str | None = None,
        chunk_rows: int = 1000,
    ):
        self.n_neighbors = n_neighbors
        self.weights = weights
        self.method = method
        self.noise = noise
        self.output_dtype = output_dtype
        self.chunk_rows = chunk_rows

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y) -> KNNDenoiser:
        if self.method == "posterior" and (
            self.noise is None or not all(isinstance(v, Real) for v in self.noise)
        ):
            raise ValueError("the posterior method needs noise=(mean, variance) of the noise")
        self.X_, targets = validate_data(self, as_rows(X), as_rows(y), dtype="numeric", multi_output=True)
        self.target_shape_ = y.shape[1:] if getattr(y, "ndim", 0) > 2 else targets.shape[1:]
        self.y_ = targets.reshape(len(targets), -1)
        return self

    def kneighbors(self, X, progress: str | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The `n_neighbors` nearest training rows of each row of `X`: distances and indices."""
        check_is_fitted(self)
        X = validate_data(self, as_rows(X), dtype="numeric", reset=False)
        return kneighbors(X, self.X_, self.n_neighbors, progress=progress)

    def predict(self, X, neighbors: tuple[np.ndarray, np.ndarray] | None = None, progress: str | None = None):
        """Clean `X`; `neighbors` may pass a search already made, with at least `n_neighbors` columns."""
        distances, indices = neighbors or self.kneighbors(X, progress)
        distances, indices = distances[:, : self.n_neighbors], indices[:, : self.n_neighbors]
        observed = np.asarray(as_rows(X), dtype=np.float64)
        dtype = np.dtype(self.output_dtype or np.float64)
        cleaned = np.empty((len(observed), self.y_.shape[1]), dtype=dtype)
        for start in range(0, len(observed), self.chunk_rows):
            rows = slice(start, start + self.chunk_rows)
            targets, near = self.y_[indices[rows]], distances[rows]
            if self.method == "vote":
                chunk = weighted_vote(targets, near, self.weights)
            elif self.method == "mean":
                chunk = weighted_mean(targets.astype(np.float64), near, self.weights)
            else:
                chunk = posterior_mean(
                    targets.astype(np.float64), near, self.weights, observed[rows], *self.noise
                )
            cleaned[rows] = _round_into(chunk, dtype) if self.output_dtype else chunk
        return cleaned.reshape(len(observed), *self.target_shape_)


def _round_into(values: np.ndarray, dtype: np.dtype) -> np.ndarray:
    if not np.issubdtype(dtype, np.integer):
        return values
    info = np.iinfo(dtype)
    return np.clip(np.rint(values), info.min, info.max)
