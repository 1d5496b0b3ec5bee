"""Spam models: an email's fields (words, subject, characters, structure) prepared once, vectors, classifiers
grid-searched by group-aware CV, and a decision threshold for a target precision."""

from __future__ import annotations

import dataclasses
import re
from typing import Annotated, Any, Literal

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfTransformer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, precision_recall_curve
from sklearn.model_selection import FixedThresholdClassifier
from sklearn.naive_bayes import MultinomialNB
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import MaxAbsScaler
from sklearn.svm import LinearSVC

from homl import evaluation, near_duplicates, params, selection, text
from homl.params import Range

CLASSIFIERS = {
    "naive_bayes": lambda seed: MultinomialNB(),
    "logistic_regression": lambda seed: LogisticRegression(max_iter=5000),
    "linear_svm": lambda seed: LinearSVC(random_state=seed, max_iter=10000),
}
METRICS = ("average_precision", "precision", "recall")  # the first chooses
STRUCTURE = ("log_length", "capitals", "html_only", "links", "images", "attachments", "exclamations")
# Each feature set: the fields it reads (columns of `EmailFields`) and how they become vectors.
FEATURES = {
    "words": lambda cfg: (_words_vector(cfg), "words"),
    "subject": lambda cfg: (_words_vector(cfg), "subject"),
    "chars": lambda cfg: (
        TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=tuple(cfg.char_ngrams),
            max_features=cfg.char_vocabulary_size,
            sublinear_tf=True,
            dtype=np.float64,
        ),
        "text",
    ),
    "structure": lambda cfg: (MaxAbsScaler(), list(STRUCTURE)),
}
URL_OR_LINK = re.compile(r"https?://|www\.", re.IGNORECASE)


@dataclasses.dataclass(frozen=True)
class VectorizerParams:
    vocabulary_size: Annotated[int, Range(1, None)]
    binary: bool
    tfidf: bool
    char_ngrams: tuple[Annotated[int, Range(1, 10)], Annotated[int, Range(1, 10)]]
    char_vocabulary_size: Annotated[int, Range(1, None)]


FeatureSwitches = dataclasses.make_dataclass(
    "FeatureSwitches", [(name, bool) for name in (*FEATURES, "word_bigrams")], frozen=True
)


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
    def switched_on(self) -> tuple[str, ...]:
        """The feature sets switched on, in `FEATURES` order."""
        return tuple(name for name in FEATURES if getattr(self.features, name))

    @property
    def features_on(self) -> tuple[str, ...]:
        """Every switch that is on: the feature sets, then word bigrams."""
        return self.switched_on + (("word_bigrams",) if self.features.word_bigrams else ())


def structure(message: text.ParsedEmail) -> list[float]:
    """What the message's form says, `STRUCTURE` in order: length, share of capitals, HTML only, links,
    images, attachments, exclamation marks (counts as log(1 + n))."""
    visible = message.subject + "\n" + message.body
    letters = sum(ch.isalpha() for ch in visible)
    capitals = sum(ch.isupper() for ch in visible)
    return [
        np.log1p(len(visible)),
        capitals / letters if letters else 0.0,
        float(message.html_parts > 0 and message.text_parts == 0),
        np.log1p(message.links + len(URL_OR_LINK.findall(message.body))),
        np.log1p(message.images),
        np.log1p(message.attachments),
        np.log1p(visible.count("!")),
    ]


class EmailFields(TransformerMixin, BaseEstimator):
    """Parsed emails to a table of fields: `words` (word counts of `to_words`), `subject` (the subject's words,
    as a field of their own), `text` (subject and body, lowercased, for character n-grams) and `STRUCTURE`.

    Stateless: done once for every candidate and fold of a search.
    """

    def __init__(self, to_words: text.EmailToWords | None = None):
        self.to_words = to_words

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False  # parsed emails, not arrays
        tags.input_tags.string = True
        return tags

    def fit(self, X: Any, y: Any = None) -> EmailFields:
        return self

    def transform(self, X: list[text.ParsedEmail]) -> pd.DataFrame:
        to_words = self.to_words or text.EmailToWords()
        fields = pd.DataFrame(
            {
                "words": [to_words.words(message) for message in X],
                "subject": [
                    {f"subject:{word}": n for word, n in to_words.words_of(message.subject).items()}
                    for message in X
                ],
                "text": [(message.subject + "\n" + message.body).lower() for message in X],
            }
        )
        shape = pd.DataFrame([structure(message) for message in X], columns=list(STRUCTURE), dtype=float)
        return pd.concat([fields, shape.reindex(fields.index)], axis=1)


