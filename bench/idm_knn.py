"""Benchmark: the IDM classifier against scikit-learn's KNeighborsClassifier, in one process on the same data.

All 60,000 training images, all 10,000 test images, each classifier fitted and asked for every test
digit: scikit-learn's brute-force KNN on the raw pixels (the plain model's k and weights, from
models/knn_choice.json) and on the deskewed, blurred pixels the IDM's candidates come from; then the
IDM classifier with the settings idm_search chose (models/idm_choice.json). Time and test accuracy of each.

Writes bench/results/idm_knn.json. Run after `dvc repro`:  python bench/idm_knn.py
"""

import numpy as np
from sklearn.neighbors import KNeighborsClassifier
from timing import RESULTS_DIR, provenance, timed

from homl.core import io, pipeline
from homl.data import mnist
from homl.digits.idm import IDMClassifier
from homl.digits.images import preprocess

RESULTS = RESULTS_DIR / "idm_knn.json"


def main() -> None:
    data = mnist.load(pipeline.output("fetch_mnist"))
    plain = io.read_json(pipeline.output("knn_search", suffix="choice.json"))["hyperparameters"]
    chosen = io.read_json(pipeline.output("idm_search", suffix="choice.json"))["hyperparameters"]
    results = {**provenance(), "train_images": 60_000, "test_images": 10_000}

    def sklearn_knn(deskewed: bool, sigma: float) -> dict:
        train = preprocess(data.train_images, deskewed, sigma).reshape(60_000, -1).astype(np.float32)
        test = preprocess(data.test_images, deskewed, sigma).reshape(10_000, -1).astype(np.float32)
        model = KNeighborsClassifier(algorithm="brute", **plain)
        predicted, seconds = timed(lambda: model.fit(train, data.train_labels).predict(test))
        return {"seconds": seconds, "accuracy": float(np.mean(predicted == data.test_labels))}

    # scikit-learn first: once homl's search has loaded faiss, its OpenMP runtime halves scikit-learn's speed.
    results["sklearn_raw_pixels"] = sklearn_knn(False, 0.0)
    results["sklearn_deskewed_blurred"] = sklearn_knn(chosen["deskew"], chosen["blur_sigma"])
    model = IDMClassifier(**chosen)
    predicted, seconds = timed(
        lambda: model.fit(data.train_images, data.train_labels).predict(data.test_images)
    )
    results["idm"] = {"seconds": seconds, "accuracy": float(np.mean(predicted == data.test_labels)), **chosen}
    for name in ("sklearn_raw_pixels", "sklearn_deskewed_blurred"):
        results[name]["idm_time_ratio"] = seconds / results[name]["seconds"]
    io.write_json(RESULTS, results)
    for name in ("sklearn_raw_pixels", "sklearn_deskewed_blurred", "idm"):
        print(f"{name}: {results[name]['seconds']:.1f} s, test accuracy {results[name]['accuracy']:.4f}")


if __name__ == "__main__":
    main()
