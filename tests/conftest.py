import pytest


@pytest.fixture(autouse=True)
def download_cache(tmp_path, monkeypatch):
    """Every test gets its own empty download cache."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("HOML_CACHE", str(cache))
    return cache
