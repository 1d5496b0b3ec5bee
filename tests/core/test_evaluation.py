import numpy as np
import pytest

from homl.core import evaluation, figures


def test_classification_metrics():
    truth = np.array([0, 0, 1, 1, 2, 2])
    predicted = np.array([0, 1, 1, 1, 2, 0])
    metrics = evaluation.classification_metrics(truth, predicted)
    assert metrics["accuracy"] == pytest.approx(4 / 6)
    assert metrics["class_accuracy"] == {"0": 0.5, "1": 1.0, "2": 0.5}
    assert metrics["macro_recall"] == pytest.approx(2 / 3)


def test_most_confident_errors_come_surest_first():
    truth = np.array([0, 1, 1, 0])
    proba = np.array([[0.9, 0.1], [0.6, 0.4], [0.95, 0.05], [0.2, 0.8]])
    assert evaluation.most_confident_errors(truth, proba, np.array([0, 1]), 5).tolist() == [2, 3, 1]


def test_digit_grid_writes_a_stable_png(tmp_path):
    images = np.random.default_rng(0).integers(0, 256, (5, 28, 28), dtype=np.uint8)
    figures.digit_grid(tmp_path / "a.png", images, list("abcde"), columns=3)
    figures.digit_grid(tmp_path / "b.png", images, list("abcde"), columns=3)
    assert (tmp_path / "a.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "a.png").read_bytes() == (tmp_path / "b.png").read_bytes()


def test_repeated_cv_scores_pair_up_fold_by_fold_between_models():
    from sklearn.dummy import DummyClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import RepeatedStratifiedKFold

    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(90, 3)), (rng.random(90) < 0.4).astype(int)
    majority = evaluation.repeated_cv_accuracies(DummyClassifier(), X, y, 3, 4, seed=7)
    splits = RepeatedStratifiedKFold(n_splits=3, n_repeats=4, random_state=7).split(X, y)
    expected = [np.mean(y[held_out] == np.bincount(y[train]).argmax()) for train, held_out in splits]
    np.testing.assert_array_equal(majority, expected)
    assert len(evaluation.repeated_cv_accuracies(LogisticRegression(), X, y, 3, 4, seed=7)) == 12


def test_cv_accuracies_of_many_models_in_one_pool_are_each_models_cross_val_score():
    from sklearn.model_selection import StratifiedKFold, cross_val_score
    from sklearn.tree import DecisionTreeClassifier

    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(120, 4)), (rng.random(120) < 0.5).astype(int)
    models = [DecisionTreeClassifier(max_depth=depth, random_state=3) for depth in (1, 2, 5)]
    cv = StratifiedKFold(4, shuffle=True, random_state=2)
    expected = [float(cross_val_score(model, X, y, cv=cv).mean()) for model in models]
    assert evaluation.cv_accuracies(models, X, y, cv) == expected
    assert len(set(expected)) == 3


def test_the_standard_error_of_repeated_cv_counts_the_overlap_of_the_training_sets():
    scores = np.array([0.80, 0.84, 0.79, 0.83, 0.85, 0.81, 0.82, 0.80, 0.86, 0.83])
    corrected = evaluation.resampled_standard_error(scores, folds=5)
    assert corrected == pytest.approx(np.sqrt((1 / 10 + 1 / 4) * scores.var(ddof=1)))
    assert corrected > scores.std(ddof=1) / np.sqrt(len(scores))  # the naive one claims too much
