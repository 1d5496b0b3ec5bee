import pytest
import yaml

from homl import errors, params

GOOD = {
    "data": {"mnist": {"source": "mirror"}, "titanic": {"source": "openml"}, "spam": {"source": "apache"}}
}


def test_the_repository_params_file_is_valid():
    params.validate_all("params.yaml")


def test_a_valid_section_becomes_a_dataclass():
    data = params.parse("data", GOOD)
    assert data.titanic.source == "openml"


@pytest.mark.parametrize(
    ("section", "message"),
    [
        (
            {"mnist": {"source": "kaggle"}},
            r"data.mnist.source: 'kaggle' is not allowed; allowed: 'mirror', 'openml'",
        ),
        ({"mnist": {"source": "mirror", "sorce": 1}}, r"data.mnist.sorce: unknown key"),
        ({"mnist": {}}, r"data.mnist.source: missing"),
        ({"mnist": "mirror"}, r"data.mnist: expected a mapping"),
    ],
)
def test_bad_values_name_the_key(section, message):
    raw = {"data": {**GOOD["data"], **section}}
    with pytest.raises(errors.ParamsError, match=message):
        params.parse("data", raw)


def test_validate_all_rejects_an_unknown_section(tmp_path):
    path = tmp_path / "params.yaml"
    path.write_text(yaml.safe_dump({**GOOD, "knnn": {}}))
    with pytest.raises(errors.ParamsError, match="knnn: unknown section"):
        params.validate_all(path)
