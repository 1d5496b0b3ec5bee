"""Spam models: an email's fields (words, subject, characters, structure) prepared once, vectors, classifiers
grid-searched by group-aware CV, and a decision threshold for a target precision."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable
from typing import Annotated, Any, Literal

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from scipy import sparse
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, precision_recall_curve
from sklearn.model_selection import FixedThresholdClassifier
from sklearn.naive_bayes import MultinomialNB
from sklearn.pipeline import Pipeline
from sklearn.svm import LinearSVC

from homl.core import evaluation, params, selection
from homl.core.params import Range
from homl.spam import near_duplicates, text
from homl.spam.email_features import (
    AUTO,
    FEATURES,
    EmailFields,
    FeatureSwitches,
    VectorizerParams,
    email_fields,
    feature_vectors,
    parsed_emails,
)

CLASSIFIERS = {
    "naive_bayes": lambda seed: MultinomialNB(),
    "logistic_regression": lambda seed: LogisticRegression(max_iter=5000),
    "linear_svm": lambda seed: LinearSVC(random_state=seed, max_iter=10000),
}
METRICS = ("average_precision", "precision", "recall")  # the first chooses
SUBJECT_SHOWN = 48  # characters of a misclassified message's subject in `errors`


@dataclasses.dataclass(frozen=True)
class BookParams:
    """The book's exercise: its groups, headers, vocabulary and classifier, on this corpus."""

    groups: tuple[str, ...]
    strip_headers: bool
    vocabulary_size: Annotated[int, Range(1, None)]
    test_size: Annotated[float, Range(0.05, 0.5)]


@dataclasses.dataclass(frozen=True)
class Params:
    """params.yaml's `spam`."""

    split: selection.SplitParams
    near_copies: near_duplicates.Params
    preprocessing: dict[str, Any]
    features: FeatureSwitches
    vectorizer: VectorizerParams
    cv: selection.CVParams
    classifiers: dict[Literal[tuple(CLASSIFIERS)], dict[str, list]]
    target_precision: Annotated[float, Range(0.5, 1)]
    book: BookParams

    def __post_init__(self):
        params.check_settings("spam.preprocessing", text.EmailToWords(), self.preprocessing)
        estimators = {name: CLASSIFIERS[name](0) for name in self.classifiers}
        params.check_grids("spam.classifiers", estimators, self.classifiers)

    @property
    def automatic(self) -> tuple[str, ...]:
        """The feature sets switched on or off by their gain in cross-validation."""
        return tuple(name for name in FEATURES if getattr(self.features, name) == AUTO)

    @property
    def feature_choices(self) -> list[tuple[str, ...]]:
        """Every combination of feature sets the switches allow (each automatic set off, then on), in
        `FEATURES` order, fewest sets first."""
        on = {name for name in FEATURES if getattr(self.features, name) is True}
        added = [
            c for size in range(len(self.automatic) + 1) for c in itertools.combinations(self.automatic, size)
        ]
        return [tuple(name for name in FEATURES if name in on or name in extra) for extra in added]


def vector_model(
    classifier: str,
    features: tuple[str, ...],
    vectorizer: VectorizerParams,
    seed: int,
    **hyperparameters: Any,
) -> Pipeline:
    """Email fields to the feature sets' vectors, side by side, to the classifier."""
    model = _classifier(classifier, seed, **hyperparameters)
    return Pipeline([("vectors", feature_vectors(features, vectorizer)), (selection.CLASSIFIER_STEP, model)])


def threshold_for_precision(is_spam: np.ndarray, scores: np.ndarray, target_precision: float) -> float:
    """The lowest score threshold whose precision reaches `target_precision` (so recall is highest)."""
    precision, _, thresholds = precision_recall_curve(is_spam, scores)
    reaching = np.flatnonzero(precision[:-1] >= target_precision)
    if not len(reaching):
        raise ValueError(f"no threshold reaches precision {target_precision}")
    return float(thresholds[reaching[0]])


