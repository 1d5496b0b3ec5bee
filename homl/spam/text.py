"""The spam preprocessing: parsed emails to words, words and character n-grams to sparse vectors."""

from __future__ import annotations

import functools
import itertools
import re
from collections import Counter
from collections.abc import Iterable
from numbers import Integral
from typing import Any

import numpy as np
import Stemmer
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin

from homl.core.sklearn_private import Interval
from homl.spam.parsing import ParsedEmail

URL = re.compile(r"(?:https?://|ftp://|www\.)[^\s<>\"')\]]+", re.IGNORECASE)
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
WORD = re.compile(r"\w+|[^\w\s]")  # a word, or one punctuation mark
WORD_CHARACTERS = re.compile(r"\w+")  # the words alone: punctuation separates them as a space would


def _tags(tags, **input_kinds):
    """scikit-learn's tags for a transformer of other inputs than arrays: its array checks do not apply."""
    tags.input_tags.two_d_array = False
    for kind, value in input_kinds.items():
        setattr(tags.input_tags, kind, value)
    return tags


class EmailToWords(TransformerMixin, BaseEstimator):
    """Turn parsed emails into word counts (one `Counter` a message); stateless, so `fit` learns nothing.

    Parameters
    ----------
    strip_headers : bool, default True
        Keep the subject, drop every other header.
    lowercase : bool, default True
    remove_punctuation : bool, default True
        Otherwise each punctuation mark is a word.
    replace_urls : bool, default True
        Each URL becomes the word "URL".
    replace_numbers : bool, default True
        Each number becomes the word "NUMBER".
    stemming : bool, default True
        Snowball's English stemmer.

    Examples
    --------
    >>> from homl.spam import EmailToWords, parse_email
    >>> message = parse_email(b"Subject: Win 1000 dollars\\n\\nVisit http://spam.example.org now!")
    >>> sorted(EmailToWords().words(message).items())
    [('NUMBER', 1), ('URL', 1), ('dollar', 1), ('now', 1), ('visit', 1), ('win', 1)]
    """

    _parameter_constraints = dict.fromkeys(
        [
            "strip_headers",
            "lowercase",
            "remove_punctuation",
            "replace_urls",
            "replace_numbers",
            "stemming",
        ],
        ["boolean"],
    )

    def __init__(
        self,
        strip_headers: bool = True,
        lowercase: bool = True,
        remove_punctuation: bool = True,
        replace_urls: bool = True,
        replace_numbers: bool = True,
        stemming: bool = True,
    ):
        self.strip_headers = strip_headers
        self.lowercase = lowercase
        self.remove_punctuation = remove_punctuation
        self.replace_urls = replace_urls
        self.replace_numbers = replace_numbers
        self.stemming = stemming

    def __sklearn_tags__(self):
        return _tags(super().__sklearn_tags__(), string=True)

    def fit(self, X: Iterable[ParsedEmail], y: Any = None) -> EmailToWords:
        return self

    def transform(self, X: Iterable[ParsedEmail]) -> list[Counter]:
        return [self.words(message) for message in X]

    def words(self, message: ParsedEmail) -> Counter:
        return Counter(self.tokens(message))

    def tokens(self, message: ParsedEmail) -> list[str]:
        """The message's words in order, preprocessed as the parameters say."""
        text = message.subject + "\n" + message.body
        if not self.strip_headers:
            text = message.headers + "\n" + text
        return self.tokens_of(text)

    def words_of(self, text: str) -> Counter:
        """The words of any text, preprocessed as the parameters say."""
        return Counter(self.tokens_of(text))

    def tokens_of(self, text: str) -> list[str]:
        """The words of any text in order, preprocessed as the parameters say."""
        if self.lowercase:
            text = text.lower()
        if self.replace_urls:
            text = URL.sub(" URL ", text)
        if self.replace_numbers:
            text = NUMBER.sub(" NUMBER ", text)
        tokens = (WORD_CHARACTERS if self.remove_punctuation else WORD).findall(text)
        return [_stem(token) for token in tokens] if self.stemming else tokens


