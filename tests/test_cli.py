import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from sklearn.datasets import load_digits
from tiny_data import digits_as_mnist, make_passengers, save_digit_model, save_spam_model, save_titanic_model

from homl import io
from homl.cli import main
from homl.images import to_mnist_format


@pytest.fixture
def digit_model(tmp_path):
    """KNN on scikit-learn's 8x8 digits brought to MNIST's format, and the digits it was not fitted on."""
    images, labels = load_digits(return_X_y=True)
    return save_digit_model(tmp_path / "knn.joblib"), images[1500:], labels[1500:]


def test_to_mnist_format_fits_the_ink_in_20x20_and_centres_its_mass():
    canvas = np.full((90, 60), 255, dtype=np.uint8)  # dark ink on white, off centre
    canvas[10:70, 5:20] = 0
    digit = to_mnist_format(canvas)
    assert digit.shape == (28, 28) and digit.dtype == np.uint8
    ink_rows = np.flatnonzero(digit.max(axis=1) > 50)
    assert 19 <= ink_rows[-1] - ink_rows[0] + 1 <= 21
    from scipy import ndimage

    np.testing.assert_allclose(ndimage.center_of_mass(digit.astype(float)), (13.5, 13.5), atol=0.6)
    assert not to_mnist_format(np.zeros((5, 5))).any()


def test_predict_digit_reads_any_size_and_colour_mode(digit_model, tmp_path, capsys):
    model, images, labels = digit_model
    correct = 0
    for i in range(20):
        big = np.kron(255 - images[i].reshape(8, 8) * 16, np.ones((12, 12)))  # dark on light, 96x96
        path = tmp_path / f"digit{i}.png"
        Image.fromarray(big.astype(np.uint8)).convert("RGB").save(path)
        assert main(["predict-digit", str(path), "--model", str(model), "--json"]) == 0
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
        assert main(["predict-digit", str(path), "--model", str(model), "--json"]) == 0
        predictions.append(json.loads(capsys.readouterr().out))
    assert predictions[0] == predictions[1]
    from homl.cli import _grayscale

    assert np.abs(_grayscale(tmp_path / "transparent.png").astype(int) - (255 - ink)).max() <= 1
    assert main(["predict-digit", str(path), "--model", str(model)]) == 0
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


def test_denoise_cleans_a_noisy_digit_with_the_pipelines_data(tmp_path, monkeypatch, capsys):
    from homl.images import add_noise, psnr

    clean = digits_as_mnist()[0]
    rng = np.random.default_rng(0)
    io.save_arrays(
        tmp_path / "mnist.npz",
        train_images=clean[:1500],
        train_labels=np.zeros(1500, np.uint8),
        test_images=clean[1500:],
        test_labels=np.zeros(len(clean) - 1500, np.uint8),
    )
    io.save_arrays(
        tmp_path / "noisy.npz",
        train_images=add_noise(clean[:1500], 0, 100, rng),
        test_images=add_noise(clean[1500:], 0, 100, rng),
    )
    (tmp_path / "params.yaml").write_text((Path(__file__).parent.parent / "params.yaml").read_text())
    monkeypatch.chdir(tmp_path)
    noisy = np.clip(add_noise(clean[1600], 0, 100, rng), 0, 255).astype(np.uint8)
    Image.fromarray(noisy).save(tmp_path / "noisy.png")
    arguments = ["denoise", "noisy.png", "-o", "clean.png", "--noisy", "noisy.npz", "--mnist", "mnist.npz"]
    assert main(arguments) == 0
    assert capsys.readouterr().out == "noisy.png: cleaned into clean.png\n"
    cleaned = np.asarray(Image.open(tmp_path / "clean.png"))
    assert cleaned.shape == (28, 28) and psnr(cleaned, clean[1600]) > psnr(noisy, clean[1600]) + 5