def spam_model(fields: EmailFields, fitted: Pipeline, threshold: float) -> FixedThresholdClassifier:
    """The whole model, from parsed emails to 1 for spam: fields, then the fitted vector model at `threshold`."""
    whole = Pipeline([("fields", fields), *fitted.steps])
    return FixedThresholdClassifier(
        whole, threshold=threshold, response_method=selection.response_method(fitted)
    )


class CrossValidation:
    """Group-aware folds of the training messages, each feature set's vectors fitted once a fold: what every
    candidate (feature sets, classifier, hyperparameters) is scored on."""

    def __init__(self, prepared: pd.DataFrame, messages: pd.DataFrame, cfg: Params, seed: int, features):
        self.is_spam, copies = messages["is_spam"].to_numpy(), messages["copy_group"].to_numpy()
        splits = list(selection.folds(cfg.cv.folds, seed, grouped=True).split(prepared, self.is_spam, copies))
        self.held_out = [valid for _, valid in splits]
        self.per_set = {
            name: _set_folds(name, cfg.vectorizer, prepared, self.is_spam, splits) for name in features
        }
        self.target_precision = cfg.target_precision

    def folds(self, features: tuple[str, ...]) -> list[tuple]:
        """Each fold's (training vectors, labels, held-out vectors, labels) of these sets side by side."""
        return [
            _side_by_side([self.per_set[name][fold] for name in features])
            for fold in range(len(self.held_out))
        ]

    def figures(self, classifier: Any, features: tuple[str, ...], meanwhile: Callable[[], Any]) -> tuple:
        """The classifier fitted on each fold by the pool of workers while `meanwhile()` runs here; the
        `figures_of` its scores of the rows held out, and what `meanwhile` returned."""
        folds = self.folds(features)
        # processes, not threads: liblinear's random numbers are one global state
        fitting = Parallel(n_jobs=-1, return_as="generator")(
            delayed(clone(classifier).fit)(X_train, y_train) for X_train, y_train, _, _ in folds
        )
        done_here = meanwhile()
        scores = [
            selection.positive_scores(model, X_valid)
            for model, (*_, X_valid, _) in zip(fitting, folds, strict=True)
        ]
        return self.figures_of(scores), done_here

    def figures_of(self, held_out_scores: list[np.ndarray]) -> dict:
        """From a candidate's scores of each fold's held-out rows: the threshold the scores give for the
        target precision, and the CV figures there."""
        scores = np.empty(len(self.is_spam))
        for fold_scores, rows in zip(held_out_scores, self.held_out, strict=True):
            scores[rows] = fold_scores
        threshold = threshold_for_precision(self.is_spam, scores, self.target_precision)
        return {
            "cv_average_precision_of_scores": float(average_precision_score(self.is_spam, scores)),
            "threshold": threshold,
            "cv_precision_at_threshold": float(self.is_spam[scores >= threshold].mean()),
            "cv_recall_at_threshold": float((scores[self.is_spam] >= threshold).mean()),
        }


def _set_folds(
    name: str, vectorizer: VectorizerParams, prepared: pd.DataFrame, is_spam, splits
) -> list[tuple]:
    """One feature set's vectors for each fold, as `selection.fold_features` gives them, with the counting
    step's vocabulary chosen a fold from one count of every message."""
    columns, vectors = FEATURES[name]
    (_, counting), *weighting = vectors(vectorizer).steps
    if not hasattr(counting, "fold_transforms"):
        return selection.fold_features(feature_vectors((name,), vectorizer), prepared, is_spam, splits)
    folds = []
    for (train, valid), (X_train, X_valid) in zip(
        splits, counting.fold_transforms(prepared[columns].tolist(), splits), strict=True
    ):
        weights = Pipeline(weighting or [("counts", "passthrough")])
        folds.append(
            (
                weights.fit_transform(X_train).tocsr(),
                is_spam[train],
                weights.transform(X_valid).tocsr(),
                is_spam[valid],
            )
        )
    return folds


