"""Grid-search KNN on the MNIST training set by cross-validation; write the score table and the choice."""

import time

from homl.core import io, params, selection, stage
from homl.data import mnist
from homl.digits import knn


def main() -> None:
    args = stage.paths(__doc__, "mnist", "table", "choice", "metrics")
    cfg, seed = params.load("knn", knn.SearchParams), params.load("seed", int)
    data = mnist.load(args.mnist)
    started = time.perf_counter()
    table = knn.search_knn(
        data.train_images, data.train_labels, cfg.n_neighbors, cfg.weights, cfg.folds, seed
    )
    print(f"searched {len(table)} candidates in {time.perf_counter() - started:.1f} s")
    wide = table.pivot(index="n_neighbors", columns="weights", values=["mean_accuracy", "std_accuracy"])
    wide.columns = [f"{weights}_{stat.split('_')[0]}" for stat, weights in wide.columns]
    io.write_csv(args.table, wide.reset_index())
    choice = selection.choice(table, "accuracy")
    io.write_choice(args.choice, choice)
    io.write_metrics(args.metrics, selection.flat(choice))


if __name__ == "__main__":
    stage.run(main)
