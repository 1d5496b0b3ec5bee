"""The registry of the README's generated tables, and what the tables share: each exercise's tables live in
its own wing (`homl/<wing>/tables.py`) and register here; `homl.report.readme` writes them into the README."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from homl.core import io, params, pipeline

TABLES: dict[str, Callable[[Path], str]] = {}


def table(function: Callable[[Path], list[list[object]]]) -> Callable[[Path], list[list[object]]]:
    """Register a README table: the function returns the header row, then the body rows."""
    TABLES[function.__name__] = lambda root: markdown(function(root))
    return function


def markdown(rows: list[list[object]]) -> str:
    header, *body = rows
    lines = [header, ["---"] * len(header), *body]
    return "\n".join("| " + " | ".join(map(str, line)) + " |" for line in lines)


def stage_metrics(root: Path, stage: str) -> dict:
    """The metrics file a stage writes, found in dvc.yaml."""
    return io.read_json(root / pipeline.output(stage, "metrics", root / "dvc.yaml"))


def param(root: Path, key: str) -> Any:
    """The value at a dotted key of params.yaml (a list's items by index)."""
    return lookup(yaml.safe_load((root / params.PARAMS_FILE).read_text()), key)


def lookup(data: Any, path: str) -> Any:
    """The value at a dotted path of nested dicts and lists (a list's items by index)."""
    for part in path.split(".") if path else []:
        data = data[int(part)] if isinstance(data, (list, tuple)) else data[part]
    return data


def bench_results(root: Path, benchmark: str) -> dict:
    """What `bench/BENCHMARK.py` wrote: bench/results/BENCHMARK.json."""
    return io.read_json(root / "bench" / "results" / f"{benchmark}.json")


ROUNDING = 1e-11  # below this, two exact solutions differ by float64 rounding, whose digits vary by CPU


def difference_text(value: float, spec: str = ".1e") -> str:
    """A difference between two solutions, as `spec` formats it, or `< 1e-11` where it is rounding: its
    digits move with the CPU's kernels and the BLAS threads (3.9e-12 on one machine, 3.6e-12 on another),
    and the generated tables must not."""
    if value == 0:
        return "0"
    return f"< {ROUNDING:.0e}" if value < ROUNDING else format(value, spec)


def cpu_name(cpu: dict) -> str:
    """A benchmark's CPU (bench/timing.py's `cpu`) as the tables name it: its model and widest vectors."""
    return f"{cpu['model']} ({cpu['vectors']})" if cpu.get("vectors") else cpu["model"]


def stage_table(root: Path, stage: str, suffix: str = ".csv") -> pd.DataFrame:
    """The (first) table a stage writes whose path ends in `suffix`, found in dvc.yaml."""
    return pd.read_csv(root / pipeline.output(stage, "outs", root / "dvc.yaml", suffix=suffix))


def settings_text(hyperparameters: dict) -> str:
    return ", ".join(
        f"{key} = {value:g}" if isinstance(value, float) else f"{key} = {value}"
        for key, value in hyperparameters.items()
    )


def theta_text(values: list[float], digits: int = 4) -> str:
    return "[" + ", ".join(f"{value:.{digits}f}" for value in values) + "]"
