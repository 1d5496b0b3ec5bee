"""Score every preprocessing variant (deskew, blur) by CV on the training images only; keep the best."""

import itertools

import pandas as pd

from homl import io, params, stage
from homl.data import mnist
from homl.images import preprocess
from homl.neighbors import best_candidate, search_knn


def main() -> None:
    args = stage.paths(__doc__, "mnist", "table", "best")
    grid, cfg = params.load("knn"), params.load("knn_variants")
    data = mnist.load(args.mnist)
    rows = []
    for deskewed, sigma in itertools.product(cfg.deskew, cfg.blur_sigma):
        print(f"variant deskew={deskewed} blur_sigma={sigma}")
        images = preprocess(data.train_images, deskewed, sigma)
        table = search_knn(images, data.train_labels, grid.n_neighbors, grid.weights, cfg.folds, cfg.seed)
        rows.append(
            {
                "variant": f"deskew={deskewed},blur={sigma}",
                "deskew": deskewed,
                "blur_sigma": sigma,
                **best_candidate(table),
            }
        )
    table = pd.DataFrame(rows)
    io.write_csv(args.table, table)
    io.write_json(args.best, table.loc[table["cv_accuracy"].idxmax()].drop("variant").to_dict())


if __name__ == "__main__":
    stage.run(main)
