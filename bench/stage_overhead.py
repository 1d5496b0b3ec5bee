"""Benchmark: what every stage of the pipeline pays whatever its data, outside its own work.

- DVC's rewrite of dvc.lock after each stage: `Lockfile.dump_stages` reads the whole lock with ruamel's
  round-trip parser (pure Python, to keep its layout) and writes it back (`dvc.utils.serialize.modify_yaml`),
  so its cost grows with the lock. Timed here on a copy of the repository's dvc.lock.
- each stage script's start-up: `python stages/<script> --help`, its imports and nothing else.
Both best of REPEATS; the run's totals count a foreach stage once per item, as DVC runs it.

Writes bench/results/stage_overhead.json.  python bench/stage_overhead.py
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml
from dvc.utils.serialize import modify_yaml
from timing import RESULTS_DIR, best_of, commit

from homl.core import io, pipeline

REPO = Path(__file__).resolve().parents[1]
REPEATS = 3


def lock_rewrite_seconds(lock: Path) -> float:
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "dvc.lock"
        shutil.copyfile(lock, copy)

        def rewrite() -> None:
            with modify_yaml(str(copy)) as data:
                data["stages"] = data.get("stages", {})

        return best_of(rewrite, REPEATS)[1]


def startup_seconds(script: str) -> float:
    command = [sys.executable, script, "--help"]
    return best_of(lambda: subprocess.run(command, cwd=REPO, check=True, capture_output=True), REPEATS)[1]


def main() -> None:
    lock = REPO / "dvc.lock"
    stages = yaml.safe_load(lock.read_text())["stages"]
    scripts = {name: pipeline.scripts(stage)[0] for name, stage in stages.items()}
    startup = {script: startup_seconds(script) for script in sorted(set(scripts.values()))}
    rewrite = lock_rewrite_seconds(lock)
    result = {
        "commit": commit(),
        "cores": os.cpu_count(),
        "stages": len(stages),
        "lock_lines": len(lock.read_text().splitlines()),
        "lock_rewrite_seconds": rewrite,
        "script_startup_seconds": startup,
        "per_run": {
            "lock_rewrites_seconds": rewrite * len(stages),
            "script_startups_seconds": sum(startup[script] for script in scripts.values()),
        },
    }
    io.write_json(RESULTS_DIR / "stage_overhead.json", result)
    print(
        f"{len(stages)} stages: dvc.lock rewrites {result['per_run']['lock_rewrites_seconds']:.0f} s, "
        f"script start-ups {result['per_run']['script_startups_seconds']:.0f} s a run"
    )


if __name__ == "__main__":
    main()
