"""A nearest-neighbour classifier whose distance tolerates small local deformations: the image distortion
model (IDM) of Keysers et al. (IEEE PAMI 2007). Every pixel of the query may match the best pixel of the
reference within a small window, comparing the local context (patches) of both. The exact Euclidean
search picks the candidates; the IDM re-ranks only those."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from numbers import Integral, Real
from typing import TYPE_CHECKING, Annotated, Literal

import numba
import numpy as np
from scipy import ndimage
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data
from tqdm import tqdm

from homl.core.params import Range
from homl.core.sklearn_private import Interval, StrOptions, fit_context
from homl.digits.images import preprocess
from homl.digits.knn import WEIGHTS, as_rows, vote
from homl.digits.neighbors import kneighbors, squared_norms

if TYPE_CHECKING:  # pandas and the selection helpers load only in a search (start-up time)
    import pandas as pd

FEATURES = ("pixels", "gradients")  # what the local context compares: intensities, or Sobel gradients
CHUNK_ROWS = 500


@dataclass(frozen=True)
class SearchParams:
    """params.yaml's `idm`: the grid scored on a validation split of the training images."""

    features: tuple[Literal[FEATURES], ...]
    window: tuple[Annotated[int, Range(0, 5)], ...]
    context: tuple[Annotated[int, Range(0, 3)], ...]
    n_candidates: tuple[Annotated[int, Range(1, 1000)], ...]
    n_neighbors: tuple[Annotated[int, Range(1, 1000)], ...]
    weights: tuple[Literal[WEIGHTS], ...]
    validation_size: Annotated[int, Range(1, None)]


def image_shape(n_features: int) -> tuple[int, int]:
    """Rows of a square number of features are square images; any other row is one line of pixels."""
    side = math.isqrt(n_features)
    return (side, side) if side * side == n_features else (1, n_features)


def feature_planes(images: np.ndarray, features: str, margin: int) -> np.ndarray:
    """(n, planes, height + 2 margin, width + 2 margin) float32 planes padded with zeros: the image, or
    its vertical and horizontal Sobel gradients (a window reaching past the image meets background)."""
    images = np.asarray(images, dtype=np.float32)
    n, height, width = images.shape
    planes = np.zeros(
        (n, 1 if features == "pixels" else 2, height + 2 * margin, width + 2 * margin), dtype=np.float32
    )
    inside = planes[:, :, margin : margin + height, margin : margin + width]
    if features == "pixels":
        inside[:, 0] = images
    else:
        for plane, axis in enumerate((1, 2)):
            inside[:, plane] = sobel(images, axis)
    return planes


def sobel(images: np.ndarray, axis: int) -> np.ndarray:
    """The Sobel derivative of each image of a (n, height, width) stack along `axis` (1 or 2), smoothed
    along the other image axis only (scipy's `ndimage.sobel` would also smooth across the stack)."""
    derivative = ndimage.correlate1d(images, [-1, 0, 1], axis, mode="constant")
    return ndimage.correlate1d(derivative, [1, 2, 1], 3 - axis, mode="constant")


@numba.njit(inline="always")
def _box_sums(source: np.ndarray, out: np.ndarray, side: int, step: int, least_of: np.ndarray) -> None:
    """out[i] = source[i] + source[i + step] + ... (side terms, left to right), or, when `least_of` has
    values (an array other than `out`), the smaller of that and least_of[i]. Three and five terms (context
    1 and 2) read views, which the compiler vectorizes; other counts loop over the terms. `out` is written
    whole: a minimum kept in place would compile to masked stores, four times slower on AMD CPUs."""
    n = len(out)
    minimum = len(least_of) > 0
    if side == 5:
        s0, s1, s2 = source[:n], source[step : step + n], source[2 * step : 2 * step + n]
        s3, s4 = source[3 * step : 3 * step + n], source[4 * step : 4 * step + n]
        for i in range(n):
            total = s0[i] + s1[i] + s2[i] + s3[i] + s4[i]
            out[i] = (total if total < least_of[i] else least_of[i]) if minimum else total
    elif side == 3:
        s0, s1, s2 = source[:n], source[step : step + n], source[2 * step : 2 * step + n]
        for i in range(n):
            total = s0[i] + s1[i] + s2[i]
            out[i] = (total if total < least_of[i] else least_of[i]) if minimum else total
    else:
        for i in range(n):
            total = source[i]
            for d in range(1, side):
                total += source[i + d * step]
            out[i] = (total if total < least_of[i] else least_of[i]) if minimum else total


