"""Multi-output KNN from noisy images to clean ones: the book's vote, the mean, and two noise-aware posteriors."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from numbers import Integral, Real
from typing import TYPE_CHECKING, Annotated, Literal

import numpy as np
from sklearn.base import BaseEstimator, MultiOutputMixin, RegressorMixin
from sklearn.utils.validation import check_is_fitted, validate_data
from tqdm import tqdm

from homl.core.params import Range
from homl.core.sklearn_private import Interval, StrOptions, fit_context
from homl.digits.images import DIRECTIONS, augment_with_shifts, psnr, uniform_noise_moments
from homl.digits.knn import WEIGHTS, as_rows, neighbor_weights
from homl.digits.neighbors import kneighbors, squared_norms
from homl.digits.posteriors import bounded_grid, posterior_mean, weighted_mean, weighted_vote

if TYPE_CHECKING:  # pandas and the selection helpers load only in a search (start-up time)
    import pandas as pd

METHODS = ("vote", "mean", "posterior", "bounded")
NOISE_AWARE = ("posterior", "bounded")  # the methods that know the noise (`noise`)
CHUNK_VALUES = 20_000_000  # neighbour values held at a time while predicting


@dataclass(frozen=True)
class MethodGrid:
    """One method's settings, every combination scored on the validation split."""

    n_neighbors: tuple[Annotated[int, Range(1, 1000)], ...]
    weights: tuple[Literal[WEIGHTS], ...]
    bandwidth: tuple[Annotated[float, Range(0.01, 255)], ...] = (4.0,)
    shifted_copies: tuple[bool, ...] = (False,)
    patch_radius: tuple[Annotated[int, Range(0, 5)], ...] = (0,)
    locality: tuple[Annotated[float, Range(0.01, 100)], ...] = (1.0,)


@dataclass(frozen=True)
class Params:
    """params.yaml's `denoise`: the methods run, each with the grid its settings are chosen from."""

    validation_size: Annotated[int, Range(1, None)]
    methods: dict[Literal[METHODS], MethodGrid]


