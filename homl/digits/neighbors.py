"""Exact k-nearest-neighbour search, shared by every KNN model.

faiss finds each query's `k + margin` nearest references in a principal subspace, where distances are
lower bounds of the full ones (`LowerBoundSpace`); those candidates get exact float64 distances, and a
query is done when no other reference's bound can beat its k-th. Ties go to the lower reference index,
as in scikit-learn. The subspace's width and the margin follow the share of the references' variance the
subspace leaves out: smooth images (blurred, deskewed) need fewer dimensions and fewer candidates.
"""

from __future__ import annotations

from functools import partial

import numpy as np
from joblib import Parallel, delayed
from tqdm import tqdm

from homl.digits.flat_space import EPS32, FEW_QUERIES, FlatSpace, load_faiss

# The bounds' width: the narrowest of SUBSPACE_DIMS leaving out at most LEFT_OUT_SHARE of the variance.
SUBSPACE_DIMS = (64, 96, 128)
LEFT_OUT_SHARE = 0.03
RERANK_MARGINS = ((0.02, 22), (0.05, 54), (1.0, 118))  # (share left out at most, candidates beyond k)
BASIS_ROWS = 5000
EMBED_ROWS = 1024
CHUNK_ROWS = 2500
EXACT_ROWS = 4
EPS64 = np.finfo(np.float64).eps
BRUTE_FORCE_MARGIN = 8
WITHIN_ROWS = 256  # unsure queries searched again in full at a time (256 x 60,000 float32: 61 MB)
BOUND_ROUNDS = 4
KERNEL_PAIRS = 100_000  # (query, reference) pairs from which exact distances go to numba
INTEGER_KERNEL_VALUES = 2**16  # |value| at most this, references of 1 or 2 bytes: sums stay below 2^53
# More neighbours than this skip the bounds: a far k-th neighbour leaves them little to rule out. MNIST's
# 10,000 test digits against 60,000: brute force faster for k = 100, 150 and 200 at every batch measured
# (200 to 10,000 queries), the bounds faster for k = 50 from 2,000 queries on.
BOUNDS_MAX_K = 64


def _as_rows(X: np.ndarray) -> np.ndarray:
    return np.asarray(X).reshape(len(X), -1)


