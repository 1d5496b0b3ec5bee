"""The chapter 4 tables of the README: the book's loops, homl's solvers, the spread, diabetes, at scale, and
the softmax regression exercise."""

from __future__ import annotations

from pathlib import Path

from homl.core.tables import bench_results, difference_text, stage_metrics, table, theta_text

BOOK_THETAS = {
    "normal_equation": [4.21509616, 2.77011339],
    "stochastic_gd": [4.21076011, 2.74856079],
    "minibatch_gd": [4.25214635, 2.7896408],
}
BOOK_POLYNOMIAL = [1.78134581, 0.93366893, 0.56456263]  # the intercept and coefficients the book prints
BOOK_REGULARIZED = {  # the predictions at x = 1.5 the book prints for its small data set
    "ridge_closed_form": 1.55325833,
    "ridge_gd": 1.55325833,
    "lasso_gd": 1.53788174,
    "elastic_net_gd": 1.54333232,
}
REGULARIZED_SOLVERS = {  # homl's solver, and scikit-learn's model of the same objective
    "ridge_closed_form": ("ridge, closed form (`RidgeClosedForm`)", "`Ridge`"),
    "ridge_gd": ("ridge, proximal GD (`ProximalGD`, l1_ratio 0)", "`Ridge`"),
    "lasso_gd": ("lasso, proximal GD (l1_ratio 1)", "`Lasso`"),
    "elastic_net_gd": ("elastic net, proximal GD", "`ElasticNet`"),
}
BOOK_BOUNDARY = 1.6516516516516517  # the decision boundary the book prints for Iris virginica (figure 4-23)


LINREG_SOLVERS = {
    "normal_equation": "normal equation",
    "pseudo_inverse": "pseudo-inverse (SVD)",
    "sklearn_linear_regression": "scikit-learn `LinearRegression`",
    "batch_gd": "batch GD",
    "minibatch_gd": "mini-batch GD",
    "stochastic_gd": "stochastic GD",
    "sklearn_sgd_regressor": "scikit-learn `SGDRegressor`",
}


@table
def linreg_synthetic(root: Path) -> list[list[object]]:
    synthetic = stage_metrics(root, "linreg_fit")["synthetic"]
    return [["solver", "theta", "distance to the normal equation", "epochs"]] + [
        [
            label,
            theta_text(synthetic[name]["theta"]),
            difference_text(synthetic[name]["distance_to_closed_form"]),
            synthetic[name]["epochs"],
        ]
        for name, label in LINREG_SOLVERS.items()
    ]


@table
def linreg_book(root: Path) -> list[list[object]]:
    loops = stage_metrics(root, "linreg_fit")["synthetic_book_loops"]
    return [["the book's code", "the book prints", "homl (`synthetic_book_loops`)"]] + [
        [LINREG_SOLVERS[name], theta_text(printed, 8), theta_text(loops[name]["theta"], 8)]
        for name, printed in BOOK_THETAS.items()
    ]


@table
def linreg_spread(root: Path) -> list[list[object]]:
    spread = stage_metrics(root, "linreg_fit")["synthetic_seed_spread"]
    return [["solver", "seeds", "closest to the normal equation", "farthest"]] + [
        [LINREG_SOLVERS[name], runs["seeds"], f"{runs['min_distance']:.4f}", f"{runs['max_distance']:.4f}"]
        for name, runs in spread.items()
    ]


@table
def linreg_diabetes(root: Path) -> list[list[object]]:
    diabetes = stage_metrics(root, "linreg_fit")["diabetes"]
    best_rmse = diabetes["normal_equation"]["train_rmse"]
    return [["solver", "distance to the normal equation", "training RMSE (vs. the optimum)", "epochs"]] + [
        [
            label,
            difference_text(diabetes[name]["distance_to_closed_form"], ".2g"),
            f"{diabetes[name]['train_rmse']:.3f} ({diabetes[name]['train_rmse'] / best_rmse - 1:+.2%})",
            diabetes[name]["epochs"],
        ]
        for name, label in LINREG_SOLVERS.items()
    ]


