"""DVC's comparison commands on a throwaway git repository holding a tiny pipeline like ours."""

import json

import pytest
from dvc_repo import DVC, run, tiny_pipeline

pytestmark = [pytest.mark.slow, pytest.mark.skipif(DVC is None, reason="needs dvc and git")]


@pytest.fixture
def repo(tmp_path):
    return tiny_pipeline(tmp_path / "repo", tmp_path / "runs.log")


def test_metrics_diff_between_two_branches(repo):
    run(repo, "git", "checkout", "-q", "-b", "stronger")
    (repo / "params.yaml").write_text("model:\n  strength: 3\n  seconds: 0\n")
    run(repo, DVC, "repro", "-q")
    run(repo, "git", "add", "-A")
    run(repo, "git", "commit", "-qm", "stronger")
    diff = json.loads(run(repo, DVC, "metrics", "diff", "main", "--json"))
    assert diff["metrics.json"]["score"] == {"old": 0.5, "new": 0.75, "diff": 0.25}
    params = json.loads(run(repo, DVC, "params", "diff", "main", "--json"))["params.yaml"]["model.strength"]
    assert (params["old"], params["new"]) == (1, 3)


def test_exp_run_with_a_changed_parameter(repo):
    run(repo, DVC, "exp", "run", "-q", "-S", "model.strength=9", "--name", "strong")
    shown = json.loads(run(repo, DVC, "exp", "show", "--json"))
    scores = [
        experiment["data"]["metrics"]["metrics.json"]["data"]["score"]
        for baseline in shown
        for experiment in (baseline.get("experiments") or [])
        for experiment in experiment["revs"]
    ]
    assert 0.9 in scores