def bigrams(tokens: list[str]) -> Iterable[str]:
    """Each pair of neighbouring words, as one word "first second"."""
    return (f"{first} {second}" for first, second in itertools.pairwise(tokens))


@functools.lru_cache(maxsize=1 << 18)
def _stem(word: str) -> str:
    if word in ("URL", "NUMBER"):
        return word
    return _STEMMER.stemWord(word)


_STEMMER = Stemmer.Stemmer("english")


class _FrequentVocabulary(TransformerMixin, BaseEstimator):
    """Counts over a vocabulary of the `vocabulary_size` keys most frequent in `fit`; unknown keys dropped."""

    def fit(self, X: list, y: Any = None) -> _FrequentVocabulary:
        self.vocabulary_ = self._vocabulary(*self._totals(X), self.vocabulary_size)
        return self

    def transform(self, X: list) -> sparse.csr_matrix:
        return self._values(self._counts(X, self.vocabulary_))

    def fit_transform(self, X: list, y: Any = None) -> sparse.csr_matrix:
        """`fit(X).transform(X)`, from one count of every key of `X`."""
        every, keys, columns_of = self._every(X)
        self.vocabulary_, kept = self._kept(_column_totals(every), keys, columns_of, every)
        return self._values(kept)

    def fold_transforms(self, X: list, splits: Iterable[tuple]) -> list[tuple]:
        """For each (training rows, held-out rows): what this vectorizer fitted on the training rows makes
        of both, from one count of every key of `X` (each fold's vocabulary chosen by its column totals)."""
        every, keys, columns_of = self._every(X)
        transforms = []
        for train, valid in splits:
            _, kept = self._kept(_column_totals(every[train]), keys, columns_of, every)
            transforms.append((self._values(kept[train]), self._values(kept[valid])))
        return transforms

    def _every(self, X: list) -> tuple[sparse.csr_matrix, np.ndarray, Any]:
        """Every row's count of every key of `X`, the keys (columns) and a lookup of their columns."""
        import pandas as pd

        which, keys, counts, lengths = self._factorized(X)
        indptr = np.concatenate(([0], np.cumsum(lengths)))
        return sparse.csr_matrix((counts, which, indptr), shape=(len(X), len(keys))), keys, pd.Index(keys)

    def _kept(self, totals, keys, columns_of, every) -> tuple[Any, sparse.csr_matrix]:
        """The vocabulary chosen by the keys' `totals`, and the columns of `every` it keeps."""
        seen = totals > 0
        vocabulary = self._vocabulary(keys[seen], totals[seen], self.vocabulary_size)
        return vocabulary, every[:, columns_of.get_indexer(self._keys(vocabulary))]

    def _totals(self, X: list) -> tuple[np.ndarray, np.ndarray]:
        which, distinct, counts, _ = self._factorized(X)
        return distinct, np.bincount(which, weights=counts, minlength=len(distinct))

    def _factorized(self, X: list) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[int]]:
        """Every row's keys end to end as positions in the distinct keys, the distinct keys, the counts and
        each row's number of keys."""
        import pandas as pd

        keys, counts, lengths = self._flat(X)
        which, distinct = pd.factorize(keys)
        return which, distinct, counts, lengths

    def _values(self, counts: sparse.csr_matrix) -> sparse.csr_matrix:
        counts.sort_indices()
        return counts


