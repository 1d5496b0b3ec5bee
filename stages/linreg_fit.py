"""Fit every linear-regression solver on both data sets; compare each with the closed form."""

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.linear_model import LinearRegression, SGDRegressor

from homl.core import figures, io, params, stage
from homl.linreg.book import FIGURE_4_11_AXES, book_minibatch_gd, book_stochastic_gd
from homl.linreg.linear import (
    BatchGD,
    MiniBatchGD,
    NormalEquation,
    Params,
    PseudoInverse,
    StochasticGD,
    solver_report,
    theta_of,
)

GD_SOLVERS = ("batch_gd", "stochastic_gd", "minibatch_gd")
PATHS_PNG = "gd_paths.png"


def solvers(cfg: Params, seed: int) -> dict:
    mb, sgd, sk = cfg.minibatch_gd, cfg.stochastic_gd, cfg.sklearn_sgd
    return {
        "normal_equation": NormalEquation(),
        "pseudo_inverse": PseudoInverse(),
        "batch_gd": BatchGD(cfg.batch_gd.eta, cfg.batch_gd.n_iterations, cfg.batch_gd.tolerance),
        "stochastic_gd": StochasticGD(sgd.n_epochs, sgd.t0, sgd.t1, seed),
        "minibatch_gd": MiniBatchGD(mb.batch_size, mb.n_epochs, mb.t0, mb.t1, seed),
        "sklearn_linear_regression": LinearRegression(),
        "sklearn_sgd_regressor": SGDRegressor(
            max_iter=sk.max_iter,
            tol=sk.tol,
            penalty=None,
            eta0=sk.eta0,
            n_iter_no_change=sk.n_iter_no_change,
            random_state=seed,
        ),
    }


def epochs(name: str, model) -> int:
    return len(model.loss_) if name in GD_SOLVERS else getattr(model, "n_iter_", 1)


def book_loops(cfg: Params, seed: int, X, y, closed_form) -> dict:
    """The book's own SGD and mini-batch loops with its settings: the figures the book prints."""
    sgd, mb = cfg.book.stochastic_gd, cfg.book.minibatch_gd
    thetas = {
        "normal_equation": closed_form,
        "stochastic_gd": book_stochastic_gd(X, y, sgd.n_epochs, sgd.t0, sgd.t1, seed),
        "minibatch_gd": book_minibatch_gd(X, y, mb.batch_size, mb.n_epochs, mb.t0, mb.t1, seed),
    }
    return {
        name: {"theta": theta.tolist(), "distance_to_closed_form": float(np.linalg.norm(theta - closed_form))}
        for name, theta in thetas.items()
    }


def seed_spread(cfg: Params, seed: int, X, y, closed_form) -> dict:
    """How far stochastic and mini-batch GD land from the closed form over `spread_seeds` seeds."""
    spread = {}
    for name in ("stochastic_gd", "minibatch_gd"):
        model = solvers(cfg, seed)[name]
        distances = [
            np.linalg.norm(
                theta_of(clone(model).set_params(random_state=spread_seed).fit(X, y)) - closed_form
            )
            for spread_seed in range(seed, seed + cfg.spread_seeds)
        ]
        spread[name] = {
            "seeds": cfg.spread_seeds,
            "min_distance": min(distances),
            "max_distance": max(distances),
        }
    return spread


def main() -> None:
    args = stage.paths(__doc__, "synthetic", "diabetes", "metrics", "plots")
    cfg, seed = params.load("linreg", Params), params.load("seed", int)
    metrics, fitted = {}, {}
    arrays = {"synthetic": io.load_arrays(args.synthetic), "diabetes": io.load_arrays(args.diabetes)}
    for dataset, data in arrays.items():
        models = {name: model.fit(data["X"], data["y"]) for name, model in solvers(cfg, seed).items()}
        closed_form = models["normal_equation"].theta_
        metrics[dataset] = {
            name: solver_report(model, data["X"], data["y"], closed_form, epochs(name, model))
            for name, model in models.items()
        }
        fitted[dataset] = models
    for name, model in fitted["synthetic"].items():
        metrics["synthetic"][name]["theta"] = theta_of(model).tolist()
    X, y, closed_form = (
        arrays["synthetic"]["X"],
        arrays["synthetic"]["y"],
        fitted["synthetic"]["normal_equation"].theta_,
    )
    metrics["synthetic_book_loops"] = book_loops(cfg, seed, X, y, closed_form)
    metrics["synthetic_seed_spread"] = seed_spread(cfg, seed, X, y, closed_form)
    io.write_metrics(args.metrics, metrics)
    figures.paths(
        args.plots / PATHS_PNG,
        {name.replace("_gd", " GD"): fitted["synthetic"][name].path_ for name in reversed(GD_SOLVERS)},
        ("theta0", "theta1"),
        *FIGURE_4_11_AXES,
    )
    for name in GD_SOLVERS:
        model = fitted["synthetic"][name]
        io.write_csv(
            args.plots / f"path_{name}.csv", pd.DataFrame(model.path_[:, :2], columns=["theta0", "theta1"])
        )
        for dataset in ("synthetic", "diabetes"):
            loss = fitted[dataset][name].loss_
            io.write_csv(
                args.plots / f"loss_{dataset}_{name}.csv",
                pd.DataFrame({"epoch": range(1, len(loss) + 1), "mse": loss}),
            )


if __name__ == "__main__":
    stage.run(main)
