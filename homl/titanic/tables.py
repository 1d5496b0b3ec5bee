"""The Titanic tables of the README: each classifier's CV, the test figures, the feature gains."""

from __future__ import annotations

from pathlib import Path

from homl.core import io, pipeline
from homl.core.tables import settings_text, stage_metrics, stage_table, table


@table
def titanic_classifiers(root: Path) -> list[list[object]]:
    directory = root / pipeline.output("titanic_train", "metrics", root / "dvc.yaml").parent
    reports = sorted(map(io.read_json, directory.glob("*.json")), key=lambda report: -report["cv_accuracy"])
    return [["classifier", "best hyperparameters", "CV accuracy"]] + [
        [
            report["classifier"],
            settings_text(report["hyperparameters"]),
            f"{report['cv_accuracy']:.4f} ± {report['cv_std']:.3f}",
        ]
        for report in reports
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