class WordsToVector(_FrequentVocabulary):
    """Word counts to a sparse matrix over the `vocabulary_size` most frequent words seen in `fit`.

    Parameters
    ----------
    vocabulary_size : int, default 5000
    binary : bool, default True
        Word presence (0/1); False: counts.

    Attributes
    ----------
    vocabulary_ : dict
        Each kept word's column. Unknown words are dropped.

    Examples
    --------
    >>> from collections import Counter
    >>> from homl.spam import WordsToVector
    >>> vectors = WordsToVector(vocabulary_size=2, binary=False).fit([Counter(a=3, b=1), Counter(a=1, c=2)])
    >>> vectors.transform([Counter(a=1, c=5, z=9)]).toarray()
    array([[1., 5.]])
    """

    _parameter_constraints = {
        "vocabulary_size": [Interval(Integral, 1, None, closed="left")],
        "binary": ["boolean"],
    }

    def __init__(self, vocabulary_size: int = 5000, binary: bool = True):
        self.vocabulary_size = vocabulary_size
        self.binary = binary

    def __sklearn_tags__(self):
        return _tags(super().__sklearn_tags__(), dict=True)

    @staticmethod
    def _flat(X: list[Counter]) -> tuple[np.ndarray, np.ndarray, list[int]]:
        words = np.array(list(itertools.chain.from_iterable(X)), dtype=object)
        counts = np.fromiter(itertools.chain.from_iterable(c.values() for c in X), np.float64, len(words))
        return words, counts, [len(c) for c in X]

    @staticmethod
    def _vocabulary(distinct: np.ndarray, totals: np.ndarray, size: int) -> dict[str, int]:
        if len(totals) > size:  # only words as frequent as the last one kept can be kept
            cutoff = np.partition(totals, len(totals) - size)[len(totals) - size]
            distinct, totals = distinct[totals >= cutoff], totals[totals >= cutoff]
        # Most frequent first, ties by the word itself, so the vocabulary does not depend on input order.
        ranked = sorted(
            zip(distinct.tolist(), totals.tolist(), strict=True), key=lambda item: (-item[1], item[0])
        )
        return {word: index for index, (word, _) in enumerate(ranked[:size])}

    @staticmethod
    def _keys(vocabulary: dict[str, int]) -> np.ndarray:
        return np.array(list(vocabulary), dtype=object)  # the dict is in column order

    @staticmethod
    def _counts(X: list[Counter], vocabulary: dict[str, int]) -> sparse.csr_matrix:
        rows, columns, values = [], [], []
        for row, counts in enumerate(X):
            for word, count in counts.items():
                column = vocabulary.get(word)
                if column is not None:
                    rows.append(row)
                    columns.append(column)
                    values.append(count)
        shape = (len(X), len(vocabulary))
        return sparse.csr_matrix((np.array(values, dtype=np.float64), (rows, columns)), shape=shape)

    def _values(self, counts: sparse.csr_matrix) -> sparse.csr_matrix:
        if self.binary:
            counts.data[:] = 1
        return super()._values(counts)

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        return self._keys(self.vocabulary_)


CHAR_BITS = 12  # bits of one character in an n-gram's code: code points past 4093 share one code
MAX_CHAR_NGRAM = 63 // CHAR_BITS  # the longest n-gram an int64 code holds
_LAST_SYMBOL = (1 << CHAR_BITS) - 1
_SPACE = ord(" ") + 1


