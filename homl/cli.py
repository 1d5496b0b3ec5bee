"""The `homl` command: use the pipeline's models on your own digits, emails and passengers."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from homl import errors, io, limits, pipeline, selection

EXIT_BAD_INPUT = 2


class BadInput(Exception):
    """An input file the command cannot use."""


def read_input(path: str) -> bytes:
    """The bytes of a user's file, refused when unreadable or larger than `limits.MAX_INPUT_BYTES`."""
    try:
        with open(path, "rb") as file:
            data = file.read(limits.MAX_INPUT_BYTES + 1)
    except OSError as error:
        raise BadInput(f"{path}: cannot read ({error.strerror or error})") from error
    if len(data) > limits.MAX_INPUT_BYTES:
        raise BadInput(f"{path}: larger than the {limits.MAX_INPUT_BYTES // 2**20} MB an input may have")
    return data


def predict_digit(args: argparse.Namespace) -> dict:
    from homl.images import to_mnist_format

    pixels = _grayscale(args.image)
    model = io.load_model(model_path(args.model, "digit-classifier"))
    proba = model.predict_proba(to_mnist_format(pixels)[None])[0]
    best = int(proba.argmax())
    return {
        "digit": int(model.classes_[best]),
        "probability": float(proba[best]),
        "text": f"{args.image}: digit {model.classes_[best]} (probability {proba[best]:.2f})",
    }


