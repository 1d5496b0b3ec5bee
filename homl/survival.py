"""Titanic survival: engineered passenger features, the preprocessing pipeline, and the classifiers compared."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer, make_column_selector
from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.svm import SVC

from homl import evaluation, io

# The passenger's columns a model may see; boat, body and home.dest are known only after the disaster.
INPUT_COLUMNS = ("pclass", "name", "sex", "age", "sibsp", "parch", "ticket", "fare", "cabin", "embarked")
ENGINEERED = (
    "title",
    "family_size",
    "alone",
    "deck",
    "ticket_group_size",
    "fare_per_person",
    "group_survival",
)
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
    parts = pd.DataFrame(
        {
            "surname": passengers["name"].astype(str).str.split(",").str[0],
            "pclass": passengers["pclass"],
            "ticket": passengers["ticket"].str[:-1],
            "embarked": passengers["embarked"],
            "fare": passengers["fare"].round(1),
        }
    )
    return parts.astype(object).fillna("?").astype(str).agg("|".join, axis=1)


def woman_or_boy(passengers: pd.DataFrame) -> np.ndarray:
    return ((passengers["sex"] == "female") | (title_of(passengers["name"]) == "Master")).to_numpy()


class PassengerFeatures(TransformerMixin, BaseEstimator):
    """Keep the passenger columns of `INPUT_COLUMNS` and add the engineered features switched on.

    Parameters (each default True): `title` (honorific from the name), `family_size` (sibsp + parch + 1),
    `alone` (family size 1), `deck` (cabin's letter, "U" when unknown), `ticket_group_size` (passengers
    sharing the ticket: the larger of the count seen in `fit` and in the batch) and `fare_per_person`
    (fare / ticket group size), `group_survival` (the survival rate of the other women and boys of the
    passenger's `travel_group` among the training passengers; 0.5 when there are none: learned from the
    labels in `fit`, leaving each training passenger's own label out). `name`, `ticket` and `cabin`
    themselves never reach the model.
    """

    def __init__(
        self,
        title: bool = True,
        family_size: bool = True,
        alone: bool = True,
        deck: bool = True,
        ticket_group_size: bool = True,
        fare_per_person: bool = True,
        group_survival: bool = True,
    ):
        self.title = title
        self.family_size = family_size
        self.alone = alone
        self.deck = deck
        self.ticket_group_size = ticket_group_size
        self.fare_per_person = fare_per_person
        self.group_survival = group_survival

    def fit(self, X: pd.DataFrame, y: Any = None) -> PassengerFeatures:
        missing = [column for column in INPUT_COLUMNS if column not in X.columns]
        if missing:
            raise ValueError(f"passengers lack columns: {', '.join(missing)}")
        if self.group_survival and y is None:
            raise ValueError("the group_survival feature is learned from the labels: pass y to fit")
        self.ticket_counts_ = X["ticket"].value_counts()
        self.domain_ = training_domain(X)
        if self.group_survival:
            counted = woman_or_boy(X)
            labels = pd.Series(np.asarray(y, dtype=float)[counted], index=travel_group(X)[counted].to_numpy())
            self.group_stats_ = labels.groupby(level=0).agg(["sum", "count"])
        return self

    def fit_transform(self, X: pd.DataFrame, y: Any = None, **fit_params: Any) -> pd.DataFrame:
        """Fit, then transform with each training passenger's own label left out of its group's rate."""
        self.fit(X, y)
        return self._transform(X, training_labels=y)

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        return self._transform(X)

    def _transform(self, X: pd.DataFrame, training_labels: Any = None) -> pd.DataFrame:
        passengers = X[list(INPUT_COLUMNS)]
        out = pd.DataFrame(index=X.index)
        out["pclass"] = passengers["pclass"].astype(float)
        out["sex"] = passengers["sex"].astype(object)
        out["embarked"] = passengers["embarked"].astype(object).where(passengers["embarked"].notna(), np.nan)
        for column in ("age", "sibsp", "parch", "fare"):
            out[column] = passengers[column].astype(float)
        family = passengers["sibsp"] + passengers["parch"] + 1
        in_batch = passengers["ticket"].map(passengers["ticket"].value_counts())
        seen_in_fit = passengers["ticket"].map(self.ticket_counts_).fillna(0)
        group = np.maximum(in_batch, seen_in_fit).astype(float)
        if self.title:
            out["title"] = title_of(passengers["name"]).astype(object)
        if self.family_size:
            out["family_size"] = family.astype(float)
        if self.alone:
            out["alone"] = (family == 1).astype(float)
        if self.deck:
            out["deck"] = passengers["cabin"].astype(object).str[0].fillna("U").replace({"T": "U"})
        if self.ticket_group_size:
            out["ticket_group_size"] = group
        if self.fare_per_person:
            out["fare_per_person"] = passengers["fare"].astype(float) / group
        if self.group_survival:
            stats = self.group_stats_.reindex(travel_group(passengers).to_numpy()).fillna(0).to_numpy()
            survived, count = stats[:, 0], stats[:, 1]
            if training_labels is not None:
                counted = woman_or_boy(passengers)
                survived = survived - counted * np.asarray(training_labels, dtype=float)
                count = count - counted
            out["group_survival"] = np.where(count > 0, survived / np.maximum(count, 1), 0.5)
        return out

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        base = ["pclass", "sex", "embarked", "age", "sibsp", "parch", "fare"]
        return np.array(base + [name for name in ENGINEERED if getattr(self, name)], dtype=object)


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


def preprocessing(features: dict[str, bool]) -> Pipeline:
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
    return Pipeline([("features", PassengerFeatures(**features)), ("columns", columns)])


CLASSIFIERS = {
    "logistic_regression": lambda seed: LogisticRegression(max_iter=2000),
    "svc": lambda seed: SVC(),
    "random_forest": lambda seed: RandomForestClassifier(random_state=seed, n_jobs=1),
    "gradient_boosting": lambda seed: GradientBoostingClassifier(random_state=seed),
}


def survival_model(features: dict[str, bool], classifier: str, seed: int, **hyperparameters: Any) -> Pipeline:
    """The whole model: preprocessing then the named classifier (one of `CLASSIFIERS`)."""
    model = CLASSIFIERS[classifier](seed).set_params(**hyperparameters)
    return Pipeline([("preprocessing", preprocessing(features)), (evaluation.CLASSIFIER_STEP, model)])


def grid_search(
    X: pd.DataFrame,
    y: np.ndarray,
    features: dict[str, bool],
    classifier: str,
    grid: dict[str, list],
    n_folds: int,
    seed: int,
) -> GridSearchCV:
    """Cross-validated grid search of one classifier's hyperparameters, refitted on all of X."""
    search = GridSearchCV(
        survival_model(features, classifier, seed),
        evaluation.classifier_grid(grid),
        cv=evaluation.stratified_folds(n_folds, seed),
        scoring="accuracy",
        n_jobs=-1,
        error_score="raise",
    )
    return search.fit(X, y)


def survival_scores(model: Pipeline, X: pd.DataFrame) -> np.ndarray:
    """A score that grows with the chance of survival: the probability when the model has one."""
    if hasattr(model, "predict_proba"):
        return model.predict_proba(X)[:, 1]
    return model.decision_function(X)


def read_reports(directory: Path) -> dict[str, dict]:
    """The CV reports written by the titanic_train stages, by classifier name."""
    reports = {path.stem: io.read_json(path) for path in sorted(Path(directory).glob("*.json"))}
    if not reports:
        raise FileNotFoundError(f"no classifier reports in {directory}")
    return reports


def best_of(reports: dict[str, dict]) -> str:
    """The classifier with the highest mean CV accuracy (ties: the smaller std, then the name)."""
    return min(reports, key=lambda name: (-reports[name]["cv_accuracy"], reports[name]["cv_std"], name))


def feature_gains(
    X: pd.DataFrame,
    y: np.ndarray,
    features: dict[str, bool],
    classifier: str,
    hyperparameters: dict,
    n_folds: int,
    seed: int,
) -> pd.DataFrame:
    """Each engineered feature's gain: CV accuracy with every switched-on feature minus that without it."""

    def cv_accuracy(switches: dict[str, bool]) -> float:
        model = survival_model(switches, classifier, seed, **hyperparameters)
        return float(
            cross_val_score(model, X, y, cv=evaluation.stratified_folds(n_folds, seed), n_jobs=-1).mean()
        )

    full = cv_accuracy(features)
    rows = [
        {
            "feature": name,
            "cv_accuracy_without": (without := cv_accuracy({**features, name: False})),
            "gain": full - without,
        }
        for name in ENGINEERED
        if features[name]
    ]
    none = cv_accuracy(dict.fromkeys(features, False))
    rows.append({"feature": "all engineered", "cv_accuracy_without": none, "gain": full - none})
    return pd.DataFrame(rows)
