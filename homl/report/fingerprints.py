"""Machine-independent digests of data files: their values, dtypes and shapes, never their bytes.

A Parquet file holds the pyarrow and pandas versions that wrote it, and a float computed by a reduction
may differ in its last bit between CPUs; the digest of the same data is the same on any machine.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd

FLOAT_PRECISION = np.float32  # floats are digested at float32 precision: reductions' order varies by CPU


def _digest(*parts: bytes) -> str:
    hasher = hashlib.sha256()
    for part in parts:
        hasher.update(len(part).to_bytes(8, "little"))
        hasher.update(part)
    return hasher.hexdigest()


def _array_digest(array: np.ndarray) -> str:
    array = np.asarray(array)
    if array.dtype.kind == "f":
        array = array.astype(FLOAT_PRECISION)
    elif array.dtype.kind == "O":
        # Missing text is None, NaN or NA depending on the pandas version: all digest alike.
        return _digest(*(b"\0" if pd.isna(v) else repr(v).encode() for v in array.ravel()))
    array = np.ascontiguousarray(array, dtype=array.dtype.newbyteorder("<"))
    return _digest(str(array.dtype).encode(), str(array.shape).encode(), array.tobytes())


def fingerprint(path: str | Path) -> dict[str, str]:
    """A machine-independent digest of each array of an `.npz` file or each column of a Parquet table."""
    path = Path(path)
    if path.suffix == ".npz":
        with np.load(path, allow_pickle=False) as arrays:
            return {name: _array_digest(arrays[name]) for name in sorted(arrays.files)}
    if path.suffix == ".parquet":
        table = pd.read_parquet(path)  # keyed by column name only: dtype names vary between pandas versions
        return {
            name: _array_digest(
                column.to_numpy() if column.dtype.kind in "biuf" else column.to_numpy(dtype=object)
            )
            for name, column in table.items()
        }
    raise ValueError(f"{path}: no fingerprint for {path.suffix} files")


def fingerprints(paths: list[Path]) -> dict[str, dict[str, str]]:
    """The fingerprint of every data file among `paths` (folders are searched)."""
    files = sorted(
        file
        for path in map(Path, paths)
        for file in ([path] if path.is_file() else path.rglob("*"))
        if file.suffix in (".npz", ".parquet")
    )
    return {file.as_posix(): fingerprint(file) for file in files}
