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


def model_file(model: str | Path) -> Path:
    """A model named by `dvc.yaml`'s `artifacts:`, or a model file: a name that is no artifact, or a path
    that exists, is taken as a file."""
    declared = artifacts() if DVC_YAML.exists() and not Path(model).exists() else {}
    return Path(declared[str(model)]["path"]) if str(model) in declared else Path(model)


def output(stage: str, kind: str = "outs", dvc_yaml: str | Path = DVC_YAML, suffix: str = "") -> Path:
    """The first path ending in `suffix` that a stage declares under `kind` (outs, metrics or plots).

    A foreach stage's paths keep their `${key}`.
    """
    declared = _read(Path(dvc_yaml))["stages"][stage]
    paths = [_path(entry) for entry in declared.get("do", declared)[kind]]
    return Path(next(path for path in paths if path.endswith(suffix)))
