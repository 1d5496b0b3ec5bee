"""Exact squared distances between whole-number rows (uint8 images), in integers: no rounding at all."""

import numba
import numpy as np


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
