import os

import joblib
import numpy as np
import pandas as pd
import pytest

from homl.core import errors, io
from homl.spam import email_features, parsing, spam_filter
from homl.titanic import survival


def test_atomic_path_leaves_old_file_when_the_block_fails(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("previous")
    with pytest.raises(RuntimeError), io.atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("killed")
    assert target.read_text() == "previous"
    assert list(tmp_path.iterdir()) == [target]


def test_save_arrays_is_byte_stable_and_round_trips(tmp_path):
    arrays = {"b": np.arange(6, dtype=np.uint8).reshape(2, 3), "a": np.array([1.5, -2.0])}
    io.save_arrays(tmp_path / "one.npz", **arrays)
    io.save_arrays(tmp_path / "two.npz", **arrays)
    assert (tmp_path / "one.npz").read_bytes() == (tmp_path / "two.npz").read_bytes()
    loaded = io.load_arrays(tmp_path / "one.npz")
    assert sorted(loaded) == ["a", "b"]
    np.testing.assert_array_equal(loaded["b"], arrays["b"])


def test_write_json_rounds_sorts_and_refuses_nan(tmp_path):
    io.write_json(tmp_path / "m.json", {"z": np.float64(0.1 + 0.2), "a": {"k": 1}})
    assert (tmp_path / "m.json").read_text() == '{\n  "a": {\n    "k": 1\n  },\n  "z": 0.3\n}\n'
    io.write_json(tmp_path / "tiny.json", {"tiny": 3.14159265359e-10, "big": 26.19234567891})
    assert io.read_json(tmp_path / "tiny.json") == {"tiny": 3.14159265e-10, "big": 26.1923457}
    with pytest.raises(ValueError, match="non-finite"):
        io.write_json(tmp_path / "bad.json", {"loss": float("nan")})
    assert not (tmp_path / "bad.json").exists()


def test_table_round_trip(tmp_path):
    table = pd.DataFrame({"name": ["a", None], "raw": [b"\x00x", b""], "x": [1.0, np.nan]})
    io.write_table(tmp_path / "t.parquet", table)
    back = io.read_table(tmp_path / "t.parquet")
    assert back["raw"].tolist() == [b"\x00x", b""]
    assert back["name"].isna().tolist() == [False, True]


def test_a_model_round_trips_and_a_modified_file_is_refused(tmp_path):
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression().fit([[0.0], [1.0], [2.0], [3.0]], [0, 0, 1, 1])
    path = tmp_path / "model.joblib"
    io.save_model(path, model)
    np.testing.assert_array_equal(io.load_model(path).coef_, model.coef_)
    np.testing.assert_array_equal(joblib.load(path).coef_, model.coef_)  # a joblib file, checksum after it
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 1
    path.write_bytes(bytes(data))
    with pytest.raises(errors.CorruptModelError, match="checksum mismatch"):
        io.load_model(path)
    data[len(data) // 2] ^= 1
    data[0] ^= 0xFF  # no pickle either: the unpickler fails, and the corruption is what is reported
    path.write_bytes(bytes(data))
    with pytest.raises(errors.CorruptModelError, match="checksum mismatch"):
        io.load_model(path)
    path.write_bytes(b"not a model")
    with pytest.raises(errors.CorruptModelError, match="not a homl model file"):
        io.load_model(path)


class RunsCode:
    """What a forged model file would hold: unpickling it calls `os.system`."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return os.system, (f"touch {self.marker}",)


@pytest.mark.parametrize(
    "wrap", [lambda x: x, lambda x: np.array([x], dtype=object), lambda x: {"model": [x]}]
)
def test_a_forged_model_that_would_run_code_is_refused_before_anything_runs(tmp_path, wrap):
    marker, path = tmp_path / "ran", tmp_path / "forged.joblib"
    io.save_model(path, wrap(RunsCode(marker)))  # its checksum is right: the forger wrote it
    with pytest.raises(errors.UntrustedModelError, match=r"refused, it names posix\.system"):
        io.load_model(path)
    assert not marker.exists()
    joblib.load(path)  # what plain unpickling does with it
    assert marker.exists()


def test_every_kind_of_model_the_code_saves_loads_through_the_trusted_loader(tmp_path):
    """Each classifier the registries offer, as a Titanic or a spam model (the digit models: test_cli)."""
    from tiny_data import make_passengers

    passengers = make_passengers(120)
    messages = [b"Subject: win\n\nfree money offer click now", b"Subject: patch\n\nkernel patch review"] * 5
    for name in survival.CLASSIFIERS:
        model = survival.survival_model(tuple(survival.FEATURES), name, 0)
        model.fit(passengers.drop(columns=["survived"]), passengers["survived"].to_numpy())
        io.save_model(tmp_path / "titanic.joblib", model)
        assert type(io.load_model(tmp_path / "titanic.joblib")) is type(model)
    for binary, tfidf in ((True, False), (False, True)):
        vectorizer = email_features.VectorizerParams(50, binary, tfidf, (3, 5), 100)
        fields = email_features.email_fields({}, tuple(email_features.FEATURES), vectorizer)
        prepared = fields.transform([parsing.parse_email(message) for message in messages])
        for name in spam_filter.CLASSIFIERS:
            vectors = spam_filter.vector_model(name, tuple(email_features.FEATURES), vectorizer, 0)
            io.save_model(
                tmp_path / "spam.joblib", spam_filter.spam_model(fields, vectors.fit(prepared, [1, 0] * 5), 0)
            )
            assert io.load_model(tmp_path / "spam.joblib").predict(
                [parsing.parse_email(messages[0])]
            ).tolist() == [1]