def _grayscale(path: str) -> np.ndarray:
    import warnings
    from io import BytesIO

    from PIL import Image

    data = read_input(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(BytesIO(data)) as image:
                if image.width * image.height > limits.MAX_IMAGE_PIXELS:
                    raise BadInput(
                        f"{path}: {image.width} x {image.height} pixels, more than the "
                        f"{limits.MAX_IMAGE_PIXELS:,} an image may have"
                    )
                if "A" in image.getbands() or "transparency" in image.info:
                    # Transparent ink or paper: lay it on white, as it would be seen.
                    white = Image.new("RGBA", image.size, "white")
                    return np.asarray(Image.alpha_composite(white, image.convert("RGBA")).convert("L"))
                return np.asarray(image.convert("L"))
    except BadInput:
        raise
    except Exception as error:  # noqa: BLE001 - Pillow's decoders raise many types on a malformed file
        raise BadInput(f"{path}: not an image ({type(error).__name__}: {error})") from error


def denoise(args: argparse.Namespace) -> dict:
    from PIL import Image

    pixels = _grayscale(args.image)
    if pixels.shape != (28, 28):  # noise covers the whole frame, so the frame is resized as it is
        pixels = np.asarray(Image.fromarray(pixels).resize((28, 28), Image.LANCZOS))
    denoiser = io.load_model(model_path(args.model, "digit-denoiser"))
    cleaned = denoiser.predict(pixels[None].astype(np.int16))[0].astype(np.uint8)
    with io.atomic_path(args.output) as tmp:
        Image.fromarray(cleaned).save(tmp, format="PNG")
    return {
        "output": str(args.output),
        "method": denoiser.method,
        "text": f"{args.image}: cleaned into {args.output} ({denoiser.method})",
    }


def model_path(model: str | None, default: str) -> Path:
    """`--model`: an artifact of dvc.yaml by name, or a file; none: the artifact `default`."""
    if model is None:
        return pipeline.artifact(default)
    if Path(model).exists() or not pipeline.DVC_YAML.exists() or model not in pipeline.artifacts():
        return Path(model)
    return pipeline.artifact(model)


def classify_email(args: argparse.Namespace) -> dict:
    from homl.text import parse_email

    raw = read_input(args.message)
    if not raw.strip():
        raise BadInput(f"{args.message}: empty file, not an email")
    if b"\x00" in raw[:65536]:
        raise BadInput(f"{args.message}: binary file, not an email")
    model = io.load_model(model_path(args.model, "spam-filter"))
    parsed = [parse_email(raw)]
    if parsed[0].beyond_limits:
        raise BadInput(f"{args.message}: {parsed[0].beyond_limits} (a bound of homl/limits.py)")
    is_spam = bool(model.predict(parsed)[0])
    score = float(selection.positive_scores(model.estimator, parsed)[0])
    verdict = "spam" if is_spam else "ham"
    return {
        "spam": is_spam,
        "score": score,
        "threshold": float(model.threshold),
        "text": f"{args.message}: {verdict} (score {score:.3f}, threshold {model.threshold:.3f})",
    }


def read_passengers(path: str) -> pd.DataFrame:
    """A CSV of passengers: UTF-8, every model column present, numbers where numbers belong."""
    from io import StringIO

    from homl.data import titanic
    from homl.survival import INPUT_COLUMNS, NUMERIC_COLUMNS

    try:
        text = read_input(path).decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise BadInput(
            f"{path}: not UTF-8 text (byte {error.object[error.start]:#04x} at {error.start})"
        ) from error
    try:
        passengers = pd.read_csv(StringIO(text), dtype=str, nrows=limits.MAX_TABLE_ROWS + 1)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as error:
        raise BadInput(f"{path}: not a readable CSV ({str(error).strip().splitlines()[0]})") from error
    missing = [column for column in INPUT_COLUMNS if column not in passengers.columns]
    if missing:
        raise BadInput(f"{path}: missing columns {', '.join(missing)}")
    if passengers.empty or len(passengers) > limits.MAX_TABLE_ROWS:
        raise BadInput(f"{path}: {len(passengers)} passengers; a table holds 1 to {limits.MAX_TABLE_ROWS:,}")
    try:
        for column in NUMERIC_COLUMNS:
            passengers[column] = titanic.parse_numbers(passengers[column].str.strip(), column)
    except errors.DataError as error:
        raise BadInput(f"{path}: {error}") from error
    return passengers


def titanic(args: argparse.Namespace) -> dict:
    from homl.survival import domain_of, outside_domain

    passengers = read_passengers(args.passengers)
    passengers["ticket"] = passengers["ticket"].fillna("")
    model = io.load_model(model_path(args.model, "titanic-survival"))
    unseen = outside_domain(passengers, domain_of(model))
    if unseen and args.strict:
        raise BadInput(
            f"{args.passengers}: {len(unseen)} passengers outside the training data; first: {unseen[0]}"
        )
    for line in unseen:
        print(f"warning: {args.passengers}: {line}", file=sys.stderr)
    survives = model.predict(passengers).astype(bool)
    scores = selection.positive_scores(model, passengers)
    rows = [
        {"name": str(name), "survives": bool(s), "score": float(score)}
        for name, s, score in zip(passengers["name"], survives, scores, strict=True)
    ]
    lines = [f"{row['name']}: {'survives' if row['survives'] else 'does not survive'}" for row in rows]
    return {"passengers": rows, "warnings": unseen, "text": "\n".join(lines)}


MODEL_HELP = "an artifact's name in dvc.yaml or a model file (default: the artifact {})"


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="homl", description=__doc__)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", help="print JSON instead of text")
    commands = main.add_subparsers(dest="command", required=True)
    add = lambda name, help: commands.add_parser(name, help=help, parents=[common])  # noqa: E731
    digit = add("predict-digit", "recognize a handwritten digit in an image of any size")
    digit.add_argument("image")
    digit.add_argument("--model", help=MODEL_HELP.format("digit-classifier"))
    digit.set_defaults(run=predict_digit)
    clean = add("denoise", "clean a noisy 28x28 digit with the denoise stage's saved multi-output KNN")
    clean.add_argument("image")
    clean.add_argument("-o", "--output", required=True)
    clean.add_argument("--model", help=MODEL_HELP.format("digit-denoiser"))
    clean.set_defaults(run=denoise)
    email = add("classify-email", "say whether a raw email (.eml) is spam")
    email.add_argument("message")
    email.add_argument("--model", help=MODEL_HELP.format("spam-filter"))
    email.set_defaults(run=classify_email)
    passengers = add("titanic", "predict survival for passengers in a CSV")
    passengers.add_argument("passengers")
    passengers.add_argument("--model", help=MODEL_HELP.format("titanic-survival"))
    passengers.add_argument(
        "--strict", action="store_true", help="refuse passengers with values never seen in training"
    )
    passengers.set_defaults(run=titanic)
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        result = args.run(args)
    except BadInput as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except errors.ParamsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except (FileNotFoundError, errors.CorruptModelError) as error:
        print(f"error: {error} (run `dvc repro` to build the models)", file=sys.stderr)
        return 1
    text = result.pop("text")
    print(json.dumps(result, indent=2) if args.json else text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