@numba.njit(parallel=True, cache=True)  # no fastmath: the same sums in the same order on every CPU
def idm_distances(
    queries: np.ndarray, references: np.ndarray, pairs: np.ndarray, window: int, context: int, margin: int
) -> np.ndarray:
    """IDM distance of each query to each of its candidate references (`pairs[i, j]` indexes the
    reference compared with query i); planes come from `feature_planes` with margin >= window + context.

    For each shift (a, b) within the window, the squared difference between the query and the shifted
    reference is summed over each pixel's (2 context + 1)^2 patch (a box filter, summed along rows, then
    columns); every pixel then keeps its cheapest shift, and the distance is the sum over the pixels.
    Each plane is read as one flat line of its padded rows, so every loop runs over a whole image (the
    columns of the padding are computed and never used) and the compiler vectorizes it without
    reordering any pixel's sum.
    """
    n_queries, n_candidates = pairs.shape
    n_planes, padded_height, stride = queries.shape[1:]
    height, width = padded_height - 2 * margin, stride - 2 * margin
    side = 2 * context + 1
    top = margin - context
    squared_length = (height + 2 * context - 1) * stride + width + 2 * context
    rows_length = (height + 2 * context - 1) * stride + width
    patch_length = (height - 1) * stride + width
    plane_size = padded_height * stride
    flat_queries = queries.reshape(n_queries, n_planes * plane_size)
    flat_references = references.reshape(len(references), n_planes * plane_size)
    distances = np.empty((n_queries, n_candidates), dtype=np.float64)
    for q in numba.prange(n_queries):
        squared = np.empty(squared_length, dtype=np.float32)
        rows = np.empty(rows_length, dtype=np.float32)
        cheapest = np.empty((2, patch_length), dtype=np.float32)  # before and after each shift, in turn
        no_minimum = np.empty(0, dtype=np.float32)
        for j in range(n_candidates):
            reference = flat_references[pairs[q, j]]
            cheapest[0] = np.inf
            shifts = 0
            for a in range(-window, window + 1):
                for b in range(-window, window + 1):
                    for p in range(n_planes):
                        start = p * plane_size + top * stride + top
                        query_line = flat_queries[q, start : start + squared_length]
                        start += a * stride + b
                        reference_line = reference[start : start + squared_length]
                        if p == 0:
                            for i in range(squared_length):
                                d = query_line[i] - reference_line[i]
                                squared[i] = d * d
                        else:
                            for i in range(squared_length):
                                d = query_line[i] - reference_line[i]
                                squared[i] += d * d
                    _box_sums(squared, rows, side, 1, no_minimum)
                    _box_sums(rows, cheapest[(shifts + 1) % 2], side, stride, cheapest[shifts % 2])
                    shifts += 1
            least = cheapest[shifts % 2]
            total = 0.0
            for y in range(height):
                for x in range(width):
                    total += np.float64(least[y * stride + x])
            distances[q, j] = total
    return distances


