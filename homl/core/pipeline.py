"""Where the pipeline keeps each file, read from `dvc.yaml`: every path is written there, once."""

from __future__ import annotations

from pathlib import Path

import yaml

DVC_YAML = Path("dvc.yaml")


def _read(dvc_yaml: Path) -> dict:
    with open(dvc_yaml) as file:  # libyaml's loader where PyYAML has it: dvc.yaml is long
        return yaml.load(file, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _path(entry: str | dict) -> str:
    return entry if isinstance(entry, str) else next(iter(entry))


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


def model_file(model: str | Path, rev: str | None = None) -> Path:
    """A model named by `dvc.yaml`'s `artifacts:`, found from any directory of the project, or a model file:
    a name that is no artifact, or a path that exists, is taken as a file.

    `rev` (a branch, tag or commit): the artifact as that revision of the project has it, read through
    DVC's API (from the cache or the remote) into a temporary file.
    """
    if Path(model).exists() and rev is None:
        return Path(model)
    root = project_root()
    if rev is not None:
        return _model_at(str(model), rev, root)
    declared = artifacts(root / DVC_YAML) if root else {}
    return root / declared[str(model)]["path"] if str(model) in declared else Path(model)


def _model_at(name: str, rev: str, root: Path | None) -> Path:
    import tempfile

    import dvc.api  # only when a revision is asked for: DVC's import costs a command's start-up

    if root is None:
        raise FileNotFoundError(f"no dvc.yaml here or above: {name} at {rev} needs the project")
    try:
        with dvc.api.open(str(DVC_YAML), repo=str(root), rev=rev) as declaration:
            declared = yaml.safe_load(declaration).get("artifacts", {})
        path = declared[name]["path"] if name in declared else name
        target = Path(tempfile.mkdtemp(prefix="homl-model-")) / Path(path).name
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
    paths = [_path(entry) for entry in declared.get("do", declared)[kind]]
    return Path(next(path for path in paths if path.endswith(suffix)))
