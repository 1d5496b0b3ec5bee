"""Classification metrics, the tables DVC plots them from, and repeated cross-validation's error bars."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, precision_recall_fscore_support, roc_auc_score


def classification_metrics(y_true: np.ndarray, y_pred: np.ndarray) -> dict:
    """Accuracy, macro precision/recall/F1 and each class's accuracy (its recall)."""
    labels = np.unique(y_true)
    precision, recall, f1, _ = precision_recall_fscore_support(
        y_true, y_pred, average="macro", zero_division=0
    )
    per_class = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)[1]
    return {
        "accuracy": float(accuracy_score(y_true, y_pred)),
        "macro_precision": float(precision),
        "macro_recall": float(recall),
        "macro_f1": float(f1),
        "class_accuracy": {str(label): float(value) for label, value in zip(labels, per_class, strict=True)},
    }


def binary_metrics(y_true: np.ndarray, y_pred: np.ndarray, scores: np.ndarray) -> dict:
    """Accuracy, precision, recall and F1 of the positive class, and ROC AUC of the scores."""
    precision, recall, f1, _ = precision_recall_fscore_support(
        y_true, y_pred, average="binary", zero_division=0
    )
    return {
        "accuracy": float(accuracy_score(y_true, y_pred)),
        "precision": float(precision),
        "recall": float(recall),
        "f1": float(f1),
        "roc_auc": float(roc_auc_score(y_true, scores)),
    }


def confusion_table(y_true: np.ndarray, y_pred: np.ndarray) -> pd.DataFrame:
    """One row a prediction (actual, predicted): the input of DVC's confusion template."""
    return pd.DataFrame({"actual": np.asarray(y_true), "predicted": np.asarray(y_pred)})


def most_confident_errors(
    y_true: np.ndarray, proba: np.ndarray, classes: np.ndarray, count: int
) -> np.ndarray:
    """Indices of the `count` wrong predictions made with the highest probability, surest first."""
    predicted = classes[proba.argmax(axis=1)]
    wrong = np.flatnonzero(predicted != y_true)
    confidence = proba[wrong].max(axis=1)
    return wrong[np.lexsort((wrong, -confidence))][:count]


def cv_accuracies(models: Sequence[Any], X: Any, y: np.ndarray, cv: Any) -> list[float]:
    """Each model's `cross_val_score(model, X, y, cv=cv).mean()`, every fold of every model sent to one pool
    of workers, so that no worker waits for one model's last fold before the next model starts."""
    from joblib import Parallel, delayed
    from sklearn.model_selection import check_cv, cross_val_score

    splits = list(check_cv(cv, y, classifier=True).split(X, y))
    scores = Parallel(n_jobs=-1)(
        delayed(cross_val_score)(model, X, y, cv=[split]) for model in models for split in splits
    )
    return [float(row.mean()) for row in np.reshape(scores, (len(models), len(splits)))]


def repeated_cv_accuracies(
    model: Any, X: Any, y: np.ndarray, folds: int, repeats: int, seed: int
) -> np.ndarray:
    """The model's accuracy on each held-out fold of `repeats` shuffled, stratified k-fold splits, fitted on
    the rest each time. The splits depend on `seed` only, so two models' scores pair up fold by fold."""
    from sklearn.model_selection import RepeatedStratifiedKFold, cross_val_score

    splits = RepeatedStratifiedKFold(n_splits=folds, n_repeats=repeats, random_state=seed)
    return cross_val_score(model, X, y, cv=splits, scoring="accuracy", n_jobs=-1)


def resampled_standard_error(scores: np.ndarray, folds: int) -> float:
    """The standard error of the mean of repeated k-fold scores, or of two models' paired differences,
    corrected for the training sets' overlap (Nadeau and Bengio, 2003): sqrt((1/n + 1/(k - 1)) s^2) over n
    scores. The plain s / sqrt(n) would count the n folds as independent samples and claim too much."""
    scores = np.asarray(scores, dtype=float)
    return float(np.sqrt((1 / len(scores) + 1 / (folds - 1)) * scores.var(ddof=1)))
