"""Every file the pipeline writes goes through here: atomically, and with stable bytes."""

from __future__ import annotations

import hashlib
import io
import json
import math
import os
import tempfile
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from homl.core.errors import CorruptModelError, UntrustedModelError

if TYPE_CHECKING:  # pandas and joblib load only where a table or a model is read (start-up time)
    import pandas as pd

# Metrics keep 9 significant digits: tiny distances stay visible, floating-point noise in the last bits does not.
METRIC_SIGNIFICANT_DIGITS = 9
PLOT_DECIMALS = 6
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


@contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside `path`; rename it into place only if the block succeeds."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp)
    umask = os.umask(0)
    os.umask(umask)
    try:
        yield tmp
        tmp.chmod(0o666 & ~umask)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


def copy_file(source: str | os.PathLike, path: str | os.PathLike) -> None:
    """Copy `source` to `path` atomically."""
    import shutil

    with atomic_path(path) as tmp:
        shutil.copyfile(source, tmp)


def write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Write `data` to `path` atomically."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


def _rounded(value):
    if isinstance(value, Mapping):
        return {str(k): _rounded(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_rounded(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"refusing to write a non-finite metric: {value}")
        return float(f"{value:.{METRIC_SIGNIFICANT_DIGITS}g}")
    return value


def write_json(path: str | os.PathLike, data: Mapping) -> None:
    """Write metrics or parameters as sorted, rounded JSON, so unchanged results keep their bytes."""
    text = json.dumps(_rounded(data), indent=2, sort_keys=True) + "\n"
    write_bytes(path, text.encode())


def write_metrics(path: str | os.PathLike, metrics: Mapping) -> None:
    """Write a stage's metrics (`write_json`), with `"quick": true` in a quick run (params.yaml's `quick`),
    so that nobody takes them for the real run's."""
    from homl.core import params

    write_json(path, {**metrics, "quick": True} if params.quick() else metrics)


def write_choice(path: str | os.PathLike, data: Mapping) -> None:
    """Write what a search chose, unrounded (later stages read it; `metrics/` only reports)."""
    write_bytes(path, (json.dumps(data, indent=2, sort_keys=True) + "\n").encode())


def read_json(path: str | os.PathLike) -> dict:
    """Read a JSON file written by `write_json`."""
    return json.loads(Path(path).read_text())


def save_arrays(path: str | os.PathLike, **arrays: np.ndarray) -> None:
    """Save arrays as an uncompressed `.npz` with fixed timestamps (np.savez stamps the clock)."""
    with atomic_path(path) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_STORED) as archive:
        for name in sorted(arrays):
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.asarray(arrays[name], order="C"), allow_pickle=False)
            archive.writestr(zipfile.ZipInfo(f"{name}.npy", _ZIP_EPOCH), buffer.getvalue())


def load_arrays(path: str | os.PathLike, names: Sequence[str] | None = None) -> dict[str, np.ndarray]:
    """Load the arrays `names` (default: every one) of an `.npz` file into memory (never unpickling)."""
    with np.load(path, allow_pickle=False) as data:
        return {name: data[name] for name in (data.files if names is None else names)}


def write_table(path: str | os.PathLike, table: pd.DataFrame) -> None:
    """Write a typed table as Parquet."""
    with atomic_path(path) as tmp:
        table.to_parquet(tmp, index=False, compression="zstd")


def read_table(path: str | os.PathLike) -> pd.DataFrame:
    """Read a table written by `write_table`."""
    import pandas as pd

    return pd.read_parquet(path)


def write_csv(path: str | os.PathLike, table: pd.DataFrame, float_digits: int = PLOT_DECIMALS) -> None:
    """Write a small table (a DVC plot or a report) as CSV with rounded floats."""
    with atomic_path(path) as tmp:
        table.round(float_digits).to_csv(tmp, index=False, lineterminator="\n")


_MODEL_MAGIC = b"\nhoml-model sha256="
_MODEL_TRAILER = len(_MODEL_MAGIC) + 64 + 1  # the magic, the hex digest and a newline


def save_model(path: str | os.PathLike, model: object) -> None:
    """Pickle a fitted estimator with joblib (arrays aligned in the file, so they can be memory-mapped),
    followed by a trailer holding the pickle's SHA-256."""
    import joblib

    with atomic_path(path) as tmp:
        joblib.dump(model, tmp)
        with open(tmp, "rb+") as file:
            digest = hashlib.file_digest(file, "sha256").hexdigest()
            file.write(_MODEL_MAGIC + digest.encode() + b"\n")


