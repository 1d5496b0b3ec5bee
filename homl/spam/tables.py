"""The spam tables of the README: the classifiers, the test figures, the groups, the errors, the book's
setting, the gains."""

from __future__ import annotations

from pathlib import Path

from homl.core.tables import settings_text, stage_metrics, stage_table, table


@table
def spam_classifiers(root: Path) -> list[list[object]]:
    chosen = stage_metrics(root, "spam_train")
    chosen_features = "+".join(chosen["features"])
    scores = stage_table(root, "spam_train").sort_values("cv_average_precision", ascending=False)
    rows = [["feature sets", "classifier", "CV average precision", "CV precision", "CV recall"]]
    for row in scores.itertuples():
        label = row.classifier
        if row.classifier == chosen["classifier"] and row.features == chosen_features:
            label = f"**{label}**, {settings_text(chosen['hyperparameters'])} (chosen)"
        rows.append(
            [
                row.features.replace("+", " + "),
                label,
                f"{row.cv_average_precision:.4f}",
                f"{row.cv_precision:.3f}",
                f"{row.cv_recall:.3f}",
            ]
        )
    return rows


@table
def spam_test(root: Path) -> list[list[object]]:
    stripped, train = stage_metrics(root, "spam_evaluate"), stage_metrics(root, "spam_train")
    kept = stage_metrics(root, "spam_headers")
    rows = [
        ["", "CV precision / recall (training)", "test precision", "test recall", "test F1", "test ROC AUC"]
    ]
    for label, cv, test in (
        ("**headers stripped, subject kept** (the headline)", train, stripped),
        ("all headers kept (`spam_headers`)", kept, kept["test"]),
    ):
        rows.append(
            [
                label,
                f"{cv['cv_precision_at_threshold']:.3f} / {cv['cv_recall_at_threshold']:.3f}",
                f"**{test['precision']:.3f}**",
                f"**{test['recall']:.3f}**",
                f"{test['f1']:.3f}",
                f"{test['roc_auc']:.4f}",
            ]
        )
    return rows


@table
def spam_groups(root: Path) -> list[list[object]]:
    groups = stage_metrics(root, "spam_evaluate")["groups"]
    rows = [["corpus group", "test messages", "false alarms (ham) / recall (spam)"]]
    for name, figures in groups.items():
        if "recall" in figures:
            rows.append([f"`{name}`", figures["messages"], f"recall {figures['recall']:.3f}"])
        else:
            alarms = round(figures["false_alarm_rate"] * figures["messages"])
            rows.append(
                [
                    f"`{name}`",
                    figures["messages"],
                    f"{alarms} false alarm{'' if alarms == 1 else 's'} ({figures['false_alarm_rate']:.1%})",
                ]
            )
    return rows


@table
def spam_book(root: Path) -> list[list[object]]:
    book, ours = stage_metrics(root, "spam_book"), stage_metrics(root, "spam_evaluate")
    groups = " + ".join(f"`{group}`" for group in book["groups"])
    return [
        ["setting", "test messages", "test precision", "test recall"],
        [
            f"the book's: {groups}, headers kept, word counts, logistic regression, random 20% (`spam_book`)",
            book["test_messages"],
            f"{book['precision']:.3f}",
            f"{book['recall']:.3f}",
        ],
        [
            "this project's: all five groups, headers stripped, near-copies grouped, threshold for precision",
            sum(group["messages"] for group in ours["groups"].values()),
            f"{ours['precision']:.3f}",
            f"{ours['recall']:.3f}",
        ],
    ]


@table
def spam_feature_gains(root: Path) -> list[list[object]]:
    gains = stage_table(root, "spam_train", "_feature_gains.csv")
    header = ["feature set", "chosen", "best CV average precision with it", "without it", "gain"]
    return [header] + [
        [
            f"`{row.feature}`",
            "yes" if row.chosen else "no",
            f"{row.cv_average_precision_with:.5f}",
            f"{row.cv_average_precision_without:.5f}",
            f"{row.cv_average_precision_gain:+.5f}",
        ]
        for row in gains.itertuples()
    ]


@table
def spam_test_errors(root: Path) -> list[list[object]]:
    errors = stage_table(root, "spam_evaluate", "errors.csv")
    return [["message", "error", "subject", "words", "links", "score minus threshold"]] + [
        [
            f"`{row.message}`",
            row.error,
            row.subject.replace("|", "/") if isinstance(row.subject, str) else "(none)",
            row.words,
            row.links,
            f"{row.score_minus_threshold:+.3f}",
        ]
        for row in errors.itertuples()
    ]
