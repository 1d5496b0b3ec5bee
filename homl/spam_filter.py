"""Spam classifiers over word vectors: grid search on words tokenized once, and a threshold for a target precision."""

from __future__ import annotations

import dataclasses
from collections import Counter
from typing import Any

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import precision_recall_curve
from sklearn.model_selection import FixedThresholdClassifier, GridSearchCV, StratifiedKFold, cross_val_predict
from sklearn.naive_bayes import MultinomialNB
from sklearn.pipeline import Pipeline
from sklearn.svm import LinearSVC

from homl import evaluation, params, text

CLASSIFIERS = {
    "naive_bayes": lambda seed: MultinomialNB(),
    "logistic_regression": lambda seed: LogisticRegression(max_iter=5000),
    "linear_svm": lambda seed: LinearSVC(random_state=seed, max_iter=10000),
}


def vector_model(
    classifier: str, vocabulary_size: int, binary: bool, tfidf: bool, seed: int, **hyperparameters: Any
) -> Pipeline:
    """Word counts to vector (optionally tf-idf weighted: log counts, idf, unit length) to classifier."""
    weighting = [("tfidf", TfidfTransformer(sublinear_tf=True))] if tfidf else []
    return Pipeline(
        [
            ("vector", text.WordsToVector(vocabulary_size, binary)),
            *weighting,
            (evaluation.CLASSIFIER_STEP, CLASSIFIERS[classifier](seed).set_params(**hyperparameters)),
        ]
    )


def grid_search(
    words: list[Counter], is_spam: np.ndarray, classifier: str, grid: dict[str, list], vectorizer: dict, cv
) -> GridSearchCV:
    """Grid-search one classifier by CV average precision, on messages already turned into words.

    Tokenizing is stateless, so it is done once for every candidate and fold; only the vocabulary and the
    classifier are fitted per fold.
    """
    search = GridSearchCV(
        vector_model(classifier, seed=cv.random_state, **vectorizer),
        evaluation.classifier_grid(grid),
        cv=cv,
        scoring={"average_precision": "average_precision", "precision": "precision", "recall": "recall"},
        refit="average_precision",
        n_jobs=-1,
        error_score="raise",
    )
    return search.fit(words, is_spam)


def _response_method(model: Any) -> str:
    return "decision_function" if hasattr(model, "decision_function") else "predict_proba"


def spam_scores(model: Any, X: Any) -> np.ndarray:
    """A score that grows with spamminess: the decision function, or the probability of spam."""
    scores = getattr(model, _response_method(model))(X)
    return scores if scores.ndim == 1 else scores[:, 1]


def threshold_for_precision(is_spam: np.ndarray, scores: np.ndarray, target_precision: float) -> float:
    """The lowest score threshold whose precision reaches `target_precision` (so recall is highest)."""
    precision, _, thresholds = precision_recall_curve(is_spam, scores)
    reaching = np.flatnonzero(precision[:-1] >= target_precision)
    if not len(reaching):
        raise ValueError(f"no threshold reaches precision {target_precision}")
    return float(thresholds[reaching[0]])


def cross_validated_scores(model: Pipeline, words: list[Counter], is_spam: np.ndarray, cv) -> np.ndarray:
    """Each training message's score from the fold in which it was held out."""
    scores = cross_val_predict(model, words, is_spam, cv=cv, method=_response_method(model), n_jobs=-1)
    return scores if scores.ndim == 1 else scores[:, 1]


def spam_model(preprocessing: dict, fitted: Pipeline, threshold: float) -> FixedThresholdClassifier:
    """The whole model, from parsed emails to 1 for spam: words, then the fitted vector model at `threshold`."""
    whole = Pipeline([("words", text.EmailToWords(**preprocessing)), *fitted.steps])
    return FixedThresholdClassifier(whole, threshold=threshold, response_method=_response_method(fitted))


def train(
    messages: pd.DataFrame,
    preprocessing: dict,
    vectorizer: dict,
    grids: dict[str, dict],
    cv: StratifiedKFold,
    target_precision: float,
) -> tuple[FixedThresholdClassifier, dict, pd.DataFrame]:
    """Grid-search every classifier, keep the best by CV average precision, set its threshold by CV.

    Returns the whole model, a report (choice, threshold, CV figures) and the comparison table.
    """
    is_spam = messages["is_spam"].to_numpy()
    words = text.EmailToWords(**preprocessing).transform(parsed_emails(messages))
    searches = {name: grid_search(words, is_spam, name, grid, vectorizer, cv) for name, grid in grids.items()}
    comparison = pd.DataFrame(
        [
            {
                "classifier": name,
                **{
                    f"cv_{metric}": search.cv_results_[f"mean_test_{metric}"][search.best_index_]
                    for metric in ("average_precision", "precision", "recall")
                },
            }
            for name, search in sorted(searches.items())
        ]
    )
    chosen = comparison.sort_values(["cv_average_precision", "classifier"], ascending=[False, True]).iloc[0]
    search = searches[chosen["classifier"]]
    scores = cross_validated_scores(search.best_estimator_, words, is_spam, cv)
    threshold = threshold_for_precision(is_spam, scores, target_precision)
    report = {
        "classifier": chosen["classifier"],
        "hyperparameters": evaluation.best_hyperparameters(search),
        "threshold": threshold,
        "cv_precision_at_threshold": float(is_spam[scores >= threshold].mean()),
        "cv_recall_at_threshold": float((scores[is_spam] >= threshold).mean()),
    }
    return spam_model(preprocessing, search.best_estimator_, threshold), report, comparison


def train_as_configured(
    messages: pd.DataFrame, cfg: params.Spam
) -> tuple[FixedThresholdClassifier, dict, pd.DataFrame]:
    """`train` with every setting taken from the `spam` section of params.yaml."""
    return train(
        messages,
        dataclasses.asdict(cfg.preprocessing),
        dataclasses.asdict(cfg.vectorizer),
        {name: dataclasses.asdict(grid) for name, grid in vars(cfg.classifiers).items()},
        evaluation.stratified_folds(cfg.cv.folds, cfg.cv.seed),
        cfg.target_precision,
    )


def evaluate(
    model: FixedThresholdClassifier, messages: pd.DataFrame
) -> tuple[dict, pd.DataFrame, np.ndarray]:
    """Test metrics at the model's threshold, the precision-recall curve of its scores, and its predictions."""
    is_spam = messages["is_spam"].to_numpy()
    parsed = parsed_emails(messages)
    predicted, scores = model.predict(parsed), spam_scores(model.estimator, parsed)
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
