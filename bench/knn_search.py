"""Benchmark: the shared-neighbour KNN grid search against scikit-learn, in one process on the same data.

1. The 20-candidate, 5-fold grid search on the first N training images: `homl.digits.knn.search_knn`
   against scikit-learn's own recipe for it (its "caching nearest neighbors" example: a
   `KNeighborsTransformer` for the largest k in a `Pipeline` with `memory`, then
   `KNeighborsClassifier(metric="precomputed")`, in `GridSearchCV`), and against plain
   `GridSearchCV(KNeighborsClassifier(algorithm="brute"))`; the scores must agree.
2. The 10,000 test images against all 60,000 training images: `homl.digits.neighbors.kneighbors` against
   `KNeighborsClassifier(algorithm="brute").predict`.

Writes bench/results/knn_search.json. Run after `dvc repro` has fetched MNIST:  python bench/knn_search.py [N]
"""

import sys
import tempfile

import numpy as np
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.neighbors import KNeighborsClassifier, KNeighborsTransformer
from sklearn.pipeline import Pipeline
from timing import RESULTS_DIR, provenance, timed

from homl.core import io, pipeline
from homl.data import mnist
from homl.digits.knn import KNNClassifier, search_knn

RESULTS = RESULTS_DIR / "knn_search.json"


def main() -> None:
    n_train = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    data = mnist.load(pipeline.output("fetch_mnist"))
    X, y = data.train_images[:n_train].reshape(n_train, -1), data.train_labels[:n_train]
    grid = {"n_neighbors": list(range(1, 11)), "weights": ["uniform", "distance"]}
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=42)

    # scikit-learn first: once homl's search has loaded faiss, its OpenMP runtime halves scikit-learn's speed.
    search = GridSearchCV(KNeighborsClassifier(algorithm="brute"), grid, cv=folds, n_jobs=1)
    theirs, theirs_s = timed(lambda: search.fit(X.astype(np.float32), y))
    with tempfile.TemporaryDirectory() as cache:
        graph = KNeighborsTransformer(
            n_neighbors=max(grid["n_neighbors"]), mode="distance", algorithm="brute"
        )
        cached = Pipeline(
            [("graph", graph), ("knn", KNeighborsClassifier(metric="precomputed"))], memory=cache
        )
        recipe_grid = {f"knn__{name}": values for name, values in grid.items()}
        recipe = GridSearchCV(cached, recipe_grid, cv=folds, n_jobs=1)
        recipe, recipe_s = timed(lambda: recipe.fit(X.astype(np.float32), y))
    train = data.train_images.reshape(60_000, -1)
    test = data.test_images.reshape(10_000, -1)
    reference = KNeighborsClassifier(4, weights="distance", algorithm="brute").fit(
        train.astype(np.float32), data.train_labels
    )
    test_theirs, test_theirs_s = timed(lambda: reference.predict(test.astype(np.float32)))

    ours, ours_s = timed(lambda: search_knn(X, y, grid["n_neighbors"], grid["weights"], 5, 42))
    gap = max(
        np.abs(ours["mean_accuracy"].to_numpy() - peer.cv_results_["mean_test_score"]).max()
        for peer in (theirs, recipe)
    )
    results = provenance()
    results["grid_search"] = {
        "train_images": n_train,
        "homl_seconds": ours_s,
        "sklearn_recipe_seconds": recipe_s,
        "sklearn_seconds": theirs_s,
        "recipe_ratio": recipe_s / ours_s,
        "ratio": theirs_s / ours_s,
        "max_score_gap": gap,
    }
    print(f"grid search, {n_train} images, 20 candidates x 5 folds:")
    print(
        f"  homl {ours_s:.1f} s, scikit-learn's cached-neighbours recipe {recipe_s:.1f} s "
        f"({recipe_s / ours_s:.1f}x), GridSearchCV {theirs_s:.1f} s ({theirs_s / ours_s:.1f}x); "
        f"max score gap {gap:.1e}"
    )

    ours, ours_s = timed(lambda: KNNClassifier(4, "distance").fit(train, data.train_labels).predict(test))
    results["test_set"] = {
        "homl_seconds": ours_s,
        "sklearn_seconds": test_theirs_s,
        "ratio": test_theirs_s / ours_s,
        "agreement": np.mean(ours == test_theirs),
    }
    io.write_json(RESULTS, results)
    print("test set, 10,000 x 60,000, k=4, distance weights:")
    print(
        f"  homl {ours_s:.1f} s, scikit-learn brute force {test_theirs_s:.1f} s, "
        f"ratio {test_theirs_s / ours_s:.1f}x; predictions agree on {np.mean(ours == test_theirs):.4%}"
    )


if __name__ == "__main__":
    main()
