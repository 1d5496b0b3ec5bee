"""`python -m homl.core.parallel_repro`: independent stages side by side, each when what it reads is ready."""

import os
import subprocess
import sys

import pytest
import yaml
from dvc_repo import DVC, ENV, new_repo, run

from homl.core import parallel_repro

# Stage b waits until c has started and c until b has: run one after the other, the first would give up.
MEET = """\
import pathlib, sys, time
me, other, out = sys.argv[1:4]
pathlib.Path(me + ".started").touch()
deadline = time.monotonic() + 120
while not pathlib.Path(other + ".started").exists():
    assert time.monotonic() < deadline, f"{other} never ran beside {me}"
    time.sleep(0.05)
pathlib.Path(out).write_text(open("params.yaml").read())
"""
PIPELINE = {
    "stages": {
        "a": {"cmd": "python -c \"open('a.txt', 'w').write('a')\"", "outs": ["a.txt"]},
        "b": {
            "cmd": "python meet.py b c b.txt",
            "deps": ["a.txt", "meet.py"],
            "params": ["b"],
            "outs": ["b.txt"],
        },
        "c": {"cmd": "python meet.py c b c.txt", "deps": ["a.txt", "meet.py"], "outs": ["c.txt"]},
        "d": {
            "cmd": "python -c \"open('d.txt', 'w').write(open('b.txt').read() + open('c.txt').read())\"",
            "deps": ["b.txt", "c.txt"],
            "outs": ["d.txt"],
        },
        "lone": {"cmd": "python -c \"open('lone.txt', 'w').write('x')\"", "outs": ["lone.txt"]},
    }
}

needs_dvc = pytest.mark.skipif(DVC is None, reason="needs dvc and git")


def test_the_plan_takes_what_the_targets_need_or_what_changed_longest_chain_first():
    upstream = {"a": set(), "b": {"a"}, "c": {"a"}, "d": {"b", "c"}, "lone": set(), "e": {"lone"}}
    assert list(parallel_repro.plan(upstream, upstream)) == ["a", "b", "c", "lone", "d", "e"]
    assert parallel_repro.plan(upstream, ["c"]) == {"a": set(), "c": {"a"}}
    assert parallel_repro.plan(upstream, upstream, changed=["b"]) == {"b": set(), "d": {"b"}}
    assert parallel_repro.plan(upstream, ["c", "e"], changed=["b", "lone"]) == {"lone": set(), "e": {"lone"}}


def test_side_by_side_each_stage_gets_its_share_of_the_cores_unless_the_caller_chose(monkeypatch):
    for name in parallel_repro.THREAD_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    shared = parallel_repro.stage_environment(jobs=2, cores=2)
    assert all(shared[name] == "1" for name in parallel_repro.THREAD_VARIABLES)
    assert parallel_repro.stage_environment(jobs=2, cores=8)["OMP_NUM_THREADS"] == "4"
    assert parallel_repro.stage_environment(jobs=3, cores=2)["OPENBLAS_NUM_THREADS"] == "1"
    assert not set(parallel_repro.THREAD_VARIABLES) & set(parallel_repro.stage_environment(jobs=1, cores=2))
    monkeypatch.setenv("OMP_NUM_THREADS", "2")
    assert parallel_repro.stage_environment(jobs=2, cores=2)["OMP_NUM_THREADS"] == "2"


def test_a_stage_that_starts_alone_gets_every_core(tmp_path, monkeypatch):
    fake_dvc = tmp_path / "dvc"
    fake_dvc.write_text(
        f"#!{sys.executable}\nimport os, sys\nprint(sys.argv[-1], os.environ.get('OMP_NUM_THREADS', 'all'))\n"
    )
    fake_dvc.chmod(0o755)
    monkeypatch.setattr(parallel_repro, "DVC", str(fake_dvc))
    for name in parallel_repro.THREAD_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    finished = parallel_repro.run({"a": set(), "b": {"a"}, "c": {"a"}}, jobs=2)
    seen = dict(done.output.split() for done in finished)
    share = parallel_repro.stage_environment(2).get("OMP_NUM_THREADS")
    assert seen == {"a": "all", "b": share, "c": share} and share == str(max(1, os.cpu_count() // 2))


def reproduce(repo, *arguments):
    return subprocess.run(
        [sys.executable, "-m", "homl.core.parallel_repro", *arguments],
        cwd=repo,
        env=ENV,
        capture_output=True,
        text=True,
    )


def new_pipeline(path):
    path.mkdir(exist_ok=True)
    new_repo(path)
    (path / "meet.py").write_text(MEET)
    (path / "params.yaml").write_text("b: 1\n")
    (path / "dvc.yaml").write_text(yaml.safe_dump(PIPELINE, sort_keys=False))
    return path


def ran(output: str) -> set[str]:
    return {line.split("'")[1] for line in output.splitlines() if line.startswith("Running stage '")}


@pytest.mark.slow
@needs_dvc
def test_independent_stages_run_side_by_side_and_dvc_finds_nothing_left(tmp_path):
    repo = new_pipeline(tmp_path)
    result = reproduce(repo, "--jobs", "2")
    assert result.returncode == 0, result.stdout + result.stderr
    assert ran(result.stdout) == {"a", "b", "c", "d", "lone"}
    assert (repo / "d.txt").read_text() == "b: 1\nb: 1\n"
    assert run(repo, DVC, "status", "--quiet") == ""


@pytest.mark.slow
@needs_dvc
def test_its_dvc_lock_is_the_one_dvc_repro_writes(tmp_path):
    side_by_side, one_by_one = (new_pipeline(tmp_path / name) for name in ("side", "one"))
    for repo in (side_by_side, one_by_one):  # b and c need not meet: dvc repro runs one at a time
        (repo / "b.started").touch()
        (repo / "c.started").touch()
    assert reproduce(side_by_side, "--jobs", "2").returncode == 0
    run(one_by_one, DVC, "repro", "--quiet")
    locks = [yaml.safe_load((repo / "dvc.lock").read_text()) for repo in (side_by_side, one_by_one)]
    assert locks[0] == locks[1]


@pytest.mark.slow
@needs_dvc
def test_only_what_changed_and_what_reads_it_runs_again(tmp_path):
    repo = new_pipeline(tmp_path)
    assert reproduce(repo, "--jobs", "2").returncode == 0
    nothing = reproduce(repo)
    assert nothing.returncode == 0 and ran(nothing.stdout) == set()
    assert "up to date" in nothing.stdout
    (repo / "params.yaml").write_text("b: 2\n")  # c's mark stays: b need not wait for it again
    result = reproduce(repo)
    assert result.returncode == 0, result.stdout + result.stderr
    assert ran(result.stdout) == {"b", "d"}


@pytest.mark.slow
@needs_dvc
def test_after_a_failure_no_stage_starts_and_the_status_says_so(tmp_path):
    repo = new_pipeline(tmp_path)
    broken = {**PIPELINE["stages"], "a": {"cmd": "python -c 'raise SystemExit(3)'", "outs": ["a.txt"]}}
    (repo / "dvc.yaml").write_text(yaml.safe_dump({"stages": broken}, sort_keys=False))
    result = reproduce(repo, "--jobs", "1", "--force")
    assert result.returncode == 1
    assert "stage a failed" in result.stderr
    assert not {"b", "c", "d"} & ran(result.stdout)


@pytest.mark.slow
@needs_dvc
def test_an_unknown_target_is_named():
    result = reproduce(".", "no_such_stage")
    assert result.returncode == 2 and "no such stage: no_such_stage" in result.stderr
