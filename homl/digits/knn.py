"""The KNN digit classifier and its cross-validated search, both over the exact neighbour search."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from numbers import Integral
from typing import TYPE_CHECKING, Annotated, Literal

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from homl.core.params import Range
from homl.core.sklearn_private import Interval, StrOptions, fit_context
from homl.digits.neighbors import CHUNK_ROWS, kneighbors, squared_norms

if TYPE_CHECKING:  # pandas and the selection helpers load only in a search (start-up time)
    import pandas as pd

WEIGHTS = ("uniform", "distance")


@dataclass(frozen=True)
class SearchParams:
    """params.yaml's `knn`: the grid searched and the CV folds."""

    n_neighbors: tuple[Annotated[int, Range(1, None)], ...]
    weights: tuple[Literal[WEIGHTS], ...]
    folds: Annotated[int, Range(2, None)]


def as_rows(X):
    """Images of any shape as one row each (other inputs untouched, for validation to judge)."""
    return X.reshape(len(X), -1) if getattr(X, "ndim", 2) > 2 else X


def neighbor_weights(distances: np.ndarray, weights: str) -> np.ndarray:
    """Each neighbour's weight: 1, or 1 / distance (a neighbour at distance zero takes all the weight)."""
    if weights == "uniform":
        return np.ones_like(distances)
    with np.errstate(divide="ignore"):
        w = 1.0 / distances
    exact_match = distances == 0
    has_match = exact_match.any(axis=1)
    w[has_match] = exact_match[has_match]
    return w


def vote(neighbor_labels: np.ndarray, distances: np.ndarray, weights: str, n_classes: int) -> np.ndarray:
    """Class scores from the labels of each query's neighbours, as KNeighborsClassifier weighs them.

    Returns an (n_queries, n_classes) array of normalized scores.
    """
    w = neighbor_weights(distances, weights)
    scores = np.zeros((len(neighbor_labels), n_classes))
    np.add.at(scores, (np.arange(len(neighbor_labels))[:, None], neighbor_labels), w)
    return scores / scores.sum(axis=1, keepdims=True)


class KNNClassifier(ClassifierMixin, BaseEstimator):
    """Exact k-nearest-neighbour classifier (`homl.digits.kneighbors`); rows may be images of any shape.

    Parameters
    ----------
    n_neighbors : int, default 5
    weights : {"uniform", "distance"}, default "uniform"
        As KNeighborsClassifier weighs the neighbours' votes.
    chunk_rows : int, default CHUNK_ROWS
        Queries searched at a time (speed and progress only).
    verbose : int, default 0
        Above 0, a progress bar on standard error while predicting.

    Attributes
    ----------
    classes_ : ndarray
    X_, reference_norms_ : ndarray
        The training rows and their squared lengths, searched as they are.

    Examples
    --------
    >>> import numpy as np
    >>> from homl.digits import KNNClassifier
    >>> X = np.array([[0, 0], [0, 1], [5, 5], [5, 6]])
    >>> KNNClassifier(n_neighbors=1).fit(X, ["a", "a", "b", "b"]).predict([[4, 5], [1, 0]])
    array(['b', 'a'], dtype='<U1')
    """

    _parameter_constraints = {
        "n_neighbors": [Interval(Integral, 1, None, closed="left")],
        "weights": [StrOptions(set(WEIGHTS))],
        "chunk_rows": [Interval(Integral, 1, None, closed="left")],
        "verbose": ["verbose"],
    }

    def __init__(
        self, n_neighbors: int = 5, weights: str = "uniform", chunk_rows: int = CHUNK_ROWS, verbose: int = 0
    ):
        self.n_neighbors = n_neighbors
        self.weights = weights
        self.chunk_rows = chunk_rows
        self.verbose = verbose

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y) -> KNNClassifier:
        X, y = validate_data(self, as_rows(X), y, dtype="numeric")
        check_classification_targets(y)
        self.X_, self.reference_norms_ = X, squared_norms(X)
        self.classes_, self.y_index_ = np.unique(y, return_inverse=True)
        self._bounds = {}
        return self

    def __getstate__(self) -> dict:  # the bounds are rebuilt by the first search, never saved
        return {name: value for name, value in super().__getstate__().items() if name != "_bounds"}

    def predict_proba(self, X) -> np.ndarray:
        """Each class's share of the (weighted) neighbours."""
        check_is_fitted(self)
        X = validate_data(self, as_rows(X), dtype="numeric", reset=False)
        if self.n_neighbors > len(self.X_):
            raise ValueError(f"n_neighbors={self.n_neighbors} exceeds the {len(self.X_)} training rows")
        distances, indices = kneighbors(
            X,
            self.X_,
            self.n_neighbors,
            self.chunk_rows,
            "KNN search" if self.verbose else None,
            reference_norms=self.reference_norms_,
            kept_bounds=self.__dict__.setdefault("_bounds", {}),  # a loaded model builds them anew
        )
        return vote(self.y_index_[indices], distances, self.weights, len(self.classes_))

    def predict(self, X) -> np.ndarray:
        proba = self.predict_proba(X)
        return self.classes_[proba.argmax(axis=1)]


def search_knn(
    X: np.ndarray,
    y: np.ndarray,
    n_neighbors: Sequence[int],
    weights: Sequence[str],
    folds: int,
    seed: int,
    chunk_rows: int = CHUNK_ROWS,
) -> pd.DataFrame:
    """`selection.candidates` of a KNNClassifier grid search by accuracy, from one neighbour search a fold.

    The folds are `selection.folds`; each is searched once, for the largest k, and every candidate is
    scored from those neighbours: the same scores as GridSearchCV, several times faster.
    """
    import pandas as pd

    from homl.core import selection

    grid = [(k, w) for k in n_neighbors for w in weights]
    X = as_rows(X)
    classes, y_index = np.unique(y, return_inverse=True)
    scores = []
    for fold, (train, valid) in enumerate(selection.folds(folds, seed).split(X, y_index), start=1):
        distances, indices = kneighbors(
            X[valid], X[train], max(n_neighbors), chunk_rows, progress=f"fold {fold}/{folds}"
        )
        labels, truth = y_index[train][indices], y_index[valid]
        scores.append(
            [
                np.mean(vote(labels[:, :k], distances[:, :k], w, len(classes)).argmax(1) == truth)
                for k, w in grid
            ]
        )
    scores = np.array(scores)
    return pd.DataFrame(
        {
            "n_neighbors": [k for k, _ in grid],
            "weights": [w for _, w in grid],
            "mean_accuracy": scores.mean(axis=0),
            "std_accuracy": scores.std(axis=0),
        }
    )