@table
def linreg_large(root: Path) -> list[list[object]]:
    bench = bench_results(root, "linreg_large")
    labels = {
        "normal_equation": "homl normal equation (X^T X built in chunks of 1M rows)",
        "minibatch_gd": f"homl mini-batch GD, {bench['n_epochs']} epochs of {bench['batch_size']:,}-row batches",
        "sklearn_linear_regression": "scikit-learn `LinearRegression`",
        "sklearn_sgd_regressor": f"scikit-learn `SGDRegressor`, {bench['n_epochs']} epochs",
    }
    return [
        [
            "solver, each in its own process",
            "time",
            f"peak memory (data {bench['data_mb']:,.0f} MB; making it alone peaks at "
            f"{bench['data_only_peak_memory_mb']:,.0f} MB)",
            "distance to the closed form",
        ]
    ] + [
        [
            labels[name],
            f"{solver['seconds']:.1f} s",
            f"{solver['peak_memory_mb']:,.0f} MB",
            f"{solver['distance_to_closed_form']:.2g}",
        ]
        for name, solver in bench["solvers"].items()
    ]


@table
def softmax_iris(root: Path) -> list[list[object]]:
    figures = stage_metrics(root, "softmax_iris")
    gd, to_the_end = figures["softmax_gd"], figures["softmax_gd_to_the_end"]
    flowers = figures["test_flowers"]
    return [
        [
            "model",
            f"accuracy on the {flowers} test flowers",
            "epochs",
            "largest difference to scikit-learn's weights",
        ],
        [
            "homl `SoftmaxRegression`, early stopping (the exercise)",
            f"**{gd['test_accuracy']:.4f}**",
            f"{gd['epochs_run']:,} (kept epoch {gd['best_epoch']:,})",
            "",
        ],
        [
            "homl `SoftmaxRegression`, run to the minimum",
            f"{to_the_end['test_accuracy']:.4f}",
            f"{to_the_end['epochs_run']:,}",
            difference_text(to_the_end["largest_difference_to_sklearn"]),
        ],
        [
            "scikit-learn `LogisticRegression` (multinomial, the same penalty)",
            f"{figures['sklearn_logistic_regression']['test_accuracy']:.4f}",
            "",
            "",
        ],
    ]


@table
def logistic_iris(root: Path) -> list[list[object]]:
    boundary = stage_metrics(root, "logistic_iris")
    return [
        ["", "homl's run", "the book"],
        ["decision boundary (probability one half)", f"**{boundary['decision_boundary']:.4f} cm**", ""],
        [
            "first point past it on the book's grid",
            f"{boundary['book_grid_boundary']:.4f} cm",
            f"{BOOK_BOUNDARY:.4f} cm",
        ],
        [f"accuracy on the {boundary['test_flowers']} test flowers", f"{boundary['test_accuracy']:.4f}", ""],
    ]


@table
def regularized(root: Path) -> list[list[object]]:
    fitted = stage_metrics(root, "regularized_fit")
    return [
        ["homl", "scikit-learn", "theta", "largest difference", "prediction at x = 1.5", "the book prints"]
    ] + [
        [
            *REGULARIZED_SOLVERS[name],
            theta_text(fitted[name]["theta"]),
            difference_text(fitted[name]["largest_difference_to_sklearn"]),
            f"**{fitted[name]['prediction']:.8f}**",
            f"{BOOK_REGULARIZED[name]:.8f}",
        ]
        for name in REGULARIZED_SOLVERS
    ]


@table
def polynomial(root: Path) -> list[list[object]]:
    fitted = stage_metrics(root, "polynomial_fit")
    curves = fitted["learning_curves"]
    return [
        ["", "homl's run", "the book prints"],
        [
            "intercept, coefficients of x and x^2",
            theta_text([fitted["intercept"], *fitted["coefficients"]], 8),
            theta_text(BOOK_POLYNOMIAL, 8),
        ],
    ] + [
        [
            f"{name.replace('_', ' ')}: RMSE on all training folds, training / validation",
            f"{curve['training_rmse']:.3f} / {curve['validation_rmse']:.3f}",
            "",
        ]
        for name, curve in curves.items()
    ]


@table
def early_stopping(root: Path) -> list[list[object]]:
    found = stage_metrics(root, "early_stopping")
    return [
        ["epoch of stochastic GD", "training RMSE", "validation RMSE"],
        [
            f"{found['best_epoch']} (the lowest validation error: the model kept)",
            f"{found['training_rmse_at_best']:.3f}",
            f"**{found['best_validation_rmse']:.3f}**",
        ],
        [
            f"{found['epochs']} (the last)",
            f"{found['last_training_rmse']:.3f}",
            f"{found['last_validation_rmse']:.3f}",
        ],
    ]
