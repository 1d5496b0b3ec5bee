"""An email's fields (words, word pairs, subject, character n-grams, structure), prepared once for every
candidate and fold, and the feature sets that turn them into vectors."""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from typing import Annotated, Any, Literal

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import MaxAbsScaler

from homl.core.params import Range
from homl.spam import parsing, text

STRUCTURE = ("log_length", "capitals", "html_only", "links", "images", "attachments", "exclamations")


URL_OR_LINK = re.compile(r"https?://|www\.", re.IGNORECASE)


@dataclasses.dataclass(frozen=True)
class VectorizerParams:
    vocabulary_size: Annotated[int, Range(1, None)]
    binary: bool
    tfidf: bool
    char_ngrams: tuple[
        Annotated[int, Range(1, text.MAX_CHAR_NGRAM)], Annotated[int, Range(1, text.MAX_CHAR_NGRAM)]
    ]
    char_vocabulary_size: Annotated[int, Range(1, None)]


def _words_vector(cfg: VectorizerParams) -> Pipeline:
    weighting = [TfidfTransformer(sublinear_tf=True)] if cfg.tfidf else []
    return make_pipeline(text.WordsToVector(cfg.vocabulary_size, cfg.binary), *weighting)


def _chars_vector(cfg: VectorizerParams) -> Pipeline:
    """As scikit-learn's TfidfVectorizer(analyzer="char_wb", max_features, sublinear_tf=True) would."""
    return make_pipeline(text.CodesToVector(cfg.char_vocabulary_size), TfidfTransformer(sublinear_tf=True))


# Each feature set: the columns of `EmailFields` it reads, and how they become vectors.
FEATURES = {
    "words": ("words", _words_vector),
    "word_bigrams": ("bigrams", _words_vector),
    "subject": ("subject", _words_vector),
    "chars": ("chars", _chars_vector),
    "structure": (list(STRUCTURE), lambda cfg: make_pipeline(MaxAbsScaler())),
}


AUTO = "auto"  # a feature set switched on or off by its gain in cross-validation


FeatureSwitches = dataclasses.make_dataclass(
    "FeatureSwitches", [(name, bool | Literal[AUTO]) for name in FEATURES], frozen=True
)


def structure(message: parsing.ParsedEmail) -> list[float]:
    """What the message's form says, `STRUCTURE` in order: length, share of capitals, HTML only, links,
    images, attachments, exclamation marks (counts as log(1 + n))."""
    visible = message.subject + "\n" + message.body
    letters = sum(map(str.isalpha, visible))
    capitals = sum(map(str.isupper, visible))
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
    """Parsed emails to a table of the fields the feature sets `features` read: `words` (word counts of
    `to_words`), `bigrams` (counts of neighbouring word pairs), `subject` (the subject's words, as a field
    of their own), `chars` (`text.char_ngrams` of the lowercased subject and body, `char_ngrams` long)
    and `STRUCTURE`.

    Stateless: done once for every candidate and fold of a search.

    Parameters
    ----------
    to_words : EmailToWords or None, default None (its defaults)
    char_ngrams : (int, int), default (3, 5)
    features : tuple of str, default every name of `FEATURES`

    Examples
    --------
    >>> from homl.spam import EmailFields, parse_email
    >>> fields = EmailFields(features=("subject", "structure")).transform([parse_email(b"Subject: Hi\\n\\nHello!")])
    >>> fields["subject"][0], int(fields["exclamations"][0] > 0)
    ({'subject:hi': 1}, 1)
    """

    def __init__(
        self,
        to_words: text.EmailToWords | None = None,
        char_ngrams: tuple[int, int] = (3, 5),
        features: tuple[str, ...] = tuple(FEATURES),
    ):
        self.to_words = to_words
        self.char_ngrams = char_ngrams
        self.features = features

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False  # parsed emails, not arrays
        tags.input_tags.string = True
        return tags

    def fit(self, X: Any, y: Any = None) -> EmailFields:
        return self

    def transform(self, X: list[parsing.ParsedEmail]) -> pd.DataFrame:
        to_words, wanted = self.to_words or text.EmailToWords(), set(self.features)
        fields = pd.DataFrame(index=range(len(X)))
        if wanted & {"words", "word_bigrams"}:
            tokens = [to_words.tokens(message) for message in X]
            if "words" in wanted:
                fields["words"] = [Counter(words) for words in tokens]
            if "word_bigrams" in wanted:
                fields["bigrams"] = [Counter(text.bigrams(words)) for words in tokens]
        if "subject" in wanted:
            fields["subject"] = [
                {f"subject:{word}": n for word, n in to_words.words_of(message.subject).items()}
                for message in X
            ]
        if "chars" in wanted:
            fields["chars"] = [
                text.char_ngrams((message.subject + "\n" + message.body).lower(), *self.char_ngrams)
                for message in X
            ]
        if "structure" in wanted:
            shape = pd.DataFrame([structure(message) for message in X], columns=list(STRUCTURE), dtype=float)
            fields = pd.concat([fields, shape], axis=1)
        return fields


def feature_vectors(features: tuple[str, ...], vectorizer: VectorizerParams) -> ColumnTransformer:
    """Email fields to the feature sets' vectors, side by side."""
    return ColumnTransformer(
        [(name, FEATURES[name][1](vectorizer), FEATURES[name][0]) for name in features], sparse_threshold=1.0
    )


def email_fields(preprocessing: dict, features: tuple[str, ...], vectorizer: VectorizerParams) -> EmailFields:
    """`EmailFields` for these feature sets, over `EmailToWords` with these settings."""
    return EmailFields(text.EmailToWords(**preprocessing), tuple(vectorizer.char_ngrams), tuple(features))


def messages_table(parsed: list[parsing.ParsedEmail], table: pd.DataFrame) -> pd.DataFrame:
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
    field.name for field in dataclasses.fields(parsing.ParsedEmail) if field.name != "beyond_limits"
]


def parsed_emails(table: pd.DataFrame) -> list[parsing.ParsedEmail]:
    """The rows of a `messages_table` as `ParsedEmail`s."""
    columns = [table[name].tolist() for name in PARSED_COLUMNS]
    return [
        parsing.ParsedEmail(**dict(zip(PARSED_COLUMNS, row, strict=True)))
        for row in zip(*columns, strict=True)
    ]
