import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import RepeatedStratifiedKFold, cross_val_score
from tiny_data import make_passengers

from homl.core import io, selection
from homl.data import titanic
from homl.titanic import survival

ALL_FEATURES = tuple(survival.FEATURES)
WITHOUT_GROUP_SURVIVAL = tuple(name for name in survival.FEATURES if name != "group_survival")


def test_titles_come_from_the_name_and_rare_ones_are_grouped():
    names = pd.Series(
        ["Allen, Miss. Elisabeth", "Sage, Master. Thomas", "Rothes, the Countess. of", "X, Mlle. Y"]
    )
    assert survival.title_of(names).tolist() == ["Miss", "Master", "Rare", "Miss"]


def test_engineered_features():
    passengers = titanic.features_and_target(make_passengers())[0]
    fitted = survival.PassengerFeatures(WITHOUT_GROUP_SURVIVAL).fit(passengers)
    features = fitted.transform(passengers)
    assert list(features.columns) == list(fitted.get_feature_names_out())
    np.testing.assert_array_equal(features["family_size"], passengers["sibsp"] + passengers["parch"] + 1)
    np.testing.assert_array_equal(features["alone"], features["family_size"] == 1)
    # transform sees new passengers: each one plus the training passengers sharing the ticket
    expected_group = passengers["ticket"].map(passengers["ticket"].value_counts()) + 1
    np.testing.assert_array_equal(features["ticket_group_size"], expected_group)
    np.testing.assert_allclose(features["fare_per_person"], passengers["fare"] / expected_group)
    assert set(features["deck"]) <= set("ABCDEFGU")
    assert not {"name", "ticket", "cabin"} & set(features.columns)


def test_travel_group_keys_surname_class_ticket_but_its_last_digit_port_and_fare():
    passengers = pd.DataFrame(
        {
            "name": pd.array(["Smith, Mr. John", "Smith, Mrs. Ann"], dtype="string"),
            "pclass": [3, 3],
            "ticket": pd.array(["A123", "A124"], dtype="string"),
            "embarked": pd.array([None, "S"], dtype="string"),
            "fare": [7.26, np.nan],
        }
    )
    assert survival.travel_group(passengers).tolist() == ["Smith|3|A12|?|7.3", "Smith|3|A12|S|?"]


def test_group_survival_leaves_each_training_passengers_own_label_out():
    passengers, survived = titanic.features_and_target(make_passengers())
    features = survival.PassengerFeatures().fit_transform(passengers, survived)
    groups = survival.travel_group(passengers).to_numpy()
    counted = survival.woman_or_boy(passengers)
    for i in range(0, len(passengers), 37):
        others = (groups == groups[i]) & counted
        others[i] = False
        expected = survived[others].mean() if others.any() else 0.5
        assert features["group_survival"].iloc[i] == pytest.approx(expected)
    fitted = survival.PassengerFeatures().fit(passengers.iloc[:10], survived[:10])
    strangers = passengers.iloc[10:][~np.isin(groups[10:], groups[:10])]
    assert len(strangers) > 100 and (fitted.transform(strangers)["group_survival"] == 0.5).all()


def test_group_survival_needs_labels():
    passengers = titanic.features_and_target(make_passengers())[0]
    with pytest.raises(ValueError, match="pass y to fit"):
        survival.PassengerFeatures().fit(passengers)


def test_the_leaking_columns_never_reach_a_model():
    table = make_passengers(600)
    passengers, survived = titanic.features_and_target(table)
    assert not set(titanic.LEAKING_COLUMNS) & set(passengers.columns)
    # Even handed the leaking columns, which give the outcome away, the pipeline ignores them.
    with_leaks = table.drop(columns=[titanic.TARGET])
    model = survival.survival_model(ALL_FEATURES, "logistic_regression", 0)
    cv = selection.folds(5, 0)
    honest = cross_val_score(model, passengers, survived, cv=cv)
    leaked = cross_val_score(model, with_leaks, survived, cv=cv)
    np.testing.assert_array_equal(honest, leaked)
    assert honest.mean() < 0.95
    fitted = model.fit(with_leaks, survived)
    scrambled = with_leaks.assign(boat="1", body=1.0, **{"home.dest": "?"})
    np.testing.assert_array_equal(fitted.predict(with_leaks), fitted.predict(scrambled))
    names = fitted[:-1].get_feature_names_out()
    assert not [name for name in names if any(leak in name for leak in ("boat", "body", "home"))]


