import hashlib

import pytest

from homl.core.errors import DataError
from homl.data import download


def test_cached_retrieves_once_and_verifies(download_cache):
    calls = []

    def retrieve(path):
        calls.append(path)
        path.write_bytes(b"payload")

    digest = hashlib.sha256(b"payload").hexdigest()
    first = download.cached("file.bin", digest, retrieve)
    second = download.cached("file.bin", digest, retrieve)
    assert first == second == download_cache / "file.bin"
    assert first.read_bytes() == b"payload"
    assert len(calls) == 1


def test_checksum_mismatch_names_the_file_and_leaves_nothing(download_cache):
    with pytest.raises(DataError, match="file.bin: SHA-256 mismatch"):
        download.cached("file.bin", "0" * 64, lambda path: path.write_bytes(b"tampered"))
    assert list(download_cache.iterdir()) == []


def test_a_corrupted_cache_entry_is_fetched_again(download_cache):
    digest = hashlib.sha256(b"good").hexdigest()
    download_cache.mkdir()
    (download_cache / "file.bin").write_bytes(b"bad")
    path = download.cached("file.bin", digest, lambda p: p.write_bytes(b"good"))
    assert path.read_bytes() == b"good"


def test_url_retriever_reads_file_urls(tmp_path, download_cache):
    source = tmp_path / "remote.txt"
    source.write_bytes(b"remote bytes")
    digest = hashlib.sha256(b"remote bytes").hexdigest()
    path = download.cached("remote.txt", digest, download.url_retriever(source.as_uri()))
    assert path.read_bytes() == b"remote bytes"


def test_package_file_errors_are_clear():
    with pytest.raises(DataError, match="not-a-package is not installed"):
        download.package_file("not-a-package", "x", "0" * 64)
    with pytest.raises(DataError, match="no/such/file: not found in the installed pytest"):
        download.package_file("pytest", "no/such/file", "0" * 64)
