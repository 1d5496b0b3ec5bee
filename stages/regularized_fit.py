"""Chapter 4's regularized linear models on the book's small data set: ridge regression's closed form, and
proximal gradient descent for ridge, lasso and elastic net, each beside scikit-learn's model of the same
objective, with the prediction the book prints."""

from homl.core import io, params, stage
from homl.linreg import regularized
from homl.linreg.datasets import synthetic_data


def main() -> None:
    args = stage.paths(__doc__, "metrics")
    cfg, seed = params.load("regularized", regularized.Params), params.load("seed", int)
    data = cfg.data
    X, y = synthetic_data(data.rows, data.intercept, data.coefficients, data.x_max, data.noise_std, seed)
    io.write_json(args.metrics, regularized.compared(regularized.pairs(cfg, len(y)), X, y, cfg.query))


if __name__ == "__main__":
    stage.run(main)
