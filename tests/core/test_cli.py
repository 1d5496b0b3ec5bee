import json
import subprocess
import sys

import numpy as np
import pytest
from dvc_repo import DVC, new_repo, run
from PIL import Image
from sklearn.datasets import load_digits
from tiny_data import (
    digits_as_mnist,
    make_passengers,
    save_denoiser,
    save_digit_model,
    save_digit_reader,
    save_spam_model,
    save_titanic_model,
)

from homl.cli import main
from homl.core import io
from homl.digits.knn import KNNClassifier
from homl.digits.reading import DigitReader


@pytest.fixture
def digit_model(tmp_path):
    """KNN on scikit-learn's 8x8 digits brought to MNIST's format, and the digits it was not fitted on."""
    images, labels = load_digits(return_X_y=True)
    return save_digit_model(tmp_path / "knn.joblib"), images[1500:], labels[1500:]


@pytest.fixture
def reader(tmp_path):
    return save_digit_reader(tmp_path / "reader.joblib")


def test_the_reader_fits_the_ink_in_20x20_and_centres_its_mass():
    canvas = np.full((90, 60), 255, dtype=np.uint8)  # dark ink on white, off centre
    canvas[10:70, 5:20] = 0
    digit = DigitReader().read(canvas)
    assert digit.shape == (28, 28) and digit.dtype == np.uint8
    ink_rows = np.flatnonzero(digit.max(axis=1) > 50)
    assert 19 <= ink_rows[-1] - ink_rows[0] + 1 <= 21
    from scipy import ndimage

    np.testing.assert_allclose(ndimage.center_of_mass(digit.astype(float)), (13.5, 13.5), atol=0.6)
    assert not DigitReader().read(np.zeros((5, 5))).any()


def test_predict_digit_reads_any_size_and_colour_mode(digit_model, reader, tmp_path, capsys):
    model, images, labels = digit_model
    correct = 0
    for i in range(20):
        big = np.kron(255 - images[i].reshape(8, 8) * 15, np.ones((12, 12)))  # dark on light, 96x96
        path = tmp_path / f"digit{i}.png"
        Image.fromarray(big.astype(np.uint8)).convert("RGB").save(path)
        assert (
            main(["predict-digit", str(path), "--model", str(model), "--reader", str(reader), "--json"]) == 0
        )
        correct += json.loads(capsys.readouterr().out)["digit"] == labels[i]
    assert correct >= 17
    ink = np.kron(images[0].reshape(8, 8) * 16, np.ones((12, 12))).clip(0, 255).astype(np.uint8)
    transparent = np.zeros((96, 96, 4), dtype=np.uint8)  # black ink on a transparent background
    transparent[..., 3] = ink
    Image.fromarray(transparent, "RGBA").save(tmp_path / "transparent.png")
    opaque = tmp_path / "opaque.png"
    Image.fromarray(255 - ink).save(opaque)
    predictions = []
    for path in (tmp_path / "transparent.png", opaque):
        assert (
            main(["predict-digit", str(path), "--model", str(model), "--reader", str(reader), "--json"]) == 0
        )
        predictions.append({**json.loads(capsys.readouterr().out), "image": None})
    assert predictions[0] == predictions[1]
    from homl.cli import _grayscale

    assert np.abs(_grayscale(tmp_path / "transparent.png").astype(int) - (255 - ink)).max() <= 1
    assert main(["predict-digit", str(path), "--model", str(model), "--reader", str(reader)]) == 0
    assert capsys.readouterr().out.startswith(f"{path}: digit ")


def test_bad_input_exits_2_with_one_line(tmp_path, capsys):
    not_an_image = tmp_path / "x.png"
    not_an_image.write_text("hello")
    assert main(["predict-digit", str(not_an_image)]) == 2
    assert capsys.readouterr().err.startswith(f"error: {not_an_image}: not an image")
    assert main(["titanic", str(tmp_path / "missing.csv")]) == 2
    (tmp_path / "empty.eml").write_bytes(b"\n")
    (tmp_path / "binary.eml").write_bytes(bytes(range(256)))
    for name, reason in (("empty.eml", "empty file"), ("binary.eml", "binary file")):
        capsys.readouterr()
        assert main(["classify-email", str(tmp_path / name)]) == 2
        assert capsys.readouterr().err == f"error: {tmp_path / name}: {reason}, not an email\n"
    with pytest.raises(SystemExit) as exit_info:
        main(["no-such-command"])
    assert exit_info.value.code == 2