def _words_vector(cfg: VectorizerParams) -> Pipeline:
    weighting = [TfidfTransformer(sublinear_tf=True)] if cfg.tfidf else []
    return make_pipeline(text.WordsToVector(cfg.vocabulary_size, cfg.binary), *weighting)


def feature_vectors(features: tuple[str, ...], vectorizer: VectorizerParams) -> ColumnTransformer:
    """Email fields to the switched-on feature sets' vectors, side by side."""
    return ColumnTransformer([(name, *FEATURES[name](vectorizer)) for name in features], sparse_threshold=1.0)


def vector_model(
    classifier: str,
    features: tuple[str, ...],
    vectorizer: VectorizerParams,
    seed: int,
    **hyperparameters: Any,
) -> Pipeline:
    """Email fields to the switched-on feature sets' vectors, side by side, to the classifier."""
    model = CLASSIFIERS[classifier](seed).set_params(**hyperparameters)
    return Pipeline([("vectors", feature_vectors(features, vectorizer)), (selection.CLASSIFIER_STEP, model)])


def email_fields(preprocessing: dict, word_bigrams: bool) -> EmailFields:
    """`EmailFields` over `EmailToWords` with these settings."""
    return EmailFields(text.EmailToWords(**preprocessing, word_bigrams=word_bigrams))


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


def train(
    messages: pd.DataFrame, cfg: Params, seed: int
) -> tuple[FixedThresholdClassifier, dict, pd.DataFrame]:
    """Grid-search every classifier by group-aware CV on fields prepared once, keep the best by CV average
    precision, and set its threshold for the target precision on cross-validated scores.

    Returns the whole model, its choice (classifier, hyperparameters, threshold, CV figures) and the
    comparison table (each classifier's best candidate).
    """
    is_spam, copies = messages["is_spam"].to_numpy(), messages["copy_group"].to_numpy()
    fields = email_fields(cfg.preprocessing, cfg.features.word_bigrams)
    prepared = fields.transform(parsed_emails(messages))
    cv = selection.folds(cfg.cv.folds, seed, grouped=True)
    vectors = feature_vectors(cfg.switched_on, cfg.vectorizer)
    folds = selection.fold_features(vectors, prepared, is_spam, cv, groups=copies)
    choices, comparison = [], []
    for name, grid in cfg.classifiers.items():
        candidates = selection.grid_on_fold_features(CLASSIFIERS[name](seed), grid, folds, METRICS)
        choices.append(selection.choice(candidates, METRICS[0], classifier=name))
        best = selection.best(candidates[f"mean_{METRICS[0]}"])
        comparison.append({"classifier": name, **{f"cv_{m}": candidates[f"mean_{m}"][best] for m in METRICS}})
    comparison = pd.DataFrame(comparison)
    chosen = choices[selection.best(comparison[f"cv_{METRICS[0]}"])]
    figures, model = with_threshold(messages, cfg, chosen, seed, prepared=prepared)
    return model, {**chosen, "features": cfg.features_on, **figures}, comparison


def with_threshold(
    messages: pd.DataFrame,
    cfg: Params,
    choice: dict,
    seed: int,
    preprocessing: dict | None = None,
    features: tuple[str, ...] | None = None,
    word_bigrams: bool | None = None,
    refit: bool = True,
    prepared: pd.DataFrame | None = None,
) -> tuple[dict, FixedThresholdClassifier | None]:
    """The chosen classifier's cross-validated scores (group-aware), the threshold they give for the target
    precision and the CV figures there; and, when `refit`, the whole model fitted on every message.
    Preprocessing, features and bigrams default to `cfg`'s; `prepared`
    passes the messages' fields when they were already made with those settings."""
    is_spam, copies = messages["is_spam"].to_numpy(), messages["copy_group"].to_numpy()
    preprocessing = cfg.preprocessing if preprocessing is None else preprocessing
    bigrams = cfg.features.word_bigrams if word_bigrams is None else word_bigrams
    fields = email_fields(preprocessing, bigrams)
    if prepared is None:
        prepared = fields.transform(parsed_emails(messages))
    features = cfg.switched_on if features is None else features
    model = vector_model(choice["classifier"], features, cfg.vectorizer, seed, **choice["hyperparameters"])
    cv = selection.folds(cfg.cv.folds, seed, grouped=True)
    scores = selection.cross_validated_scores(model, prepared, is_spam, cv, groups=copies)
    threshold = threshold_for_precision(is_spam, scores, cfg.target_precision)
    figures = {
        "cv_average_precision_of_scores": float(average_precision_score(is_spam, scores)),
        "threshold": threshold,
        "cv_precision_at_threshold": float(is_spam[scores >= threshold].mean()),
        "cv_recall_at_threshold": float((scores[is_spam] >= threshold).mean()),
    }
    if not refit:
        return figures, None
    return figures, spam_model(fields, model.fit(prepared, is_spam), threshold)


