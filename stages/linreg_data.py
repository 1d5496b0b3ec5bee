"""Build the linear-regression data: the book's synthetic set and scikit-learn's diabetes set, standardized."""

from sklearn.datasets import load_diabetes

from homl.core import io, params, stage
from homl.linreg.datasets import SyntheticParams, standardize, synthetic_data


def main() -> None:
    args = stage.paths(__doc__, "synthetic", "diabetes")
    cfg, seed = params.load("linreg.synthetic", SyntheticParams), params.load("seed", int)
    X, y = synthetic_data(cfg.rows, cfg.intercept, cfg.coefficients, cfg.x_max, cfg.noise_std, seed)
    io.save_arrays(args.synthetic, X=X, y=y)
    X, y = load_diabetes(return_X_y=True)
    io.save_arrays(args.diabetes, X=standardize(X), y=y)


if __name__ == "__main__":
    stage.run(main)
