"""The search on features fitted once a fold scores every candidate as GridSearchCV does on the pipeline."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import ParameterGrid, StratifiedGroupKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

from homl.core import selection


def test_a_grid_on_fold_features_equals_grid_search_cv_on_the_pipeline():
    rng = np.random.default_rng(0)
    words = np.array(["free", "offer", "money", "meeting", "patch", "review", "the", "and"])
    y = rng.random(200) < 0.4
    texts = [
        " ".join(rng.choice(words[:3] if spam else words[3:6], 4)) + " " + " ".join(rng.choice(words, 6))
        for spam in y
    ]
    X, groups = pd.Series(texts), rng.integers(0, 60, 200)
    cv = selection.folds(4, seed=3, grouped=True)
    grid = {"C": [0.1, 1.0, 10.0, 100.0]}
    metrics = ["average_precision", "precision", "recall"]
    pipeline = Pipeline([("vectors", TfidfVectorizer()), (selection.CLASSIFIER_STEP, LogisticRegression())])
    expected = selection.candidates(selection.grid_search(pipeline, grid, cv, metrics, X, y, groups=groups))
    folds = selection.fold_features(TfidfVectorizer(), X, y, cv, groups=groups)
    table = selection.grid_on_fold_features(LogisticRegression(), grid, folds, metrics)
    pd.testing.assert_frame_equal(table[expected.columns], expected, check_exact=True)


def test_an_ensemble_grown_through_its_sizes_scores_as_fitted_afresh():
    X, y = make_classification(300, 8, random_state=1)
    cv = selection.folds(3, seed=2)
    grid = {"n_estimators": [30, 10, 20], "subsample": [0.7, 1.0], "max_depth": [2]}
    model = GradientBoostingClassifier(random_state=4)
    pipeline = Pipeline([("features", FunctionTransformer()), (selection.CLASSIFIER_STEP, model)])
    expected = selection.candidates(selection.grid_search(pipeline, grid, cv, ["accuracy", "roc_auc"], X, y))
    folds = selection.fold_features(FunctionTransformer(), X, y, cv)
    table = selection.grid_on_fold_features(model, grid, folds, ["accuracy", "roc_auc"])
    pd.testing.assert_frame_equal(table[expected.columns], expected, check_exact=True, check_dtype=False)


def test_held_out_scores_are_kept_only_when_asked_for_and_never_change_the_table():
    X, y = make_classification(120, 4, random_state=2)
    folds = selection.fold_features(FunctionTransformer(), X, y, selection.folds(3, seed=3))
    searches = [(LogisticRegression(), {"C": [0.1, 10.0]}, folds)]
    ((plain, none),) = selection.grids_on_fold_features(searches, ["accuracy"])
    ((table, held_out),) = selection.grids_on_fold_features(searches, ["accuracy"], held_out_scores=True)
    assert none is None and len(held_out) == 2
    pd.testing.assert_frame_equal(plain, table, check_exact=True)


def test_each_candidates_held_out_scores_are_those_of_the_candidate_fitted_alone_on_the_fold():
    X, y = make_classification(240, 6, random_state=5)
    folds = selection.fold_features(FunctionTransformer(), X, y, selection.folds(3, seed=6))
    searches = [
        (LogisticRegression(), {"C": [0.1, 10.0]}, folds),
        (GradientBoostingClassifier(random_state=7), {"n_estimators": [20, 10], "max_depth": [2, 3]}, folds),
    ]
    for (classifier, grid, _), (table, held_out) in zip(
        searches, selection.grids_on_fold_features(searches, ["accuracy"], held_out_scores=True), strict=True
    ):
        assert len(held_out) == len(table) == len(list(ParameterGrid(grid)))
        for setting, scores in zip(ParameterGrid(grid), held_out, strict=True):
            for (X_train, y_train, X_valid, _), fold_scores in zip(folds, scores, strict=True):
                alone = clone(classifier).set_params(**setting).fit(X_train, y_train)
                np.testing.assert_array_equal(fold_scores, alone.decision_function(X_valid))


def random_grouped_labels(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, int]:
    """Labels, groups and a number of folds: groups of one label (as spam's near-copies) or mixed, many of
    them alike (ties between folds), two to four classes."""
    n, classes = int(rng.integers(40, 400)), int(rng.integers(2, 5))
    groups = rng.integers(0, int(rng.integers(10, n // 2)), n)
    labels = rng.integers(0, classes, n)
    if rng.random() < 0.5:
        labels = rng.integers(0, classes, groups.max() + 1)[groups]
    return labels, groups, int(rng.integers(2, 7))


@pytest.mark.parametrize("seed", range(60))
def test_group_folds_are_scikit_learn_s_stratified_group_folds(seed):
    rng = np.random.default_rng(seed)
    labels, groups, n_folds = random_grouped_labels(rng)
    ours = selection.folds(n_folds, seed, grouped=True)
    theirs = StratifiedGroupKFold(n_folds, shuffle=True, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # a class with fewer members than folds
        try:
            expected = list(theirs.split(labels, labels, groups))
        except ValueError as error:
            with pytest.raises(ValueError, match=str(error)[:30]):
                list(ours.split(labels, labels, groups))
            return
        found = list(ours.split(labels, labels, groups))
    assert isinstance(ours, selection.GroupFolds)
    for (train, test), (expected_train, expected_test) in zip(found, expected, strict=True):
        np.testing.assert_array_equal(train, expected_train)
        np.testing.assert_array_equal(test, expected_test)
