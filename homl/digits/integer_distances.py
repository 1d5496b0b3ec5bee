"""Exact squared distances between whole-number rows (uint8 images), in integers: no rounding at all."""

import numba
import numpy as np

INT32_MAX = 2**31 - 1


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
