"""A quick run for learning (`quick: true`): part of the data, narrower searches, every metric labelled."""

import numpy as np
import pandas as pd
import pytest
import yaml
from stage_runner import REPO, repo_params, run_stage, write_params

from homl.core import errors, io, params
from homl.data import mnist, spam
from homl.report import readme


def raw_params(**changes) -> dict:
    return {**repo_params(), **changes}


def test_a_quick_run_reads_its_overrides_and_the_real_run_does_not():
    raw = raw_params()
    assert params.as_run(raw) is raw
    quick = params.as_run(raw_params(quick=True))
    overrides = raw["quick_run"]["overrides"]["titanic"]
    assert quick["titanic"]["cv"]["repeats"] == overrides["cv"]["repeats"] != raw["titanic"]["cv"]["repeats"]
    assert quick["titanic"]["cv"]["folds"] == raw["titanic"]["cv"]["folds"]  # the rest as it is
    forest = quick["titanic"]["classifiers"]["random_forest"]
    assert forest["max_depth"] == overrides["classifiers"]["random_forest"]["max_depth"]
    assert forest["max_features"] == raw["titanic"]["classifiers"]["random_forest"]["max_features"]


def test_an_override_naming_no_parameter_is_an_error():
    raw = raw_params(quick=True)
    raw["quick_run"]["overrides"] = {"titanic": {"cv": {"repeat": 2}}}
    with pytest.raises(errors.ParamsError, match="quick_run.overrides.titanic.cv.repeat: no such key"):
        params.as_run(raw)


def test_a_quick_switch_that_is_no_bool_is_refused_before_any_override_applies(tmp_path):
    raw = raw_params(quick="yes")
    with pytest.raises(errors.ParamsError, match="quick: expected bool"):
        params.as_run(raw)
    (tmp_path / "params.yaml").write_text(yaml.safe_dump(raw))
    with pytest.raises(errors.ParamsError, match="quick: expected bool"):
        params.quick(tmp_path / "params.yaml")


QUICK_DATA = {
    "fetch_mnist": ["quick_run.mnist_train", "quick_run.mnist_test"],
    "fetch_spam": ["quick_run.spam_share"],
}


def quick_parts(declared: list[str], overrides: dict) -> list[str]:
    """The parts of `quick_run.overrides` that lie over the declared params (a foreach stage's `${key}`
    stops at the part every item shares)."""
    parts = []
    for key in declared:
        node, walked = overrides, []
        for part in key.split("."):
            if "${" in part or not isinstance(node, dict):
                break
            if part not in node:
                walked = []
                break
            node, walked = node[part], [*walked, part]
        if walked and ".".join(["quick_run.overrides", *walked]) not in parts:
            parts.append(".".join(["quick_run.overrides", *walked]))
    return parts


def test_every_stage_reads_the_quick_switch_and_depends_on_its_own_part_of_the_quick_run_only():
    overrides = raw_params()["quick_run"]["overrides"]
    for name, stage in yaml.safe_load((REPO / "dvc.yaml").read_text())["stages"].items():
        declared = stage.get("do", stage).get("params", [])
        assert "quick" in declared, name
        quick_run = [key for key in declared if key.startswith("quick_run")]
        others = [key for key in declared if not key.startswith("quick")]
        assert quick_run == QUICK_DATA.get(name, quick_parts(others, overrides)), name


def test_a_quick_run_keeps_part_of_the_data_at_random_in_order():
    full = mnist.Mnist(
        np.arange(1000 * 4).reshape(1000, 4),
        np.arange(1000) % 10,
        np.arange(300 * 4).reshape(300, 4),
        np.arange(300) % 10,
    )
    part = mnist.subsample(full, 100, 30, seed=1)
    assert part.train_images.shape == (100, 4) and len(part.test_labels) == 30
    assert np.all(np.diff(part.train_images[:, 0]) > 0)  # in their order, no repeats
    np.testing.assert_array_equal(part.train_labels, part.train_images[:, 0] // 4 % 10)
    assert mnist.subsample(full, 100, 30, seed=1).train_labels.tolist() == part.train_labels.tolist()
    table = pd.DataFrame({"group": ["spam"] * 50 + ["easy_ham"] * 150, "id": range(200)})
    kept = spam.subsample(table, 0.2, seed=0)
    assert kept["group"].value_counts().to_dict() == {"easy_ham": 30, "spam": 10}
    assert kept["id"].is_monotonic_increasing


def test_a_quick_run_labels_every_metric_and_reads_its_overrides(tmp_path):
    raw = raw_params(quick=True)
    raw["quick_run"]["overrides"] = {"polynomial": {"curve_points": 4}}
    (tmp_path / "params.yaml").write_text(yaml.safe_dump(raw))
    result = run_stage(tmp_path, "polynomial_fit.py", "polynomial.json", "curves.csv", "curves.png")
    assert result.returncode == 0, result.stderr
    assert io.read_json(tmp_path / "polynomial.json")["quick"] is True
    assert len(pd.read_csv(tmp_path / "curves.csv")) == 4
    write_params(tmp_path)  # the real run: no label
    assert (
        run_stage(tmp_path, "polynomial_fit.py", "polynomial.json", "curves.csv", "curves.png").returncode
        == 0
    )
    assert "quick" not in io.read_json(tmp_path / "polynomial.json")


def test_the_readme_is_never_written_from_a_quick_run(tmp_path):
    (tmp_path / "metrics").mkdir()
    io.write_json(tmp_path / "metrics" / "a.json", {"accuracy": 0.5, "quick": True})
    (tmp_path / "README.md").write_text("# nothing\n")
    with pytest.raises(ValueError, match="metrics/a.json and 0 other metrics files come from a quick run"):
        readme.rendered_documents(tmp_path)
