"""Keep the classifier with the best repeated CV accuracy; evaluate it once on the held-out test passengers."""

import pandas as pd
from sklearn.metrics import roc_curve

from homl.core import evaluation, io, params, selection, stage
from homl.data import titanic
from homl.titanic import survival


def main() -> None:
    args = stage.paths(__doc__, "test", "models", "model", "metrics", "comparison", "roc", "confusion")
    cfg = params.load("titanic", survival.Params)
    choices, best = survival.read_choices(args.models)
    chosen = args.models / f"{best['classifier']}.joblib"
    model = io.load_model(chosen)
    X, y = titanic.features_and_target(titanic.load(args.test))
    predicted, scores = model.predict(X), selection.positive_scores(model, X)
    io.copy_file(chosen, args.model)  # not saved again: its arrays are memory-mapped
    io.write_metrics(
        args.metrics,
        {
            "classifier": best["classifier"],
            "cv_accuracy": best["cv_accuracy"],
            "repeated_cv_accuracy": best["repeated_cv_accuracy"],
            "repeated_cv_standard_error": best["repeated_cv_standard_error"],
            "hyperparameters": best["hyperparameters"],
            **evaluation.binary_metrics(y, predicted, scores),
        },
    )
    io.write_csv(args.comparison, survival.compared(choices, best, cfg.cv.folds))
    false_positive_rate, true_positive_rate, _ = roc_curve(y, scores)
    io.write_csv(args.roc, pd.DataFrame({"fpr": false_positive_rate, "tpr": true_positive_rate}))
    io.write_csv(args.confusion, evaluation.confusion_table(y, predicted))


if __name__ == "__main__":
    stage.run(main)
