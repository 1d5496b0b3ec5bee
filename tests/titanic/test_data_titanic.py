import gzip
import io
from pathlib import Path
from unittest import mock

import pytest
import sklearn

from homl.core.errors import DataError
from homl.data import titanic

TINY_ARFF = """% a comment
@relation 'tiny'
@attribute 'pclass' numeric
@attribute 'survived' {0,1}
@attribute 'name' string
@attribute 'sex' {'female','male'}
@attribute 'age' numeric
@attribute 'sibsp' numeric
@attribute 'parch' numeric
@attribute 'ticket' string
@attribute 'fare' numeric
@attribute 'cabin' string
@attribute 'embarked' {'C','Q','S'}
@attribute 'boat' string
@attribute 'body' numeric
@attribute 'home.dest' string

@data
1,1,"Allen, Miss. Elisabeth Walton","female",29,0,0,"24160",211.3375,"B5","S","2",?,"St Louis, MO"
3,0,"O'Brien, Mr. Thomas","male",?,1,0,"370365",15.5,?,"Q",?,135,?
"""


def test_read_arff_handles_quotes_commas_and_missing_values():
    table = titanic.normalize(titanic.read_arff(TINY_ARFF))
    assert table["name"].tolist() == ["Allen, Miss. Elisabeth Walton", "O'Brien, Mr. Thomas"]
    assert table["age"].isna().tolist() == [False, True]
    assert table["body"].tolist()[1] == 135.0
    assert table["home.dest"].isna().tolist() == [False, True]
    assert dict(table.dtypes.astype(str)) == titanic.SCHEMA


def test_a_row_with_the_wrong_number_of_values_is_an_error():
    with pytest.raises(DataError, match="ARFF row 1 has 2 values, expected 14"):
        titanic.read_arff(TINY_ARFF.split("@data")[0] + "@data\n1,2\n")


def test_mirror_rows_and_types(tmp_path):
    table = titanic.fetch("mirror", tmp_path / "titanic.parquet")
    assert len(table) == 1309
    assert table["survived"].mean() == pytest.approx(0.382, abs=1e-3)
    assert titanic.load(tmp_path / "titanic.parquet").equals(table)


def test_a_wrong_row_count_writes_nothing(tmp_path):
    with pytest.raises(DataError, match="1309 passengers, expected 1310"):
        titanic.fetch("mirror", tmp_path / "titanic.parquet", n_rows=1310)
    assert not (tmp_path / "titanic.parquet").exists()


def test_a_truncated_mirror_file_is_a_clear_error(tmp_path, monkeypatch):
    broken = tmp_path / "data-v1-dl-16826755.arff.gz"
    broken.write_bytes(gzip.compress(TINY_ARFF.encode())[:40])
    monkeypatch.setattr(titanic, "package_file", lambda *args: broken)
    with pytest.raises(DataError, match="data-v1-dl-16826755.arff.gz: truncated or corrupt"):
        titanic.fetch_mirror_titanic()


class _GzipResponse(io.BytesIO):
    def info(self):
        return {"Content-Encoding": "gzip"}


def _openml_offline(request):
    """Serve OpenML's answers from the copies scikit-learn ships for its own tests."""
    url = getattr(request, "full_url", request)
    files = Path(sklearn.__file__).parent / "datasets/tests/data/openml/id_40945"
    for part, name in [
        ("data/features/40945", "api-v1-jdf-40945.json.gz"),
        ("data/qualities/40945", "api-v1-jdq-40945.json.gz"),
        ("data/v1/download/16826755", "data-v1-dl-16826755.arff.gz"),
        ("json/data/40945", "api-v1-jd-40945.json.gz"),
    ]:
        if part in url:
            return _GzipResponse((files / name).read_bytes())
    raise AssertionError(f"unexpected URL {url}")


def test_the_openml_and_mirror_readers_give_the_same_bytes_for_the_same_passengers(tmp_path):
    with mock.patch("sklearn.datasets._openml.urlopen", _openml_offline):
        titanic.fetch("openml", tmp_path / "openml.parquet")
    titanic.fetch("mirror", tmp_path / "mirror.parquet")
    assert (tmp_path / "openml.parquet").read_bytes() == (tmp_path / "mirror.parquet").read_bytes()


def test_features_never_include_the_leaking_columns(tmp_path):
    table = titanic.fetch("mirror", tmp_path / "titanic.parquet")
    features, target = titanic.features_and_target(table)
    assert not set(titanic.LEAKING_COLUMNS) & set(features.columns)
    assert "survived" not in features.columns and len(target) == 1309
