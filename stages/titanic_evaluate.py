"""Keep the classifier with the best CV accuracy; evaluate it once on the held-out test passengers."""

import pandas as pd
from sklearn.metrics import roc_curve

from homl.core import evaluation, io, selection, stage
from homl.data import titanic
from homl.titanic import survival


def main() -> None:
    args = stage.paths(__doc__, "test", "models", "model", "metrics", "comparison", "roc", "confusion")
    choices, best = survival.read_choices(args.models)
    chosen = args.models / f"{best['classifier']}.joblib"
    model = io.load_model(chosen)
    X, y = titanic.features_and_target(titanic.load(args.test))
    predicted, scores = model.predict(X), selection.positive_scores(model, X)
    io.copy_file(chosen, args.model)  # not saved again: its arrays are memory-mapped
    io.write_json(
        args.metrics,
        {
            "classifier": best["classifier"],
            "cv_accuracy": best["cv_accuracy"],
            "hyperparameters": best["hyperparameters"],
            **evaluation.binary_metrics(y, predicted, scores),
        },
    )
    columns = ["classifier", "cv_accuracy", "cv_std"]
    io.write_csv(args.comparison, pd.DataFrame([{k: c[k] for k in columns} for c in choices]))
    false_positive_rate, true_positive_rate, _ = roc_curve(y, scores)
    io.write_csv(args.roc, pd.DataFrame({"fpr": false_positive_rate, "tpr": true_positive_rate}))
    io.write_csv(args.confusion, evaluation.confusion_table(y, predicted))


if __name__ == "__main__":
    stage.run(main)
