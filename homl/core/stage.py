"""What every stage script shares: its paths from the command line, and errors a person can read."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from homl.core import cluster
from homl.core.errors import HomlError

EXPECTED_ERRORS = (HomlError, FileNotFoundError)


def paths(doc: str, *names: str) -> argparse.Namespace:
    """Parse the stage's paths (given by dvc.yaml) from the command line, as `Path`s.

    A name ending in "..." takes one path or more.
    """
    parser = argparse.ArgumentParser(description=doc)
    for name in names:
        many = name.endswith("...")
        parser.add_argument(name.removesuffix("..."), type=Path, nargs="+" if many else None)
    return parser.parse_args()


def run(main: Callable[[], None]) -> None:
    """Run a stage's `main` (its heavy loops on the Dask cluster that HOML_DASK_SCHEDULER names, if any);
    an expected failure prints one line and exits with status 1."""
    try:
        with cluster.workers():
            main()
    except EXPECTED_ERRORS as error:
        sys.exit(f"error: {error}")
