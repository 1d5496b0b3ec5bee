"""MNIST: exact neighbour search, KNN, the image distortion model, denoising, image preparation, reading photos.

The estimators a user imports are re-exported here (loaded on first use, so that importing one module
of the wing loads no other): `from homl.digits import KNNClassifier`."""

from homl.core.exports import lazy_exports

__all__, __getattr__ = lazy_exports(
    __name__,
    {
        "KNNClassifier": "knn",
        "IDMClassifier": "idm",
        "KNNDenoiser": "denoise",
        "kneighbors": "neighbors",
        "DigitReader": "reading",
        "preprocess": "images",
        "augment_with_shifts": "images",
        "add_noise": "images",
    },
)
