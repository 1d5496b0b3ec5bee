"""Model selection, one mechanism for every search: folds, grid search, scores, and the best candidate."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any

import numpy as np
import pandas as pd
from sklearn.model_selection import (
    GridSearchCV,
    StratifiedGroupKFold,
    StratifiedKFold,
    cross_val_predict,
    train_test_split,
)

from homl.params import Range

CLASSIFIER_STEP = "classifier"


@dataclass(frozen=True)
class SplitParams:
    test_size: Annotated[float, Range(0.05, 0.5)]


@dataclass(frozen=True)
class CVParams:
    folds: Annotated[int, Range(2, None)]


def folds(n_folds: int, seed: int, grouped: bool = False) -> StratifiedKFold | StratifiedGroupKFold:
    """Shuffled, stratified k-fold cross-validation; `grouped`: no group straddles two folds (pass `groups`)."""
    kind = StratifiedGroupKFold if grouped else StratifiedKFold
    return kind(n_splits=n_folds, shuffle=True, random_state=seed)


def validation_split(labels: np.ndarray, size: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The rows fitted on and the `size` rows held out to score settings, stratified by `labels`."""
    return train_test_split(np.arange(len(labels)), test_size=size, stratify=labels, random_state=seed)


def best(scores: Sequence[float]) -> int:
    """The position of the highest score; ties go to the first, as GridSearchCV picks."""
    return int(np.argmax(np.asarray(scores, dtype=float)))


def grid_search(
    model: Any, grid: dict[str, list], cv: Any, metrics: Sequence[str], X: Any, y: Any, groups: Any = None
) -> GridSearchCV:
    """Grid-search the hyperparameters of `model`'s `CLASSIFIER_STEP` by CV, refitted on the first metric."""
    search = GridSearchCV(
        model,
        {f"{CLASSIFIER_STEP}__{name}": values for name, values in grid.items()},
        cv=cv,
        scoring={metric: metric for metric in metrics},
        refit=metrics[0],
        n_jobs=-1,
        error_score="raise",
    )
    return search.fit(X, y, groups=groups)


def candidates(search: GridSearchCV) -> pd.DataFrame:
    """One row a candidate in grid order: its hyperparameters, then each metric's mean and std over the folds."""
    results = search.cv_results_
    metrics = [key.removeprefix("mean_test_") for key in results if key.startswith("mean_test_")]
    hyperparameters = pd.DataFrame([hyperparameters_of(p) for p in results["params"]], dtype=object)
    scores = {f"{stat}_{m}": results[f"{stat}_test_{m}"] for m in metrics for stat in ("mean", "std")}
    return pd.concat([hyperparameters, pd.DataFrame(scores)], axis=1)


def hyperparameters_of(candidate: dict[str, Any]) -> dict[str, Any]:
    """A candidate of `grid_search` under the classifier's own parameter names."""
    return {name.removeprefix(f"{CLASSIFIER_STEP}__"): value for name, value in candidate.items()}


def choice(table: pd.DataFrame, metric: str, score: str = "cv", **context: Any) -> dict:
    """The best row of a `candidates`-like table as a record: its hyperparameters and its `score` (by
    default the CV score; "validation" for one held-out split)."""
    row = table.iloc[[best(table[f"mean_{metric}"])]].to_dict("records")[0]  # each column keeps its type
    hyperparameters = {k: _plain(v) for k, v in row.items() if not k.startswith(("mean_", "std_"))}
    return {
        **context,
        "hyperparameters": hyperparameters,
        f"{score}_{metric}": float(row[f"mean_{metric}"]),
        f"{score}_std": float(row[f"std_{metric}"]),
    }


def flat(choice: dict) -> dict:
    """A `choice` with its hyperparameters beside its other entries: the shape of the metrics files."""
    return {**{k: v for k, v in choice.items() if k != "hyperparameters"}, **choice["hyperparameters"]}


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def positive_scores(model: Any, X: Any) -> np.ndarray:
    """A score that grows with the positive class: the decision function, or the positive probability."""
    if hasattr(model, "decision_function"):
        return model.decision_function(X)
    return model.predict_proba(X)[:, 1]


def response_method(model: Any) -> str:
    """The method `positive_scores` calls on `model`."""
    return "decision_function" if hasattr(model, "decision_function") else "predict_proba"


def cross_validated_scores(model: Any, X: Any, y: np.ndarray, cv: Any, groups: Any = None) -> np.ndarray:
    """Each training row's `positive_scores` from the fold in which it was held out."""
    scores = cross_val_predict(model, X, y, groups=groups, cv=cv, method=response_method(model), n_jobs=-1)
    return scores if scores.ndim == 1 else scores[:, 1]
