"""A killed stage leaves its previous output, DVC recovers, and two forced reproductions give the same bytes."""

import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import yaml
from dvc_repo import DVC, ENV, new_repo, run
from stage_runner import repo_params
from tiny_data import make_passengers, make_spam_corpus, save_tiny_mnist

from homl.core import io

REPO = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.slow, pytest.mark.skipif(DVC is None, reason="needs dvc and git")]

# Writes its output through homl.core.io, then hangs inside the write until killed.
SLOW_WRITER = """\
import sys, time
import numpy as np
from homl.core import io

class Slow:
    def __array__(self, dtype=None, copy=None):
        print("writing", flush=True)
        time.sleep(60)
        return np.zeros(3)

io.save_arrays(sys.argv[1], done=np.ones(2), slow=Slow())
"""


def wait_for_line(process: subprocess.Popen, expected: str) -> None:
    assert process.stdout.readline().strip() == expected


def test_a_stage_killed_while_writing_leaves_the_previous_output(tmp_path):
    out = tmp_path / "out.npz"
    io.save_arrays(out, previous=np.arange(3))
    before = out.read_bytes()
    (tmp_path / "writer.py").write_text(SLOW_WRITER)
    process = subprocess.Popen(
        [sys.executable, "writer.py", str(out)], cwd=tmp_path, stdout=subprocess.PIPE, text=True
    )
    wait_for_line(process, "writing")
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert out.read_bytes() == before
    np.testing.assert_array_equal(io.load_arrays(out)["previous"], np.arange(3))


