"""What the benchmarks share: where they write, and how they time a call."""

import time
from pathlib import Path

RESULTS_DIR = Path(__file__).parent / "results"


def timed(function):
    """`function()`'s result and its wall time in seconds."""
    started = time.perf_counter()
    result = function()
    return result, time.perf_counter() - started
