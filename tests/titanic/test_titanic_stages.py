"""The Titanic stages end to end on a small passenger table."""

from stage_runner import repo_params, run_stage, write_params
from tiny_data import make_passengers

from homl.core import io


def test_titanic_stages(tmp_path):
    small_grids = {
        "logistic_regression": {"C": [1.0]},
        "svc": {"C": [1.0], "gamma": ["scale"], "kernel": ["rbf"]},
        "random_forest": {
            "n_estimators": [20],
            "max_depth": [4],
            "min_samples_leaf": [1],
            "max_features": ["sqrt"],
        },
        "gradient_boosting": {
            "n_estimators": [20],
            "learning_rate": [0.1],
            "max_depth": [2],
            "subsample": [1.0],
        },
    }
    base = repo_params()["titanic"]
    write_params(
        tmp_path, titanic={**base, "classifiers": small_grids, "cv": {"folds": 3, "repeats": 2}}, seed=0
    )
    io.write_table(tmp_path / "titanic.parquet", make_passengers(400))
    split = run_stage(tmp_path, "titanic_split.py", "titanic.parquet", "train.parquet", "test.parquet")
    assert split.returncode == 0, split.stderr
    train, test = io.read_table(tmp_path / "train.parquet"), io.read_table(tmp_path / "test.parquet")
    assert (len(train), len(test)) == (320, 80)
    for name in small_grids:
        trained = run_stage(
            tmp_path,
            "titanic_train.py",
            name,
            "train.parquet",
            f"cv/{name}.joblib",
            f"cv/{name}.json",
            f"reports/{name}.json",
        )
        assert trained.returncode == 0, trained.stderr
    evaluate = [
        "test.parquet",
        "cv",
        "best.joblib",
        "test.json",
        "classifiers.csv",
        "roc.csv",
        "confusion.csv",
    ]
    result = run_stage(tmp_path, "titanic_evaluate.py", *evaluate)
    assert result.returncode == 0, result.stderr
    metrics = io.read_json(tmp_path / "test.json")
    assert metrics["classifier"] in small_grids and metrics["accuracy"] > 0.7 and metrics["roc_auc"] > 0.7
    assert len((tmp_path / "classifiers.csv").read_text().splitlines()) == 5
    assert metrics["repeated_cv_standard_error"] > 0 and 0.5 < metrics["repeated_cv_accuracy"] <= 1
    assert "repeated_cv_scores" not in io.read_json(tmp_path / f"reports/{metrics['classifier']}.json")
    model = io.load_model(tmp_path / "best.joblib")
    assert model.predict(test.drop(columns=["survived"])).shape == (80,)
    compared = (tmp_path / "classifiers.csv").read_bytes()
    # Other test passengers' fates: the same classifier and comparison (the choice never reads them).
    io.write_table(tmp_path / "test.parquet", test.assign(survived=1 - test["survived"]))
    assert run_stage(tmp_path, "titanic_evaluate.py", *evaluate).returncode == 0
    assert io.read_json(tmp_path / "test.json")["classifier"] == metrics["classifier"]
    assert (tmp_path / "classifiers.csv").read_bytes() == compared
    gains = run_stage(tmp_path, "titanic_feature_gains.py", "train.parquet", "cv", "gains.csv", "gains.png")
    assert gains.returncode == 0, gains.stderr
    assert (tmp_path / "gains.png").read_bytes().startswith(b"\x89PNG")
    assert (tmp_path / "gains.csv").read_text().startswith("feature,cv_accuracy_without,gain\n")


def test_an_unknown_titanic_classifier_is_a_one_line_error(tmp_path):
    write_params(tmp_path)
    io.write_table(tmp_path / "train.parquet", make_passengers(50))
    result = run_stage(
        tmp_path, "titanic_train.py", "xgboost", "train.parquet", "m.joblib", "c.json", "r.json"
    )
    assert result.returncode == 1
    assert result.stderr.strip().startswith("error: titanic.classifiers.xgboost: missing; listed: ")
