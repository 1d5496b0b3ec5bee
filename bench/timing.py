"""What the benchmarks share: where they write, and how they time a call."""

import os
import platform
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


# /proc/cpuinfo's flags, widest first, and how results name the widest the CPU has
VECTOR_NAMES = {"avx512f": "AVX-512", "avx2": "AVX2", "avx": "AVX", "sse4_2": "SSE4.2"}


def cpu() -> dict:
    """The CPU a result was measured on: the same code runs at different speeds on Intel and AMD, and
    with or without AVX-512."""
    fields = {}
    cpuinfo = Path("/proc/cpuinfo")
    for line in cpuinfo.read_text().splitlines() if cpuinfo.exists() else []:
        key, _, value = line.partition(":")
        fields.setdefault(key.strip(), value.strip())
    flags = set(fields.get("flags", "").split())
    return {
        "vendor": fields.get("vendor_id", platform.machine()),
        "model": fields.get("model name", platform.processor()),
        "vectors": next((name for flag, name in VECTOR_NAMES.items() if flag in flags), None),
    }


def provenance() -> dict:
    """What every result says first: the commit whose code it measured, and the machine."""
    return {"commit": commit(), "cores": os.cpu_count(), "cpu": cpu()}


def commit() -> str:
    """The commit whose code a benchmark measured (results say which, so stale ones can be told)."""
    return subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