def test_a_missing_model_says_how_to_build_it(tmp_path, capsys):
    message = tmp_path / "m.eml"
    message.write_bytes(b"Subject: hi\n\nhello")
    assert main(["classify-email", str(message), "--model", str(tmp_path / "none.joblib")]) == 1
    assert "dvc repro" in capsys.readouterr().err


def test_a_model_file_naming_an_untrusted_function_is_refused_in_one_line(tmp_path, capsys):
    io.save_model(tmp_path / "forged.joblib", print)  # a function no homl model holds
    image = tmp_path / "digit.png"
    Image.fromarray(np.zeros((28, 28), dtype=np.uint8)).save(image)
    forged = [
        "--model",
        str(tmp_path / "forged.joblib"),
        "--reader",
        str(save_digit_reader(tmp_path / "r.joblib")),
    ]
    assert main(["predict-digit", str(image), *forged]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"error: {tmp_path / 'forged.joblib'}: refused, it names builtins.print, which no homl model holds"
    ]


def test_titanic_predicts_each_passenger_of_a_csv(tmp_path, capsys):
    table = make_passengers(300)
    save_titanic_model(tmp_path / "titanic.joblib", table)
    csv = tmp_path / "passengers.csv"
    table.drop(columns=["survived", "boat", "body", "home.dest"]).head(5).to_csv(csv, index=False)
    assert main(["titanic", str(csv), "--model", str(tmp_path / "titanic.joblib"), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["passengers"]
    assert [row["name"] for row in rows] == table["name"].head(5).tolist()
    table.drop(columns=["sex"]).to_csv(csv, index=False)
    assert main(["titanic", str(csv), "--model", str(tmp_path / "titanic.joblib")]) == 2
    assert "missing columns sex" in capsys.readouterr().err


def test_classify_email(tmp_path, capsys):
    save_spam_model(tmp_path / "spam.joblib")
    eml = tmp_path / "new.eml"
    eml.write_bytes(
        b"From: x@example.org\nSubject: offer\nContent-Type: text/html\n\n<p>Free <b>money</b>!</p>"
    )
    assert main(["classify-email", str(eml), "--model", str(tmp_path / "spam.joblib"), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["spam"] is True and result["score"] > result["threshold"]


def test_denoise_cleans_a_noisy_digit_with_the_saved_model(tmp_path, monkeypatch, capsys):
    from homl.digits.images import add_noise, psnr

    clean = digits_as_mnist()[0]
    rng = np.random.default_rng(0)
    save_denoiser(tmp_path / "denoiser.joblib", clean[:1500], 20, rng, shifted_copies=True)
    monkeypatch.chdir(tmp_path)
    noisy = np.clip(add_noise(clean[1600], 0, 100, rng), 0, 255).astype(np.uint8)
    Image.fromarray(noisy).save(tmp_path / "noisy.png")
    assert main(["denoise", "noisy.png", "-o", "clean.png", "--model", "denoiser.joblib"]) == 0
    assert capsys.readouterr().out == "noisy.png: cleaned into clean.png (bounded)\n"
    cleaned = np.asarray(Image.open(tmp_path / "clean.png"))
    assert cleaned.shape == (28, 28) and psnr(cleaned, clean[1600]) > psnr(noisy, clean[1600]) + 5


def test_model_names_an_artifact_of_dvc_yaml_or_a_file(tmp_path, monkeypatch, capsys, digit_model, reader):
    path, images, labels = digit_model
    (tmp_path / "dvc.yaml").write_text(
        f"artifacts:\n  digit-classifier:\n    path: missing.joblib\n    type: model\n"
        f"  small-digits:\n    path: {path}\n    type: model\n"
        f"  digit-reader:\n    path: {reader}\n    type: model\n"
    )
    monkeypatch.chdir(tmp_path)
    digit = tmp_path / "digit.png"
    Image.fromarray((255 - images[0].reshape(8, 8) * 15).astype(np.uint8)).resize((80, 80)).save(digit)
    assert main(["predict-digit", str(digit), "--model", "small-digits", "--json"]) == 0
    by_name = json.loads(capsys.readouterr().out)
    assert main(["predict-digit", str(digit), "--model", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == by_name
    assert main(["predict-digit", str(digit)]) == 1  # the default artifact's file is missing
    assert "missing.joblib" in capsys.readouterr().err
    assert main(["predict-digit", str(digit), "--model", "no-such-model"]) == 1
    assert "no-such-model" in capsys.readouterr().err


def test_predict_digit_answers_many_images_in_one_call_a_line_each(digit_model, reader, tmp_path, capsys):
    model, images, labels = digit_model
    paths = []
    for i in range(12):
        paths.append(tmp_path / f"digit{i}.png")
        big = np.kron(255 - images[i].reshape(8, 8) * 15, np.ones((12, 12)))
        Image.fromarray(big.astype(np.uint8)).save(paths[-1])
    (tmp_path / "broken.png").write_bytes(b"not a picture")
    listed = [str(p) for p in paths[:6]] + [str(tmp_path / "broken.png")] + [str(p) for p in paths[6:]]
    assert main(["predict-digit", *listed, "--model", str(model), "--reader", str(reader), "--json"]) == 2
    out, err = capsys.readouterr()
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["image"] for r in records] == [str(p) for p in paths]
    assert err.count("\n") == 1 and err.startswith(f"error: {tmp_path / 'broken.png'}: not an image")
    for path, record in zip(paths, records, strict=True):  # the same answer as one image at a time
        assert (
            main(["predict-digit", str(path), "--model", str(model), "--reader", str(reader), "--json"]) == 0
        )
        assert json.loads(capsys.readouterr().out) == record
    assert (
        main(["predict-digit", str(paths[0]), str(paths[0]), "--model", str(model), "--reader", str(reader)])
        == 0
    )
    assert len(capsys.readouterr().out.splitlines()) == 2  # an image given twice is answered twice


def test_denoise_cleans_many_images_into_a_directory(tmp_path, capsys):
    from homl.digits.images import add_noise

    clean = digits_as_mnist()[0]
    rng = np.random.default_rng(1)
    save_denoiser(tmp_path / "denoiser.joblib", clean[:800], 10, rng)
    noisy = np.clip(add_noise(clean[900:905], 0, 100, rng), 0, 255).astype(np.uint8)
    paths = [tmp_path / f"noisy{i}.png" for i in range(5)]
    for path, image in zip(paths, noisy, strict=True):
        Image.fromarray(image).save(path)
    out_dir = tmp_path / "cleaned"
    model = ["--model", str(tmp_path / "denoiser.joblib")]
    assert main(["denoise", *map(str, paths), "-o", str(out_dir), *model]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 5
    one = tmp_path / "one.png"
    assert main(["denoise", str(paths[3]), "-o", str(one), *model]) == 0
    np.testing.assert_array_equal(np.asarray(Image.open(out_dir / "noisy3.png")), np.asarray(Image.open(one)))
    assert (
        main(["denoise", str(paths[0]), str(tmp_path / "cleaned" / "noisy0.png"), "-o", str(out_dir), *model])
        == 2
    )
    assert "share a file name" in capsys.readouterr().err


def test_python_callers_load_a_model_by_its_artifact_name_in_one_line_from_any_directory_of_the_project(
    tmp_path, monkeypatch, digit_model
):
    import homl

    path, images, labels = digit_model
    (tmp_path / "dvc.yaml").write_text(
        f"artifacts:\n  small-digits:\n    path: {path.name}\n    type: model\n"
    )
    (tmp_path / "notebooks" / "chapter3").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "notebooks" / "chapter3")
    digits = np.stack([DigitReader().read(255 - image.reshape(8, 8) * 16) for image in images[:30]])
    expected = io.load_model(path).predict(digits)
    np.testing.assert_array_equal(homl.load("small-digits").predict(digits), expected)
    np.testing.assert_array_equal(homl.load(str(path)).predict(digits), expected)
    with pytest.raises(FileNotFoundError):
        homl.load("no-such-model")


DEFERRED_CHECK = """
import sys
from homl import cli
cli.defer_import("scipy.stats")
import scipy.stats
assert "scipy.stats._stats_py" not in sys.modules, "imported before its first use"
from scipy.stats import norm
import scipy.stats.distributions
assert norm.cdf(0.0) == 0.5 and scipy.stats.rankdata([3, 1, 2]).tolist() == [3, 1, 2]
assert sys.modules["scipy.stats"].norm is norm
"""


def test_a_deferred_module_is_imported_on_first_use_and_then_behaves_as_itself():
    subprocess.run([sys.executable, "-c", DEFERRED_CHECK], check=True)


CAPABILITY_NOTES_CHECK = """
import sys
from homl import cli
if sys.argv[1] == "skip":
    cli.skip_capability_notes()
import numpy as np
from scipy import ndimage
doc = ndimage.gaussian_filter.__doc__
assert doc.startswith("Multidimensional Gaussian filter.") and "Parameters" in doc
assert ("Array API Standard Support" in doc) == (sys.argv[1] == "keep")
np.testing.assert_allclose(ndimage.gaussian_filter([0.0, 1.0, 0.0], 1), [0.2960964, 0.4078072, 0.2960964])
"""


@pytest.mark.parametrize("notes", ["skip", "keep"])
def test_scipy_s_capability_notes_are_skipped_and_the_functions_and_their_docstrings_stay(notes):
    subprocess.run([sys.executable, "-c", CAPABILITY_NOTES_CHECK, notes], check=True)


IMPORT_WITHOUT_CHECK = """
import sys
from homl import cli
cli.import_without("probe", ("optional",))
import probe
assert probe.optional is None and "optional" not in sys.modules, "the probe saw the module"
import optional
assert optional.ANSWER == 42
"""


def test_a_module_imported_without_another_finds_it_missing_and_later_imports_find_it(tmp_path):
    (tmp_path / "probe.py").write_text(
        "try:\n    import optional\nexcept ImportError:\n    optional = None\n"
    )
    (tmp_path / "optional.py").write_text("ANSWER = 42\n")
    subprocess.run([sys.executable, "-c", IMPORT_WITHOUT_CHECK], check=True, cwd=tmp_path)


def test_the_digit_commands_import_neither_scipy_stats_nor_pandas(digit_model, reader, tmp_path):
    from homl.digits.images import add_noise

    model, images, _ = digit_model
    path = tmp_path / "digit.png"
    Image.fromarray((images[0].reshape(8, 8) * 16).astype(np.uint8)).save(path)
    clean = digits_as_mnist()[0]
    rng = np.random.default_rng(2)
    save_denoiser(tmp_path / "denoiser.joblib", clean[:300], 5, rng)
    noisy = tmp_path / "noisy.png"
    Image.fromarray(np.clip(add_noise(clean[400], 0, 100, rng), 0, 255).astype(np.uint8)).save(noisy)
    commands = [
        ["predict-digit", str(path), "--model", str(model), "--reader", str(reader)],
        [
            "denoise",
            str(noisy),
            "-o",
            str(tmp_path / "clean.png"),
            "--model",
            str(tmp_path / "denoiser.joblib"),
        ],
    ]
    for command in commands:
        run = f"""
import sys
from homl import cli
assert cli.main({command!r}) == 0
assert "sklearn.base" in sys.modules
assert "scipy.stats._stats_py" not in sys.modules and "pandas" not in sys.modules, {command[0]!r}
"""
        subprocess.run([sys.executable, "-c", run], check=True)


@pytest.mark.slow
@pytest.mark.skipif(DVC is None, reason="needs dvc and git")
def test_a_model_is_loaded_as_another_revision_of_the_project_has_it(tmp_path, monkeypatch, capsys):
    import tempfile

    import homl

    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))

    digits, labels = digits_as_mnist()
    digits, labels = digits[:200], labels[:200].astype(int)
    (tmp_path / "project").mkdir()
    repo = new_repo(tmp_path / "project")
    (repo / "dvc.yaml").write_text(
        "artifacts:\n  digit-classifier:\n    path: model.joblib\n    type: model\n"
        "  digit-reader:\n    path: reader.joblib\n    type: model\n"
    )
    save_digit_reader(repo / "reader.joblib")
    for version, truth in (("first", labels), ("second", (labels + 1) % 10)):
        io.save_model(repo / "model.joblib", KNNClassifier(1).fit(digits, truth))
        run(repo, DVC, "add", "-q", "model.joblib")
        run(repo, "git", "add", "-A")
        run(repo, "git", "commit", "-qm", version)
    (repo / "src").mkdir()
    monkeypatch.chdir(repo / "src")
    np.testing.assert_array_equal(homl.load("digit-classifier", rev="HEAD~1").predict(digits), labels)
    np.testing.assert_array_equal(homl.load("digit-classifier").predict(digits), (labels + 1) % 10)
    Image.fromarray(digits[0]).save(repo / "src" / "digit.png")
    assert main(["predict-digit", "digit.png", "--rev", "HEAD~1", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["digit"] == labels[0]
    assert main(["predict-digit", "digit.png", "--rev", "no-such-revision"]) == 1
    assert "no-such-revision" in capsys.readouterr().err
    assert not [p for p in (tmp_path / "tmp").iterdir() if p.name.startswith("homl-model-")]