def _side_by_side(folds: list[tuple]) -> tuple:
    X_train, y_train, X_valid, y_valid = zip(*folds, strict=True)
    return _joined(X_train), y_train[0], _joined(X_valid), y_valid[0]


def _joined(blocks: tuple) -> sparse.csr_matrix:
    """The blocks' columns side by side, as CSR: from CSR blocks scipy joins rows directly (in about half
    the time of its default, through COO), with the same result."""
    return sparse.hstack([sparse.csr_matrix(block) for block in blocks], format="csr")


def _classifier(name: str, seed: int, **hyperparameters: Any) -> Any:
    return CLASSIFIERS[name](seed).set_params(**hyperparameters)


def train(
    messages: pd.DataFrame, cfg: Params, seed: int
) -> tuple[FixedThresholdClassifier, dict, pd.DataFrame, pd.DataFrame]:
    """Grid-search every classifier on every combination of feature sets the switches allow, by
    group-aware CV on fields prepared once (each set vectorized once a fold); keep the best by CV average
    precision, and set its threshold for the target precision on cross-validated scores.

    Returns the whole model, its choice (feature sets, classifier, hyperparameters, threshold, CV figures),
    the comparison table (each classifier's best candidate on each combination) and `feature_gains`.
    """
    every = tuple(name for name in FEATURES if any(name in c for c in cfg.feature_choices))
    prepared = email_fields(cfg.preprocessing, every, cfg.vectorizer).transform(parsed_emails(messages))
    cv = CrossValidation(prepared, messages, cfg, seed, every)
    folds = {features: cv.folds(features) for features in cfg.feature_choices}
    searches = [(features, name) for features in folds for name in cfg.classifiers]
    results = selection.grids_on_fold_features(
        [(CLASSIFIERS[name](seed), cfg.classifiers[name], folds[features]) for features, name in searches],
        METRICS,
        n_jobs=-1,
        held_out_scores=True,
    )
    choices, bests, comparison = [], [], []
    for (features, name), (candidates, _) in zip(searches, results, strict=True):
        choices.append(selection.choice(candidates, METRICS[0], features=features, classifier=name))
        best = selection.best(candidates[f"mean_{METRICS[0]}"])
        bests.append(best)
        comparison.append(
            {
                "candidate": f"{name} on {' + '.join(features)}",
                "features": "+".join(features),
                "classifier": name,
                **{f"cv_{m}": candidates[f"mean_{m}"][best] for m in METRICS},
            }
        )
    comparison = pd.DataFrame(comparison)
    search = selection.best(comparison[f"cv_{METRICS[0]}"])
    chosen, (_, held_out) = choices[search], results[search]
    figures = cv.figures_of(held_out[bests[search]])
    fields = email_fields(cfg.preprocessing, chosen["features"], cfg.vectorizer)  # what the model reads
    vectors = _chosen_vectors(cfg, chosen, seed).fit(prepared, cv.is_spam)  # on every message
    return (
        spam_model(fields, vectors, figures["threshold"]),
        {**chosen, **figures},
        comparison,
        feature_gains(comparison, cfg, chosen["features"]),
    )


def _chosen_vectors(cfg: Params, choice: dict, seed: int) -> Pipeline:
    return vector_model(
        choice["classifier"], choice["features"], cfg.vectorizer, seed, **choice["hyperparameters"]
    )


def with_threshold(
    messages: pd.DataFrame, cfg: Params, choice: dict, seed: int, preprocessing: dict
) -> tuple[dict, FixedThresholdClassifier]:
    """The chosen model's CV figures at the threshold for the target precision, and the whole model fitted
    on every message, with other preprocessing settings."""
    features = tuple(choice["features"])
    fields = email_fields(preprocessing, features, cfg.vectorizer)
    prepared = fields.transform(parsed_emails(messages))
    cv, vectors = CrossValidation(prepared, messages, cfg, seed, features), _chosen_vectors(cfg, choice, seed)
    figures, fitted = cv.figures(  # the whole model fitted on every message while the pool fits the folds
        _classifier(choice["classifier"], seed, **choice["hyperparameters"]),
        features,
        lambda: vectors.fit(prepared, cv.is_spam),
    )
    return figures, spam_model(fields, fitted, figures["threshold"])


