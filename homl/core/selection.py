"""Model selection, one mechanism for every search: folds, grid search, scores, and the best candidate."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.base import clone
from sklearn.metrics import get_scorer
from sklearn.model_selection import (
    GridSearchCV,
    ParameterGrid,
    StratifiedGroupKFold,
    StratifiedKFold,
    check_cv,
    train_test_split,
)

from homl.core.params import Range

CLASSIFIER_STEP = "classifier"
GROWN = "n_estimators"  # an ensemble that can grow (warm_start) is fitted once for all its sizes


@dataclass(frozen=True)
class SplitParams:
    test_size: Annotated[float, Range(0.05, 0.5)]


@dataclass(frozen=True)
class CVParams:
    folds: Annotated[int, Range(2, None)]


def folds(n_folds: int, seed: int, grouped: bool = False) -> StratifiedKFold | StratifiedGroupKFold:
    """Shuffled, stratified k-fold cross-validation; `grouped`: no group straddles two folds (pass `groups`)."""
    kind = GroupFolds if grouped else StratifiedKFold
    return kind(n_splits=n_folds, shuffle=True, random_state=seed)


class GroupFolds(StratifiedGroupKFold):
    """scikit-learn's StratifiedGroupKFold, the same folds, each group's fold chosen in Python floats: its
    `_find_best_fold` calls NumPy a dozen times a fold for every group (0.6 s for spam's 3,927 groups).

    That method is private to scikit-learn; the test that compares these folds with scikit-learn's is what
    catches an upgrade that changes it."""

    def _find_best_fold(self, y_counts_per_fold, y_cnt, group_y_counts):
        """The fold whose class shares, with the group added, spread least across the folds (the mean over
        classes of their standard deviation), the fold with fewer samples among equal spreads: scikit-learn's
        arithmetic in the same order, so the same floats (`np.std` sums the folds in turn)."""
        counts, totals, group = y_counts_per_fold.tolist(), y_cnt.tolist(), group_y_counts.tolist()
        n_folds = len(counts)
        best_fold, min_eval, min_samples_in_fold = None, np.inf, np.inf
        for i in range(n_folds):
            spreads = []
            for c, total in enumerate(totals):
                shares = [
                    (fold[c] + group[c] if f == i else fold[c]) / total for f, fold in enumerate(counts)
                ]
                mean = _in_turn(shares) / n_folds
                spreads.append(
                    math.sqrt(_in_turn([(share - mean) * (share - mean) for share in shares]) / n_folds)
                )
            fold_eval = _in_turn(spreads) / len(spreads)
            samples_in_fold = _in_turn(counts[i])
            if fold_eval < min_eval or (
                _np_isclose(fold_eval, min_eval) and samples_in_fold < min_samples_in_fold
            ):
                best_fold, min_eval, min_samples_in_fold = i, fold_eval, samples_in_fold
        return best_fold


def _in_turn(values: list[float]) -> float:
    """A sum left to right, from 0.0, as NumPy sums fewer than eight numbers (Python's `sum` of floats is
    compensated from 3.12 on, so not the same)."""
    total = 0.0
    for value in values:
        total += value
    return total


def _np_isclose(a: float, b: float) -> bool:
    """`np.isclose(a, b)` of two floats: within 1e-8 + 1e-5 |b|, and infinities only equal to themselves
    (NumPy's own costs microseconds a call, and a split makes some 20,000)."""
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= 1e-08 + 1e-05 * abs(b)


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


def fold_features(features: Any, X: Any, y: np.ndarray, cv: Any, groups: Any = None) -> list[tuple]:
    """Each fold's (training features, training labels, held-out features, held-out labels): `features`
    (a transformer) fitted on the fold's training rows, as a pipeline fits it inside a grid search. `cv`: a
    splitter, or the (training rows, held-out rows) pairs themselves."""
    split = []
    for train, valid in check_cv(cv).split(X, y, groups):
        fitted = clone(features)
        X_train = fitted.fit_transform(_rows(X, train), y[train])
        split.append((X_train, y[train], fitted.transform(_rows(X, valid)), y[valid]))
    return split


def _rows(X: Any, rows: np.ndarray) -> Any:
    return X.iloc[rows] if hasattr(X, "iloc") else X[rows]


def _fold_scores(
    classifier, hyperparameters, sizes, fold, metrics, held_out_scores
) -> list[tuple[list[float], np.ndarray | None]]:
    """The scores of each ensemble size in `sizes` (ascending), one ensemble grown by `warm_start`, or
    (`sizes` empty) of the one classifier, each with its `positive_scores` of the held-out rows when
    `held_out_scores` (else None)."""
    X_train, y_train, X_valid, y_valid = fold
    fitted = clone(classifier).set_params(**hyperparameters)
    scores = []
    for size in sizes or [None]:
        if size is not None:
            fitted.set_params(warm_start=True, **{GROWN: size})
        fitted.fit(X_train, y_train)
        metric_scores = [get_scorer(metric)(fitted, X_valid, y_valid) for metric in metrics]
        scores.append((metric_scores, positive_scores(fitted, X_valid) if held_out_scores else None))
    return scores


def grid_on_fold_features(
    classifier: Any,
    grid: dict[str, list],
    folds: list[tuple],
    metrics: Sequence[str],
    n_jobs: int | None = None,
):
    """`candidates` of a grid search of `classifier` on features fitted once a fold (`fold_features`):
    the scores `grid_search` gives a pipeline of those features and `classifier`, without refitting the
    features for every candidate. An ensemble with `warm_start` grows through the grid's sizes
    (`GROWN`) in one fit a fold: the same scores, as the test shows for gradient boosting. `n_jobs`:
    joblib's (None: as the surrounding `parallel_config` says)."""
    table, _ = grids_on_fold_features([(classifier, grid, folds)], metrics, n_jobs)[0]
    return table


def grids_on_fold_features(
    searches: Sequence[tuple[Any, dict[str, list], list[tuple]]],
    metrics: Sequence[str],
    n_jobs: int | None = None,
    held_out_scores: bool = False,
) -> list[tuple[pd.DataFrame, list[list[np.ndarray]] | None]]:
    """`grid_on_fold_features` of each (classifier, grid, folds), every fit in one pool of workers, so
    that no worker waits for one search's last fit before the next search starts. Each search gives its
    candidates table and, when `held_out_scores`, each candidate's `positive_scores` of each fold's
    held-out rows (else None)."""
    plans = [_GridPlan(classifier, grid) for classifier, grid, _ in searches]
    fits = Parallel(n_jobs=n_jobs)(
        delayed(_fold_scores)(classifier, shared, plan.sizes, fold, metrics, held_out_scores)
        for (classifier, _, folds), plan in zip(searches, plans, strict=True)
        for shared in plan.ensembles
        for fold in folds
    )
    results, start = [], 0
    for (_, _, folds), plan in zip(searches, plans, strict=True):
        end = start + len(plan.ensembles) * len(folds)
        results.append(plan.results(fits[start:end], len(folds), metrics, held_out_scores))
        start = end
    return results


class _GridPlan:
    """A grid's settings as the fits that score them: each ensemble that grows through the grid's sizes
    (`GROWN`, with `warm_start`) fitted once, every other setting fitted alone."""

    def __init__(self, classifier: Any, grid: dict[str, list]):
        self.settings = list(ParameterGrid(grid))
        sizes = sorted(set(grid.get(GROWN, []))) if "warm_start" in classifier.get_params() else []
        if len(sizes) > 1:
            self.sizes = sizes
            self.ensembles = list(ParameterGrid({k: v for k, v in grid.items() if k != GROWN}))
            self.where = [
                (
                    self.ensembles.index({k: v for k, v in setting.items() if k != GROWN}),
                    sizes.index(setting[GROWN]),
                )
                for setting in self.settings
            ]
        else:
            self.sizes, self.ensembles = [], self.settings
            self.where = [(i, 0) for i in range(len(self.settings))]

    def results(
        self, fits: list, n_folds: int, metrics: Sequence[str], held_out_scores: bool
    ) -> tuple[pd.DataFrame, list | None]:
        """The candidates table, in grid order, and (when `held_out_scores`) each candidate's held-out scores
        fold by fold, from each (ensemble, fold) fit's `_fold_scores`."""
        per_ensemble = [fits[e * n_folds : (e + 1) * n_folds] for e in range(len(self.ensembles))]
        held_out = None
        if held_out_scores:
            held_out = [[fold[size][1] for fold in per_ensemble[ensemble]] for ensemble, size in self.where]
        scores = np.array([[[sized[0] for sized in fold] for fold in folds] for folds in per_ensemble])
        scores = np.stack([scores[ensemble, :, size] for ensemble, size in self.where])
        table = pd.DataFrame(self.settings, dtype=object)
        for i, metric in enumerate(metrics):  # as GridSearchCV averages and spreads them
            means = np.average(scores[:, :, i], axis=1)
            table[f"mean_{metric}"] = means
            table[f"std_{metric}"] = np.sqrt(np.average((scores[:, :, i] - means[:, None]) ** 2, axis=1))
        columns = [*self.settings[0], *[f"{stat}_{m}" for m in metrics for stat in ("mean", "std")]]
        return table[columns], held_out


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
