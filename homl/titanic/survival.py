"""Titanic survival: engineered passenger features, the preprocessing pipeline, and the classifiers compared."""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer, make_column_selector
from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.svm import SVC

from homl.core import evaluation, io, params, selection
from homl.core.params import Range

# The passenger's columns a model may see; boat, body and home.dest are known only after the disaster.
INPUT_COLUMNS = ("pclass", "name", "sex", "age", "sibsp", "parch", "ticket", "fare", "cabin", "embarked")
NUMERIC_COLUMNS = ("pclass", "age", "sibsp", "parch", "fare")
CATEGORY_COLUMNS = ("sex", "embarked")
TITLES = {
    "Mr": "Mr",
    "Mrs": "Mrs",
    "Miss": "Miss",
    "Master": "Master",
    "Ms": "Miss",
    "Mlle": "Miss",
    "Mme": "Mrs",
}


def title_of(names: pd.Series) -> pd.Series:
    """The honorific in "Surname, Title. Given names"; uncommon ones become "Rare"."""
    titles = names.astype(str).str.extract(r",\s*([^.]+)\.", expand=False).str.strip()
    return titles.map(TITLES).fillna("Rare")


def travel_group(passengers: pd.DataFrame) -> pd.Series:
    """A key shared by a family travelling together: surname, class, ticket but its last digit, port, fare."""
    parts = [
        passengers["name"].astype(str).str.split(",").str[0],
        passengers["pclass"],
        passengers["ticket"].str[:-1],
        passengers["embarked"],
        passengers["fare"].round(1),
    ]
    texts = [part.astype(object).fillna("?").astype(str) for part in parts]
    return functools.reduce(lambda key, text: key + "|" + text, texts)


def woman_or_boy(passengers: pd.DataFrame) -> np.ndarray:
    return ((passengers["sex"] == "female") | (title_of(passengers["name"]) == "Master")).to_numpy()


def _family_size(passengers: pd.DataFrame) -> pd.Series:
    return passengers["sibsp"] + passengers["parch"] + 1


def _deck(passengers: pd.DataFrame) -> pd.Series:
    return passengers["cabin"].astype(object).str[0].fillna("U").replace({"T": "U"})


# Each engineered feature's column, from the passengers, the fitted PassengerFeatures (`learned`) and,
# when the passengers are its training passengers, their labels (else None).
FEATURES = {
    "title": lambda passengers, learned, labels: title_of(passengers["name"]).astype(object),
    "family_size": lambda passengers, learned, labels: _family_size(passengers).astype(float),
    "alone": lambda passengers, learned, labels: (_family_size(passengers) == 1).astype(float),
    "deck": lambda passengers, learned, labels: _deck(passengers),
    "ticket_group_size": lambda passengers, learned, labels: learned.ticket_group_size(passengers, labels),
    "fare_per_person": lambda passengers, learned, labels: (
        passengers["fare"].astype(float) / learned.ticket_group_size(passengers, labels)
    ),
    "group_survival": lambda passengers, learned, labels: learned.group_survival(passengers, labels),
}


