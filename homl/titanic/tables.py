"""The Titanic tables of the README: each classifier's CV, the test figures, the feature gains."""

from __future__ import annotations

from pathlib import Path

from homl.core import io, pipeline
from homl.core.tables import param, settings_text, stage_metrics, stage_table, table


@table
def titanic_classifiers(root: Path) -> list[list[object]]:
    directory = root / pipeline.output("titanic_train", "metrics", root / "dvc.yaml").parent
    settings = {
        report["classifier"]: report["hyperparameters"]
        for report in map(io.read_json, directory.glob("*.json"))
    }
    chosen = stage_metrics(root, "titanic_evaluate")["classifier"]
    compared = stage_table(root, "titanic_evaluate", "classifiers.csv")
    compared = compared.sort_values("repeated_cv_accuracy", ascending=False, kind="stable")
    folds, repeats = (param(root, f"titanic.cv.{key}") for key in ("folds", "repeats"))
    return [
        [
            "classifier",
            f"best hyperparameters (by {folds}-fold CV)",
            f"{folds}-fold CV accuracy ± fold spread",
            f"{repeats} x {folds}-fold CV accuracy ± standard error",
            "minus the best, fold by fold ± standard error",
        ]
    ] + [
        [
            row.classifier,
            settings_text(settings[row.classifier]),
            f"{row.cv_accuracy:.4f} ± {row.cv_std:.3f}",
            f"{row.repeated_cv_accuracy:.4f} ± {row.repeated_cv_standard_error:.4f}",
            "the best"
            if row.classifier == chosen
            else f"{row.minus_best:+.4f} ± {row.minus_best_standard_error:.4f}",
        ]
        for row in compared.itertuples()
    ]


@table
def titanic_test(root: Path) -> list[list[object]]:
    test = stage_metrics(root, "titanic_evaluate")
    return [
        ["classifier", "accuracy", "precision", "recall", "ROC AUC"],
        [
            test["classifier"],
            f"**{test['accuracy']:.4f}**",
            f"{test['precision']:.3f}",
            f"{test['recall']:.3f}",
            f"{test['roc_auc']:.3f}",
        ],
    ]


@table
def titanic_feature_gains(root: Path) -> list[list[object]]:
    gains = stage_table(root, "titanic_feature_gains").sort_values("gain", ascending=False)
    return [["feature", "CV accuracy with it minus without it"]] + [
        [f"`{row.feature}`" if " " not in row.feature else row.feature, f"{row.gain:+.3f}"]
        for row in gains.itertuples()
    ]
