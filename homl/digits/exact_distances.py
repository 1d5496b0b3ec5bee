"""Squared distances from each query to its candidate references, by numba kernels that read the references
where they are: exactly in integers for whole-number rows (uint8 images), else in float64 summed in one
fixed order, so that every CPU gives the same bits."""

import numba
import numpy as np

INT32_MAX = 2**31 - 1
LANES = 8  # the float kernel's partial sums: independent, so that the compiler may vectorize them


def byte_dots_fit(width: int, largest_query: float) -> bool:
    """Whether `byte_squared_distances` may take such rows: int16 queries whose dot products with uint8
    references, at most 255 * |query| * width, stay within 32-bit integers."""
    return largest_query <= np.iinfo(np.int16).max and 255 * largest_query * width <= INT32_MAX


@numba.njit(parallel=True, cache=True)
def squared_distances(references: np.ndarray, columns: np.ndarray, queries: np.ndarray) -> np.ndarray:
    """Each query's squared distance to each of its `columns` of `references` (integer arrays), as float64.

    Integer sums are the same in any order, so the compiler may vectorize them: the same numbers on every
    CPU, and the same as any exact float64 formula gives for such rows.
    """
    n, count = columns.shape
    squared = np.empty((n, count))
    for i in numba.prange(n):
        query = queries[i]
        for c in range(count):
            row = references[columns[i, c]]
            total = 0
            for j in range(len(query)):
                difference = np.int64(row[j]) - query[j]
                total += difference * difference
            squared[i, c] = total
    return squared


@numba.njit(parallel=True, cache=True)
def byte_squared_distances(
    references: np.ndarray,
    columns: np.ndarray,
    queries: np.ndarray,
    reference_norms: np.ndarray,
    query_norms: np.ndarray,
) -> np.ndarray:
    """`squared_distances` of uint8 references and int16 queries (where `byte_dots_fit`), as
    |r|^2 - 2 q.r + |q|^2 from dot products summed in 32-bit integers (four times as fast here as 64-bit
    differences); the norms are the rows' exact squared lengths (whole numbers in float64), so every
    distance is exact too."""
    n, count = columns.shape
    squared = np.empty((n, count))
    for i in numba.prange(n):
        query = queries[i]
        for c in range(count):
            reference = columns[i, c]
            row = references[reference]
            dot = np.int32(0)
            for j in range(len(query)):  # kept in 32 bits: numba would widen the sum to 64
                dot = np.int32(dot + np.int32(np.int32(query[j]) * np.int32(row[j])))
            squared[i, c] = reference_norms[reference] - 2.0 * dot + query_norms[i]
    return squared


@numba.njit(parallel=True, cache=True)
def float_squared_distances(
    references: np.ndarray,
    columns: np.ndarray,
    queries: np.ndarray,
    reference_norms: np.ndarray,
    query_norms: np.ndarray,
) -> np.ndarray:
    """Each float64 query's squared distance to each of its `columns` of `references` (any numeric type),
    as |r|^2 - 2 q.r + |q|^2, each dot product summed in LANES partial sums added pairwise at the end: one
    order on every CPU (no fast-math reordering), where BLAS's order depends on the CPU's kernels. Reading
    each reference row in place takes about 0.6 of the time of gathering its float64 copy first (1.7x)."""
    n, count = columns.shape
    width = queries.shape[1]
    whole = width - width % LANES
    squared = np.empty((n, count))
    for i in numba.prange(n):
        query = queries[i]
        partial = np.empty(LANES)
        for c in range(count):
            reference = columns[i, c]
            row = references[reference]
            partial[:] = 0.0
            for j in range(0, whole, LANES):
                for lane in range(LANES):
                    partial[lane] += query[j + lane] * np.float64(row[j + lane])
            for j in range(whole, width):
                partial[j - whole] += query[j] * np.float64(row[j])
            half = LANES
            while half > 1:
                half //= 2
                for lane in range(half):
                    partial[lane] += partial[lane + half]
            squared[i, c] = reference_norms[reference] - 2.0 * partial[0] + query_norms[i]
    return np.maximum(squared, 0.0)
