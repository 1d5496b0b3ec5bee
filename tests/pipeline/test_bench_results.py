"""Every benchmark result says which commit's code it measured, and is re-run when that code changes."""

import ast
import json
import subprocess
from pathlib import Path

import yaml
from test_stage_deps import import_closure

from homl.core import pipeline

REPO = Path(__file__).resolve().parents[2]
BENCH = REPO / "bench"


def measured_files(benchmark: str) -> list[str]:
    """The files whose change makes `bench/results/BENCHMARK.json` stale: the benchmark, bench/timing.py,
    the project code they import, and what the benchmark runs besides (the pipeline, the install, the
    `homl` command and the models it loads)."""
    scripts = [BENCH / f"{benchmark}.py"]
    extra = []
    if benchmark in ("pipeline_timing", "quick_run", "stage_overhead"):
        stages = yaml.safe_load((REPO / "dvc.yaml").read_text())["stages"].values()
        scripts += [REPO / script for stage in stages for script in pipeline.scripts(stage.get("do", stage))]
        extra = ["dvc.yaml", "params.yaml", "uv.lock"]
    elif benchmark == "setup_time":
        extra = ["pyproject.toml", "uv.lock", "Makefile"]
    elif benchmark == "commands":
        scripts += [REPO / "homl" / "cli.py", *model_modules()]
    files = {file for script in scripts for file in import_closure(script, REPO)} | {BENCH / "timing.py"}
    return sorted({file.relative_to(REPO).as_posix() for file in files} | set(extra))


def model_modules() -> list[Path]:
    """The modules of the classes a saved model may hold (`io.TRUSTED_GLOBALS`): what loading one
    imports, which no import statement of the `homl` command names."""
    from homl.core import io

    modules = {name.rsplit(".", 1)[0] for name in io.TRUSTED_GLOBALS if name.startswith("homl.")}
    return sorted(REPO / f"{module.replace('.', '/')}.py" for module in modules)


def artifact_hashes(revision: str) -> dict[str, str]:
    """The md5 that dvc.lock records at `revision` for each model dvc.yaml names as an artifact: what the
    `homl` commands load, so a change of model makes `bench/results/commands.json` stale too."""

    def read(path: str) -> dict:
        shown = subprocess.run(
            ["git", "show", f"{revision}:{path}"], cwd=REPO, capture_output=True, text=True
        )
        assert shown.returncode == 0, f"{path} at {revision}: {shown.stderr.strip()}"
        return yaml.safe_load(shown.stdout)

    models = {artifact["path"] for artifact in read("dvc.yaml").get("artifacts", {}).values()}
    return {
        out["path"]: out["md5"]
        for stage in read("dvc.lock")["stages"].values()
        for out in stage.get("outs", [])
        if out["path"] in models
    }


def code_differs(path: str, old: str, new: str) -> bool:
    """Whether `path` differs as code between revisions `old` and `new`: for a Python file, its syntax
    tree without docstrings (a reworded docstring, a comment or a reformatting measures the same); for any
    other file, its bytes. A file missing from either revision differs."""
    texts = []
    for revision in (old, new):
        shown = subprocess.run(
            ["git", "show", f"{revision}:{path}"], cwd=REPO, capture_output=True, text=True
        )
        if shown.returncode != 0:
            return True
        texts.append(shown.stdout)
    if path.endswith(".py"):
        texts = [ast.dump(without_docstrings(ast.parse(text))) for text in texts]
    return texts[0] != texts[1]


def without_docstrings(tree: ast.Module) -> ast.Module:
    """`tree` with the docstring of its module, and of each class and function in it, removed."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                if isinstance(body[0].value.value, str):
                    node.body = body[1:] or [ast.Pass()]
    return tree


def records() -> list[tuple[Path, dict, bool]]:
    """Every benchmark result, and each record it keeps of a run on another CPU (`other_cpus`, True)."""
    found = []
    for result in sorted((BENCH / "results").glob("*.json")):
        last = json.loads(result.read_text())
        found += [(result, last, False), *((result, other, True) for other in last.get("other_cpus", []))]
    return found


def test_every_benchmark_result_names_a_commit_whose_measured_code_is_unchanged():
    stale = []
    for result, record, other_cpu in records():
        commit = record.get("commit")
        rerun = f"re-run python bench/{result.stem}.py"
        if other_cpu:
            rerun += f" on a {record['cpu']['model']}, or delete that CPU's record"
        if not commit or "cpu" not in record:
            stale.append(f"{result.name}: says not which commit and CPU it measured; {rerun}")
            continue
        changed = subprocess.run(
            ["git", "diff", "--name-only", commit, "HEAD", "--", *measured_files(result.stem)],
            cwd=REPO,
            capture_output=True,
            text=True,
        )
        assert changed.returncode == 0, f"{result.name}: commit {commit} is not in this clone's history"
        changed = [path for path in changed.stdout.split() if code_differs(path, commit, "HEAD")]
        if result.stem == "commands":
            then, now = artifact_hashes(commit), artifact_hashes("HEAD")
            changed += sorted(path for path in now if then.get(path) != now[path])
        if changed:
            stale.append(f"{result.name}: {', '.join(changed)} changed since {commit[:7]}; {rerun}")
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


def test_a_docstring_or_a_reformatting_is_no_change_of_measured_code():
    """4bc14c2 reworded docstrings in exact_distances.py and neighbors.py and changed posteriors.py's code
    (a kernel's arguments; ruff reformatted the calls)."""
    files = ("exact_distances", "neighbors", "posteriors")
    differs = [code_differs(f"homl/digits/{name}.py", "d9ae8fb", "4bc14c2") for name in files]
    assert differs == [False, False, True]
    assert code_differs("params.yaml", "d9ae8fb", "4bc14c2") is False
    assert code_differs("homl/digits/no_such_module.py", "d9ae8fb", "4bc14c2") is True


def test_a_change_of_the_models_the_commands_load_is_seen():
    before_the_idm_grid, after = artifact_hashes("5cb0066"), artifact_hashes("3f81a79")
    assert {"models/idm.joblib", "models/denoiser.joblib"} <= set(after)
    assert before_the_idm_grid["models/idm.joblib"] != after["models/idm.joblib"]
    assert before_the_idm_grid["models/denoiser.joblib"] == after["models/denoiser.joblib"]
