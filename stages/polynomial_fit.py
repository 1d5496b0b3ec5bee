"""Chapter 4's polynomial regression: the book's quadratic data fitted by a polynomial, and the learning
curves of a model that underfits it and one that overfits it."""

from homl.core import figures, io, params, stage
from homl.linreg import polynomial


def main() -> None:
    args = stage.paths(__doc__, "metrics", "curves", "curves_png")
    cfg, seed = params.load("polynomial", polynomial.Params), params.load("seed", int)
    X, y = polynomial.quadratic_data(cfg.data, seed)
    model = polynomial.polynomial_model(cfg.degree).fit(X, y)
    curves = polynomial.learning_curves(X, y, cfg.curve_degrees, cfg.curve_points, cfg.folds)
    io.write_metrics(args.metrics, polynomial.fit_figures(model, curves, cfg.curve_degrees))
    io.write_csv(args.curves, curves)
    figures.curves(args.curves_png, curves, "training_set_size", "RMSE", ylim=(0, 2.5))


if __name__ == "__main__":
    stage.run(main)
