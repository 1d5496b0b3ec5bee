"""Benchmark: the Python set-up from nothing, `make install` (uv, uv.lock) against pip on the same ranges.

Each side starts from a fresh clone with every package cache empty or off: uv from its pinned wheel (pip's
cache off, uv's cache a new empty folder) to a synced .venv; pip creating a venv and installing `.[dev]` from
pyproject.toml's ranges (pip's cache off). Writes bench/results/setup_time.json.
python bench/setup_time.py
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from timing import provenance

from homl.core import io

REPO = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).parent / "results" / "setup_time.json"


def timed(command: list[str], cwd: Path, **env: str) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, env={**os.environ, **env}, check=True, capture_output=True)
    return time.perf_counter() - started


def fresh_clone(scratch: Path, name: str) -> Path:
    subprocess.run(["git", "clone", "-q", str(REPO), str(scratch / name)], check=True)
    return scratch / name


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        uv_seconds = timed(
            ["make", "install", f"PYTHON={sys._base_executable}"],  # the interpreter a newcomer has, with pip
            fresh_clone(scratch, "uv"),
            UV_CACHE_DIR=str(scratch / "uv-cache"),
            PIP_NO_CACHE_DIR="1",
        )
        pip_clone = fresh_clone(scratch, "pip")
        pip_seconds = timed(
            ["sh", "-c", f"{sys.executable} -m venv .venv && .venv/bin/pip install -q -e '.[dev]'"],
            pip_clone,
            PIP_NO_CACHE_DIR="1",
        )
    results = {
        **provenance(),
        "uv_seconds": uv_seconds,
        "pip_seconds": pip_seconds,
    }
    results["ratio"] = pip_seconds / uv_seconds
    io.write_json(RESULTS, results)
    print(f"make install (uv) {uv_seconds:.1f} s, pip {pip_seconds:.1f} s: {results['ratio']:.1f}x")


if __name__ == "__main__":
    main()
