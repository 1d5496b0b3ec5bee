"""Every reference compared with every query in float32 (`FlatSpace`): the brute force under the exact
search of `homl.digits.neighbors`, which re-ranks what it finds in float64."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import NamedTuple

import numpy as np

EPS32 = np.finfo(np.float32).eps
FAISS_REFERENCE_BLOCK = 4096  # references per matrix product in faiss (its default 1024 is slower here)
CONVERT_ROWS = 20_000  # references made float32 at a time when they are stored as another type
FAISS_CONVERT_ROWS = 60_000  # the same for faiss's searches: fewer blocks, fewer restarts of its heaps
RARE_COLUMN_SHARE = 0.001  # a column nonzero in at most this share of the references (a digit's rim) is rare
RARE_SAMPLE_ROWS = 20_000  # references sampled to find the rare columns
SPLIT_MIN_QUERIES = 1000  # fewer queries than this do not pay for splitting the references (about 2 us each)
SPLIT_MAX_WORK = 0.9  # the split's share of the products, at most, for the references to be split
FEW_QUERIES = 64  # fewer queries than this: brute force, since building the bounds costs more, by numpy


def load_faiss():
    """faiss, its bundled OpenBLAS told the CPU core numpy's OpenBLAS found, unless OPENBLAS_CORETYPE is set.

    faiss-cpu's wheel bundles an older OpenBLAS than numpy's, which may not know a newer CPU and then runs
    its generic kernels: on an Intel Xeon with AVX-512 it chose "Prescott", and its products ran 4 times
    slower than with the core numpy's chose. A name it does not know changes nothing. Imported on first
    use: loaded, faiss's OpenMP slows scikit-learn's in the same process."""
    if "OPENBLAS_CORETYPE" not in os.environ:
        from threadpoolctl import threadpool_info

        cores = [info.get("architecture") for info in threadpool_info() if info["internal_api"] == "openblas"]
        if cores and cores[0]:
            os.environ["OPENBLAS_CORETYPE"] = cores[0]
    import faiss

    return faiss


class ReferencePart(NamedTuple):
    """Some references (`rows`, None: all), compared with queries on some columns only (`columns`, None:
    all); they are zero in the `left_out` columns."""

    values: np.ndarray
    rows: np.ndarray | None = None
    columns: np.ndarray | None = None
    left_out: np.ndarray | None = None


def _block_starts(references: np.ndarray, rows: int) -> range:
    """Where each block of `rows` references begins; one block if they are float32 already."""
    whole = references.dtype == np.float32 and references.flags.c_contiguous
    return range(0, len(references), max(len(references), 1) if whole else rows)


def _float32_block(references: np.ndarray, start: int, rows: int) -> np.ndarray:
    """The float32 references of the block that begins at `start` (the references themselves if they
    are float32)."""
    step = _block_starts(references, rows).step
    return references[start : start + step].astype(np.float32, copy=False)


def _gathered(references: np.ndarray, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """references[rows][:, columns], gathered CONVERT_ROWS rows at a time into the result: no copy of
    every row's every column first (on 300,000 digits, 230 MB less and a fifth of the time)."""
    gathered = np.empty((len(rows), len(columns)), dtype=references.dtype)
    for start in range(0, len(rows), CONVERT_ROWS):
        block = slice(start, start + CONVERT_ROWS)
        np.take(references[rows[block]], columns, axis=1, out=gathered[block])
    return gathered


