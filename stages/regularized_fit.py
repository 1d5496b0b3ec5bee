"""Chapter 4's regularized linear models on the book's small data set: ridge regression's closed form, and
proximal gradient descent for ridge, lasso and elastic net, each beside scikit-learn's model of the same
objective, with the prediction the book prints; and each model's predictions at a few penalties (the book's
figures 4-17 and 4-18)."""

import numpy as np

from homl.core import figures, io, params, stage
from homl.linreg import regularized
from homl.linreg.datasets import synthetic_data


def main() -> None:
    args = stage.paths(__doc__, "metrics", "panels_png")
    cfg, seed = params.load("regularized", regularized.Params), params.load("seed", int)
    data = cfg.data
    X, y = synthetic_data(data.rows, data.intercept, data.coefficients, data.x_max, data.noise_std, seed)
    panels, differences = regularized.penalty_panels(cfg, X, y, np.linspace(*regularized.BOOK_GRID))
    io.write_metrics(
        args.metrics,
        {
            **regularized.compared(regularized.pairs(cfg, len(y)), X, y, cfg.query),
            "book_figures_largest_difference_to_sklearn": differences,
        },
    )
    figures.panels(args.panels_png, X, y, panels, "x1", ylim=regularized.BOOK_Y_RANGE)


if __name__ == "__main__":
    stage.run(main)
