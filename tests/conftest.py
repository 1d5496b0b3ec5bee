"""Two tiers: `pytest` runs the fast one; `pytest --all` adds the slow end-to-end tests (throwaway DVC
repositories, queued sweeps, clusters, the subprocess bounds), runs every stage script in its own process
as DVC does, and fuzzes each entry point with the full number of examples."""

import os

import pytest
import tiers
from hypothesis import settings

from homl.core import parallel_repro

FUZZ_EXAMPLES = {"fast": 20, "all": 200}


def pytest_addoption(parser):
    parser.addoption(
        "--all", action="store_true", help="also the slow tier: DVC end to end, clusters, full-size fuzzing"
    )


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: the second tier, run by `pytest --all` (make test-all)")
    tiers.ALL = config.getoption("--all")
    tier = "all" if tiers.ALL else "fast"
    settings.register_profile(tier, max_examples=FUZZ_EXAMPLES[tier])
    settings.load_profile(tier)
    workers = getattr(config.option, "numprocesses", None)
    if isinstance(workers, int) and workers > 1 and not hasattr(config, "workerinput"):
        os.environ.update(parallel_repro.stage_environment(workers))  # the workers inherit it


def pytest_collection_modifyitems(config, items):
    if config.getoption("--all"):
        return
    slow = [item for item in items if "slow" in item.keywords]
    if slow:
        config.hook.pytest_deselected(items=slow)
        items[:] = [item for item in items if "slow" not in item.keywords]


@pytest.fixture(autouse=True)
def download_cache(tmp_path, monkeypatch):
    """Every test gets its own empty download cache."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("HOML_CACHE", str(cache))
    return cache
