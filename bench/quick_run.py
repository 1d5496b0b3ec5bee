"""Benchmark: the quick run for learning, `dvc exp run -S quick=true`, in a fresh clone of HEAD as a new user
has it (no DVC cache, so every stage runs; the datasets come from the download cache), timed stage by stage
as bench/pipeline_timing.py times the real run. It checks that every metrics file the run wrote says
`"quick": true`.

Writes bench/results/quick_run.json.  Run on a clean work tree:  python bench/quick_run.py
"""

import json
import subprocess
import tempfile
from pathlib import Path

from pipeline_timing import measure
from timing import RESULTS_DIR

from homl.core import io

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    with tempfile.TemporaryDirectory() as clone:
        subprocess.run(["git", "clone", "-q", str(REPO), clone], check=True)
        run = measure(["dvc", "exp", "run", "-S", "quick=true"], cwd=clone)
        metrics = sorted(Path(clone, "metrics").rglob("*.json"))
        unlabelled = [path.name for path in metrics if json.loads(path.read_text()).get("quick") is not True]
    if unlabelled:
        raise SystemExit(f"metrics without the quick label: {unlabelled}")
    io.write_json(RESULTS_DIR / "quick_run.json", {**run, "metrics_files_labelled": len(metrics)})
    print(f"dvc exp run -S quick=true: {run['total_seconds']:.0f} s on {run['cores']} cores")


if __name__ == "__main__":
    main()
