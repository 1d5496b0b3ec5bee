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
