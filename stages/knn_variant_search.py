"""Score every preprocessing variant (deskew, blur) by CV on the training images only; choose the best."""

import itertools

import pandas as pd

from homl import io, knn, params, selection, stage
from homl.data import mnist
from homl.images import VariantParams, blur, preprocess


def main() -> None:
    args = stage.paths(__doc__, "mnist", "table", "choice", "metrics")
    grid, cfg = params.load("knn", knn.SearchParams), params.load("knn_variants", VariantParams)
    seed = params.load("seed", int)
    data = mnist.load(args.mnist)
    rows, straightened = [], {}
    for deskewed, sigma in itertools.product(cfg.deskew, cfg.blur_sigma):
        print(f"variant deskew={deskewed} blur_sigma={sigma}")
        if deskewed not in straightened:  # deskewed once, blurred by each sigma
            straightened[deskewed] = preprocess(data.train_images, deskewed, 0.0)
        images = blur(straightened[deskewed], sigma)
        table = knn.search_knn(images, data.train_labels, grid.n_neighbors, grid.weights, cfg.folds, seed)
        best = table.iloc[selection.best(table["mean_accuracy"])]
        rows.append(
            {
                "variant": f"deskew={deskewed},blur={sigma}",
                "deskew": deskewed,
                "blur_sigma": sigma,
                "n_neighbors": int(best["n_neighbors"]),
                "weights": best["weights"],
                "mean_accuracy": best["mean_accuracy"],
                "std_accuracy": best["std_accuracy"],
            }
        )
    table = pd.DataFrame(rows)
    io.write_csv(args.table, table.rename(columns={"mean_accuracy": "cv_accuracy", "std_accuracy": "cv_std"}))
    choice = selection.choice(table.drop(columns="variant"), "accuracy")
    io.write_choice(args.choice, choice)
    io.write_json(args.metrics, selection.flat(choice))


if __name__ == "__main__":
    stage.run(main)
