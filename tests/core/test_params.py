import pytest
from stage_runner import repo_params

from homl.core import errors, params
from homl.data import mnist, spam, titanic
from homl.digits import denoise, idm, images, knn, reading
from homl.linreg import early_stopping, linear, logistic, polynomial, regularized, softmax
from homl.spam import spam_filter
from homl.titanic import survival

# Every section of params.yaml and the schema that owns it, beside the code that uses it.
SCHEMAS = {
    "seed": int,
    "quick": bool,
    "quick_run": params.QuickParams,
    "data.mnist.source": mnist.Source,
    "data.titanic.source": titanic.Source,
    "data.spam.source": spam.Source,
    "knn": knn.SearchParams,
    "augment": images.ShiftParams,
    "knn_variants": images.VariantParams,
    "idm": idm.SearchParams,
    "font_digits": reading.FontParams,
    "digit_degradations": reading.DegradationParams,
    "digit_reading": reading.ReadingParams,
    "noisy": images.NoiseParams,
    "denoise": denoise.Params,
    "titanic": survival.Params,
    "spam": spam_filter.Params,
    "linreg": linear.Params,
    "polynomial": polynomial.Params,
    "early_stopping": early_stopping.Params,
    "regularized": regularized.Params,
    "logistic_iris": logistic.BoundaryParams,
    "softmax_iris": softmax.IrisParams,
}


def test_the_repository_params_file_is_valid_and_every_section_has_a_schema():
    raw = repo_params()
    for key, schema in SCHEMAS.items():
        params.parse(key, schema, raw)
    assert set(raw) == {key.split(".")[0] for key in SCHEMAS}


def test_a_section_may_be_read_by_its_dotted_key():
    assert params.parse("data.titanic.source", titanic.Source, repo_params()) == "mirror"


def test_a_params_file_is_read_anew_when_it_changes_and_no_reader_changes_another_s(tmp_path):
    path = tmp_path / "params.yaml"
    path.write_text("seed: 1\nknn: {folds: 3}\n")
    params.load("knn", dict, path)["folds"] = 99
    assert params.load("knn", dict, path) == {"folds": 3}
    path.write_text("seed: 2\nknn: {folds: 3}\n")
    assert params.load("seed", int, path) == 2


def with_change(key: str, value) -> dict:
    raw = repo_params()
    *parents, last = key.split(".")
    node = raw
    for part in parents:
        node = node[part]
    if value is None:
        del node[last]
    else:
        node[last] = value
    return raw


@pytest.mark.parametrize(
    ("section", "key", "value", "message"),
    [
        (
            "data.mnist.source",
            "data.mnist.source",
            "kaggle",
            "data.mnist.source: 'kaggle' is not allowed; allowed: 'mirror', 'openml'",
        ),
        (
            "knn",
            "knn.weights",
            ["uniform", "closest"],
            "knn.weights[1]: 'closest' is not allowed; allowed: 'uniform', 'distance'",
        ),
        ("knn", "knn.folds", None, "knn.folds: missing"),
        ("knn", "knn.fols", 3, "knn.fols: unknown key"),
        (
            "augment",
            "augment.directions",
            ["north"],
            "augment.directions[0]: 'north' is not allowed; allowed: 'up', 'down', 'left', 'right'",
        ),
        (
            "denoise",
            "denoise.methods.median",
            {"n_neighbors": [3], "weights": ["uniform"]},
            "denoise.methods.median: 'median' is not allowed; allowed: 'vote', 'mean', 'posterior', 'bounded'",
        ),
        (
            "titanic",
            "titanic.features.cabin_side",
            True,
            "titanic.features.cabin_side: unknown key; allowed: title, family_size",
        ),
        (
            "titanic",
            "titanic.classifiers.svc.C",
            [1.0, -1.0],
            "titanic.classifiers.svc.C: The 'C' parameter of SVC must be a float in the range (0.0, inf]. Got -1.0 instead.",
        ),
        (
            "titanic",
            "titanic.classifiers.svc.gama",
            [0.1],
            "titanic.classifiers.svc.gama: unknown; allowed: C, ",
        ),
        (
            "titanic",
            "titanic.classifiers.knn",
            {"n_neighbors": [3]},
            "titanic.classifiers.knn: 'knn' is not allowed; allowed: 'logistic_regression'",
        ),
        (
            "spam",
            "spam.preprocessing.lowercase",
            "yes",
            "spam.preprocessing.lowercase: The 'lowercase' parameter of EmailToWords must be an instance of 'bool'",
        ),
        (
            "spam",
            "spam.classifiers.naive_bayes.alpha",
            [],
            "spam.classifiers.naive_bayes.alpha: expected a non-empty list",
        ),
        ("seed", "seed", "42", "seed: expected a whole number, got '42'"),
    ],
)
def test_a_bad_value_is_one_line_naming_the_key_and_what_is_allowed(section, key, value, message):
    with pytest.raises(errors.ParamsError) as raised:
        params.parse(section, SCHEMAS[section], with_change(key, value))
    assert str(raised.value).startswith(message) and "\n" not in str(raised.value)


def test_a_missing_section_is_named():
    raw = repo_params()
    del raw["titanic"]
    with pytest.raises(errors.ParamsError, match="^titanic: missing from params.yaml$"):
        params.parse("titanic", survival.Params, raw)


def test_the_allowed_values_are_the_codes_own():
    fields = survival.FeatureSwitches.__dataclass_fields__
    assert list(fields) == list(survival.FEATURES)
    assert set(repo_params()["denoise"]["methods"]) <= set(denoise.METHODS)


def test_automatic_spam_feature_sets_are_tried_off_and_on():
    raw = repo_params()
    switches = {"words": True, "word_bigrams": "auto", "subject": False, "chars": "auto", "structure": True}
    raw["spam"]["features"] = switches
    cfg = params.parse("spam", spam_filter.Params, raw)
    assert cfg.automatic == ("word_bigrams", "chars")
    assert cfg.feature_choices == [
        ("words", "structure"),
        ("words", "word_bigrams", "structure"),
        ("words", "chars", "structure"),
        ("words", "word_bigrams", "chars", "structure"),
    ]
    raw["spam"]["features"] = {**switches, "chars": "sometimes"}
    with pytest.raises(errors.ParamsError, match="spam.features.chars"):
        params.parse("spam", spam_filter.Params, raw)
