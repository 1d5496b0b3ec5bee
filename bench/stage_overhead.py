"""Benchmark: what every stage of the pipeline pays whatever its data, outside its own work.

- DVC's rewrite of dvc.lock after each stage: `Lockfile.dump_stages` reads the whole lock with ruamel's
  round-trip parser (pure Python, to keep its layout) and writes it back (`dvc.utils.serialize.modify_yaml`),
  so its cost grows with the lock. Timed here on a copy of the repository's dvc.lock.
- each stage script's start-up: `python stages/<script> --help`, its imports and nothing else.
- `dvc repro` with every stage up to date (`--dry`, so that a stale stage is reported, never run): what
  any `dvc repro` pays before its first stage, with DVC's parse of params.yaml for each stage that reads
  params (ruamel's safe loader) timed beside it.
All best of REPEATS; the run's totals count a foreach stage once per item, as DVC runs it.

Writes bench/results/stage_overhead.json.  python bench/stage_overhead.py
"""

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml
from dvc.utils.serialize import modify_yaml, parse_yaml
from timing import RESULTS_DIR, best_of, provenance

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


def noop_repro_seconds() -> float:
    def repro() -> None:
        said = subprocess.run(["dvc", "repro", "--dry"], cwd=REPO, check=True, capture_output=True, text=True)
        if "Data and pipelines are up to date." not in said.stdout:
            raise SystemExit("some stage is not up to date: run dvc repro first")

    return best_of(repro, REPEATS)[1]


def params_parses(stages: dict) -> tuple[int, float]:
    """How many times DVC parses params.yaml to check every stage, and how long those parses take."""
    text = (REPO / "params.yaml").read_text()
    reading = [name for name, stage in stages.items() if stage.get("params")]
    return len(reading), best_of(
        lambda: [parse_yaml(text, "params.yaml", typ="safe") for _ in reading], REPEATS
    )[1]


def main() -> None:
    lock = REPO / "dvc.lock"
    stages = yaml.safe_load(lock.read_text())["stages"]
    scripts = {name: pipeline.scripts(stage)[0] for name, stage in stages.items()}
    startup = {script: startup_seconds(script) for script in sorted(set(scripts.values()))}
    rewrite = lock_rewrite_seconds(lock)
    noop = noop_repro_seconds()
    parses, parses_seconds = params_parses(stages)
    result = {
        **provenance(),
        "stages": len(stages),
        "lock_lines": len(lock.read_text().splitlines()),
        "lock_rewrite_seconds": rewrite,
        "script_startup_seconds": startup,
        "per_run": {
            "lock_rewrites_seconds": rewrite * len(stages),
            "script_startups_seconds": sum(startup[script] for script in scripts.values()),
        },
        "noop_repro_seconds": noop,
        "noop_params_parses": parses,
        "noop_params_parses_seconds": parses_seconds,
    }
    io.write_json(RESULTS_DIR / "stage_overhead.json", result)
    print(
        f"{len(stages)} stages: dvc.lock rewrites {result['per_run']['lock_rewrites_seconds']:.0f} s, "
        f"script start-ups {result['per_run']['script_startups_seconds']:.0f} s a run; dvc repro with "
        f"nothing to do {noop:.2f} s"
    )


if __name__ == "__main__":
    main()