def _model_digest(path: str | os.PathLike) -> tuple[bytes, bytes]:
    """The SHA-256 a model file's trailer records, and that of its body (hashed where it lies)."""
    import mmap

    with open(path, "rb") as file:
        size = os.fstat(file.fileno()).st_size
        if size <= _MODEL_TRAILER:
            raise CorruptModelError(f"{path}: not a homl model file")
        with mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
            trailer = mapped[size - _MODEL_TRAILER :]
            if not (trailer.startswith(_MODEL_MAGIC) and trailer.endswith(b"\n")):
                raise CorruptModelError(f"{path}: not a homl model file")
            with memoryview(mapped) as view, view[: size - _MODEL_TRAILER] as body:
                return trailer[len(_MODEL_MAGIC) : -1], hashlib.sha256(body).hexdigest().encode()


def load_model(path: str | os.PathLike) -> object:
    """Load a model written by `save_model`, returned only if its checksum matches (computed while the
    model is unpickled, which can name nothing but `TRUSTED_GLOBALS`); its arrays are memory-mapped
    copy-on-write (the file is never changed, memory is used as pages are read).

    Unpickling may only name `TRUSTED_GLOBALS`: a file naming anything else (a forged file that would
    call `os.system`, say) is refused with `UntrustedModelError` before that name is even imported.
    """
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:  # the checksum runs while the main thread imports and unpickles
        digests = pool.submit(_model_digest, path)
        try:
            model = _unpickle_trusted(path)
        finally:  # a corrupt file is reported as corrupt, whatever broke while it was unpickled
            _verify(path, *digests.result())
    return model


def _verify(path: str | os.PathLike, recorded: bytes, actual: bytes) -> None:
    if recorded != actual:
        raise CorruptModelError(f"{path}: checksum mismatch, the file is corrupt or was modified")


def _unpickle_trusted(path: str | os.PathLike) -> object:
    import sklearn.base  # noqa: F401  every homl model is a scikit-learn estimator
    from joblib.numpy_pickle import NumpyUnpickler

    class TrustedUnpickler(NumpyUnpickler):
        def find_class(self, module: str, name: str) -> object:
            if f"{module}.{name}" not in TRUSTED_GLOBALS:
                raise UntrustedModelError(
                    f"{path}: refused, it names {module}.{name}, which no homl model holds"
                )
            return super().find_class(module, name)

    with open(path, "rb") as file:
        return TrustedUnpickler(os.fspath(path), file, ensure_native_byte_order=False, mmap_mode="c").load()


# What any homl model file may name besides its wing's types (each wing's trusted_globals.txt): the
# containers and arrays that pickling them refers to. None of them runs code or touches a file whatever the
# arguments a file gives it; anything else is refused (tests/core/test_io.py saves every kind of model).
BASE_TRUSTED_GLOBALS = frozenset(
    """
    builtins.bytearray
    builtins.slice
    joblib.numpy_pickle.NumpyArrayWrapper
    numpy._core.multiarray._reconstruct
    numpy._core.multiarray.scalar
    numpy._core.numeric._frombuffer
    numpy.dtype
    numpy.float64
    numpy.ndarray
    numpy.random._mt19937.MT19937
    numpy.random._pickle.__bit_generator_ctor
    numpy.random._pickle.__randomstate_ctor
    pandas.ArrowDtype
    pandas.DataFrame
    pandas.Index
    pandas.NA
    pandas.Series
    pandas.StringDtype
    pandas._libs.internals._unpickle_block
    pandas.arrays.ArrowExtensionArray
    pandas.arrays.ArrowStringArray
    pandas.core.indexes.base._new_Index
    pandas.core.internals.managers.BlockManager
    pandas.core.internals.managers.SingleBlockManager
    pyarrow.lib._restore_array
    pyarrow.lib.py_buffer
    pyarrow.lib.type_for_alias
    sklearn.compose._column_transformer.ColumnTransformer
    sklearn.compose._column_transformer.make_column_selector
    sklearn.pipeline.Pipeline
    """.split()
)


def _trusted_globals() -> frozenset[str]:
    """`BASE_TRUSTED_GLOBALS` and the names every wing lists in its trusted_globals.txt."""
    wings = Path(__file__).resolve().parents[1].glob("*/trusted_globals.txt")
    listed = {line.split("#")[0].strip() for path in wings for line in path.read_text().splitlines()}
    return BASE_TRUSTED_GLOBALS | (listed - {""})


TRUSTED_GLOBALS = _trusted_globals()
