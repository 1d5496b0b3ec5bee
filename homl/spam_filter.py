"""Spam classifiers over word vectors: grid search on words tokenized once, and a threshold for a target precision."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any, Literal

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import precision_recall_curve
from sklearn.model_selection import FixedThresholdClassifier
from sklearn.naive_bayes import MultinomialNB
from sklearn.pipeline import Pipeline
from sklearn.svm import LinearSVC

from homl import evaluation, params, selection, text
from homl.params import Range

CLASSIFIERS = {
    "naive_bayes": lambda seed: MultinomialNB(),
    "logistic_regression": lambda seed: LogisticRegression(max_iter=5000),
    "linear_svm": lambda seed: LinearSVC(random_state=seed, max_iter=10000),
}
METRICS = ("average_precision", "precision", "recall")  # the first chooses


@dataclasses.dataclass(frozen=True)
class VectorizerParams:
    vocabulary_size: Annotated[int, Range(1, None)]
    binary: bool
    tfidf: bool


@dataclasses.dataclass(frozen=True)
class Params:
    """params.yaml's `spam`: split, preprocessing (`text.EmailToWords`), vectorizer, CV, each classifier's grid."""

    split: selection.SplitParams
    preprocessing: dict[str, Any]
    vectorizer: VectorizerParams
    cv: selection.CVParams
    classifiers: dict[Literal[tuple(CLASSIFIERS)], dict[str, list]]
    target_precision: Annotated[float, Range(0.5, 1)]

    def __post_init__(self):
        params.check_settings("spam.preprocessing", text.EmailToWords(), self.preprocessing)
        estimators = {name: CLASSIFIERS[name](0) for name in self.classifiers}
        params.check_grids("spam.classifiers", estimators, self.classifiers)


def vector_model(
    classifier: str, vocabulary_size: int, binary: bool, tfidf: bool, seed: int, **hyperparameters: Any
) -> Pipeline:
    """Word counts to vector (optionally tf-idf weighted: log counts, idf, unit length) to classifier."""
    weighting = [("tfidf", TfidfTransformer(sublinear_tf=True))] if tfidf else []
    return Pipeline(
        [
            ("vector", text.WordsToVector(vocabulary_size, binary)),
            *weighting,
            (selection.CLASSIFIER_STEP, CLASSIFIERS[classifier](seed).set_params(**hyperparameters)),
        ]
    )


def threshold_for_precision(is_spam: np.ndarray, scores: np.ndarray, target_precision: float) -> float:
    """The lowest score threshold whose precision reaches `target_precision` (so recall is highest)."""
    precision, _, thresholds = precision_recall_curve(is_spam, scores)
    reaching = np.flatnonzero(precision[:-1] >= target_precision)
    if not len(reaching):
        raise ValueError(f"no threshold reaches precision {target_precision}")
    return float(thresholds[reaching[0]])


def spam_model(preprocessing: dict, fitted: Pipeline, threshold: float) -> FixedThresholdClassifier:
    """The whole model, from parsed emails to 1 for spam: words, then the fitted vector model at `threshold`."""
    whole = Pipeline([("words", text.EmailToWords(**preprocessing)), *fitted.steps])
    return FixedThresholdClassifier(
        whole, threshold=threshold, response_method=selection.response_method(fitted)
    )


def train(
    messages: pd.DataFrame, cfg: Params, seed: int
) -> tuple[FixedThresholdClassifier, dict, pd.DataFrame]:
    """Grid-search every classifier by CV on words tokenized once, keep the best by CV average precision,
    and set its threshold for the target precision on cross-validated scores.

    Returns the whole model, its choice (classifier, hyperparameters, threshold, CV figures) and the
    comparison table (each classifier's best candidate).
    """
    is_spam = messages["is_spam"].to_numpy()
    words = text.EmailToWords(**cfg.preprocessing).transform(parsed_emails(messages))
    cv = selection.folds(cfg.cv.folds, seed)
    vectorizer = dataclasses.asdict(cfg.vectorizer)
    choices, comparison, fitted = [], [], {}
    for name, grid in cfg.classifiers.items():
        search = selection.grid_search(
            vector_model(name, seed=seed, **vectorizer), grid, cv, METRICS, words, is_spam
        )
        candidates = selection.candidates(search)
        choices.append(selection.choice(candidates, METRICS[0], classifier=name))
        comparison.append(
            {"classifier": name, **{f"cv_{m}": candidates[f"mean_{m}"][search.best_index_] for m in METRICS}}
        )
        fitted[name] = search.best_estimator_
    comparison = pd.DataFrame(comparison)
    chosen = choices[selection.best(comparison[f"cv_{METRICS[0]}"])]
    model = fitted[chosen["classifier"]]
    scores = selection.cross_validated_scores(model, words, is_spam, cv)
    threshold = threshold_for_precision(is_spam, scores, cfg.target_precision)
    choice = {
        **chosen,
        "threshold": threshold,
        "cv_precision_at_threshold": float(is_spam[scores >= threshold].mean()),
        "cv_recall_at_threshold": float((scores[is_spam] >= threshold).mean()),
    }
    return spam_model(cfg.preprocessing, model, threshold), choice, comparison


def evaluate(
    model: FixedThresholdClassifier, messages: pd.DataFrame
) -> tuple[dict, pd.DataFrame, np.ndarray]:
    """Test metrics at the model's threshold, the precision-recall curve of its scores, and its predictions."""
    is_spam = messages["is_spam"].to_numpy()
    parsed = parsed_emails(messages)
    predicted, scores = model.predict(parsed), selection.positive_scores(model.estimator, parsed)
    precision, recall, _ = precision_recall_curve(is_spam, scores)
    metrics = {"threshold": model.threshold, **evaluation.binary_metrics(is_spam, predicted, scores)}
    return metrics, pd.DataFrame({"recall": recall, "precision": precision}), predicted


def messages_table(parsed: list[text.ParsedEmail], table: pd.DataFrame) -> pd.DataFrame:
    """The parsed messages beside the columns of the raw table that a split needs."""
    return pd.DataFrame(
        {
            "id": table["id"].to_numpy(),
            "group": table["group"].to_numpy(),
            "is_spam": table["is_spam"].to_numpy(),
            "subject": [message.subject for message in parsed],
            "headers": [message.headers for message in parsed],
            "body": [message.body for message in parsed],
            "defects": [message.defects for message in parsed],
        }
    )


def parsed_emails(table: pd.DataFrame) -> list[text.ParsedEmail]:
    """The rows of a `messages_table` as `ParsedEmail`s."""
    return [
        text.ParsedEmail(subject, headers, body, defects)
        for subject, headers, body, defects in zip(
            table["subject"], table["headers"], table["body"], table["defects"], strict=True
        )
    ]
