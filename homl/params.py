"""Load `params.yaml` once and validate each section before any work starts.

Each section is a frozen dataclass below. Types come from the annotations; `Literal[...]` lists the
allowed values and `Annotated[..., Range(lo, hi)]` bounds a number. Unknown keys, missing keys, wrong
types and out-of-range values raise `ParamsError` naming the dotted key.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml

from homl.errors import ParamsError

PARAMS_FILE = Path("params.yaml")


@dataclass(frozen=True)
class Range:
    """Inclusive bounds for a number; `None` leaves a side open."""

    low: float | None = None
    high: float | None = None


Source = Literal["mirror", "openml"]
Weights = Literal["uniform", "distance"]


@dataclass(frozen=True)
class MnistData:
    source: Source


@dataclass(frozen=True)
class TitanicData:
    source: Source


@dataclass(frozen=True)
class SpamData:
    source: Literal["mirror", "apache"]


@dataclass(frozen=True)
class Data:
    mnist: MnistData
    titanic: TitanicData
    spam: SpamData


@dataclass(frozen=True)
class Knn:
    n_neighbors: tuple[Annotated[int, Range(1, None)], ...]
    weights: tuple[Weights, ...]
    folds: Annotated[int, Range(2, None)]
    seed: int


@dataclass(frozen=True)
class Augment:
    directions: tuple[Literal["up", "down", "left", "right"], ...]
    distance: Annotated[int, Range(1, 27)]


@dataclass(frozen=True)
class KnnVariants:
    deskew: tuple[bool, ...]
    blur_sigma: tuple[Annotated[float, Range(0, 5)], ...]
    folds: Annotated[int, Range(2, None)]
    seed: int


@dataclass(frozen=True)
class Noisy:
    low: Annotated[int, Range(-255, 255)]
    high: Annotated[int, Range(-254, 256)]
    seed: int

    def __post_init__(self):
        if self.high <= self.low:
            raise ParamsError(f"noisy.high: {self.high} must exceed noisy.low ({self.low})")


@dataclass(frozen=True)
class DenoiserParams:
    n_neighbors: Annotated[int, Range(1, 100)]
    weights: Weights


@dataclass(frozen=True)
class Denoise:
    methods: tuple[Literal["vote", "mean", "posterior"], ...]
    vote: DenoiserParams
    mean: DenoiserParams
    posterior: DenoiserParams


@dataclass(frozen=True)
class Split:
    test_size: Annotated[float, Range(0.05, 0.5)]
    seed: int


@dataclass(frozen=True)
class TitanicFeatures:
    title: bool
    family_size: bool
    alone: bool
    deck: bool
    ticket_group_size: bool
    fare_per_person: bool
    group_survival: bool


@dataclass(frozen=True)
class CrossValidation:
    folds: Annotated[int, Range(2, None)]
    seed: int


Positive = Annotated[float, Range(1e-12, None)]


@dataclass(frozen=True)
class LogisticRegressionGrid:
    C: tuple[Positive, ...]


@dataclass(frozen=True)
class SVCGrid:
    C: tuple[Positive, ...]
    gamma: tuple[Literal["scale", "auto"] | Positive, ...]
    kernel: tuple[Literal["rbf", "linear", "poly"], ...]


@dataclass(frozen=True)
class RandomForestGrid:
    n_estimators: tuple[Annotated[int, Range(1, None)], ...]
    max_depth: tuple[Annotated[int, Range(1, None)] | None, ...]
    min_samples_leaf: tuple[Annotated[int, Range(1, None)], ...]
    max_features: tuple[Literal["sqrt", "log2"] | Annotated[float, Range(1e-12, 1)], ...]


@dataclass(frozen=True)
class GradientBoostingGrid:
    n_estimators: tuple[Annotated[int, Range(1, None)], ...]
    learning_rate: tuple[Positive, ...]
    max_depth: tuple[Annotated[int, Range(1, None)], ...]
    subsample: tuple[Annotated[float, Range(1e-12, 1)], ...]


@dataclass(frozen=True)
class TitanicClassifiers:
    logistic_regression: LogisticRegressionGrid
    svc: SVCGrid
    random_forest: RandomForestGrid
    gradient_boosting: GradientBoostingGrid


@dataclass(frozen=True)
class Titanic:
    split: Split
    features: TitanicFeatures
    cv: CrossValidation
    classifiers: TitanicClassifiers


@dataclass(frozen=True)
class SpamPreprocessing:
    strip_headers: bool
    lowercase: bool
    remove_punctuation: bool
    replace_urls: bool
    replace_numbers: bool
    stemming: bool


@dataclass(frozen=True)
class SpamVectorizer:
    vocabulary_size: Annotated[int, Range(1, None)]
    binary: bool
    tfidf: bool


@dataclass(frozen=True)
class NaiveBayesGrid:
    alpha: tuple[Positive, ...]


@dataclass(frozen=True)
class LinearSVMGrid:
    C: tuple[Positive, ...]


@dataclass(frozen=True)
class SpamClassifiers:
    naive_bayes: NaiveBayesGrid
    logistic_regression: LogisticRegressionGrid
    linear_svm: LinearSVMGrid


@dataclass(frozen=True)
class Spam:
    split: Split
    preprocessing: SpamPreprocessing
    vectorizer: SpamVectorizer
    cv: CrossValidation
    classifiers: SpamClassifiers
    target_precision: Annotated[float, Range(0.5, 1)]


@dataclass(frozen=True)
class Synthetic:
    rows: Annotated[int, Range(2, None)]
    intercept: float
    coefficients: tuple[float, ...]
    x_max: Annotated[float, Range(0, None)]
    noise_std: Annotated[float, Range(0, None)]
    seed: int


@dataclass(frozen=True)
class BatchGDParams:
    eta: Annotated[float, Range(1e-12, None)]
    n_iterations: Annotated[int, Range(1, None)]
    tolerance: Annotated[float, Range(0, None)]


@dataclass(frozen=True)
class ScheduleGDParams:
    n_epochs: Annotated[int, Range(1, None)]
    t0: Annotated[float, Range(1e-12, None)]
    t1: Annotated[float, Range(1e-12, None)]
    seed: int


@dataclass(frozen=True)
class MiniBatchGDParams(ScheduleGDParams):
    batch_size: Annotated[int, Range(1, None)] = 20


@dataclass(frozen=True)
class SklearnSGDParams:
    max_iter: Annotated[int, Range(1, None)]
    tol: Annotated[float, Range(0, None)]
    eta0: Annotated[float, Range(1e-12, None)]
    n_iter_no_change: Annotated[int, Range(1, None)]
    seed: int


@dataclass(frozen=True)
class BookLoops:
    stochastic_gd: ScheduleGDParams
    minibatch_gd: MiniBatchGDParams


@dataclass(frozen=True)
class Linreg:
    synthetic: Synthetic
    batch_gd: BatchGDParams
    stochastic_gd: ScheduleGDParams
    minibatch_gd: MiniBatchGDParams
    sklearn_sgd: SklearnSGDParams
    book: BookLoops
    spread_seeds: Annotated[int, Range(1, None)]


SECTIONS: dict[str, type] = {
    "data": Data,
    "knn": Knn,
    "augment": Augment,
    "knn_variants": KnnVariants,
    "noisy": Noisy,
    "titanic": Titanic,
    "spam": Spam,
    "denoise": Denoise,
    "linreg": Linreg,
}


def _check(value: Any, hint: Any, key: str) -> Any:
    origin = typing.get_origin(hint)
    if origin is Annotated:
        inner, *extras = typing.get_args(hint)
        value = _check(value, inner, key)
        for extra in extras:
            if isinstance(extra, Range) and not (
                (extra.low is None or value >= extra.low) and (extra.high is None or value <= extra.high)
            ):
                low = "-inf" if extra.low is None else extra.low
                high = "inf" if extra.high is None else extra.high
                raise ParamsError(f"{key}: {value!r} is out of range; allowed: [{low}, {high}]")
        return value
    if origin is Literal:
        allowed = typing.get_args(hint)
        if value not in allowed:
            raise ParamsError(f"{key}: {value!r} is not allowed; allowed: {', '.join(map(repr, allowed))}")
        return value
    if origin in (list, tuple):
        (item,) = typing.get_args(hint)[:1]
        if not isinstance(value, list):
            raise ParamsError(f"{key}: expected a list, got {value!r}")
        return tuple(_check(v, item, f"{key}[{i}]") for i, v in enumerate(value))
    if origin in (typing.Union, types.UnionType):
        options = typing.get_args(hint)
        if value is None and type(None) in options:
            return None
        errors = []
        for option in options:
            if option is type(None):
                continue
            try:
                return _check(value, option, key)
            except ParamsError as error:
                errors.append(str(error))
        raise ParamsError(errors[0] if len(errors) == 1 else f"{key}: {value!r} fits none of {options}")
    if dataclasses.is_dataclass(hint):
        return _build(hint, value, key)
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ParamsError(f"{key}: expected a number, got {value!r}")
        return float(value)
    if hint is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise ParamsError(f"{key}: expected a whole number, got {value!r}")
    if not isinstance(value, hint):
        raise ParamsError(f"{key}: expected {hint.__name__}, got {value!r}")
    return value


def _build(cls: type, raw: Any, key: str):
    if not isinstance(raw, dict):
        raise ParamsError(f"{key}: expected a mapping of {cls.__name__} settings, got {raw!r}")
    hints = typing.get_type_hints(cls, include_extras=True)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(raw) - set(fields))
    if unknown:
        raise ParamsError(f"{key}.{unknown[0]}: unknown key; allowed: {', '.join(fields)}")
    values = {}
    for name, field in fields.items():
        if name in raw:
            values[name] = _check(raw[name], hints[name], f"{key}.{name}")
        elif field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING:
            raise ParamsError(f"{key}.{name}: missing")
    return cls(**values)


def parse(section: str, raw: dict) -> Any:
    """Validate `raw[section]` (the parsed params.yaml) and return its dataclass."""
    if section not in SECTIONS:
        raise ParamsError(f"{section}: unknown section; known: {', '.join(SECTIONS)}")
    if section not in raw:
        raise ParamsError(f"{section}: missing from params.yaml")
    return _build(SECTIONS[section], raw[section], section)


def load(section: str, path: str | Path = PARAMS_FILE) -> Any:
    """Read `path` and return the validated section `section`."""
    with open(path) as file:
        raw = yaml.safe_load(file) or {}
    return parse(section, raw)


def validate_all(path: str | Path = PARAMS_FILE) -> None:
    """Validate every section of `path`; raise on the first bad value."""
    with open(path) as file:
        raw = yaml.safe_load(file) or {}
    unknown = sorted(set(raw) - set(SECTIONS))
    if unknown:
        raise ParamsError(f"{unknown[0]}: unknown section; known: {', '.join(SECTIONS)}")
    for section in SECTIONS:
        parse(section, raw)
