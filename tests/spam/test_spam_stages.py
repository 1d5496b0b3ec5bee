"""The spam stages end to end on a small corpus."""

import pandas as pd
import pytest
from stage_runner import repo_params, run_stage, write_params
from tiny_data import make_spam_corpus

from homl.core import io


def test_spam_stages(tmp_path):
    base = repo_params()["spam"]
    base["cv"] = {"folds": 3}
    base["features"].update(word_bigrams="auto", chars=True)
    base["target_precision"] = 0.9
    write_params(tmp_path, spam=base, seed=0)
    io.write_table(tmp_path / "spam.parquet", make_spam_corpus())
    parse = run_stage(
        tmp_path, "spam_parse.py", "spam.parquet", "train.parquet", "test.parquet", "parse.json"
    )
    assert parse.returncode == 0, parse.stderr
    counts = io.read_json(tmp_path / "parse.json")
    assert counts["messages"] == 252 and counts["repeated_bodies_removed"] == 12
    assert counts["copy_groups_in_both_parts"] == 0
    train, test = io.read_table(tmp_path / "train.parquet"), io.read_table(tmp_path / "test.parquet")
    assert len(train) + len(test) == 240 and not set(train["body"]) & set(test["body"])
    assert not set(train["copy_group"]) & set(test["copy_group"])
    trained = run_stage(
        tmp_path,
        "spam_train.py",
        "train.parquet",
        "spam.joblib",
        "choice.json",
        "train.json",
        "classifiers.csv",
        "gains.csv",
    )
    assert trained.returncode == 0, trained.stderr
    assert set(io.read_json(tmp_path / "train.json")) >= {"classifier", "threshold", "cv_recall_at_threshold"}
    assert len((tmp_path / "classifiers.csv").read_text().splitlines()) == 1 + 2 * 3  # 3 classifiers, 2 sets
    evaluated = run_stage(
        tmp_path,
        "spam_evaluate.py",
        "test.parquet",
        "spam.joblib",
        "test.json",
        "pr.csv",
        "pr.png",
        "c.csv",
        "e.csv",
    )
    assert evaluated.returncode == 0, evaluated.stderr
    assert (tmp_path / "pr.png").read_bytes().startswith(b"\x89PNG")
    metrics = io.read_json(tmp_path / "test.json")
    assert metrics["precision"] > 0.8 and metrics["recall"] > 0.8  # a third of the messages are spam
    errors, confusion = pd.read_csv(tmp_path / "e.csv"), pd.read_csv(tmp_path / "c.csv")
    assert len(errors) == (confusion["actual"] != confusion["predicted"]).sum()  # a row a wrong message
    assert set(errors["error"]) <= {"false alarm", "missed spam"}
    headers = run_stage(
        tmp_path, "spam_headers.py", "train.parquet", "test.parquet", "choice.json", "headers.json"
    )
    assert headers.returncode == 0, headers.stderr
    assert io.read_json(tmp_path / "headers.json")["strip_headers"] is False
    assert set(metrics["groups"]) == {"spam", "easy_ham"}
    assert (
        metrics["groups"]["easy_ham"]["false_alarm_rate"] < 0.2 and metrics["groups"]["spam"]["recall"] > 0.8
    )
    chosen = io.read_json(tmp_path / "choice.json")["features"]
    assert {"words", "subject", "chars", "structure"} <= set(chosen)  # switched on, not auto
    comparison = pd.read_csv(tmp_path / "classifiers.csv")
    assert set(comparison["features"]) == {
        "words+subject+chars+structure",
        "words+word_bigrams+subject+chars+structure",
    }
    gains = pd.read_csv(tmp_path / "gains.csv").set_index("feature")
    assert gains.index.tolist() == ["word_bigrams"] and gains["chosen"]["word_bigrams"] == (
        "word_bigrams" in chosen
    )
    best = comparison.groupby("features")["cv_average_precision"].max()
    assert gains["cv_average_precision_gain"]["word_bigrams"] == pytest.approx(
        best["words+word_bigrams+subject+chars+structure"] - best["words+subject+chars+structure"]
    )
    book = run_stage(tmp_path, "spam_book.py", "spam.parquet", "book.json")
    assert book.returncode == 0, book.stderr
    assert io.read_json(tmp_path / "book.json")["test_messages"] == 51  # the book splits 20% of all 252

    from homl.spam.parsing import parse_email

    model = io.load_model(tmp_path / "spam.joblib")
    assert model.estimator.named_steps["fields"].features == tuple(chosen)  # prepares what it reads
    new = [
        parse_email(b"Subject: hi\n\nfree money offer click winner cheap deal"),
        parse_email(b"Subject: x\n\nproject meeting review draft patch"),
    ]
    assert model.predict(new).tolist() == [True, False]