class KNNDenoiser(MultiOutputMixin, RegressorMixin, BaseEstimator):
    """Multi-output KNN from noisy rows (images of any shape) to clean targets.

    Parameters
    ----------
    n_neighbors : int, default 5
    weights : {"uniform", "distance"}, default "uniform"
    method : {"vote", "mean", "posterior", "bounded"}, default "mean"
    noise : (low, high) or None, default None
    bandwidth : float, default 4.0
    patch_radius : int, default 0
    locality : float, default 1.0
    shifted_copies : bool, default False
    output_dtype : str or None, default None
    chunk_rows : int, default 1000
    verbose : int, default 0

    Attributes
    ----------
    y_ : ndarray
        The clean training targets, one row each.
    X_ or targets_ : ndarray
        The references searched: the noisy training rows, or (knowing the noise) the clean targets and
        their shifted copies.

    Examples
    --------
    >>> import numpy as np
    >>> from homl.digits import KNNDenoiser
    >>> clean = np.array([[0, 0, 200, 200], [200, 200, 0, 0]], dtype=np.uint8)
    >>> noisy = clean + np.array([[30, 60, 10, 90], [50, 0, 70, 20]])
    >>> model = KNNDenoiser(1, method="bounded", noise=(0, 100), output_dtype="uint8").fit(noisy, clean)
    >>> model.predict([[40, 90, 250, 220]])
    array([[  0,   0, 200, 200]], dtype=uint8)

    What the parameters mean: `method`: "mean" (default: KNeighborsRegressor), "vote" (each output's weighted mode: the book's
    multi-output KNeighborsClassifier), "posterior" (`posterior_mean`) or "bounded" (`bounded_posterior`,
    with `bandwidth`); the last two need `noise`. `patch_radius` > 0 (bounded, image targets): each
    neighbour is weighted at each pixel by how well its (2 r + 1)^2 patch there matches the reading's,
    on a scale of `locality` noise variances (`posteriors.bounded_grid`); 0: one weight each.
    `noise` = (low, high): the noise is an integer drawn uniformly from [low, high) and added. Given, the
    neighbours are searched among the clean targets plus the noise's mean (noise on one side only), and
    `shifted_copies` adds each target image shifted one pixel in every direction (saved with the model,
    so that loading rebuilds nothing). Not given (the book's way), among the noisy training rows.
    `output_dtype` (for example "uint8" for images): predictions rounded and clipped into that integer
    type; None (default) keeps them as computed. `verbose` above 0 shows progress bars while predicting.
    """

    _parameter_constraints = {
        "n_neighbors": [Interval(Integral, 1, None, closed="left")],
        "weights": [StrOptions(set(WEIGHTS))],
        "method": [StrOptions(set(METHODS))],
        "noise": [tuple, None],
        "bandwidth": [Interval(Real, 0, None, closed="neither")],
        "patch_radius": [Interval(Integral, 0, None, closed="left")],
        "locality": [Interval(Real, 0, None, closed="neither")],
        "shifted_copies": ["boolean"],
        "output_dtype": [str, None],
        "chunk_rows": [Interval(Integral, 1, None, closed="left")],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        n_neighbors: int = 5,
        weights: str = "uniform",
        method: str = "mean",
        noise: tuple[int, int] | None = None,
        bandwidth: float = 4.0,
        patch_radius: int = 0,
        locality: float = 1.0,
        shifted_copies: bool = False,
        output_dtype: str | None = None,
        chunk_rows: int = 1000,
        verbose: int = 0,
    ):
        self.n_neighbors = n_neighbors
        self.weights = weights
        self.method = method
        self.noise = noise
        self.bandwidth = bandwidth
        self.patch_radius = patch_radius
        self.locality = locality
        self.shifted_copies = shifted_copies
        self.output_dtype = output_dtype
        self.chunk_rows = chunk_rows
        self.verbose = verbose

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y) -> KNNDenoiser:
        if self.noise is not None and not (
            len(self.noise) == 2
            and all(isinstance(v, Real) for v in self.noise)
            and self.noise[0] < self.noise[1]
        ):
            raise ValueError(f"noise must be (low, high) with low < high, not {self.noise!r}")
        if self.noise is None and (self.method in NOISE_AWARE or self.shifted_copies):
            needs = f"the {self.method} method" if self.method in NOISE_AWARE else "shifted_copies"
            raise ValueError(f"{needs} needs noise=(low, high), the range of the noise")
        X, targets = validate_data(self, as_rows(X), as_rows(y), dtype="numeric", multi_output=True)
        self.target_shape_ = y.shape[1:] if getattr(y, "ndim", 0) > 2 else targets.shape[1:]
        for option in ("shifted_copies", "patch_radius"):
            if getattr(self, option) and len(self.target_shape_) != 2:
                raise ValueError(f"{option} needs image targets, not rows of shape {self.target_shape_}")
        self.y_ = targets.reshape(len(targets), -1)
        if self.noise is not None and X.shape[1] != self.y_.shape[1]:
            raise ValueError(
                f"knowing the noise, inputs are compared with targets: {X.shape[1]} input columns, "
                f"{self.y_.shape[1]} target columns"
            )
        if self.noise is None:
            self.X_ = X
        else:
            self._search_clean_targets()
        self.reference_norms_ = squared_norms(self.X_ if self.noise is None else self.targets_)
        return self

    def _search_clean_targets(self) -> None:
        targets = self.y_
        if self.shifted_copies:
            images = targets.reshape(len(targets), *self.target_shape_)
            copies, _ = augment_with_shifts(images, np.zeros(len(images)), list(DIRECTIONS), 1)
            targets = copies.reshape(len(copies), -1)
        self.targets_ = targets

    def kneighbors(self, X=None, n_neighbors: int | None = None, return_distance: bool = True):
        """The `n_neighbors` (default: the model's) nearest references of each row of `X` (see `noise`):
        distances and indices as scikit-learn's `kneighbors` gives them, or the indices only."""
        if X is None:
            raise ValueError("X is needed: the references are not the inputs the model was fitted on")
        progress = "denoiser search" if self.verbose else None
        distances, indices = self._search(X, n_neighbors or self.n_neighbors, progress)
        return (distances, indices) if return_distance else indices

    def _search(self, X, n_neighbors: int, progress: str | None) -> tuple[np.ndarray, np.ndarray]:
        check_is_fitted(self)
        X = validate_data(self, as_rows(X), dtype="numeric", reset=False)
        # Noisy rows on one side at least: no bounds can settle them, so brute force.
        if self.noise is None:
            queries, references = X, self.X_
        else:  # |x - (target + noise mean)| as |(x - noise mean) - target|: targets searched as stored
            queries = X.astype(np.float32) - np.float32(uniform_noise_moments(*self.noise)[0])
            references = self.targets_
        return kneighbors(
            queries,
            references,
            n_neighbors,
            progress=progress,
            bounds=False,
            reference_norms=self.reference_norms_,
        )

    def predict(self, X) -> np.ndarray:
        """Clean `X`."""
        return self.predict_from(X, self.kneighbors(X))

    def predict_from(self, X, neighbors: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
        """Clean `X` from a search already made (`kneighbors`, with at least `n_neighbors` columns): the
        methods and settings that search the same references share one search."""
        if self.method == "bounded":
            return self.predict_bounded(X, neighbors, [self.n_neighbors], [self.bandwidth])[0, 0]
        distances, indices = neighbors
        distances, indices = distances[:, : self.n_neighbors], indices[:, : self.n_neighbors]
        observed = np.asarray(as_rows(X), dtype=np.float64)
        targets_of = self.y_ if self.noise is None else self.targets_
        cleaned = np.empty((len(observed), self.y_.shape[1]), dtype=np.dtype(self.output_dtype or np.float64))
        for rows in self._chunks(len(observed), self.n_neighbors):
            near = distances[rows]
            if self.method == "vote":
                chunk = weighted_vote(targets_of[indices[rows]], near, self.weights)
            elif self.method == "mean":
                chunk = weighted_mean(targets_of[indices[rows]].astype(np.float64), near, self.weights)
            else:
                moments = uniform_noise_moments(*self.noise)
                chunk = posterior_mean(
                    targets_of[indices[rows]].astype(np.float64), near, self.weights, observed[rows], *moments
                )
            cleaned[rows] = _round_into(chunk, cleaned.dtype) if self.output_dtype else chunk
        return cleaned.reshape(len(observed), *self.target_shape_)

    def predict_bounded(self, X, neighbors, counts: list[int], bandwidths: list[float]) -> np.ndarray:
        """The bounded method's cleaning of `X` (`predict_from`) for every count of nearest neighbours
        (ascending) and every bandwidth, in one pass over the neighbours (`posteriors.bounded_grid`):
        (counts, bandwidths, *X's shape), each the bits that setting alone gives."""
        distances, indices = neighbors
        k = max(counts)
        observed = np.asarray(as_rows(X), dtype=np.float64)
        dtype = np.dtype(self.output_dtype or np.float64)
        cleaned = np.empty((len(counts), len(bandwidths), len(observed), self.y_.shape[1]), dtype=dtype)
        patch = (self.patch_radius, self.locality, self.target_shape_) if self.patch_radius else None
        for rows in self._chunks(len(observed), k):
            chunk = bounded_grid(  # reads the neighbours' values in place
                self.targets_,
                indices[rows, :k],
                neighbor_weights(distances[rows, :k], self.weights),
                observed[rows],
                *self.noise,
                bandwidths,
                counts,
                patch,
            )
            cleaned[:, :, rows] = _round_into(chunk, dtype) if self.output_dtype else chunk
        return cleaned.reshape(len(counts), len(bandwidths), len(observed), *self.target_shape_)

    def _chunks(self, rows: int, n_neighbors: int):
        """Slices of at most `chunk_rows` rows, and at most CHUNK_VALUES neighbour values, with progress."""
        step = max(1, min(self.chunk_rows, CHUNK_VALUES // (n_neighbors * self.y_.shape[1])))
        starts = range(0, rows, step)
        progress = "denoiser cleaning" if self.verbose else None
        for start in tqdm(starts, desc=progress, disable=progress is None, unit="chunk"):
            yield slice(start, start + step)


def search_denoisers(
    noisy: np.ndarray, clean: np.ndarray, labels: np.ndarray, grid: Params, noise: tuple[int, int], seed: int
) -> pd.DataFrame:
    """Every method's settings scored by PSNR on one validation split of the training pairs (stratified
    by `labels`): a `selection.candidates`-like table, PSNR's standard error as its std.

    Methods sharing a search (the noisy rows, or the clean targets with or without shifted copies) search
    once, for their largest k; the bounded method's settings that differ in k and bandwidth alone are
    cleaned in one pass over the neighbours (`KNNDenoiser.predict_bounded`).
    """
    import pandas as pd

    from homl.core import selection

    fit, valid = selection.validation_split(labels, grid.validation_size, seed)
    searches = {}
    for method, settings in grid.methods.items():
        for shifted in settings.shifted_copies:
            key = (method in NOISE_AWARE, shifted)
            searches[key] = max(searches.get(key, 0), *settings.n_neighbors)
    rows = []
    for (aware, shifted), k_max in searches.items():
        model = KNNDenoiser(
            k_max, noise=noise if aware else None, shifted_copies=shifted, output_dtype=clean.dtype.name
        ).fit(noisy[fit], clean[fit])
        neighbors = model._search(
            noisy[valid],
            k_max,
            f"validation ({'clean' if aware else 'noisy'} references, shifted copies: {shifted})",
        )
        for method, settings in grid.methods.items():
            if (method in NOISE_AWARE) != aware or shifted not in settings.shifted_copies:
                continue
            bounded = method == "bounded"
            counts = sorted(set(settings.n_neighbors))
            passes = {}  # the bounded method's cleanings by (weights, radius, locality): one pass each
            for k, weights, bandwidth, radius, locality in itertools.product(
                settings.n_neighbors,
                settings.weights,
                settings.bandwidth,
                settings.patch_radius,
                settings.locality,
            ):
                if radius == 0 and locality != settings.locality[0]:
                    continue  # one weight a neighbour: the locality plays no part
                model.set_params(
                    method=method,
                    n_neighbors=k,
                    weights=weights,
                    bandwidth=bandwidth,
                    patch_radius=radius,
                    locality=locality,
                )
                if bounded:
                    if (weights, radius, locality) not in passes:
                        passes[weights, radius, locality] = model.predict_bounded(
                            noisy[valid], neighbors, counts, list(settings.bandwidth)
                        )
                    every = passes[weights, radius, locality]
                    cleaned = every[counts.index(k), settings.bandwidth.index(bandwidth)]
                else:
                    cleaned = model.predict_from(noisy[valid], neighbors)
                rows.append(
                    {
                        "method": method,
                        "n_neighbors": k,
                        "weights": weights,
                        "bandwidth": bandwidth if bounded else None,
                        "patch_radius": radius if bounded else None,
                        "locality": locality if bounded and radius else None,
                        "shifted_copies": shifted,
                        "mean_psnr_db": psnr(cleaned, clean[valid]),
                        "std_psnr_db": psnr_standard_error(cleaned, clean[valid]),
                    }
                )
    return pd.DataFrame(rows).astype({"patch_radius": "Int64"})  # whole numbers, empty for other methods


def clean_each(models: dict[str, KNNDenoiser], X: np.ndarray, progress: str = "") -> dict[str, np.ndarray]:
    """Each model's cleaning of `X`, the models fitted on the same training pairs. Those that search the
    same references (the noisy rows, or the clean targets with or without shifted copies) share one
    search, for their largest k."""
    groups: dict[tuple, list[str]] = {}
    for name, model in models.items():
        groups.setdefault((model.noise, model.shifted_copies), []).append(name)
    cleaned = {}
    for names in groups.values():
        widest = max(names, key=lambda name: models[name].n_neighbors)
        search = models[widest]
        neighbors = search._search(X, search.n_neighbors, f"{progress} ({', '.join(names)})")
        for name in names:
            cleaned[name] = models[name].predict_from(X, neighbors)
    return {name: cleaned[name] for name in models}


def psnr_standard_error(cleaned: np.ndarray, target: np.ndarray) -> float:
    """The standard error of `psnr` over a stack, from the spread of the images' own squared errors."""
    errors = ((np.asarray(cleaned, dtype=np.float64) - target) ** 2).reshape(len(target), -1).mean(axis=1)
    return float(10 / math.log(10) * errors.std() / math.sqrt(len(errors)) / errors.mean())


def _round_into(values: np.ndarray, dtype: np.dtype) -> np.ndarray:
    if not np.issubdtype(dtype, np.integer):
        return values
    info = np.iinfo(dtype)
    return np.clip(np.rint(values), info.min, info.max)


def settings(hyperparameters: dict) -> dict:
    """A chosen row's settings for `KNNDenoiser`, without the columns other methods left empty."""
    import pandas as pd

    return {k: v for k, v in hyperparameters.items() if not pd.isna(v)}