def char_ngrams(text: str, low: int, high: int) -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's `char_wb` n-grams of `text`, `low` to `high` characters: each word padded with a
    space on each side, a padded word shorter than n counted once whole. Returns each distinct n-gram as
    an integer code (CHAR_BITS a character, code point + 1; 0 only before a shorter n-gram's first
    character), sorted, and its count."""
    if not 1 <= low <= high <= MAX_CHAR_NGRAM:
        raise ValueError(f"n-gram sizes {low} to {high} must lie within 1 to {MAX_CHAR_NGRAM}")
    words = text.split()
    if not words:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    line = " " + "  ".join(words) + " "  # no window without a space inside crosses two words
    symbols = _symbols(line)
    spaces = np.concatenate(([0], np.cumsum(symbols == _SPACE)))  # spaces[i]: spaces before position i
    found, codes = [], symbols
    for n in range(1, high + 1):
        if n > 1:
            codes = (codes[:-1] << CHAR_BITS) | symbols[n - 1 :]
        if n < low:
            continue
        if n == 2:
            inside = (symbols[:-1] == _SPACE) & (symbols[1:] == _SPACE)
        else:  # a space strictly inside the window (spaces before its last character, after its first)
            inside = spaces[n - 1 : n - 1 + len(codes)] > spaces[1 : 1 + len(codes)]
        found.append(codes[~inside])
    short = [word for word in words if len(word) + 2 < low] if low > 3 else []  # padded, a word has 3+
    for word in short:
        code = 0
        for symbol in _symbols(f" {word} ").tolist():
            code = (code << CHAR_BITS) | symbol
        found.append(np.array([code], dtype=np.int64))
    return np.unique(np.concatenate(found), return_counts=True)


def _symbols(text: str) -> np.ndarray:
    points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.int64)
    return np.minimum(points + 1, _LAST_SYMBOL)


class CodesToVector(_FrequentVocabulary):
    """Counted codes (a pair of arrays a row: distinct integer codes, ascending, and their counts, as
    `char_ngrams` gives) to a sparse matrix of counts over the `vocabulary_size` codes most frequent in
    `fit` (ties: the lower code), one column each in ascending code order. Unknown codes are dropped.

    Parameters
    ----------
    vocabulary_size : int, default 20000

    Attributes
    ----------
    vocabulary_ : ndarray
        The kept codes, ascending.

    Examples
    --------
    >>> import numpy as np
    >>> from homl.spam import CodesToVector
    >>> rows = [(np.array([3, 7]), np.array([2, 1])), (np.array([7, 9]), np.array([4, 1]))]
    >>> CodesToVector(vocabulary_size=2).fit(rows).transform(rows).toarray()
    array([[2., 1.],
           [0., 4.]])
    """

    _parameter_constraints = {"vocabulary_size": [Interval(Integral, 1, None, closed="left")]}

    def __init__(self, vocabulary_size: int = 20000):
        self.vocabulary_size = vocabulary_size

    def __sklearn_tags__(self):
        return _tags(super().__sklearn_tags__())

    @staticmethod
    def _flat(X: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray, list[int]]:
        return _stacked(X)

    @staticmethod
    def _vocabulary(distinct: np.ndarray, totals: np.ndarray, size: int) -> np.ndarray:
        return np.sort(distinct[np.lexsort((distinct, -totals))[:size]])

    @staticmethod
    def _keys(vocabulary: np.ndarray) -> np.ndarray:
        return vocabulary

    @staticmethod
    def _counts(X: list[tuple[np.ndarray, np.ndarray]], vocabulary: np.ndarray) -> sparse.csr_matrix:
        codes, counts, lengths = _stacked(X)
        columns = np.searchsorted(vocabulary, codes)
        known = (
            vocabulary[np.minimum(columns, len(vocabulary) - 1)] == codes if len(vocabulary) else columns < 0
        )
        per_row = np.bincount(np.repeat(np.arange(len(X)), lengths)[known], minlength=len(X))
        indptr = np.concatenate(([0], np.cumsum(per_row)))
        matrix = sparse.csr_matrix((counts[known], columns[known], indptr), shape=(len(X), len(vocabulary)))
        matrix.has_sorted_indices = True  # each row's codes ascend, and so do their columns
        return matrix


def _column_totals(counts: sparse.csr_matrix) -> np.ndarray:
    return np.asarray(counts.sum(axis=0)).ravel()


def _stacked(X: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """Every row's codes and counts end to end, and each row's number of codes."""
    lengths = [len(codes) for codes, _ in X]
    if not lengths:
        return np.empty(0, dtype=np.int64), np.empty(0), lengths
    codes = np.concatenate([codes for codes, _ in X])
    counts = np.concatenate([counts for _, counts in X]).astype(np.float64)
    return codes, counts, lengths