def test_dvc_repro_recovers_after_a_killed_run(tmp_path):
    repo = new_repo(tmp_path)
    (repo / "writer.py").write_text(
        SLOW_WRITER.replace("time.sleep(60)", "time.sleep(60 if len(sys.argv) > 2 else 0)")
    )
    (repo / "dvc.yaml").write_text(
        "stages:\n  write:\n    cmd: python writer.py out.npz ${slow}\n    deps: [writer.py]\n    outs: [out.npz]\n"
    )
    (repo / "params.yaml").write_text("slow: hang\n")
    run(repo, "git", "add", "-A")
    repro = subprocess.Popen(
        [DVC, "repro"], cwd=repo, env=ENV, stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    deadline = time.monotonic() + 60
    while not list(repo.glob(".out.npz.*.tmp")):  # the stage is inside its write
        assert time.monotonic() < deadline and repro.poll() is None
        time.sleep(0.1)
    repro.send_signal(signal.SIGKILL)  # DVC itself dies; its child is killed with the session below
    subprocess.run(["pkill", "-KILL", "-s", str(repro.pid)], check=False)
    repro.wait()
    assert not (repo / "out.npz").exists()
    (repo / "params.yaml").write_text("slow: ''\n")
    run(repo, DVC, "repro")
    assert run(repo, DVC, "status").strip() == "Data and pipelines are up to date."
    assert set(io.load_arrays(repo / "out.npz")) == {"done", "slow"}


def tiny_pipeline(repo: Path) -> None:
    """The project's real stage scripts on small data, a stage of every kind: MNIST KNN, the IDM's numba
    kernel, the photo reader, digits rendered from fonts and photographed worse, noise and cleaning,
    Titanic, spam (parsing, near-copies, training), the linear regressions and chapter 4's figures."""
    save_tiny_mnist(repo / "mnist.npz", 600, 200)
    io.write_table(repo / "titanic.parquet", make_passengers(300))
    io.write_table(repo / "spam.parquet", make_spam_corpus())
    io.write_choice(repo / "variant.json", {"hyperparameters": {"deskew": True, "blur_sigma": 0.5}})
    params = repo_params()
    params["knn"].update(n_neighbors=[1, 3], folds=3)
    params["idm"].update(window=[1], context=[1], n_candidates=[5], n_neighbors=[1, 3], validation_size=100)
    params["font_digits"] = {"fonts": ["DejaVuSans.ttf", "cmr10.ttf"], "rotations": [0, 10]}
    params["digit_reading"]["validation_digits"] = 100
    params["digit_degradations"] = {
        "digits": 40,
        "contrast": [0.25],
        "blur": [1.0],
        "thicker": [2.0],
        "thinner": [0.5],
    }
    params["polynomial"]["curve_points"] = 8
    params["early_stopping"]["n_epochs"] = 100
    params["denoise"]["validation_size"] = 100
    params["denoise"]["methods"]["bounded"]["n_neighbors"] = [10]
    params["titanic"]["classifiers"]["random_forest"].update(n_estimators=[20], max_depth=[4])
    params["spam"].update(cv={"folds": 3}, target_precision=0.9)
    params["spam"]["classifiers"] = {"naive_bayes": {"alpha": [1.0]}, "linear_svm": {"C": [0.1, 1.0]}}
    params["linreg"]["stochastic_gd"]["n_epochs"] = 50
    (repo / "params.yaml").write_text(yaml.safe_dump(params))
    stage = lambda name, *paths: f"python {REPO / 'stages' / name}.py " + " ".join(paths)  # noqa: E731
    stages = {
        "knn_search": (
            stage("knn_search", "mnist.npz", "grid.csv", "choice.json", "best.json"),
            ["mnist.npz"],
            ["grid.csv", "choice.json", "best.json"],
        ),
        "knn_evaluate": (
            stage(
                "digit_evaluate",
                "knn",
                "mnist.npz",
                "choice.json",
                "knn.joblib",
                "test.json",
                "confusion.csv",
                "errors.png",
            ),
            ["mnist.npz", "choice.json"],
            ["knn.joblib", "test.json", "confusion.csv", "errors.png"],
        ),
        "noisy": (stage("noisy_mnist", "mnist.npz", "noisy.npz"), ["mnist.npz"], ["noisy.npz"]),
        "denoise_search": (
            stage(
                "denoise_search", "mnist.npz", "noisy.npz", "search.csv", "denoise_choice.json", "search.json"
            ),
            ["noisy.npz"],
            ["search.csv", "denoise_choice.json", "search.json"],
        ),
        "denoise": (
            stage(
                "denoise", "mnist.npz", "noisy.npz", "denoise_choice.json", "denoiser.joblib", "cleaned.npz"
            ),
            ["noisy.npz", "denoise_choice.json"],
            ["denoiser.joblib", "cleaned.npz"],
        ),
        "denoise_evaluate": (
            stage(
                "denoise_evaluate",
                "mnist.npz",
                "noisy.npz",
                "cleaned.npz",
                "denoise_choice.json",
                "knn.joblib",
                "denoise.json",
                "denoise.csv",
                "denoise.png",
            ),
            ["cleaned.npz", "knn.joblib"],
            ["denoise.json", "denoise.csv", "denoise.png"],
        ),
        "split": (
            stage("titanic_split", "titanic.parquet", "train.parquet", "test.parquet"),
            ["titanic.parquet"],
            ["train.parquet", "test.parquet"],
        ),
        "forest": (
            stage(
                "titanic_train",
                "random_forest",
                "train.parquet",
                "forest.joblib",
                "forest_choice.json",
                "forest.json",
            ),
            ["train.parquet"],
            ["forest.joblib", "forest_choice.json", "forest.json"],
        ),
        "idm_search": (
            stage("idm_search", "mnist.npz", "variant.json", "idm.csv", "idm_choice.json", "idm_search.json"),
            ["mnist.npz", "variant.json"],
            ["idm.csv", "idm_choice.json", "idm_search.json"],
        ),
        "idm_evaluate": (
            stage(
                "digit_evaluate",
                "idm",
                "mnist.npz",
                "idm_choice.json",
                "idm.joblib",
                "idm_test.json",
                "idm_confusion.csv",
                "idm_errors.png",
            ),
            ["mnist.npz", "idm_choice.json"],
            ["idm.joblib", "idm_test.json", "idm_confusion.csv", "idm_errors.png"],
        ),
        "digit_reading": (
            stage(
                "digit_reading", "mnist.npz", "choice.json", "reader.joblib", "reading.json", "reading.csv"
            ),
            ["mnist.npz", "choice.json"],
            ["reader.joblib", "reading.json", "reading.csv"],
        ),
        "font_digits": (
            stage(
                "font_digits",
                "reader.joblib",
                "fonts.npz",
                "fonts.json",
                "fonts.csv",
                "fonts.png",
                "knn.joblib",
                "idm.joblib",
            ),
            ["reader.joblib", "knn.joblib", "idm.joblib"],
            ["fonts.npz", "fonts.json", "fonts.csv", "fonts.png"],
        ),
        "digit_degradations": (
            stage(
                "digit_degradations",
                "mnist.npz",
                "reader.joblib",
                "degraded.json",
                "degraded.csv",
                "degraded.png",
                "knn.joblib",
                "idm.joblib",
            ),
            ["reader.joblib", "knn.joblib", "idm.joblib"],
            ["degraded.json", "degraded.csv", "degraded.png"],
        ),
        "spam_parse": (
            stage("spam_parse", "spam.parquet", "spam_train.parquet", "spam_test.parquet", "spam_parse.json"),
            ["spam.parquet"],
            ["spam_train.parquet", "spam_test.parquet", "spam_parse.json"],
        ),
        "spam_train": (
            stage(
                "spam_train",
                "spam_train.parquet",
                "spam.joblib",
                "spam_choice.json",
                "spam_train.json",
                "spam_classifiers.csv",
                "spam_gains.csv",
            ),
            ["spam_train.parquet"],
            ["spam.joblib", "spam_choice.json", "spam_train.json", "spam_classifiers.csv", "spam_gains.csv"],
        ),
        "linreg_data": (
            stage("linreg_data", "synthetic.npz", "diabetes.npz"),
            [],
            ["synthetic.npz", "diabetes.npz"],
        ),
        "linreg_fit": (
            stage("linreg_fit", "synthetic.npz", "diabetes.npz", "linreg.json", "linreg_plots"),
            ["synthetic.npz", "diabetes.npz"],
            ["linreg.json", "linreg_plots"],
        ),
        "polynomial_fit": (
            stage("polynomial_fit", "poly.json", "poly.csv", "poly.png"),
            [],
            ["poly.json", "poly.csv", "poly.png"],
        ),
        "softmax_iris": (
            stage("softmax_iris", "softmax.json", "softmax.csv", "softmax.png"),
            [],
            ["softmax.json", "softmax.csv", "softmax.png"],
        ),
        "early_stopping": (
            stage("early_stopping", "stopping.json", "stopping.csv", "stopping.png"),
            [],
            ["stopping.json", "stopping.csv", "stopping.png"],
        ),
    }
    pipeline = {
        "stages": {
            name: {"cmd": cmd, "deps": deps, "outs": outs} for name, (cmd, deps, outs) in stages.items()
        }
    }
    (repo / "dvc.yaml").write_text(yaml.safe_dump(pipeline))


def output_hashes(repo: Path) -> dict[str, str]:
    lock = yaml.safe_load((repo / "dvc.lock").read_text())
    return {out["path"]: out["md5"] for stage in lock["stages"].values() for out in stage.get("outs", [])}


def test_two_forced_reproductions_give_identical_hashes(tmp_path):
    """Every stage run from nothing in two copies of the repository at the same time (so each also runs
    beside the other's load): the same dvc.lock, byte for byte, every output hashed."""
    repos = []
    for name in ("first", "second"):
        (tmp_path / name).mkdir()
        repos.append(new_repo(tmp_path / name))
        tiny_pipeline(repos[-1])
    runs = [
        subprocess.Popen(
            [DVC, "repro"], cwd=repo, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        for repo in repos
    ]
    for reproduction in runs:
        output = reproduction.communicate()[0]
        assert reproduction.returncode == 0, output
    declared = yaml.safe_load((repos[0] / "dvc.yaml").read_text())["stages"].values()
    assert set(output_hashes(repos[0])) == {out for stage in declared for out in stage["outs"]}
    assert (repos[0] / "dvc.lock").read_text() == (
        repos[1] / "dvc.lock"
    ).read_text()  # no metric records a duration
