"""Every benchmark result says which commit's code it measured, and is re-run when that code changes."""

import json
import subprocess
from pathlib import Path

import yaml
from test_stage_deps import SCRIPT, import_closure

REPO = Path(__file__).resolve().parents[2]
BENCH = REPO / "bench"


def measured_files(benchmark: str) -> list[str]:
    """The files whose change makes `bench/results/BENCHMARK.json` stale: the benchmark, bench/timing.py,
    the project code they import, and what the benchmark runs besides (the pipeline, the install, the
    `homl` command)."""
    scripts = [BENCH / f"{benchmark}.py"]
    extra = []
    if benchmark in ("pipeline_timing", "quick_run", "stage_overhead"):
        stages = yaml.safe_load((REPO / "dvc.yaml").read_text())["stages"].values()
        scripts += [
            REPO / script for stage in stages for script in SCRIPT.findall(stage.get("do", stage)["cmd"])
        ]
        extra = ["dvc.yaml", "params.yaml", "uv.lock"]
    elif benchmark == "setup_time":
        extra = ["pyproject.toml", "uv.lock", "Makefile"]
    elif benchmark == "commands":
        scripts.append(REPO / "homl" / "cli.py")
    files = {file for script in scripts for file in import_closure(script, REPO)} | {BENCH / "timing.py"}
    return sorted({file.relative_to(REPO).as_posix() for file in files} | set(extra))


def test_every_benchmark_result_names_a_commit_whose_measured_code_is_unchanged():
    stale = []
    for result in sorted((BENCH / "results").glob("*.json")):
        commit = json.loads(result.read_text()).get("commit")
        rerun = f"re-run python bench/{result.stem}.py"
        if not commit:
            stale.append(f"{result.name}: says no commit; {rerun}")
            continue
        changed = subprocess.run(
            ["git", "diff", "--name-only", commit, "HEAD", "--", *measured_files(result.stem)],
            cwd=REPO,
            capture_output=True,
            text=True,
        )
        assert changed.returncode == 0, f"{result.name}: commit {commit} is not in this clone's history"
        if changed.stdout.strip():
            stale.append(
                f"{result.name}: {', '.join(changed.stdout.split())} changed since {commit[:7]}; {rerun}"
            )
    assert stale == []


def test_a_change_to_measured_code_is_seen():
    files = measured_files("exact_search")
    assert (
        "homl/digits/neighbors.py" in files
        and "bench/timing.py" in files
        and "homl/spam/text.py" not in files
    )
    assert "stages/spam_train.py" in measured_files("pipeline_timing")
    assert "homl/cli.py" in measured_files("commands")