class IDMClassifier(ClassifierMixin, BaseEstimator):
    """k nearest neighbours under the image distortion model, re-ranking Euclidean candidates.

    Rows are images (square ones are taken as such, any other row as one line of pixels). Both searches
    compare the images after `preprocess(deskew, blur_sigma)`. Each query's `n_candidates` nearest
    training images by Euclidean distance are re-ranked by `idm_distances` (`features`, `window`,
    `context`), and the `n_neighbors` nearest vote (`weights` as in KNeighborsClassifier).

    Parameters
    ----------
    n_neighbors : int, default 3
    weights : {"uniform", "distance"}, default "uniform"
    n_candidates : int, default 50
        Euclidean nearest neighbours re-ranked by the IDM.
    window : int, default 2
        A query pixel may match any reference pixel up to this many pixels away.
    context : int, default 2
        The patch compared around each pixel is (2 context + 1)^2 pixels.
    features : {"pixels", "gradients"}, default "pixels"
        What the patches compare: intensities, or Sobel gradients.
    deskew : bool, default True
    blur_sigma : float, default 0.5
        The preparation of every image (`homl.digits.preprocess`).
    chunk_rows : int, default CHUNK_ROWS
    verbose : int, default 0
        Above 0, progress bars on standard error while predicting.

    Attributes
    ----------
    classes_ : ndarray
    references_, reference_norms_ : ndarray
        The prepared training images (kept, so a saved model prepares nothing) and their squared lengths.

    Examples
    --------
    >>> import numpy as np
    >>> from homl.digits import IDMClassifier
    >>> bar = np.zeros((8, 8)); bar[1:7, 3] = 255            # a vertical stroke
    >>> cross = np.zeros((8, 8)); cross[4, 1:7] = 255; cross[1:7, 4] = 255
    >>> model = IDMClassifier(n_neighbors=1, n_candidates=2, window=1, context=1, deskew=False)
    >>> shifted = np.roll(bar, 1, axis=1)                     # the stroke one pixel to the right
    >>> model.fit(np.stack([bar, cross]), [1, 4]).predict(shifted[None])
    array([1])
    """

    _parameter_constraints = {
        "n_neighbors": [Interval(Integral, 1, None, closed="left")],
        "weights": [StrOptions(set(WEIGHTS))],
        "n_candidates": [Interval(Integral, 1, None, closed="left")],
        "window": [Interval(Integral, 0, None, closed="left")],
        "context": [Interval(Integral, 0, None, closed="left")],
        "features": [StrOptions(set(FEATURES))],
        "deskew": ["boolean"],
        "blur_sigma": [Interval(Real, 0, None, closed="left")],
        "chunk_rows": [Interval(Integral, 1, None, closed="left")],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        n_neighbors: int = 3,
        weights: str = "uniform",
        n_candidates: int = 50,
        window: int = 2,
        context: int = 2,
        features: str = "pixels",
        deskew: bool = True,
        blur_sigma: float = 0.5,
        chunk_rows: int = CHUNK_ROWS,
        verbose: int = 0,
    ):
        self.n_neighbors = n_neighbors
        self.weights = weights
        self.n_candidates = n_candidates
        self.window = window
        self.context = context
        self.features = features
        self.deskew = deskew
        self.blur_sigma = blur_sigma
        self.chunk_rows = chunk_rows
        self.verbose = verbose

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y) -> IDMClassifier:
        X, y = validate_data(self, as_rows(X), y, dtype="numeric")
        check_classification_targets(y)
        if self.n_neighbors > self.n_candidates:
            raise ValueError(f"n_neighbors={self.n_neighbors} exceeds n_candidates={self.n_candidates}")
        self.references_ = self._prepared(X)  # kept prepared: a saved model answers without redoing it
        self.reference_norms_ = squared_norms(self.references_)
        self.classes_, self.y_index_ = np.unique(y, return_inverse=True)
        return self

    def _prepared(self, rows: np.ndarray) -> np.ndarray:
        images = np.asarray(rows, dtype=np.float32).reshape(len(rows), *image_shape(rows.shape[1]))
        return preprocess(images, self.deskew, self.blur_sigma) / np.float32(255)

    def euclidean_candidates(self, X, progress: str | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The prepared query images, and each one's `n_candidates` nearest training images by Euclidean
        distance (indices, nearest first)."""
        check_is_fitted(self)
        X = validate_data(self, as_rows(X), dtype="numeric", reset=False)
        if self.n_candidates > len(self.references_):
            raise ValueError(
                f"n_candidates={self.n_candidates} exceeds the {len(self.references_)} training rows"
            )
        queries = self._prepared(X)
        label = None if progress is None else f"{progress}: Euclidean candidates"
        search = kneighbors(
            queries,
            self.references_,
            self.n_candidates,
            progress=label,
            reference_norms=self.reference_norms_,
        )
        return queries, search[1]

    def idm(self, queries: np.ndarray, indices: np.ndarray, progress: str | None = None) -> np.ndarray:
        """IDM distances of prepared query images to the training images `indices` names (row by row)."""
        margin = self.window + self.context
        needed, pairs = np.unique(indices, return_inverse=True)
        references = feature_planes(self.references_[needed], self.features, margin)
        pairs = pairs.reshape(indices.shape).astype(np.int64)
        distances = np.empty(indices.shape)
        starts = range(0, len(queries), self.chunk_rows)
        bar = tqdm(starts, desc=progress and f"{progress}: IDM", disable=progress is None, unit="chunk")
        for start in bar:
            rows = slice(start, start + self.chunk_rows)
            distances[rows] = idm_distances(
                feature_planes(queries[rows], self.features, margin),
                references,
                pairs[rows],
                self.window,
                self.context,
                margin,
            )
        return distances

    def proba_from(self, indices: np.ndarray, distances: np.ndarray) -> np.ndarray:
        """Class shares among the `n_neighbors` candidates nearest by IDM (ties: Euclidean order)."""
        order = np.argsort(distances, axis=1, kind="stable")[:, : self.n_neighbors]
        labels = self.y_index_[np.take_along_axis(indices, order, axis=1)]
        return vote(labels, np.take_along_axis(distances, order, axis=1), self.weights, len(self.classes_))

    def predict_proba(self, X) -> np.ndarray:
        """Each class's share of the (weighted) neighbours."""
        progress = "IDM classifier" if self.verbose else None
        queries, indices = self.euclidean_candidates(X, progress)
        return self.proba_from(indices, self.idm(queries, indices, progress))

    def predict(self, X) -> np.ndarray:
        proba = self.predict_proba(X)
        return self.classes_[proba.argmax(axis=1)]


def search_idm(
    X: np.ndarray, y: np.ndarray, grid: SearchParams, deskew: bool, blur_sigma: float, seed: int
) -> pd.DataFrame:
    """Every setting of `grid` scored on one stratified validation split of the training rows (X, y):
    a `selection.candidates`-like table, the accuracy's standard error as its std.

    The Euclidean candidates are searched once, for the most candidates, and the IDM distances computed
    once per (features, window, context); fewer candidates are the nearest of those.
    """
    import pandas as pd

    from homl.core import selection

    X = as_rows(X)
    fit_rows, valid_rows = selection.validation_split(y, grid.validation_size, seed)
    model = IDMClassifier(n_candidates=max(grid.n_candidates), deskew=deskew, blur_sigma=blur_sigma)
    model.fit(X[fit_rows], y[fit_rows])
    truth = np.searchsorted(model.classes_, y[valid_rows])
    queries, indices = model.euclidean_candidates(X[valid_rows], progress="validation")
    rows = []
    for features, window, context in itertools.product(grid.features, grid.window, grid.context):
        model.set_params(features=features, window=window, context=context)
        distances = model.idm(queries, indices, progress=f"{features} window={window} context={context}")
        for n_candidates in grid.n_candidates:  # sorted once: each k's nearest are the first k
            order = np.argsort(distances[:, :n_candidates], axis=1, kind="stable")
            nearest = np.take_along_axis(indices, order, axis=1)
            nearest_distances = np.take_along_axis(distances, order, axis=1)
            for k, weights in itertools.product(grid.n_neighbors, grid.weights):
                if k > n_candidates:
                    continue
                model.set_params(n_neighbors=k, weights=weights)
                proba = model.proba_from(nearest[:, :k], nearest_distances[:, :k])
                accuracy = float(np.mean(proba.argmax(axis=1) == truth))
                rows.append(
                    {
                        "features": features,
                        "window": window,
                        "context": context,
                        "n_candidates": n_candidates,
                        "n_neighbors": k,
                        "weights": weights,
                        "mean_accuracy": accuracy,
                        "std_accuracy": math.sqrt(accuracy * (1 - accuracy) / len(truth)),
                    }
                )
    return pd.DataFrame(rows)


def best_per_distance(table: pd.DataFrame) -> pd.DataFrame:
    """The best row of a `search_idm` table for each (features, window, context), labelled as a setting."""
    distance = ["features", "window", "context"]
    best = table.loc[table.groupby(distance, sort=False)["mean_accuracy"].idxmax()]
    setting = (
        best["features"]
        + ", window "
        + best["window"].astype(str)
        + ", context "
        + best["context"].astype(str)
    )
    return best.assign(setting=setting).rename(
        columns={"mean_accuracy": "validation_accuracy", "std_accuracy": "validation_std"}
    )[
        [
            "setting",
            *table.columns.drop(["mean_accuracy", "std_accuracy"]),
            "validation_accuracy",
            "validation_std",
        ]
    ]
