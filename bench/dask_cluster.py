"""Benchmark: the test-set neighbour search in this process against the same search on a Dask cluster.

The 10,000 MNIST test digits against the 60,000 training digits, k = 10, once in this process (BLAS on
every core) and once through `homl.core.cluster.workers` on a `distributed.LocalCluster` of one single-threaded
worker per core on this machine. The neighbours must be identical. The ratio shows what dispatching costs
when the cluster adds no machine: a real cluster pays off only when its workers bring more cores than the
cost of sending them the training set and its embedding (about 80 MB for MNIST) and the results back.

Writes bench/results/dask_cluster.json. Run after `dvc repro` has fetched MNIST:  python bench/dask_cluster.py
"""

import os

import numpy as np
from distributed import LocalCluster
from timing import RESULTS_DIR, provenance, timed

from homl.core import cluster, io, pipeline
from homl.data import mnist
from homl.digits.neighbors import kneighbors

RESULTS = RESULTS_DIR / "dask_cluster.json"
K = 10


def main() -> None:
    data = mnist.load(pipeline.output("fetch_mnist"))
    train, test = data.train_images.reshape(60_000, -1), data.test_images.reshape(10_000, -1)

    def search():
        return kneighbors(test, train, K)

    (here_distances, here_indices), here_s = timed(search)
    workers = os.cpu_count()
    with LocalCluster(n_workers=workers, threads_per_worker=1, dashboard_address=None) as local:
        with cluster.workers(local.scheduler_address):
            (there_distances, there_indices), there_s = timed(search)
    identical = bool(
        np.array_equal(here_indices, there_indices) and np.array_equal(here_distances, there_distances)
    )
    results = {
        **provenance(),
        "workers": workers,
        "queries": len(test),
        "references": len(train),
        "k": K,
        "in_process_seconds": here_s,
        "cluster_seconds": there_s,
        "cluster_over_in_process": there_s / here_s,
        "identical_neighbours": identical,
    }
    io.write_json(RESULTS, results)
    print(
        f"10,000 x 60,000, k={K}: in process {here_s:.1f} s, LocalCluster of {workers} workers {there_s:.1f} s "
        f"({there_s / here_s:.2f}x); identical neighbours: {identical}"
    )


if __name__ == "__main__":
    main()
