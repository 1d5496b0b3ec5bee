"""Score the preprocessing variants of one deskew setting (each blur sigma) by CV on the training images
only: each variant's best (n_neighbors, weights). knn_variant_choice chooses among every variant."""

import pandas as pd

from homl.core import errors, io, params, selection, stage
from homl.data import mnist
from homl.digits import knn
from homl.digits.images import VariantParams, blur, preprocess

SWITCH = {"true": True, "false": False}  # how dvc.yaml writes the deskew setting


def main() -> None:
    args = stage.paths(__doc__, "deskew", "mnist", "table")
    if str(args.deskew) not in SWITCH:
        raise errors.ParamsError(f"deskew: {args.deskew} is neither true nor false")
    deskewed = SWITCH[str(args.deskew)]
    grid, cfg = params.load("knn", knn.SearchParams), params.load("knn_variants", VariantParams)
    seed = params.load("seed", int)
    data = mnist.load(args.mnist)
    straightened = preprocess(data.train_images, deskewed, 0.0)  # deskewed once, blurred by each sigma
    rows = []
    for sigma in cfg.blur_sigma:
        print(f"variant deskew={deskewed} blur_sigma={sigma}")
        images = blur(straightened, sigma)
        table = knn.search_knn(images, data.train_labels, grid.n_neighbors, grid.weights, cfg.folds, seed)
        best = table.iloc[selection.best(table["mean_accuracy"])]
        rows.append(
            {
                "variant": f"deskew={deskewed},blur={sigma}",
                "deskew": deskewed,
                "blur_sigma": sigma,
                "n_neighbors": int(best["n_neighbors"]),
                "weights": best["weights"],
                "cv_accuracy": best["mean_accuracy"],
                "cv_std": best["std_accuracy"],
            }
        )
    io.write_table(args.table, pd.DataFrame(rows))


if __name__ == "__main__":
    stage.run(main)
