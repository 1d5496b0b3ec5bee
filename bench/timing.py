"""What the benchmarks share: where they write, and how they time a call."""

import subprocess
import time
from pathlib import Path

RESULTS_DIR = Path(__file__).parent / "results"


def timed(function):
    """`function()`'s result and its wall time in seconds."""
    started = time.perf_counter()
    result = function()
    return result, time.perf_counter() - started


def best_of(function, repeats: int):
    """`function()`'s result and its best wall time over `repeats` calls."""
    runs = [timed(function) for _ in range(repeats)]
    return runs[0][0], min(seconds for _, seconds in runs)


def commit() -> str:
    """The commit whose code a benchmark measured (results say which, so stale ones can be told)."""
    return subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
