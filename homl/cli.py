"""The `homl` command: use the pipeline's models on your own digits, emails and passengers."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from homl import errors, io, params

EXIT_BAD_INPUT = 2


class BadInput(Exception):
    """An input file the command cannot use."""


def predict_digit(args: argparse.Namespace) -> dict:
    from homl.images import to_mnist_format
    from homl.neighbors import KNNClassifier

    pixels = _grayscale(args.image)
    model = KNNClassifier.load(args.model)
    proba = model.predict_proba(to_mnist_format(pixels)[None])[0]
    best = int(proba.argmax())
    return {
        "digit": int(model.classes_[best]),
        "probability": float(proba[best]),
        "text": f"{args.image}: digit {model.classes_[best]} (probability {proba[best]:.2f})",
    }


def _grayscale(path: str) -> np.ndarray:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            if "A" in image.getbands() or "transparency" in image.info:
                # Transparent ink or paper: lay it on white, as it would be seen.
                white = Image.new("RGBA", image.size, "white")
                return np.asarray(Image.alpha_composite(white, image.convert("RGBA")).convert("L"))
            return np.asarray(image.convert("L"))
    except (OSError, UnidentifiedImageError) as error:
        raise BadInput(f"{path}: not an image ({error})") from error


def denoise(args: argparse.Namespace) -> dict:
    import dataclasses

    from PIL import Image

    from homl.data import mnist
    from homl.images import uniform_noise_moments
    from homl.neighbors import KNNDenoiser

    pixels = _grayscale(args.image)
    if pixels.shape != (28, 28):  # noise covers the whole frame, so the frame is resized as it is
        pixels = np.asarray(Image.fromarray(pixels).resize((28, 28), Image.LANCZOS))
    cfg, noise = params.load("denoise"), params.load("noisy")
    denoiser = KNNDenoiser(
        **dataclasses.asdict(getattr(cfg, args.method)),
        method=args.method,
        noise=uniform_noise_moments(noise.low, noise.high),
    )
    denoiser.fit(io.load_arrays(args.noisy)["train_images"], mnist.load(args.mnist).train_images)
    cleaned = denoiser.predict(pixels[None].astype(np.int16))[0].astype(np.uint8)
    with io.atomic_path(args.output) as tmp:
        Image.fromarray(cleaned).save(tmp, format="PNG")
    return {
        "output": str(args.output),
        "method": args.method,
        "text": f"{args.image}: cleaned into {args.output}",
    }


def classify_email(args: argparse.Namespace) -> dict:
    from homl.spam_filter import spam_scores
    from homl.text import parse_email

    try:
        raw = Path(args.message).read_bytes()
    except OSError as error:
        raise BadInput(f"{args.message}: cannot read ({error.strerror})") from error
    if not raw.strip():
        raise BadInput(f"{args.message}: empty file, not an email")
    if b"\x00" in raw[:65536]:
        raise BadInput(f"{args.message}: binary file, not an email")
    model = io.load_model(args.model)
    parsed = [parse_email(raw)]
    is_spam = bool(model.predict(parsed)[0])
    score = float(spam_scores(model.estimator, parsed)[0])
    verdict = "spam" if is_spam else "ham"
    return {
        "spam": is_spam,
        "score": score,
        "threshold": float(model.threshold),
        "text": f"{args.message}: {verdict} (score {score:.3f}, threshold {model.threshold:.3f})",
    }


def titanic(args: argparse.Namespace) -> dict:
    from homl.survival import INPUT_COLUMNS, survival_scores

    try:
        passengers = pd.read_csv(args.passengers)
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise BadInput(f"{args.passengers}: not a readable CSV ({error})") from error
    missing = [column for column in INPUT_COLUMNS if column not in passengers.columns]
    if missing:
        raise BadInput(f"{args.passengers}: missing columns {', '.join(missing)}")
    passengers["ticket"] = passengers["ticket"].astype(str)
    model = io.load_model(args.model)
    survives = model.predict(passengers).astype(bool)
    scores = survival_scores(model, passengers)
    rows = [
        {"name": str(name), "survives": bool(s), "score": float(score)}
        for name, s, score in zip(passengers["name"], survives, scores, strict=True)
    ]
    lines = [f"{row['name']}: {'survives' if row['survives'] else 'does not survive'}" for row in rows]
    return {"passengers": rows, "text": "\n".join(lines)}


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="homl", description=__doc__)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", help="print JSON instead of text")
    commands = main.add_subparsers(dest="command", required=True)
    add = lambda name, help: commands.add_parser(name, help=help, parents=[common])  # noqa: E731
    digit = add("predict-digit", "recognize a handwritten digit in an image of any size")
    digit.add_argument("image")
    digit.add_argument("--model", default="models/knn.npz")
    digit.set_defaults(run=predict_digit)
    clean = add("denoise", "clean a noisy 28x28 digit with the multi-output KNN of the denoise stage")
    clean.add_argument("image")
    clean.add_argument("-o", "--output", required=True)
    clean.add_argument("--method", choices=["vote", "mean", "posterior"], default="posterior")
    clean.add_argument("--noisy", default="data/interim/mnist_noisy.npz", help="the noisy training digits")
    clean.add_argument("--mnist", default="data/raw/mnist.npz", help="the clean training digits")
    clean.set_defaults(run=denoise)
    email = add("classify-email", "say whether a raw email (.eml) is spam")
    email.add_argument("message")
    email.add_argument("--model", default="models/spam.joblib")
    email.set_defaults(run=classify_email)
    passengers = add("titanic", "predict survival for passengers in a CSV")
    passengers.add_argument("passengers")
    passengers.add_argument("--model", default="models/titanic.joblib")
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
