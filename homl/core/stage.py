"""What every stage script shares: its paths from the command line, and errors a person can read."""

from __future__ import annotations

import argparse
import ctypes
import os
import sys
from collections.abc import Callable
from pathlib import Path

from homl.core import cluster
from homl.core.errors import HomlError

EXPECTED_ERRORS = (HomlError, FileNotFoundError)
# glibc's mallopt parameters (malloc.h), the variables that set them in a new process, and their values
MALLOC_SETTINGS = ((-4, "MALLOC_MMAP_MAX_", 0), (-1, "MALLOC_TRIM_THRESHOLD_", 2**31 - 1))


def paths(doc: str, *names: str) -> argparse.Namespace:
    """Parse the stage's paths (given by dvc.yaml) from the command line, as `Path`s.

    A name ending in "..." takes one path or more.
    """
    parser = argparse.ArgumentParser(description=doc)
    for name in names:
        many = name.endswith("...")
        parser.add_argument(name.removesuffix("..."), type=Path, nargs="+" if many else None)
    return parser.parse_args()


def keep_freed_memory() -> None:
    """Have glibc's malloc reuse freed memory rather than give it back to the system, in this process
    and in those it starts (joblib's workers), which read the same settings from the environment.

    By default glibc maps every large array (above 128 kB to 32 MB) fresh from the system and unmaps it
    when freed, so each new one is faulted in again, page by page: making 60,000 digits float32 took 0.2 s
    that way and 0.015 s in reused memory. A stage's memory then stays at its peak until it ends. Off
    Linux's glibc, nothing changes."""
    libc = ctypes.CDLL(None) if sys.platform.startswith("linux") else None
    if libc is not None and hasattr(libc, "gnu_get_libc_version"):
        for parameter, variable, value in MALLOC_SETTINGS:
            libc.mallopt(parameter, value)
            os.environ.setdefault(variable, str(value))


def run(main: Callable[[], None]) -> None:
    """Run a stage's `main` (its heavy loops on the Dask cluster that HOML_DASK_SCHEDULER names, if any);
    an expected failure prints one line and exits with status 1."""
    keep_freed_memory()
    try:
        with cluster.workers():
            main()
    except EXPECTED_ERRORS as error:
        sys.exit(f"error: {error}")
