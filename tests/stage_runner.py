"""Running a stage script on tiny data in a scratch directory with its own params.yaml, as the stage tests do."""

import os
import runpy
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from io import StringIO
from pathlib import Path

import tiers
import yaml

REPO = Path(__file__).resolve().parent.parent


def run_stage(cwd: Path, script: str, *paths: str) -> subprocess.CompletedProcess:
    """Run a stage script in `cwd`: in its own process as DVC does (`pytest --all`), else in this one,
    which has paid the imports already."""
    command = [sys.executable, str(REPO / "stages" / script), *paths]
    if tiers.ALL:
        return subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    out, err, status = StringIO(), StringIO(), 0
    argv, here = sys.argv, os.getcwd()
    try:
        os.chdir(cwd)
        sys.argv = command[1:]
        with redirect_stdout(out), redirect_stderr(err):
            runpy.run_path(command[1], run_name="__main__")
    except SystemExit as exit:  # what the interpreter would do with it
        status = 1 if isinstance(exit.code, str) else exit.code or 0
        if isinstance(exit.code, str):
            err.write(exit.code + "\n")
    finally:
        sys.argv = argv
        os.chdir(here)
    return subprocess.CompletedProcess(command, status, out.getvalue(), err.getvalue())


def repo_params() -> dict:
    """The repository's params.yaml, parsed."""
    return yaml.safe_load((REPO / "params.yaml").read_text())


def write_params(directory: Path, **sections) -> None:
    (directory / "params.yaml").write_text(yaml.safe_dump({**repo_params(), **sections}))
