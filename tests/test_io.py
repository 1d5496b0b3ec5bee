import numpy as np
import pandas as pd
import pytest

from homl import errors, io


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
    import joblib

    np.testing.assert_array_equal(joblib.load(path).coef_, model.coef_)  # a joblib file, checksum after it
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 1
    path.write_bytes(bytes(data))
    with pytest.raises(errors.CorruptModelError, match="checksum mismatch"):
        io.load_model(path)
    path.write_bytes(b"not a model")
    with pytest.raises(errors.CorruptModelError, match="not a homl model file"):
        io.load_model(path)
