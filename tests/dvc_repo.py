"""Throwaway git + DVC repositories for tests of the pipeline's behaviour under DVC."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

BIN = Path(sys.executable).parent
DVC = shutil.which("dvc", path=str(BIN)) if shutil.which("git") else None
ENV = {
    **os.environ,
    "DVC_NO_ANALYTICS": "1",
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.org",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.org",
    "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
}


def run(repo: Path, *command: str) -> str:
    """Run a command in `repo`; fail the test with its stderr when it fails."""
    result = subprocess.run(command, cwd=repo, env=ENV, capture_output=True, text=True)
    assert result.returncode == 0, f"{' '.join(command)}: {result.stderr}"
    return result.stdout


def new_repo(path: Path) -> Path:
    run(path, "git", "init", "-q", "-b", "main")
    run(path, DVC, "init", "-q")
    run(path, DVC, "config", "core.analytics", "false")
    return path


# A one-stage pipeline like ours: a parameter, a cached model, a metric, a plot, and a log (outside the
# repository) of when each run started and ended.
TINY_STAGE = """\
import json, sys, time, yaml
model = yaml.safe_load(open("params.yaml"))["model"]
started = time.time()
time.sleep(model["seconds"])
open(sys.argv[2], "w").write(f"strength {model['strength']}\\n")
score = round(1 - 1 / (1 + model["strength"]), 6)
json.dump({"score": score}, open(sys.argv[1], "w"), sort_keys=True)
open("curve.csv", "w").write(f"step,score\\n0,0\\n1,{score}\\n")
with open(sys.argv[3], "a") as log:
    log.write(f"{started} {time.time()}\\n")
"""
TINY_PIPELINE = """\
stages:
  train:
    cmd: python train.py metrics.json model.txt {log}
    deps: [train.py]
    params: [model]
    outs: [model.txt]
    metrics:
      - metrics.json:
          cache: false
    plots:
      - curve.csv:
          cache: false
          x: step
          y: score
"""


def tiny_pipeline(path: Path, log: Path, seconds: float = 0) -> Path:
    """A committed repository holding the tiny pipeline, reproduced once (strength 1)."""
    path.mkdir(parents=True, exist_ok=True)
    new_repo(path)
    (path / "train.py").write_text(TINY_STAGE)
    (path / "dvc.yaml").write_text(TINY_PIPELINE.format(log=log))
    (path / "params.yaml").write_text(f"model:\n  strength: 1\n  seconds: {seconds}\n")
    run(path, DVC, "repro", "-q")
    run(path, "git", "add", "-A")
    run(path, "git", "commit", "-qm", "baseline")
    return path


def runs(log: Path) -> list[tuple[float, float]]:
    """The (start, end) times of every run the log recorded."""
    if not log.exists():
        return []
    return [tuple(map(float, line.split())) for line in log.read_text().splitlines()]
