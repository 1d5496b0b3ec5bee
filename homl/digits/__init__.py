"""MNIST: exact neighbour search, KNN, the image distortion model, denoising, image preparation.

The estimators a user imports are re-exported here (loaded on first use, so that importing one module
of the wing loads no other): `from homl.digits import KNNClassifier`."""

from importlib import import_module

_HOME = {
    "KNNClassifier": "knn",
    "IDMClassifier": "idm",
    "KNNDenoiser": "denoise",
    "kneighbors": "neighbors",
    "to_mnist_format": "images",
    "preprocess": "images",
    "augment_with_shifts": "images",
    "add_noise": "images",
}
__all__ = sorted(_HOME)


def __getattr__(name: str):
    if name in _HOME:
        return getattr(import_module(f"homl.digits.{_HOME[name]}"), name)
    raise AttributeError(f"module 'homl.digits' has no attribute {name!r}")
