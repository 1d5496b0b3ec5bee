"""Chapter 4's exercise: softmax regression by batch gradient descent with early stopping, in NumPy, on the
iris petals; scikit-learn's multinomial LogisticRegression with the same penalty on the same flowers beside it."""

import dataclasses

from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from homl.core import figures, io, params, stage
from homl.linreg import datasets, softmax


def main() -> None:
    args = stage.paths(__doc__, "metrics", "losses", "regions_png")
    cfg, seed = params.load("softmax_iris", softmax.IrisParams), params.load("seed", int)
    X, y, species = datasets.iris(cfg.features)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=cfg.test_size, stratify=y, random_state=seed
    )
    gd = softmax.SoftmaxRegression(**dataclasses.asdict(cfg.gd), random_state=seed)
    early_stopped = make_pipeline(StandardScaler(), gd).fit(X_train, y_train)
    converged = make_pipeline(StandardScaler(), clone(gd).set_params(validation_fraction=0)).fit(
        X_train, y_train
    )
    sklearn = make_pipeline(
        StandardScaler(), LogisticRegression(C=1 / (cfg.gd.alpha * len(y_train)), tol=1e-10)
    )
    sklearn.fit(X_train, y_train)
    io.write_metrics(args.metrics, softmax.comparison(early_stopped, converged, sklearn, X_test, y_test))
    io.write_csv(args.losses, softmax.loss_curves(early_stopped[-1]))
    figures.decision_regions(args.regions_png, early_stopped, X, y, cfg.features, species)


if __name__ == "__main__":
    stage.run(main)