def feature_gains(messages: pd.DataFrame, cfg: Params, choice: dict, seed: int) -> pd.DataFrame:
    """Each feature set's gain for the chosen classifier: the CV figures with every switched-on feature
    minus those without it (word bigrams: with them minus without)."""
    parsed, bigrams = parsed_emails(messages), cfg.features.word_bigrams
    prepared = {
        with_bigrams: email_fields(cfg.preprocessing, with_bigrams).transform(parsed)
        for with_bigrams in {bigrams, False}
    }
    full, _ = with_threshold(messages, cfg, choice, seed, refit=False, prepared=prepared[bigrams])
    features = cfg.switched_on
    variants = {
        name: {"features": tuple(f for f in features if f != name), "word_bigrams": bigrams}
        for name in features
        if len(features) > 1
    }
    if bigrams:
        variants["word_bigrams"] = {"word_bigrams": False}
    rows = []
    for name, variant in variants.items():
        fields = prepared[variant["word_bigrams"]]
        without, _ = with_threshold(messages, cfg, choice, seed, refit=False, prepared=fields, **variant)
        rows.append(
            {
                "feature": name,
                "cv_average_precision_gain": full["cv_average_precision_of_scores"]
                - without["cv_average_precision_of_scores"],
                "cv_recall_without": without["cv_recall_at_threshold"],
                "recall_gain": full["cv_recall_at_threshold"] - without["cv_recall_at_threshold"],
            }
        )
    return pd.DataFrame(rows)


def evaluate(
    model: FixedThresholdClassifier, messages: pd.DataFrame
) -> tuple[dict, pd.DataFrame, np.ndarray]:
    """Test metrics at the model's threshold (overall and per corpus group), the precision-recall curve of its
    scores, and its predictions."""
    is_spam = messages["is_spam"].to_numpy()
    parsed = parsed_emails(messages)
    predicted, scores = model.predict(parsed), selection.positive_scores(model.estimator, parsed)
    precision, recall, _ = precision_recall_curve(is_spam, scores)
    metrics = {
        "threshold": model.threshold,
        **evaluation.binary_metrics(is_spam, predicted, scores),
        "groups": per_group(messages, predicted),
    }
    return metrics, pd.DataFrame({"recall": recall, "precision": precision}), predicted


def per_group(messages: pd.DataFrame, predicted: np.ndarray) -> dict:
    """For each corpus group: its messages and, for ham, the false-alarm rate; for spam, the recall."""
    figures = {}
    for group, rows in messages.groupby("group", sort=False).indices.items():
        spam = bool(messages["is_spam"].iloc[rows[0]])
        rate = float(np.mean(predicted[rows]))
        figures[group] = {"messages": len(rows), "recall" if spam else "false_alarm_rate": rate}
    return figures


def messages_table(parsed: list[text.ParsedEmail], table: pd.DataFrame) -> pd.DataFrame:
    """The parsed messages beside the columns of the raw table that a split needs."""
    columns = {name: [getattr(message, name) for message in parsed] for name in PARSED_COLUMNS}
    return pd.DataFrame(
        {
            "id": table["id"].to_numpy(),
            "group": table["group"].to_numpy(),
            "is_spam": table["is_spam"].to_numpy(),
            **columns,
        }
    )


PARSED_COLUMNS = [
    field.name for field in dataclasses.fields(text.ParsedEmail) if field.name != "beyond_limits"
]


def parsed_emails(table: pd.DataFrame) -> list[text.ParsedEmail]:
    """The rows of a `messages_table` as `ParsedEmail`s."""
    columns = [table[name].tolist() for name in PARSED_COLUMNS]
    return [
        text.ParsedEmail(**dict(zip(PARSED_COLUMNS, row, strict=True))) for row in zip(*columns, strict=True)
    ]
