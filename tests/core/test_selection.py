"""The search on features fitted once a fold scores every candidate as GridSearchCV does on the pipeline."""

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

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