class PassengerFeatures(TransformerMixin, BaseEstimator):
    """Keep the passenger columns of `INPUT_COLUMNS` and add the engineered `features` (names of `FEATURES`).

    Every statistic is learned in `fit` from the training passengers, so a passenger's features never
    depend on who else is in the table transformed: `ticket_group_size` is the passenger plus the
    training passengers sharing the ticket, `fare_per_person` the fare over it, `group_survival` the
    survival rate of the other women and boys of the passenger's `travel_group` among the training
    passengers (0.5 when there are none; learned from the labels). In `fit_transform` each training
    passenger is one of those counted and is left out of its own statistics. `name`, `ticket` and
    `cabin` themselves never reach the model.

    Parameters
    ----------
    features : tuple of str, default every name of `FEATURES`
        The engineered features added (each switchable under `titanic.features`).

    Attributes
    ----------
    ticket_counts_ : Series
        Training passengers per ticket.
    domain_ : dict
        The training range of each column (for `homl titanic`'s warnings).
    group_stats_ : DataFrame
        Survivors and members of each travel group (fitted with labels only).

    Examples
    --------
    >>> import pandas as pd
    >>> from homl.titanic import PassengerFeatures
    >>> table = pd.DataFrame({
    ...     "pclass": [3, 1], "name": ["Smith, Mr. John", "Brown, Mrs. Ann"], "sex": ["male", "female"],
    ...     "age": [30.0, None], "sibsp": [0, 1], "parch": [0, 0], "ticket": ["A1", "B2"],
    ...     "fare": [7.25, 80.0], "cabin": [None, "C85"], "embarked": ["S", "C"]})
    >>> PassengerFeatures(("title", "family_size", "deck")).fit_transform(table)[["title", "family_size", "deck"]]
      title  family_size deck
    0    Mr          1.0    U
    1   Mrs          2.0    C
    """

    def __init__(self, features: tuple[str, ...] = tuple(FEATURES)):
        self.features = features

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = (
            False  # a table of passengers, not an array: the array checks do not apply
        )
        tags.input_tags.categorical = True
        tags.input_tags.string = True
        return tags

    def fit(self, X: pd.DataFrame, y: Any = None) -> PassengerFeatures:
        unknown = [name for name in self.features if name not in FEATURES]
        if unknown:
            raise ValueError(f"unknown feature {unknown[0]!r}; allowed: {', '.join(FEATURES)}")
        missing = [column for column in INPUT_COLUMNS if column not in X.columns]
        if missing:
            raise ValueError(f"passengers lack columns: {', '.join(missing)}")
        if "group_survival" in self.features and y is None:
            raise ValueError("the group_survival feature is learned from the labels: pass y to fit")
        self.ticket_counts_ = X["ticket"].value_counts()
        self.domain_ = training_domain(X)
        if "group_survival" in self.features:
            counted = woman_or_boy(X)
            labels = pd.Series(np.asarray(y, dtype=float)[counted], index=travel_group(X)[counted].to_numpy())
            self.group_stats_ = labels.groupby(level=0).agg(["sum", "count"])
        return self

    def fit_transform(self, X: pd.DataFrame, y: Any = None, **fit_params: Any) -> pd.DataFrame:
        """Fit, then transform the training passengers, each left out of its own statistics."""
        self.fit(X, y)
        return self._transform(
            X, training_labels=np.zeros(len(X)) if y is None else np.asarray(y, dtype=float)
        )

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        return self._transform(X)

    def _transform(self, X: pd.DataFrame, training_labels: np.ndarray | None = None) -> pd.DataFrame:
        passengers = X[list(INPUT_COLUMNS)]
        out = pd.DataFrame(index=X.index)
        out["pclass"] = passengers["pclass"].astype(float)
        out["sex"] = passengers["sex"].astype(object)
        out["embarked"] = passengers["embarked"].astype(object).where(passengers["embarked"].notna(), np.nan)
        for column in ("age", "sibsp", "parch", "fare"):
            out[column] = passengers[column].astype(float)
        for name in self.features:
            out[name] = FEATURES[name](passengers, self, training_labels)
        return out

    def ticket_group_size(self, passengers: pd.DataFrame, training_labels: np.ndarray | None) -> pd.Series:
        """The passenger plus the training passengers sharing the ticket."""
        seen = passengers["ticket"].map(self.ticket_counts_).fillna(0).astype(float)
        return seen if training_labels is not None else seen + 1

    def group_survival(self, passengers: pd.DataFrame, training_labels: np.ndarray | None) -> np.ndarray:
        """The survival rate of the other women and boys of the passenger's travel group in training."""
        stats = self.group_stats_.reindex(travel_group(passengers).to_numpy()).fillna(0).to_numpy()
        survived, count = stats[:, 0], stats[:, 1]
        if training_labels is not None:
            counted = woman_or_boy(passengers)
            survived, count = survived - counted * training_labels, count - counted
        return np.where(count > 0, survived / np.maximum(count, 1), 0.5)

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        base = ["pclass", "sex", "embarked", "age", "sibsp", "parch", "fare"]
        return np.array(base + list(self.features), dtype=object)


