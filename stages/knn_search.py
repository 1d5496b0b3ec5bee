"""Grid-search KNN on the MNIST training set by cross-validation; write the score table and the best."""

import time

from homl import io, params, stage
from homl.data import mnist
from homl.neighbors import best_candidate, search_knn


def main() -> None:
    args = stage.paths(__doc__, "mnist", "table", "best")
    cfg = params.load("knn")
    data = mnist.load(args.mnist)
    started = time.perf_counter()
    table = search_knn(
        data.train_images, data.train_labels, cfg.n_neighbors, cfg.weights, cfg.folds, cfg.seed
    )
    print(f"searched {len(table)} candidates in {time.perf_counter() - started:.1f} s")
    wide = table.pivot(index="n_neighbors", columns="weights", values=["mean_accuracy", "std_accuracy"])
    wide.columns = [f"{weights}_{stat.split('_')[0]}" for stat, weights in wide.columns]
    io.write_csv(args.table, wide.reset_index())
    io.write_json(args.best, best_candidate(table))


if __name__ == "__main__":
    stage.run(main)
