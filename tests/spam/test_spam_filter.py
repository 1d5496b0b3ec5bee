import numpy as np
import pandas as pd
import yaml

from homl.core import params, selection
from homl.spam import email_features, parsing, spam_filter


def test_cross_validation_vectors_each_set_as_a_pipeline_fitted_on_each_fold_would():
    """Each set's vocabulary is chosen a fold from one count of every message (the shortcut), so every
    fold's vectors must be those of the set's own pipeline fitted on the fold's training messages, and the
    sets side by side those of the pipeline of all of them."""
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(40)]
    messages = pd.DataFrame({"is_spam": np.arange(60) % 3 == 0, "copy_group": np.arange(60) // 2})
    parsed = [
        parsing.ParsedEmail(
            f"subject {rng.choice(words)}", "", " ".join(rng.choice(words, rng.integers(1, 30))), 0
        )
        for _ in range(len(messages))
    ]
    with open("params.yaml") as file:
        raw = yaml.safe_load(file)
    raw["spam"]["vectorizer"] |= {"vocabulary_size": 15, "char_vocabulary_size": 50}
    cfg = params.parse("spam", spam_filter.Params, raw)
    features = tuple(email_features.FEATURES)
    prepared = email_features.email_fields(cfg.preprocessing, features, cfg.vectorizer).transform(parsed)
    cv = spam_filter.CrossValidation(prepared, messages, cfg, 0, features)
    grouped = selection.folds(cfg.cv.folds, 0, grouped=True)
    for sets, folds in [*(((name,), cv.per_set[name]) for name in features), (features, cv.folds(features))]:
        expected = selection.fold_features(
            email_features.feature_vectors(sets, cfg.vectorizer),
            prepared,
            messages["is_spam"].to_numpy(),
            grouped,
            messages["copy_group"].to_numpy(),
        )
        for got, wanted in zip(folds, expected, strict=True):
            for a, b in zip(got, wanted, strict=True):
                a, b = (m.toarray() if hasattr(m, "toarray") else m for m in (a, b))
                np.testing.assert_array_equal(a, b)


def test_scores_and_labels_predicts_as_the_thresholded_model_does():
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import FixedThresholdClassifier
    from sklearn.naive_bayes import MultinomialNB

    rng = np.random.default_rng(0)
    X = rng.poisson(2.0, size=(40, 3))
    y = np.where(X[:, 0] + rng.normal(size=40) > 2, "spam", "ham")
    for classifier in (LogisticRegression(), MultinomialNB()):  # decision_function, predict_proba
        fitted = classifier.fit(X, y)
        middle = np.argsort(selection.positive_scores(fitted, X), kind="stable")[20]
        threshold = selection.positive_scores(fitted, X)[middle]
        model = FixedThresholdClassifier(
            fitted, threshold=threshold, response_method=selection.response_method(fitted)
        )
        scores, labels = spam_filter.scores_and_labels(model, X)
        np.testing.assert_array_equal(labels, model.predict(X))
        np.testing.assert_array_equal(scores, selection.positive_scores(fitted, X))
        assert labels[middle] == "spam"  # a score equal to the threshold is positive
        assert 5 < (labels == "ham").sum() < 35


def test_errors_lists_each_misclassified_message_false_alarms_first():
    messages = pd.DataFrame(
        {
            "id": ["spam/00001.aa", "easy_ham/00002.bb", "hard_ham/00003.cc", "spam/00004.dd"],
            "group": ["spam", "easy_ham", "hard_ham", "spam"],
            "is_spam": [True, False, False, True],
            "subject": ["buy  now", "hello", "your\n free   report", "x" * 80],
            "body": ["a b c", "d", "e f", "g h i j"],
            "links": [0, 1, 2, 3],
        }
    )
    scores = np.array([0.5, -1.0, 0.2, -0.3])
    predicted = scores >= 0.1
    table = spam_filter.errors(messages, scores, predicted, threshold=0.1)
    assert table["message"].tolist() == ["hard_ham/00003", "spam/00004"]
    assert table["error"].tolist() == ["false alarm", "missed spam"]
    assert table["subject"].tolist() == ["your free report", "x" * spam_filter.SUBJECT_SHOWN]
    assert table["words"].tolist() == [2, 4] and table["links"].tolist() == [2, 3]
    np.testing.assert_allclose(table["score_minus_threshold"], [0.1, -0.4])
