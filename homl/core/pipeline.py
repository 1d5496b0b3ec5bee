"""Where the pipeline keeps each file, read from `dvc.yaml`: every path is written there, once."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import yaml

DVC_YAML = Path("dvc.yaml")
SCRIPT = re.compile(r"python3?\s+(\S+\.py)")  # a Python script a stage's command runs


def _read(dvc_yaml: Path) -> dict:
    with open(dvc_yaml) as file:  # libyaml's loader where PyYAML has it: dvc.yaml is long
        return yaml.load(file, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def declared_paths(stage: dict, kinds: tuple[str, ...] = ("outs",)) -> list[str]:
    """The paths a stage of `dvc.yaml` (its entry, or a foreach stage's `do`) declares under `kinds`, in
    order; an entry with options (`- path: {cache: false}`) counts by its path."""
    entries = [entry for kind in kinds for entry in stage.get(kind, [])]
    return [entry if isinstance(entry, str) else next(iter(entry)) for entry in entries]


def scripts(stage: dict) -> list[str]:
    """The Python scripts a stage's command runs (its entry, a foreach stage's `do`, or dvc.lock's)."""
    return SCRIPT.findall(stage["cmd"])


def artifacts(dvc_yaml: str | Path = DVC_YAML) -> dict[str, dict]:
    """The models declared in `dvc.yaml`'s `artifacts:`, by name."""
    return _read(Path(dvc_yaml)).get("artifacts", {})


def artifact(name: str, dvc_yaml: str | Path = DVC_YAML) -> Path:
    """The path of a model declared in `dvc.yaml`'s `artifacts:` (relative to the project's root)."""
    declared = artifacts(dvc_yaml)
    if name not in declared:
        raise KeyError(f"no artifact {name!r} in {dvc_yaml}; declared: {', '.join(declared)}")
    return Path(declared[name]["path"])


def project_root(start: Path | None = None) -> Path | None:
    """The nearest directory at or above `start` (default: the working directory) that holds dvc.yaml."""
    here = (start or Path.cwd()).resolve()
    return next((directory for directory in (here, *here.parents) if (directory / DVC_YAML).is_file()), None)


@contextmanager
def model_file(model: str | Path, rev: str | None = None) -> Iterator[Path]:
    """A model named by `dvc.yaml`'s `artifacts:`, found from any directory of the project, or a model file:
    a name that is no artifact, or a path that exists, is taken as a file.

    `rev` (a branch, tag or commit): the artifact as that revision of the project has it, read through
    DVC's API (from the cache or the remote) into a temporary file, removed on leaving the context (arrays
    memory-mapped from it stay readable: the system keeps a mapped file until it is unmapped).
    """
    if rev is not None:
        import tempfile

        with tempfile.TemporaryDirectory(prefix="homl-model-") as scratch:
            yield _model_at(str(model), rev, project_root(), Path(scratch))
        return
    if Path(model).exists():
        yield Path(model)
        return
    root = project_root()
    declared = artifacts(root / DVC_YAML) if root else {}
    yield root / declared[str(model)]["path"] if str(model) in declared else Path(model)


def _model_at(name: str, rev: str, root: Path | None, scratch: Path) -> Path:
    import dvc.api  # only when a revision is asked for: DVC's import costs a command's start-up

    if root is None:
        raise FileNotFoundError(f"no dvc.yaml here or above: {name} at {rev} needs the project")
    try:
        with dvc.api.open(str(DVC_YAML), repo=str(root), rev=rev) as declaration:
            declared = yaml.safe_load(declaration).get("artifacts", {})
        path = declared[name]["path"] if name in declared else name
        target = scratch / Path(path).name
        with dvc.api.open(path, repo=str(root), rev=rev, mode="rb") as model:
            target.write_bytes(model.read())
    except Exception as error:  # DVC's and git's many errors (unknown revision, artifact, missing cache)
        raise FileNotFoundError(f"{name} at revision {rev}: {error}") from error
    return target


def output(stage: str, kind: str = "outs", dvc_yaml: str | Path = DVC_YAML, suffix: str = "") -> Path:
    """The first path ending in `suffix` that a stage declares under `kind` (outs, metrics or plots).

    A foreach stage's paths keep their `${key}`.
    """
    declared = _read(Path(dvc_yaml))["stages"][stage]
    paths = declared_paths(declared.get("do", declared), (kind,))
    return Path(next(path for path in paths if path.endswith(suffix)))