def _brute_force(q64, q_norms, references, flat, ref_norms64, k):
    """Exact neighbours by float32 distances to every reference (`flat`), the nearest re-ranked in float64.

    For the queries whose bounds could not settle them (on noisy images, most): a reference left out
    may be as near as the k-th only if its float32 distance, at least the candidates' largest, is within
    rounding error of the k-th exact distance; such queries are searched again in full. The margin of
    candidates grows with k, since rounding blurs more of the ranks past a far k-th neighbour.
    """
    count = min(k + max(BRUTE_FORCE_MARGIN, k // 4), len(references))
    q32 = q64.astype(np.float32)
    approx, nearest = flat.search(q32, count)
    exact = _exact_squared(references, nearest, q64, q_norms, ref_norms64)
    bound = np.partition(exact, k - 1, axis=1)[:, k - 1] + flat.rounding(q_norms)
    unsure = np.flatnonzero((approx[:, -1] <= bound) & (count < len(references)))
    for start in range(0, len(unsure), WITHIN_ROWS):
        rows = unsure[start : start + WITHIN_ROWS]
        for row, wide in zip(rows, flat.within(q32[rows], bound[rows]), strict=True):
            wide_exact = _exact_squared(
                references, wide[None], q64[row : row + 1], q_norms[row : row + 1], ref_norms64
            )[0]
            keep = np.lexsort((wide, wide_exact))[:k]
            nearest[row, :k], exact[row, :k] = wide[keep], wide_exact[keep]
            exact[row, k:] = np.inf
    order = np.lexsort((nearest, exact), axis=1)[:, :k]
    return np.sqrt(np.take_along_axis(exact, order, axis=1)), np.take_along_axis(nearest, order, axis=1)


def _exact_squared(references, columns, queries64, query_norms, ref_norms64) -> np.ndarray:
    """Float64 squared distances from each query to its `columns` of `references`.

    Large batches go to `exact_distances`' numba kernels, which read the references in place: whole
    numbers (uint8 images) exactly in integers (uint8 references by integer dot products and the norms
    given, exact for such rows), other rows in float64 summed in one order on every CPU. Small batches
    (no numba to load) a few queries at a time, gathering references in their own type so the float64
    copies stay in cache.
    """
    width = references.shape[1]
    if columns.size >= KERNEL_PAIRS:
        from homl.digits import exact_distances as kernels  # numba: only for large batches

        if (
            np.issubdtype(references.dtype, np.integer)
            and references.dtype.itemsize <= 2
            and width < 2**53 // (2 * INTEGER_KERNEL_VALUES) ** 2
            and (largest := np.abs(queries64).max(initial=0)) <= INTEGER_KERNEL_VALUES
            and np.array_equal(queries64, np.rint(queries64))
        ):
            if references.dtype == np.uint8 and kernels.byte_dots_fit(width, largest):
                return kernels.byte_squared_distances(
                    references, columns, queries64.astype(np.int16), ref_norms64, query_norms
                )
            return kernels.squared_distances(references, columns, queries64.astype(np.int64))
        return kernels.float_squared_distances(references, columns, queries64, ref_norms64, query_norms)
    squared = np.empty(columns.shape)
    for start in range(0, len(columns), EXACT_ROWS):
        block = slice(start, start + EXACT_ROWS)
        gathered = references[columns[block]].astype(np.float64)
        dots = np.matmul(gathered, queries64[block, :, None])[..., 0]
        squared[block] = ref_norms64[columns[block]] - 2 * dots + query_norms[block, None]
    return np.maximum(squared, 0)


def squared_norms(rows: np.ndarray) -> np.ndarray:
    """Each row's squared length in float64: what `kneighbors` computes, or takes as `reference_norms`."""
    rows = _as_rows(rows)
    return np.einsum("ij,ij->i", rows, rows, dtype=np.float64)


def kneighbors(
    queries: np.ndarray,
    references: np.ndarray,
    k: int,
    chunk_rows: int = CHUNK_ROWS,
    progress: str | None = None,
    subspace_dims: int | None = None,
    few_queries: int = FEW_QUERIES,
    bounds: bool = True,
    reference_norms: np.ndarray | None = None,
    kept_bounds: dict | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Distances and indices of the `k` nearest references of every query, nearest first.

    Rows may be images of any shape; they are flattened. Queries are searched `chunk_rows` at a time
    (the unit of progress and of work sent to a cluster). `bounds=False`, fewer than `few_queries`
    queries, or more than BOUNDS_MAX_K neighbours compares every query with every reference
    (`_brute_force`): for noisy queries, which the bounds cannot settle, for a handful, for which building
    them costs more, and for many neighbours, whose far k-th leaves the bounds little to rule out.
    `subspace_dims` (None: chosen from SUBSPACE_DIMS by the variance left out), `few_queries` and `bounds`
    set the speed, never the neighbours (on float rows the paths' distances may differ by about 1e-14:
    small batches sum their products with numpy, large ones in `float_squared_distances`' fixed order).
    `reference_norms`: `squared_norms(references)`, and `kept_bounds`: a dict in which the bounds built
    for the references are kept; both for a model that searches the same references again and again.
    """
    queries, references = _as_rows(queries), _as_rows(references)
    if not 1 <= k <= len(references):
        raise ValueError(f"k={k} must be between 1 and the number of references ({len(references)})")
    ref_norms64 = squared_norms(references) if reference_norms is None else reference_norms
    if bounds and len(queries) >= few_queries and k <= BOUNDS_MAX_K:
        kept = {} if kept_bounds is None else kept_bounds
        if subspace_dims not in kept:
            kept[subspace_dims] = LowerBoundSpace(references, subspace_dims)
        space = kept[subspace_dims]
        count = min(k + space.rerank_margin(), len(references))
        search_chunk = partial(
            _chunk_kneighbors, references=references, ref_norms64=ref_norms64, space=space, k=k, count=count
        )
    else:
        search_chunk = partial(
            _chunk_brute_force,
            references=references,
            flat=FlatSpace(references, ref_norms64),
            ref_norms64=ref_norms64,
            k=k,
        )
    starts = range(0, len(queries), chunk_rows)
    search = Parallel(return_as="generator")(
        delayed(search_chunk)(queries[start : start + chunk_rows]) for start in starts
    )
    chunks = list(tqdm(search, total=len(starts), desc=progress, disable=progress is None, unit="chunk"))
    if not chunks:
        return np.empty((0, k)), np.empty((0, k), dtype=np.int64)
    return np.vstack([d for d, _ in chunks]), np.vstack([i for _, i in chunks])


class LowerBoundSpace:
    """A few dimensions in which every distance is a lower bound of the full distance.

    A row x is embedded as (its projection on the references' top principal directions, the length of
    what the projection leaves out). Projecting never lengthens a vector, and the left-out parts of two
    rows differ by at least the difference of their lengths, so the embedded distance never exceeds
    the full one. faiss ranks the references in this space (vectors `dims` + 1 wide, not 784); full
    distances are computed only where a bound cannot rule a reference out. `dims` None: the narrowest of
    SUBSPACE_DIMS that leaves out at most LEFT_OUT_SHARE of the sample's variance, else the widest.
    """

    def __init__(self, references: np.ndarray, dims: int | None = None):
        sample = references[:: max(1, len(references) // BASIS_ROWS)].astype(np.float32)
        self.mean = sample.mean(axis=0, dtype=np.float64)
        width = references.shape[1]
        if dims is not None and dims >= width:
            self.basis, self.left_out = np.eye(width), 0.0
        else:  # any orthonormal basis keeps the bounds true; a good one keeps them tight
            centered = sample - self.mean.astype(np.float32)
            values, vectors = np.linalg.eigh((centered.T @ centered).astype(np.float64))
            values, vectors = np.maximum(values[::-1], 0), vectors[:, ::-1]
            left_out = values[::-1].cumsum()[::-1] / max(values.sum(), np.finfo(float).tiny)  # past column i
            if dims is None:
                fitting = (d for d in SUBSPACE_DIMS if d >= width or left_out[d] <= LEFT_OUT_SHARE)
                dims = min(next(fitting, SUBSPACE_DIMS[-1]), width)
            self.left_out = float(left_out[dims]) if dims < width else 0.0
            self.basis = np.ascontiguousarray(vectors[:, :dims])
        self.references, reference_error = self.embed(references)
        self.max_norm = float(np.sqrt(np.einsum("ij,ij->i", self.references, self.references).max()))
        self.max_error = float(reference_error.max())
        self._index = None

    @property
    def dims(self) -> int:
        return self.basis.shape[1]

    def rerank_margin(self) -> int:
        """Candidates beyond k taken at first: more where the bounds are looser."""
        return next(margin for share, margin in RERANK_MARGINS if self.left_out <= share)

    def __getstate__(self) -> dict:  # a faiss index does not pickle: each process builds its own
        return {**self.__dict__, "_index": None}

    def embed(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Float32 rows of (projection, length left out), and how far rounding may move that length.

        The length left out is sqrt(|x|^2 - |projection|^2) in float64, whose rounding error is at most
        sqrt(2 (width + dims) eps) |x|, since |sqrt(a) - sqrt(b)| <= sqrt(|a - b|).
        """
        embedded = np.empty((len(X), self.basis.shape[1] + 1), dtype=np.float32)
        error = np.empty(len(X))
        for start in range(0, len(X), EMBED_ROWS):
            centered = X[start : start + EMBED_ROWS].astype(np.float64) - self.mean
            projected = centered @ self.basis
            squared = np.einsum("ij,ij->i", centered, centered)
            left_out = np.sqrt(np.maximum(squared - np.einsum("ij,ij->i", projected, projected), 0))
            rows = slice(start, start + len(centered))
            embedded[rows] = np.column_stack([projected, left_out])
            error[rows] = np.sqrt(2 * (centered.shape[1] + projected.shape[1]) * EPS64 * squared)
        return embedded, error

    def nearest(self, embedded: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
        """The `count` smallest squared bounds of each embedded query (float32, ascending), and their
        references."""
        if self._index is None:
            self._index = load_faiss().IndexFlatL2(self.references.shape[1])
            self._index.add(self.references)
        return self._index.search(embedded, count)

    def rounding(self, embedded: np.ndarray, error: np.ndarray) -> np.ndarray:
        """How far rounding may take each query's computed bounds above the true ones: float32 in faiss,
        and the lengths left out."""
        norms = np.sqrt(np.einsum("ij,ij->i", embedded, embedded, dtype=np.float64)) + self.max_norm
        width = self.references.shape[1] + 2
        lengths = error + self.max_error
        return 3 * width * EPS32 * norms**2 + lengths * (2 * norms + lengths)


def _chunk_kneighbors(chunk, references, ref_norms64, space, k, count):
    """`kneighbors` for one chunk of queries: bounds in the low-dimensional space, then exact distances.

    Each query takes the `count` references with the smallest bounds and their exact distances. It is
    done when every other reference's bound exceeds its k-th exact distance by more than rounding
    error; the queries left try again with four times as many candidates (BOUND_ROUNDS rounds in all),
    then by brute force (at once when a round settled fewer than half of them).
    """
    q64 = chunk.astype(np.float64)
    q_norms = squared_norms(q64)
    exact_rounding = 16 * references.shape[1] * EPS64
    exact_rounding *= (np.sqrt(q_norms) + np.sqrt(ref_norms64.max())) ** 2
    embedded, embedding_error = space.embed(chunk)
    slack = space.rounding(embedded, embedding_error) + exact_rounding
    distances, indices = np.empty((len(chunk), k)), np.empty((len(chunk), k), dtype=np.int64)
    todo = np.arange(len(chunk))
    for _ in range(BOUND_ROUNDS):
        count = min(count, len(references))
        bounds, candidates = space.nearest(embedded[todo], count)
        exact = _exact_squared(references, candidates, q64[todo], q_norms[todo], ref_norms64)
        order = np.lexsort((candidates, exact), axis=1)[:, :k]
        top, top_exact = np.take_along_axis(candidates, order, 1), np.take_along_axis(exact, order, 1)
        done = (bounds[:, -1] > top_exact[:, -1] + slack[todo]) | (count == len(references))
        indices[todo[done]], distances[todo[done]] = top[done], np.sqrt(top_exact[done])
        todo, count = todo[~done], count * 4
        if not len(todo) or done.mean() < 0.5:  # bounds too loose to pay (noisy images): brute force
            break
    if len(todo):
        flat = FlatSpace(references, ref_norms64)
        distances[todo], indices[todo] = _chunk_brute_force(chunk[todo], references, flat, ref_norms64, k)
    return distances, indices


def _chunk_brute_force(chunk, references, flat, ref_norms64, k):
    """`kneighbors` for one chunk of queries by `_brute_force`."""
    q64 = chunk.astype(np.float64)
    return _brute_force(q64, squared_norms(q64), references, flat, ref_norms64, k)
