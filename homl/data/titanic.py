"""Titanic: the 1,309 passengers of OpenML 40945 ("titanic3") as a typed table."""

from __future__ import annotations

import csv
import gzip
import zlib
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from homl.core import io
from homl.core.errors import DataError
from homl.data.download import cache_dir, package_file

MIRROR_PACKAGE = "scikit-learn"
MIRROR_FILE = "sklearn/datasets/tests/data/openml/id_40945/data-v1-dl-16826755.arff.gz"
MIRROR_SHA256 = "516e961f519876e5f89b339a0364a08dd64160ac3a4d76d5ec62955bfd6d6ce5"
OPENML_ID = 40945
N_PASSENGERS = 1309

SCHEMA = {
    "pclass": "int64",
    "survived": "int64",
    "name": "string",
    "sex": "string",
    "age": "float64",
    "sibsp": "int64",
    "parch": "int64",
    "ticket": "string",
    "fare": "float64",
    "cabin": "string",
    "embarked": "string",
    "boat": "string",
    "body": "float64",
    "home.dest": "string",
}
LEAKING_COLUMNS = ("boat", "body", "home.dest")
TARGET = "survived"


def read_arff(text: str) -> pd.DataFrame:
    """Parse an ARFF document (quoted values, `?` for missing) into a table of strings and None."""
    lines = iter(text.splitlines())
    names = []
    for line in lines:
        stripped = line.strip()
        lowered = stripped.lower()
        if lowered.startswith("@attribute"):
            name = next(csv.reader([stripped[len("@attribute") :].strip()], delimiter=" ", quotechar="'"))[0]
            names.append(name)
        elif lowered.startswith("@data"):
            break
    else:
        raise DataError("ARFF document has no @data section")
    rows = []
    data = csv.reader(
        (line for line in lines if line.strip() and not line.startswith("%")), skipinitialspace=True
    )
    try:
        for row in data:
            if len(row) != len(names):
                raise DataError(f"ARFF row {len(rows) + 1} has {len(row)} values, expected {len(names)}")
            rows.append([None if value == "?" else value for value in row])
    except csv.Error as error:
        raise DataError(f"ARFF row {len(rows) + 1}: {error}") from error
    return pd.DataFrame(rows, columns=names)


def parse_numbers(values: pd.Series, column: str, whole: bool = False) -> np.ndarray:
    """`values` (text or numbers, None or NaN for missing) as finite floats; `DataError` names the first
    value that is not a finite number (or, when `whole`, a missing or fractional one) by row and column."""
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    wrong = values.notna().to_numpy() & ~np.isfinite(numbers)
    if whole:
        wrong |= ~np.isfinite(numbers) | (np.nan_to_num(numbers) % 1 != 0)
    if wrong.any():
        row = int(np.flatnonzero(wrong)[0])
        kind = "whole number" if whole else "finite number"
        raise DataError(f"row {row + 1}: {column} {values.iloc[row]!r} is not a {kind}")
    return numbers


def normalize(table: pd.DataFrame) -> pd.DataFrame:
    """The table in `SCHEMA`'s column order and types, whichever source produced it."""
    missing = [column for column in SCHEMA if column not in table.columns]
    if missing:
        raise DataError(f"titanic table lacks columns: {', '.join(missing)}")
    columns = {}
    for column, dtype in SCHEMA.items():
        values = table[column].astype(object).where(table[column].notna(), None)
        if dtype == "string":
            columns[column] = pd.array([None if v is None else str(v) for v in values], dtype="string")
        else:
            numbers = parse_numbers(values, column, whole=dtype == "int64")
            columns[column] = numbers.astype(dtype) if dtype == "int64" else numbers
    return pd.DataFrame(columns)


def fetch_mirror_titanic() -> pd.DataFrame:
    """The ARFF file that scikit-learn's wheel ships for its OpenML tests."""
    path = package_file(MIRROR_PACKAGE, MIRROR_FILE, MIRROR_SHA256)
    try:
        text = gzip.decompress(path.read_bytes()).decode("utf-8")
    except (OSError, EOFError, zlib.error) as error:
        raise DataError(f"{path.name}: truncated or corrupt gzip ({error})") from error
    return read_arff(text)


def fetch_openml_titanic() -> pd.DataFrame:
    """The book's way: scikit-learn's `fetch_openml` (OpenML 40945 is "titanic" version 1)."""
    from sklearn.datasets import fetch_openml

    return fetch_openml(
        data_id=OPENML_ID, as_frame=True, parser="liac-arff", data_home=cache_dir() / "openml"
    ).frame


SOURCES = {"mirror": fetch_mirror_titanic, "openml": fetch_openml_titanic}
Source = Literal[tuple(SOURCES)]  # params.yaml's data.titanic.source


def fetch(source: str, out: Path, n_rows: int = N_PASSENGERS) -> pd.DataFrame:
    """Fetch the passengers from `source`, check the count, and write the typed table to `out`."""
    table = normalize(SOURCES[source]())
    if len(table) != n_rows:
        raise DataError(f"titanic: {len(table)} passengers, expected {n_rows}")
    io.write_table(out, table)
    return table


def load(path: str | Path) -> pd.DataFrame:
    """Load the table written by `fetch`."""
    table = io.read_table(path)
    return table.astype(SCHEMA)


def features_and_target(table: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """Split off the target and drop the columns that leak it."""
    return table.drop(columns=[TARGET, *LEAKING_COLUMNS]), table[TARGET].to_numpy()