@pytest.mark.parametrize("classifier", list(survival.CLASSIFIERS))
def test_every_classifier_learns_the_synthetic_passengers(classifier):
    passengers, survived = titanic.features_and_target(make_passengers(500))
    _, choice, model = survival.grid_search(
        passengers.iloc[:400], survived[:400], ALL_FEATURES, classifier, {}, survival.CVParams(3, 2), 0
    )
    assert choice["cv_accuracy"] > 0.7 and choice["repeated_cv_accuracy"] > 0.7
    assert selection.positive_scores(model, passengers.iloc[400:]).shape == (100,)


def test_a_passenger_scores_the_same_alone_and_in_any_batch():
    passengers, survived = titanic.features_and_target(make_passengers(500))
    model = survival.survival_model(ALL_FEATURES, "logistic_regression", 0).fit(
        passengers[:400], survived[:400]
    )
    new = passengers.iloc[400:]
    in_batch = selection.positive_scores(model, new)
    alone = np.array([selection.positive_scores(model, new.iloc[[i]])[0] for i in range(len(new))])
    shuffled = new.sample(frac=1, random_state=1)
    with_repeats = pd.concat([new, new.iloc[:30]])  # a ticket's holders appearing twice in the file
    same = lambda scores, expected: np.testing.assert_allclose(scores, expected, rtol=0, atol=1e-12)  # noqa: E731
    same(alone, in_batch)
    same(selection.positive_scores(model, shuffled), in_batch[new.index.get_indexer(shuffled.index)])
    same(selection.positive_scores(model, with_repeats)[: len(new)], in_batch)
    assert len(set(new["ticket"])) < len(new)  # the file holds passengers sharing tickets


def test_feature_gains_cover_every_switched_on_feature():
    passengers, survived = titanic.features_and_target(make_passengers(300))
    features = tuple(name for name in ALL_FEATURES if name != "deck")
    gains = survival.feature_gains(passengers, survived, features, "logistic_regression", {"C": 1.0}, 3, 0)
    assert gains["feature"].tolist() == [*features, "all engineered"]
    assert np.isfinite(gains["gain"]).all()


def test_the_grid_search_scores_each_candidate_as_grid_search_cv_on_the_whole_pipeline():
    passengers, survived = titanic.features_and_target(make_passengers(300))
    grid = {"C": [0.1, 1.0, 10.0]}
    model = survival.survival_model(ALL_FEATURES, "logistic_regression", 0)
    cv = selection.folds(3, 0)
    expected = selection.candidates(
        selection.grid_search(model, grid, cv, ["accuracy"], passengers, survived)
    )
    candidates, choice, fitted = survival.grid_search(
        passengers, survived, ALL_FEATURES, "logistic_regression", grid, survival.CVParams(3, 2), 0
    )
    pd.testing.assert_frame_equal(candidates[expected.columns], expected, check_exact=True)
    assert choice["cv_accuracy"] == expected["mean_accuracy"].max()
    assert fitted.named_steps[selection.CLASSIFIER_STEP].C == choice["hyperparameters"]["C"]
    chosen = survival.survival_model(ALL_FEATURES, "logistic_regression", 0, **choice["hyperparameters"])
    repeated = RepeatedStratifiedKFold(n_splits=3, n_repeats=2, random_state=0)
    np.testing.assert_array_equal(
        choice["repeated_cv_scores"], cross_val_score(chosen, passengers, survived, cv=repeated)
    )
    assert choice["repeated_cv_accuracy"] == np.mean(choice["repeated_cv_scores"])


def test_the_classifiers_are_compared_by_repeated_cv_fold_by_fold():
    def choice(name, five_fold, scores):
        return {
            "classifier": name,
            "cv_accuracy": five_fold,
            "cv_std": 0.03,
            "repeated_cv_accuracy": float(np.mean(scores)),
            "repeated_cv_standard_error": 0.01,
            "repeated_cv_scores": scores,
        }

    steady = choice("svc", 0.84, [0.80, 0.82, 0.81, 0.83])  # best by 5-fold CV only
    better = choice("random_forest", 0.82, [0.81, 0.83, 0.82, 0.85])  # one point better on every fold
    directory = Path(tempfile.mkdtemp())
    for each in (steady, better):
        io.write_json(directory / f"{each['classifier']}.json", each)
    choices, best = survival.read_choices(directory)
    assert best["classifier"] == "random_forest"
    table = survival.compared(choices, best, folds=2).set_index("classifier")
    assert table.loc["random_forest", ["minus_best", "minus_best_standard_error"]].tolist() == [0, 0]
    difference = np.subtract(steady["repeated_cv_scores"], better["repeated_cv_scores"])
    assert table.loc["svc", "minus_best"] == pytest.approx(difference.mean())
    assert table.loc["svc", "minus_best_standard_error"] == pytest.approx(
        np.sqrt((1 / 4 + 1 / 1) * difference.var(ddof=1))
    )