def training_domain(passengers: pd.DataFrame) -> dict[str, list]:
    """The values seen in training: [min, max] of each numeric column, the sorted values of each category
    column (lists, not sets, so that a pickled model has the same bytes on every run)."""
    domain = {column: [passengers[column].min(), passengers[column].max()] for column in NUMERIC_COLUMNS}
    return domain | {column: sorted(passengers[column].dropna().unique()) for column in CATEGORY_COLUMNS}


def outside_domain(passengers: pd.DataFrame, domain: dict[str, list]) -> list[str]:
    """One line per passenger with a value the model never saw in training (missing values are imputed)."""

    def inside(column: str) -> pd.Series:
        values = passengers[column]
        return values.isin(domain[column]) if column in CATEGORY_COLUMNS else values.between(*domain[column])

    def describe(column: str, value) -> str:
        seen = domain[column]
        if column in CATEGORY_COLUMNS:
            return f"{column} {value!r} (seen: {', '.join(map(str, seen))})"
        return f"{column} {value:g} (seen: {seen[0]:g} to {seen[1]:g})"

    flagged = pd.DataFrame({column: passengers[column].notna() & ~inside(column) for column in domain})
    return [
        f"passenger {row + 1} ({passengers['name'].iloc[row]}): "
        + "; ".join(
            describe(column, passengers[column].iloc[row]) for column in flagged if flagged[column].iloc[row]
        )
        for row in np.flatnonzero(flagged.any(axis=1).to_numpy())
    ]


def domain_of(model: Pipeline) -> dict[str, list]:
    """The training domain a fitted survival model recorded."""
    return model.named_steps["preprocessing"].named_steps["features"].domain_


def preprocessing(features: tuple[str, ...]) -> Pipeline:
    """Engineered features, then median imputation (with a missing flag) and scaling for numbers,
    most-frequent imputation and one-hot encoding for categories."""
    numbers = make_pipeline(SimpleImputer(strategy="median", add_indicator=True), StandardScaler())
    categories = make_pipeline(
        SimpleImputer(strategy="most_frequent"), OneHotEncoder(handle_unknown="ignore", sparse_output=False)
    )
    columns = ColumnTransformer(
        [
            ("numbers", numbers, make_column_selector(dtype_include="number")),
            ("categories", categories, make_column_selector(dtype_exclude="number")),
        ]
    )
    return Pipeline([("features", PassengerFeatures(tuple(features))), ("columns", columns)])


CLASSIFIERS = {
    "logistic_regression": lambda seed: LogisticRegression(max_iter=2000),
    "svc": lambda seed: SVC(),
    "random_forest": lambda seed: RandomForestClassifier(random_state=seed, n_jobs=1),
    "gradient_boosting": lambda seed: GradientBoostingClassifier(random_state=seed),
}

FeatureSwitches = dataclasses.make_dataclass(
    "FeatureSwitches", [(name, bool) for name in FEATURES], frozen=True
)


@dataclasses.dataclass(frozen=True)
class CVParams:
    """params.yaml's `titanic.cv`: each grid searched by k-fold CV; its choice scored again by `repeats`
    k-fold splits, whose mean (with its standard error) compares the classifiers."""

    folds: Annotated[int, Range(2, None)]
    repeats: Annotated[int, Range(2, None)]


@dataclasses.dataclass(frozen=True)
class Params:
    """params.yaml's `titanic`: the split, the features switched on, the CV and each classifier's grid."""

    split: selection.SplitParams
    features: FeatureSwitches
    cv: CVParams
    classifiers: dict[Literal[tuple(CLASSIFIERS)], dict[str, list]]

    def __post_init__(self):
        estimators = {name: CLASSIFIERS[name](0) for name in self.classifiers}
        params.check_grids("titanic.classifiers", estimators, self.classifiers)

    @property
    def switched_on(self) -> tuple[str, ...]:
        """The engineered features switched on, in `FEATURES` order."""
        return tuple(name for name in FEATURES if getattr(self.features, name))


def survival_model(features: tuple[str, ...], classifier: str, seed: int, **hyperparameters: Any) -> Pipeline:
    """The whole model: preprocessing then the named classifier (one of `CLASSIFIERS`)."""
    model = CLASSIFIERS[classifier](seed).set_params(**hyperparameters)
    return Pipeline([("preprocessing", preprocessing(features)), (selection.CLASSIFIER_STEP, model)])


