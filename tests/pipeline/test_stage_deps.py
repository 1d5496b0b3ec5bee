"""Every project file a stage script imports (directly or through other homl modules) is a declared dep."""

import ast
from pathlib import Path

import pytest
import yaml

from homl.core import pipeline

REPO = Path(__file__).resolve().parents[2]


def module_file(name: str, root: Path) -> Path | None:
    """The project file that defines module `name`, if it is one of the project's own."""
    parts = name.split(".")
    for candidate in (root.joinpath(*parts).with_suffix(".py"), root.joinpath(*parts, "__init__.py")):
        if candidate.is_file():
            return candidate
    return None


def imported_files(path: Path, root: Path) -> set[Path]:
    """The project files `path` imports anywhere in its body (function-level imports included)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    # `from homl import io` runs homl/__init__.py too: it counts where it holds code, not only a docstring.
    packages = {name.rsplit(".", depth)[0] for name in names for depth in range(1, name.count(".") + 1)}
    found = {module_file(name, root) for name in names | packages}
    return {file for file in found if file is not None and (file.name != "__init__.py" or holds_code(file))}


def holds_code(path: Path) -> bool:
    return any(
        isinstance(node, ast.Import | ast.ImportFrom | ast.FunctionDef | ast.ClassDef)
        for node in ast.parse(path.read_text()).body
    )


def import_closure(script: Path, root: Path) -> set[Path]:
    """`script` and every project file it imports, directly or through other project files."""
    seen, todo = set(), [script]
    while todo:
        file = todo.pop()
        if file not in seen:
            seen.add(file)
            todo.extend(imported_files(file, root) - seen)
    return seen


def code_deps(root: Path) -> dict[str, tuple[set[str], set[str]]]:
    """For each stage: the project code its scripts import, and the code files it declares as deps."""
    found = {}
    for name, stage in yaml.safe_load((root / "dvc.yaml").read_text())["stages"].items():
        stage = stage.get("do", stage)
        imported = {
            file.relative_to(root).as_posix()
            for script in pipeline.scripts(stage)
            for file in import_closure(root / script, root)
        }
        deps = {dep if isinstance(dep, str) else next(iter(dep)) for dep in stage.get("deps", [])}
        found[name] = imported, {dep for dep in deps if dep.endswith(".py")}
    return found


def undeclared_imports(root: Path) -> list[str]:
    """'stage: file' for every imported project file that the stage does not declare as a dep."""
    return [
        f"{name}: {file}"
        for name, (imported, deps) in code_deps(root).items()
        for file in sorted(imported - deps)
    ]


def test_every_stage_declares_the_project_files_its_script_imports():
    assert undeclared_imports(REPO) == []


def test_every_code_dep_of_a_stage_is_imported_by_its_script():
    extra = [
        f"{name}: {file}" for name, (imported, deps) in code_deps(REPO).items() for file in deps - imported
    ]
    assert extra == []


def test_a_removed_dep_is_named_with_its_stage(tmp_path):
    for path in ("homl", "stages"):
        (tmp_path / path).symlink_to(REPO / path)
    pipeline = yaml.safe_load((REPO / "dvc.yaml").read_text())
    pipeline["stages"]["knn_search"]["deps"].remove("homl/digits/neighbors.py")
    (tmp_path / "dvc.yaml").write_text(yaml.safe_dump(pipeline))
    assert undeclared_imports(tmp_path) == ["knn_search: homl/digits/neighbors.py"]


@pytest.mark.parametrize("stage", ["knn_search", "titanic_train", "spam_train"])
def test_the_linear_solvers_are_no_dep_of_other_exercises(stage):
    pipeline = yaml.safe_load((REPO / "dvc.yaml").read_text())["stages"][stage]
    assert "homl/linreg/linear.py" not in pipeline.get("do", pipeline)["deps"]


def test_no_stage_reads_a_metrics_file():
    """A choice is an output of its own; `metrics/` only reports."""
    readers = [
        f"{name}: {dep}"
        for name, stage in yaml.safe_load((REPO / "dvc.yaml").read_text())["stages"].items()
        for dep in stage.get("do", stage).get("deps", [])
        if str(dep).startswith("metrics/")
    ]
    assert readers == []


def test_the_test_splits_reach_no_choice_and_nothing_downstream():
    """The held-out passengers and messages reach only the stages that report on them: none writes a
    choice, and nothing they write feeds another stage. (The digits' test images share mnist.npz with
    the training ones: their stages' tests swap them and check that every choice stays.)"""
    stages = yaml.safe_load((REPO / "dvc.yaml").read_text())["stages"]
    stages = {name: stage.get("do", stage) for name, stage in stages.items()}

    def paths(stage: dict, kind: str) -> set[str]:
        return set(pipeline.declared_paths(stage, (kind,)))

    readers = {
        name
        for name, stage in stages.items()
        if any(p.endswith("_test.parquet") for p in paths(stage, "deps"))
    }
    assert {"titanic_evaluate", "spam_evaluate"} <= readers
    assert [name for name in readers if any("choice" in path for path in paths(stages[name], "outs"))] == []
    written = set().union(*(paths(stages[name], "outs") for name in readers))
    assert [name for name, stage in stages.items() if written & paths(stage, "deps")] == []


def test_dvc_lock_records_no_stage_that_dvc_yaml_no_longer_declares():
    """DVC keeps a removed stage's entry in dvc.lock, and parses and rewrites it after every stage."""
    from dvc.repo import Repo

    with Repo(str(REPO)) as repo:
        declared = {stage.name for stage in repo.index.stages if hasattr(stage, "name")}
    assert set(yaml.safe_load((REPO / "dvc.lock").read_text())["stages"]) - declared == set()
