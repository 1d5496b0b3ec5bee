"""Does a reproduction agree with a committed run, on any machine?

Bytes are the wrong test: pickles hold scikit-learn's version, Parquet files the pyarrow and pandas
versions, PNGs matplotlib's rasterizer, and a fitted float's last bits the CPU's kernels and thread count.
So a reproduction is compared with a commit by what must be equal:

- the content of every data file (`homl.report.fingerprints`: values, dtypes and shapes, never file bytes),
  which the `fingerprints` stage writes to a tracked file;
- every metric and every plot's data (JSON and CSV under metrics/ and plots/): exact, except the files
  `TOLERANCES` names, with the reason; image plots by their pixels (no metric records a duration: how long
  a step took is a measurement of the machine, kept under bench/results);
- models through the metrics they produce (their bytes are a pickle's).

python -m homl.report.reproduction [REV]    compare the workspace with REV (default HEAD); exit 1 naming each difference
"""

from __future__ import annotations

import argparse
import fnmatch
import io as bytes_io
import json
import math
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

COMPARED = ("metrics", "plots", "data/fingerprints.json")

# The files whose floats may differ between machines: their relative tolerance, the absolute one (the
# difference always allowed, so that it must stay below what a near-zero figure means), and why. Every
# other number must be equal: KNN works on integer pixels with exact float64 re-ranking, and counts and
# data fingerprints do not depend on the CPU.
TOLERANCES: list[tuple[tuple[str, ...], float, float, str]] = [
    (
        ("metrics/denoise*.json", "plots/denoise*.csv"),
        1e-6,
        1e-6,
        "PSNR and MSE are means of float sums whose order varies with the CPU's SIMD width",
    ),
    (
        ("metrics/titanic*", "plots/titanic*"),
        1e-6,
        1e-6,
        "iterative solvers (lbfgs, libsvm, boosting) on BLAS kernels that vary by CPU and thread count",
    ),
    (
        (
            "metrics/spam_train.json",
            "metrics/spam_test.json",
            "metrics/spam_headers.json",
            "metrics/spam_book.json",
            "plots/spam_*",
        ),
        1e-6,
        1e-6,
        "tf-idf norms and linear solvers on BLAS kernels that vary by CPU and thread count",
    ),
    (
        ("metrics/linreg.json", "plots/linreg/*"),
        1e-3,
        1e-9,
        "thousands of gradient steps accumulate the kernels' last-bit differences (OpenBLAS's Haswell kernels"
        " without AVX-512 moved batch GD's distance to the closed form by 6e-5 of itself); the closed forms'"
        " distances to each other are rounding, 1e-15 to 1e-11, and moved by up to 25% of themselves",
    ),
    (
        (
            "metrics/polynomial.json",
            "metrics/regularized.json",
            "metrics/early_stopping.json",
            "metrics/logistic_iris.json",
            "metrics/softmax_iris.json",
            "plots/polynomial_*",
            "plots/early_stopping.csv",
            "plots/logistic_iris.csv",
            "plots/softmax_iris_*",
        ),
        1e-6,
        1e-8,
        "chapter 4's small fits on BLAS kernels that vary by CPU: with OpenBLAS's Sandybridge kernels and numpy's"
        " AVX2 off, a difference to scikit-learn's model moved from 2.6e-9 to 5.4e-9 and another in its 9th"
        " digit; those differences are rounding, and their bounds are the tests'",
    ),
]
# Mean absolute pixel difference (0-255) allowed in an image plot: FreeType's text rasterization and
# antialiasing differ between builds, while a different digit or curve moves far more pixels.
IMAGE_TOLERANCE = 0.5
SHOWN_PER_FILE = 5


def tolerance(path: str) -> tuple[float, float]:
    """The relative and absolute tolerances of a compared file ((0, 0): exact)."""
    matches = (
        (relative, absolute)
        for patterns, relative, absolute, _ in TOLERANCES
        if any(fnmatch.fnmatch(path, p) for p in patterns)
    )
    return next(matches, (0.0, 0.0))