class FlatSpace:
    """Every reference compared with every query in float32: by faiss (`faiss.knn`: blocked matrix
    products and a heap per query), or by numpy for fewer than FEW_QUERIES queries (no faiss to load).
    faiss compares most references on their common columns only (`parts`), for SPLIT_MIN_QUERIES queries
    or more: on MNIST's 300,000 shifted clean digits, 623 of 784 columns for 98% of them. float32
    references are read as they are; others are made float32 CONVERT_ROWS at a time (FAISS_CONVERT_ROWS
    for faiss), never all at once. `rounding` bounds either way's error."""

    def __init__(self, references: np.ndarray, ref_norms64: np.ndarray):
        self.references = references
        self.norms32 = ref_norms64.astype(np.float32)
        self.max_norm = float(np.sqrt(ref_norms64.max()))
        self._parts = None

    def parts(self) -> list[ReferencePart]:
        """The references as parts that faiss searches apart. A column nonzero in few references is rare
        (MNIST's rim): the references that are zero in every rare column are compared on the other columns
        only, a query's distance to them being that part's plus the query's squared length in the rare
        columns. The few others are compared on every column. One part when splitting saves little."""
        if self._parts is None:
            references, width = self.references, self.references.shape[1]
            sample = references[:: max(1, len(references) // RARE_SAMPLE_ROWS)]
            rare = np.flatnonzero(np.count_nonzero(sample, axis=0) <= RARE_COLUMN_SHARE * len(sample))
            touching = np.any(references[:, rare] != 0, axis=1)
            plain, other = np.flatnonzero(~touching), np.flatnonzero(touching)
            common = np.setdiff1d(np.arange(width), rare)
            if len(plain) * len(common) + len(other) * width > SPLIT_MAX_WORK * len(references) * width:
                self._parts = [ReferencePart(references)]
            else:
                self._parts = [
                    ReferencePart(_gathered(references, plain, common), plain, common, rare),
                    ReferencePart(references[other], other),
                ]
        return self._parts

    def _starts(self) -> range:
        return _block_starts(self.references, CONVERT_ROWS)

    def _approx(self, q32: np.ndarray, start: int) -> np.ndarray:
        """Float32 squared distances of every query to the block's references."""
        block = _float32_block(self.references, start, CONVERT_ROWS)
        q_norms = np.einsum("ij,ij->i", q32, q32)[:, None]
        return self.norms32[start : start + len(block)] - 2 * (q32 @ block.T) + q_norms

    def search(self, q32: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
        """The `count` smallest float32 squared distances of each query (ascending), and their references.
        Each block's `count` smallest are merged: every reference left out is at least the largest kept."""
        if len(q32) < FEW_QUERIES:

            def nearest_in_block(start: int) -> tuple[np.ndarray, np.ndarray]:
                approx = self._approx(q32, start)
                nearest = np.argpartition(approx, min(count, approx.shape[1]) - 1, axis=1)[:, :count]
                return np.take_along_axis(approx, nearest, 1), nearest + start

            with ThreadPoolExecutor(os.cpu_count()) as pool:  # numpy lets go of the GIL as it converts
                found = list(pool.map(nearest_in_block, self._starts()))
        else:
            faiss = load_faiss()
            faiss.cvar.distance_compute_blas_database_bs = FAISS_REFERENCE_BLOCK
            found = []
            parts = self.parts() if len(q32) >= SPLIT_MIN_QUERIES else [ReferencePart(self.references)]
            for part in parts:
                queries, rim_squared = q32, np.float32(0)
                if part.columns is not None:
                    queries, rim = np.ascontiguousarray(q32[:, part.columns]), q32[:, part.left_out]
                    rim_squared = np.einsum("ij,ij->i", rim, rim)[:, None]
                for start in _block_starts(part.values, FAISS_CONVERT_ROWS):
                    block = _float32_block(part.values, start, FAISS_CONVERT_ROWS)
                    distances, indices = faiss.knn(queries, block, min(count, len(block)))
                    indices += start
                    rows = indices if part.rows is None else part.rows[indices]
                    found.append((distances + rim_squared, rows))
        distances, indices = np.hstack([d for d, _ in found]), np.hstack([i for _, i in found])
        kept = np.argsort(distances, axis=1, kind="stable")[:, :count]
        return np.take_along_axis(distances, kept, 1), np.take_along_axis(indices, kept, 1)

    def within(self, q32: np.ndarray, squared: np.ndarray) -> list[np.ndarray]:
        """For each query, every reference whose float32 squared distance to it is at most its `squared`
        (ascending indices): one matrix product a block for all the queries."""
        found = [[] for _ in range(len(q32))]
        for start in self._starts():
            rows, columns = np.nonzero(self._approx(q32, start) <= squared[:, None])
            for row, part in enumerate(np.split(columns + start, np.searchsorted(rows, range(1, len(q32))))):
                found[row].append(part)
        return [np.concatenate(parts) for parts in found]

    def rounding(self, q_norms: np.ndarray) -> np.ndarray:
        """How far float32 rounding may move a squared distance |q|^2 + |r|^2 - 2 q.r from the true one:
        at most (width + 2) eps (|q| + |r|)^2, tripled for safety."""
        width = self.references.shape[1]
        return 3 * (width + 2) * EPS32 * (np.sqrt(q_norms) + self.max_norm) ** 2
