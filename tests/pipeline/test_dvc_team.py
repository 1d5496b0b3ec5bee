"""A team's DVC: the default remote shares every result, and queued experiments run two at a time."""

import configparser
import json
import os
import re
import time
from pathlib import Path

import pytest
import yaml
from dvc_repo import DVC, run, runs, tiny_pipeline

from homl.report import page as report

pytestmark = [pytest.mark.slow, pytest.mark.skipif(DVC is None, reason="needs dvc and git")]

REPO = Path(__file__).resolve().parents[2]
PROJECT_CONFIG = REPO / ".dvc" / "config"


def default_remote(config_path: Path) -> tuple[str, str]:
    config = configparser.ConfigParser()
    config.read(config_path)
    name = config["core"]["remote"]
    return name, config[f"'remote \"{name}\"'"]["url"]


def test_the_default_remote_is_a_directory_outside_the_repository():
    name, url = default_remote(PROJECT_CONFIG)
    place = Path(os.path.expanduser(url))
    assert "://" not in url and place.is_absolute()
    assert not place.resolve().is_relative_to(REPO)


def with_project_remote(repo: Path, place: Path) -> str:
    """The project's .dvc/config in `repo`, its remote moved to `place` in .dvc/config.local."""
    (repo / ".dvc" / "config").write_text(PROJECT_CONFIG.read_text())
    name, _ = default_remote(PROJECT_CONFIG)
    run(repo, DVC, "remote", "modify", "--local", name, "url", str(place))
    return name


def test_a_second_clone_pulls_every_result_and_has_nothing_to_reproduce(tmp_path):
    log, remote = tmp_path / "runs.log", tmp_path / "remote"
    first = tiny_pipeline(tmp_path / "first", log)
    name = with_project_remote(first, remote)
    run(first, "git", "commit", "-qam", "the project's remote")
    assert "new:                model.txt" in run(first, DVC, "status", "-c")
    run(first, DVC, "push", "-q")
    assert "in sync" in run(first, DVC, "status", "-c")

    second = tmp_path / "second"
    run(tmp_path, "git", "clone", "-q", str(first), str(second))
    run(second, DVC, "remote", "modify", "--local", name, "url", str(remote))
    assert "not in cache:       model.txt" in run(second, DVC, "status")  # git does not hold it
    run(second, DVC, "pull", "-q")
    assert run(second, DVC, "status").strip() == "Data and pipelines are up to date."
    ran_before = len(runs(log))
    run(second, DVC, "repro")
    assert len(runs(log)) == ran_before
    assert (second / "model.txt").read_text() == "strength 1\n"


def test_status_against_the_remote_names_what_it_lacks(tmp_path):
    repo = tiny_pipeline(tmp_path / "repo", tmp_path / "runs.log")
    with_project_remote(repo, tmp_path / "remote")
    assert "new:                model.txt" in run(repo, DVC, "status", "-c")


def test_a_queued_sweep_runs_two_experiments_at_a_time(tmp_path):
    log = tmp_path / "runs.log"
    repo = tiny_pipeline(tmp_path / "repo", log, seconds=2)
    run(repo, DVC, "exp", "run", "--queue", "-S", "model.strength=2,3,4")
    run(repo, DVC, "queue", "start", "--jobs", "2")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        status = run(repo, DVC, "queue", "status")
        if not any(state in status for state in ("Queued", "Running")):
            break
        time.sleep(3)  # dvc itself takes a core: ask seldom
    run(repo, DVC, "queue", "stop", "--kill")
    shown = json.loads(run(repo, DVC, "exp", "show", "--json"))
    scores = sorted(
        revision["data"]["metrics"]["metrics.json"]["data"]["score"]
        for baseline in shown
        for experiment in baseline.get("experiments") or []
        for revision in experiment["revs"]
    )
    assert scores == [round(1 - 1 / (1 + s), 6) for s in (2, 3, 4)]
    swept = runs(log)[1:]  # the first run is the baseline's
    assert len(swept) == 3
    assert any(
        start < other_end and other_start < end
        for i, (start, end) in enumerate(swept)
        for other_start, other_end in swept[i + 1 :]
    ), "no two experiments ran at the same time"

    page = report.build_page(tmp_path / "page", repo=repo, experiments=True).read_text()
    start = page.index("<h2>Experiments</h2>")
    table = page[start : page.index("</table>", start)]
    names = run(repo, DVC, "exp", "ls", "--name-only").split()
    assert len(names) == 3 and all(f'"rev": "{name}"' in page for name in names)
    for strength in (2, 3, 4):
        assert f"<td>{strength}</td>" in table and f"<td>{round(1 - 1 / (1 + strength), 6)}</td>" in table


def test_the_workflow_documents_every_secret_it_reads():
    text = (REPO / ".github" / "workflows" / "pipeline.yml").read_text()
    header = "".join(line for line in text.splitlines(keepends=True) if line.startswith("#"))
    secrets = set(re.findall(r"secrets\.(\w+)", text))
    assert secrets and not [name for name in secrets if name not in header]
    assert "run: bash .ci/run" in text


def test_the_workflow_re_runs_every_stage_weekly_and_on_demand():
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "pipeline.yml").read_text())
    triggers = workflow[True]  # YAML reads the key `on` as true
    assert triggers["schedule"] and triggers["workflow_dispatch"]["inputs"]["force"]["default"] is True
    force = workflow["jobs"]["reproduce"]["env"]["HOML_FORCE_REPRODUCTION"]
    assert "github.event_name == 'schedule'" in force and "inputs.force" in force
    assert 'HOML_FORCE_REPRODUCTION:-0}" = 1' in (REPO / ".ci" / "reproduce").read_text()
