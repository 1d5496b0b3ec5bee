"""Keep the classifier with the best CV accuracy; evaluate it once on the held-out test passengers."""

import pandas as pd
from sklearn.metrics import roc_curve

from homl import evaluation, io, stage, survival
from homl.data import titanic


def main() -> None:
    args = stage.paths(
        __doc__, "test", "models", "reports", "model", "metrics", "comparison", "roc", "confusion"
    )
    reports = survival.read_reports(args.reports)
    best = survival.best_of(reports)
    model = io.load_model(args.models / f"{best}.joblib")
    X, y = titanic.features_and_target(titanic.load(args.test))
    predicted, scores = model.predict(X), survival.survival_scores(model, X)
    io.save_model(args.model, model)
    io.write_json(
        args.metrics,
        {
            "classifier": best,
            "cv_accuracy": reports[best]["cv_accuracy"],
            "hyperparameters": reports[best]["hyperparameters"],
            **evaluation.binary_metrics(y, predicted, scores),
        },
    )
    comparison = pd.DataFrame(
        [
            {"classifier": name, "cv_accuracy": r["cv_accuracy"], "cv_std": r["cv_std"]}
            for name, r in reports.items()
        ]
    )
    io.write_csv(args.comparison, comparison)
    false_positive_rate, true_positive_rate, _ = roc_curve(y, scores)
    io.write_csv(args.roc, pd.DataFrame({"fpr": false_positive_rate, "tpr": true_positive_rate}))
    io.write_csv(args.confusion, evaluation.confusion_table(y, predicted))


if __name__ == "__main__":
    stage.run(main)
