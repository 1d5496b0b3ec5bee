"""Benchmark: homl's exact neighbour search against faiss and scikit-learn, in one run on the same data.

The 10,000 MNIST test digits against the 60,000 training digits, k = 10: `homl.neighbors.kneighbors`
(lower bounds in a principal subspace, exact distances where a bound cannot decide), faiss
`IndexFlatL2` (brute force, float32) and scikit-learn's brute-force `NearestNeighbors` (float64). Each
side's neighbour lists are compared with homl's, row by row, as sets and in order.

Writes bench/results/exact_search.json. Run after `dvc repro` has fetched MNIST:  python bench/exact_search.py
"""

import os

import numpy as np
from sklearn.neighbors import NearestNeighbors
from timing import RESULTS_DIR, timed

from homl import io, pipeline
from homl.data import mnist
from homl.neighbors import SUBSPACE_DIMS, kneighbors

RESULTS = RESULTS_DIR / "exact_search.json"
K = 10


def agreement(ours: np.ndarray, theirs: np.ndarray) -> dict:
    same_sets = np.mean([set(a) == set(b) for a, b in zip(ours, theirs, strict=True)])
    return {"same_sets": float(same_sets), "same_order": float(np.mean((ours == theirs).all(axis=1)))}


def main() -> None:
    data = mnist.load(pipeline.output("fetch_mnist"))
    train, test = data.train_images.reshape(60_000, -1), data.test_images.reshape(10_000, -1)

    # scikit-learn first: once faiss is loaded, its OpenMP runtime halves scikit-learn's speed.
    sklearn = NearestNeighbors(n_neighbors=K, algorithm="brute")
    sklearn_indices, sklearn_s = timed(lambda: sklearn.fit(train.astype(np.float64)).kneighbors(test)[1])
    (_, homl_indices), homl_s = timed(lambda: kneighbors(test, train, K))
    import faiss

    def faiss_search():
        index = faiss.IndexFlatL2(train.shape[1])
        index.add(train.astype(np.float32))
        return index.search(test.astype(np.float32), K)[1]

    faiss_indices, faiss_s = timed(faiss_search)

    results = {
        "cores": os.cpu_count(),
        "faiss_threads": faiss.omp_get_max_threads(),
        "queries": len(test),
        "references": len(train),
        "k": K,
        "subspace_dims": SUBSPACE_DIMS,
        "homl_seconds": homl_s,
        "faiss_seconds": faiss_s,
        "sklearn_seconds": sklearn_s,
        "faiss_over_homl": faiss_s / homl_s,
        "sklearn_over_homl": sklearn_s / homl_s,
        "faiss_agreement": agreement(homl_indices, faiss_indices),
        "sklearn_agreement": agreement(homl_indices, sklearn_indices),
    }
    io.write_json(RESULTS, results)
    print(
        f"10,000 x 60,000, k={K}: homl {homl_s:.1f} s, faiss IndexFlatL2 {faiss_s:.1f} s "
        f"({faiss_s / homl_s:.2f}x), scikit-learn brute force {sklearn_s:.1f} s ({sklearn_s / homl_s:.2f}x)"
    )
    print(
        f"same neighbour sets: faiss {results['faiss_agreement']}, scikit-learn {results['sklearn_agreement']}"
    )


if __name__ == "__main__":
    main()