def grid_search(
    X: pd.DataFrame,
    y: np.ndarray,
    features: tuple[str, ...],
    classifier: str,
    grid: dict,
    cv: CVParams,
    seed: int,
) -> tuple[pd.DataFrame, dict, Pipeline]:
    """Cross-validated grid search of one classifier's hyperparameters by accuracy, the preprocessing fitted
    once a fold (the scores of GridSearchCV over the whole pipeline), then the chosen candidate scored by
    repeated CV (`repeated_cv`). Returns the `selection.candidates` table, the `selection.choice` with the
    repeated scores, and the chosen candidate's whole model refitted on all of X."""
    folds = selection.fold_features(preprocessing(features), X, y, selection.folds(cv.folds, seed))
    candidates = selection.grid_on_fold_features(
        CLASSIFIERS[classifier](seed), grid, folds, ["accuracy"], n_jobs=-1
    )
    choice = selection.choice(candidates, "accuracy", classifier=classifier)
    model = survival_model(features, classifier, seed, **choice["hyperparameters"])
    choice |= repeated_cv(model, X, y, cv, seed)
    return candidates, choice, model.fit(X, y)


def repeated_cv(model: Pipeline, X: pd.DataFrame, y: np.ndarray, cv: CVParams, seed: int) -> dict:
    """The whole model's accuracy on every fold of `cv.repeats` k-fold splits (the same splits for every
    classifier), their mean and its corrected standard error."""
    scores = evaluation.repeated_cv_accuracies(model, X, y, cv.folds, cv.repeats, seed)
    return {
        "repeated_cv_accuracy": float(scores.mean()),
        "repeated_cv_standard_error": evaluation.resampled_standard_error(scores, cv.folds),
        "repeated_cv_scores": scores.tolist(),
    }


def compared(choices: list[dict], best: dict, folds: int) -> pd.DataFrame:
    """Each classifier's CV figures, and its repeated CV accuracy minus the best's (`read_choices`), fold by
    fold, with the corrected standard error of that difference: a difference within about two of them is
    not a real one."""
    rows = []
    for choice in choices:
        difference = np.subtract(choice["repeated_cv_scores"], best["repeated_cv_scores"])
        rows.append(
            {
                "classifier": choice["classifier"],
                "cv_accuracy": choice["cv_accuracy"],
                "cv_std": choice["cv_std"],
                "repeated_cv_accuracy": choice["repeated_cv_accuracy"],
                "repeated_cv_standard_error": choice["repeated_cv_standard_error"],
                "minus_best": float(difference.mean()),
                "minus_best_standard_error": (
                    evaluation.resampled_standard_error(difference, folds) if choice is not best else 0.0
                ),
            }
        )
    return pd.DataFrame(rows)


def feature_gains(
    X: pd.DataFrame,
    y: np.ndarray,
    features: tuple[str, ...],
    classifier: str,
    hyperparameters: dict,
    n_folds: int,
    seed: int,
) -> pd.DataFrame:
    """Each engineered feature's gain: CV accuracy with every switched-on feature minus that without it."""
    settings = [features, *(tuple(f for f in features if f != name) for name in features), ()]
    models = [survival_model(switched_on, classifier, seed, **hyperparameters) for switched_on in settings]
    full, *without, none = evaluation.cv_accuracies(models, X, y, selection.folds(n_folds, seed))
    rows = [
        {"feature": name, "cv_accuracy_without": accuracy, "gain": full - accuracy}
        for name, accuracy in zip(features, without, strict=True)
    ]
    rows.append({"feature": "all engineered", "cv_accuracy_without": none, "gain": full - none})
    return pd.DataFrame(rows)


def read_choices(directory: Path) -> tuple[list[dict], dict]:
    """The choices written by the titanic_train stages (`<classifier>.json`), in `CLASSIFIERS` order, and
    the best of them by repeated CV accuracy."""
    paths = {path.stem: path for path in Path(directory).glob("*.json")}
    if not paths:
        raise FileNotFoundError(f"no classifier choices in {directory}")
    choices = [io.read_json(paths[name]) for name in CLASSIFIERS if name in paths]
    return choices, choices[selection.best([choice["repeated_cv_accuracy"] for choice in choices])]
