"""Chapter 4's early stopping: stochastic GD on a degree-90 polynomial of the book's quadratic data, each
epoch's training and validation RMSE, and the epoch where the validation error is lowest (the book's
figure 4-20)."""

from homl.core import figures, io, params, stage
from homl.linreg import early_stopping, polynomial


def main() -> None:
    args = stage.paths(__doc__, "metrics", "curves", "curves_png")
    cfg, seed = params.load("early_stopping", early_stopping.Params), params.load("seed", int)
    X, y = polynomial.quadratic_data(params.load("polynomial.data", polynomial.QuadraticParams), seed)
    epochs, _ = early_stopping.sgd_epochs(X, y, cfg, seed)
    found = early_stopping.stopping_figures(epochs)
    io.write_metrics(args.metrics, found)
    io.write_csv(args.curves, epochs)
    figures.curves(
        args.curves_png,
        epochs,
        "epoch",
        "RMSE",
        ylim=early_stopping.FIGURE_4_20_RMSE,
        point=(found["best_epoch"], found["best_validation_rmse"], "the best model"),
    )


if __name__ == "__main__":
    stage.run(main)