def _flatten(value, prefix: str = "") -> Iterator[tuple[str, object]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _flatten(item, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _flatten(item, f"{prefix}[{index}]")
    else:
        yield prefix, value


def _differ(old, new, tol: tuple[float, float]) -> bool:
    if isinstance(old, bool) or isinstance(new, bool) or not isinstance(old, int | float):
        return old != new
    if not isinstance(new, int | float):
        return True
    if math.isnan(old) and math.isnan(new):
        return False
    relative, absolute = tol
    return not math.isclose(old, new, rel_tol=relative, abs_tol=absolute)


def _compare_values(path: str, old: dict, new: dict, tol: tuple[float, float]) -> list[str]:
    differences = []
    for key in [*old, *(key for key in new if key not in old)]:
        if key not in new:
            differences.append(f"{path}: {key} is missing (committed: {old[key]!r})")
        elif key not in old:
            differences.append(f"{path}: {key} is new ({new[key]!r})")
        elif _differ(old[key], new[key], tol):
            differences.append(f"{path}: {key} {old[key]!r} -> {new[key]!r}")
    return differences


def compare_file(path: str, old: bytes, new: bytes) -> list[str]:
    """Each difference between two versions of a compared file that its tolerance does not allow."""
    tol = tolerance(path)
    if path.endswith(".json"):
        flat = lambda data: dict(_flatten(json.loads(data)))  # noqa: E731
        return _compare_values(path, flat(old), flat(new), tol)
    if path.endswith(".csv"):
        old_table, new_table = (pd.read_csv(bytes_io.BytesIO(data)) for data in (old, new))
        if list(old_table.columns) != list(new_table.columns) or len(old_table) != len(new_table):
            return [f"{path}: columns or rows changed ({old_table.shape} -> {new_table.shape})"]
        cells = lambda table: {  # noqa: E731
            f"row {row} {column}": value
            for column in table
            for row, value in enumerate(table[column].tolist())
        }
        return _compare_values(path, cells(old_table), cells(new_table), tol)
    if path.endswith(".png"):
        return _compare_images(path, old, new)
    return [] if old == new else [f"{path}: content changed"]


def _compare_images(path: str, old: bytes, new: bytes) -> list[str]:
    from PIL import Image

    old_pixels, new_pixels = (
        np.asarray(Image.open(bytes_io.BytesIO(data)).convert("RGB"), dtype=np.float64) for data in (old, new)
    )
    if old_pixels.shape != new_pixels.shape:
        return [f"{path}: image size {old_pixels.shape} -> {new_pixels.shape}"]
    difference = np.abs(old_pixels - new_pixels).mean()
    if difference > IMAGE_TOLERANCE:
        return [f"{path}: pixels differ by {difference:.2f} on average (allowed: {IMAGE_TOLERANCE})"]
    return []


def _git(repo: Path, *args: str) -> bytes:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True).stdout


def differences(rev: str = "HEAD", repo: Path = Path(".")) -> list[str]:
    """Every difference between the workspace's compared files and those committed at `rev`."""
    committed = set(_git(repo, "ls-tree", "-r", "--name-only", rev, "--", *COMPARED).decode().splitlines())
    present = {
        path.relative_to(repo).as_posix()
        for name in COMPARED
        for path in ([repo / name] if (repo / name).is_file() else (repo / name).rglob("*"))
        if path.is_file() and path.name != ".gitignore"
    }
    found = [f"{path}: not produced by the reproduction" for path in sorted(committed - present)]
    found += [f"{path}: produced but not committed" for path in sorted(present - committed)]
    for path in sorted(committed & present):
        changes = compare_file(path, _git(repo, "show", f"{rev}:{path}"), (repo / path).read_bytes())
        found += changes[:SHOWN_PER_FILE]
        if len(changes) > SHOWN_PER_FILE:
            found.append(f"{path}: and {len(changes) - SHOWN_PER_FILE} more differences")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m homl.report.reproduction",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("rev", nargs="?", default="HEAD")
    found = differences(parser.parse_args(argv).rev)
    for line in found:
        print(line, file=sys.stderr)
    if found:
        print(f"the reproduction differs from the committed run in {len(found)} places", file=sys.stderr)
        return 1
    print("the reproduction agrees with the committed data fingerprints, metrics and plots")
    return 0


if __name__ == "__main__":
    sys.exit(main())