def feature_gains(comparison: pd.DataFrame, cfg: Params, chosen: tuple[str, ...]) -> pd.DataFrame:
    """What each automatic feature set adds to the chosen sets: the best CV average precision of any
    classifier (a row of `train`'s comparison) with it minus without it."""
    best = comparison.groupby("features")[f"cv_{METRICS[0]}"].max()
    rows = []
    for name in cfg.automatic:
        with_it = "+".join(f for f in FEATURES if f in chosen or f == name)
        without = "+".join(f for f in FEATURES if f in chosen and f != name)
        if without:
            rows.append(
                {
                    "feature": name,
                    "chosen": name in chosen,
                    "cv_average_precision_with": best[with_it],
                    "cv_average_precision_without": best[without],
                    "cv_average_precision_gain": best[with_it] - best[without],
                }
            )
    return pd.DataFrame(
        rows,
        columns=[
            "feature",
            "chosen",
            *(f"cv_average_precision_{end}" for end in ("with", "without", "gain")),
        ],
    )


def evaluate(
    model: FixedThresholdClassifier, messages: pd.DataFrame
) -> tuple[dict, pd.DataFrame, np.ndarray, pd.DataFrame]:
    """Test metrics at the model's threshold (overall and per corpus group), the precision-recall curve of its
    scores, its predictions, and the messages it gets wrong (`errors`)."""
    is_spam = messages["is_spam"].to_numpy()
    scores, predicted = scores_and_labels(model, parsed_emails(messages))
    precision, recall, _ = precision_recall_curve(is_spam, scores)
    metrics = {
        "threshold": model.threshold,
        **evaluation.binary_metrics(is_spam, predicted, scores),
        "groups": per_group(messages, predicted),
    }
    curve = pd.DataFrame({"recall": recall, "precision": precision})
    return metrics, curve, predicted, errors(messages, scores, predicted, model.threshold)


def errors(
    messages: pd.DataFrame, scores: np.ndarray, predicted: np.ndarray, threshold: float
) -> pd.DataFrame:
    """The messages a model gets wrong, false alarms first: each one's name (group/number), corpus group,
    subject (shortened), words and links in its body, and how far its score fell from the threshold."""
    wrong = predicted != messages["is_spam"].to_numpy()
    table = messages[wrong]
    return pd.DataFrame(
        {
            "message": table["id"].str.split(".").str[0].to_numpy(),
            "group": table["group"].to_numpy(),
            "error": np.where(table["is_spam"], "missed spam", "false alarm"),
            "subject": [" ".join(subject.split())[:SUBJECT_SHOWN] for subject in table["subject"]],
            "words": [len(body.split()) for body in table["body"]],
            "links": table["links"].to_numpy(),
            "score_minus_threshold": scores[wrong] - threshold,
        }
    ).sort_values(["error", "message"], kind="stable", ignore_index=True)


def scores_and_labels(model: FixedThresholdClassifier, parsed: Any) -> tuple[np.ndarray, np.ndarray]:
    """The model's scores of the messages and its predictions, from one pass over them (`predict` alone
    would prepare every message again): the positive class where the score reaches the threshold, the
    scores being those `spam_model` thresholds."""
    scores = selection.positive_scores(getattr(model, "estimator_", model.estimator), parsed)
    return scores, model.classes_[(scores >= model.threshold).astype(int)]


def per_group(messages: pd.DataFrame, predicted: np.ndarray) -> dict:
    """For each corpus group: its messages and, for ham, the false-alarm rate; for spam, the recall."""
    figures = {}
    for group, rows in messages.groupby("group", sort=False).indices.items():
        spam = bool(messages["is_spam"].iloc[rows[0]])
        rate = float(np.mean(predicted[rows]))
        figures[group] = {"messages": len(rows), "recall" if spam else "false_alarm_rate": rate}
    return figures
