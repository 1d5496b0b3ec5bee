"""The library's layout shows its architecture: a wing per exercise over a small core, none reaching into
another, every module short enough to read."""

import ast
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HOML = REPO / "homl"
WINGS = ("digits", "titanic", "spam", "linreg")  # the exercises
BASE = ("core", "data")  # what every wing may build on, and which builds on no wing
MAX_LINES = 400


def imported_packages(path: Path) -> set[str]:
    """The homl packages a module imports (`homl.digits.knn` -> `digits`), function-level imports included."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return {name.split(".")[1] for name in names if name.startswith("homl.") and name.count(".") >= 1}


def crossings(package: str, allowed: set[str]) -> list[str]:
    return [
        f"{path.relative_to(REPO)} imports homl.{other}"
        for path in sorted((HOML / package).rglob("*.py"))
        for other in sorted(imported_packages(path) - allowed - {package})
        if (HOML / other).is_dir()
    ]


def test_no_exercise_wing_imports_another_and_the_base_imports_no_wing():
    found = [line for wing in WINGS for line in crossings(wing, set(BASE))]
    found += [line for package in BASE for line in crossings(package, set(BASE))]
    assert found == []


def test_a_wing_reaching_into_another_is_named(tmp_path):
    module = tmp_path / "homl" / "titanic" / "leaky.py"
    module.parent.mkdir(parents=True)
    module.write_text("from homl.digits.knn import KNNClassifier\nfrom homl.core import io\n")
    assert imported_packages(module) == {"digits", "core"}


def test_the_package_has_a_few_entries_and_every_module_is_short():
    entries = [path.name for path in HOML.iterdir() if path.name != "__pycache__"]
    assert len(entries) <= 10, sorted(entries)
    long = [
        f"{path.relative_to(REPO)}: {lines}"
        for path in sorted(HOML.rglob("*.py"))
        if (lines := len(path.read_text().splitlines())) > MAX_LINES
    ]
    assert long == []


def test_only_one_module_imports_scikit_learns_private_helpers():
    private = [
        f"{path.relative_to(REPO)}: {node.module}"
        for path in sorted(HOML.rglob("*.py"))
        if path.name != "sklearn_private.py"
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.ImportFrom)
        and (node.module or "").startswith("sklearn")
        and (
            any(part.startswith("_") for part in node.module.split("."))
            or any(alias.name.startswith("_") for alias in node.names)
        )
    ]
    assert private == []


def test_each_wing_exports_its_public_names_and_loads_them_only_when_used():
    check = """
import importlib, sys
import homl.digits.knn
assert "homl.digits.idm" not in sys.modules and "numba" not in sys.modules, "a wing loads all its modules"
for wing in {wings!r}:
    package = importlib.import_module("homl." + wing)
    assert package.__all__, wing
    for name in package.__all__:
        found = getattr(package, name)
        assert not callable(found) or found.__module__.startswith("homl." + wing), name
"""
    subprocess.run([sys.executable, "-c", check.format(wings=WINGS)], check=True, cwd=REPO)
