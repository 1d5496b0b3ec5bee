"""Every notebook under notebooks/ runs cell by cell, as Jupyter would, in a project made of the
repository's parameters, metrics and plots with the tests' small data and models: the notebooks read the
pipeline's results and compute nothing heavy, so none can rot."""

import shutil
import subprocess
import sys

import jupytext
import matplotlib
import numpy as np
import pytest
from stage_runner import REPO
from tiny_data import (
    make_passengers,
    save_denoiser,
    save_digit_model,
    save_spam_model,
    save_tiny_mnist,
    save_titanic_model,
)

from homl.data import mnist

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.py"))
WINGS = ("mnist", "denoising", "titanic", "spam", "linear_models")  # an exercise's page each in docs/


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("project")
    for name in ("dvc.yaml", "params.yaml"):
        shutil.copy(REPO / name, root / name)
    for folder in ("metrics", "plots"):
        shutil.copytree(REPO / folder, root / folder)
    subprocess.run([sys.executable, "-m", "dvc", "init", "--no-scm", "-q"], cwd=root, check=True)
    digits = mnist.load(save_tiny_mnist(root / "data" / "raw" / "mnist.npz", 600, 50))
    save_digit_model(root / "models" / "idm.joblib")
    save_titanic_model(root / "models" / "titanic.joblib", make_passengers(300))
    save_spam_model(root / "models" / "spam.joblib")
    save_denoiser(root / "models" / "denoiser.joblib", digits.train_images, 5, np.random.default_rng(0))
    return root


def test_there_is_a_notebook_per_exercise_page():
    assert [path.stem for path in NOTEBOOKS] == sorted(WINGS)
    assert all((REPO / "docs" / f"{wing}.md").is_file() for wing in WINGS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_every_notebook_runs_cell_by_cell_on_the_projects_results(path, project, monkeypatch):
    notebook = jupytext.read(path)
    code = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
    assert code and any(cell.cell_type == "markdown" for cell in notebook.cells)
    monkeypatch.chdir(project)
    namespace = {"__name__": "__main__"}
    for number, source in enumerate(code, start=1):
        exec(compile(source, f"{path.name}, code cell {number}", "exec"), namespace)
    plt.close("all")
