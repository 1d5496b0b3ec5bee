"""Chapter 4's logistic regression: is a flower of the positive species, from one feature alone (the book:
Iris virginica from its petal width); the estimated probability across the feature and the decision
boundary, with the book's split and settings."""

from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

from homl.core import figures, io, params, stage
from homl.linreg import datasets, logistic


def main() -> None:
    args = stage.paths(__doc__, "metrics", "curve", "curve_png")
    cfg, seed = params.load("logistic_iris", logistic.BoundaryParams), params.load("seed", int)
    X, species, names = datasets.iris((cfg.feature,))
    is_positive = logistic.of_species(species, names, cfg.positive)
    X_train, X_test, y_train, y_test = train_test_split(  # the book's split: shuffled, not stratified
        X, is_positive, test_size=cfg.test_size, random_state=seed
    )
    model = LogisticRegression(C=cfg.C, random_state=seed).fit(X_train, y_train)
    boundary = logistic.boundary_figures(model, X_test, y_test)
    curve = logistic.probability_curve(model, cfg.feature, cfg.positive)
    io.write_metrics(args.metrics, boundary)
    io.write_csv(args.curve, curve)
    figures.curves(args.curve_png, curve, cfg.feature, "estimated probability", boundary["decision_boundary"])


if __name__ == "__main__":
    stage.run(main)
