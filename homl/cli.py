"""The `homl` command: use the pipeline's models on your own digits, emails and passengers."""

from __future__ import annotations

import argparse
import functools
import importlib
import importlib.util
import json
import sys
import types
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from homl.core import errors, io, limits

if TYPE_CHECKING:  # pandas and scikit-learn load only in the commands that use them (start-up time)
    import pandas as pd

EXIT_BAD_INPUT = 2
DEFERRED_MODULES = ("scipy.stats",)  # scikit-learn imports it for helpers no command calls: 0.5 s of start-up
UNUSED_BY_DIGIT_COMMANDS = ("pandas",)  # scikit-learn's import probes for it, the images never need it: 0.4 s


def defer_import(name: str) -> None:
    """Stand in for module `name` until its first use: `import name` elsewhere then costs nothing, and the
    first attribute read (PEP 562's module `__getattr__`) imports the real module in its place."""
    if name in sys.modules:
        return
    stand_in = types.ModuleType(name)
    stand_in.__spec__ = importlib.util.find_spec(name)

    def load(attribute: str) -> object:
        if sys.modules.get(name) is stand_in:
            del sys.modules[name]
        return getattr(importlib.import_module(name), attribute)

    stand_in.__getattr__ = load
    sys.modules[name] = stand_in


def import_without(module: str, probed: tuple[str, ...]) -> None:
    """Import `module` as if the `probed` modules were not installed (for a library that only checks on
    import whether they are there); any later import finds them as usual."""
    hidden = [name for name in probed if name not in sys.modules]
    sys.modules.update(dict.fromkeys(hidden))
    try:
        importlib.import_module(module)
    finally:
        for name in hidden:
            del sys.modules[name]


class _DocWithoutNotes(dict):
    """Stands in for SciPy's docstring parser in `skip_capability_notes`: the docstring as it was."""

    def __init__(self, function: Any, *args: Any, **kwargs: Any):
        super().__init__(Notes=[])
        self.doc = function.__doc__ or ""

    def __str__(self) -> str:
        return "\n" + self.doc  # the decorator drops the first line (a signature)


def skip_capability_notes() -> None:
    """Keep SciPy from parsing and rebuilding the docstring of each array-API function it imports to add
    its backends table (about 0.4 s of a command's start-up); the functions, and their docstrings without
    that table, stay as they are. Nothing changes where SciPy has no such step."""
    array_api = importlib.import_module("scipy._lib._array_api")
    if hasattr(array_api, "FunctionDoc"):
        array_api.FunctionDoc = _DocWithoutNotes


class BadInput(Exception):
    """An input file the command cannot use."""


@dataclass
class Answers:
    """A command's answers, one record per input (each with its "text" line), and the inputs it refused."""

    records: list[dict] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


def read_each(paths: list[str], read: Callable[[str], np.ndarray]) -> tuple[list[str], list, list[str]]:
    """`read(path)` for every path: the paths read and what each gave, and one line for each refused."""
    readable, values, refused = [], [], []
    for path in paths:
        try:
            values.append(read(path))
            readable.append(path)
        except BadInput as error:
            refused.append(str(error))
    return readable, values, refused


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


def predict_digit(args: argparse.Namespace) -> Answers:
    """Every readable image brought to MNIST's format, then classified in one call."""
    from homl import load

    import_without("sklearn.base", UNUSED_BY_DIGIT_COMMANDS)

    reader = functools.cache(lambda: load(args.reader or "digit-reader", args.rev))

    def read(path: str) -> np.ndarray:
        gray = _grayscale(path)  # a bad image is refused before the reader is loaded
        return reader().read(gray)

    paths, digits, refused = read_each(args.images, read)
    answers = Answers(refused=refused)
    if not paths:
        return answers
    model = chosen_model(args, "digit-classifier")
    for path, proba in zip(paths, model.predict_proba(np.stack(digits)), strict=True):
        best = int(proba.argmax())
        digit = model.classes_[best]
        answers.records.append(
            {
                "image": path,
                "digit": int(digit),
                "probability": float(proba[best]),
                "text": f"{path}: digit {digit} (probability {proba[best]:.2f})",
            }
        )
    return answers


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


def denoise(args: argparse.Namespace) -> Answers:
    """Every readable image cleaned in one call; with several images, `--output` is a directory."""
    from PIL import Image

    import_without("sklearn.base", UNUSED_BY_DIGIT_COMMANDS)

    def as_frame(path: str) -> np.ndarray:
        pixels = _grayscale(path)
        if pixels.shape != (28, 28):  # noise covers the whole frame, so the frame is resized as it is
            pixels = np.asarray(Image.fromarray(pixels).resize((28, 28), Image.LANCZOS))
        return pixels

    if len(args.images) > 1 and len({Path(path).name for path in args.images}) < len(args.images):
        raise BadInput("two images share a file name; their cleaned copies would overwrite each other")
    paths, frames, refused = read_each(args.images, as_frame)
    answers = Answers(refused=refused)
    if not paths:
        return answers
    denoiser = chosen_model(args, "digit-denoiser")
    cleaned = denoiser.predict(np.stack(frames).astype(np.int16)).astype(np.uint8)
    for path, image in zip(paths, cleaned, strict=True):
        output = Path(args.output) / Path(path).name if len(args.images) > 1 else Path(args.output)
        with io.atomic_path(output) as tmp:
            Image.fromarray(image).save(tmp, format="PNG")
        answers.records.append(
            {
                "image": path,
                "output": str(output),
                "method": denoiser.method,
                "text": f"{path}: cleaned into {output} ({denoiser.method})",
            }
        )
    return answers


def chosen_model(args: argparse.Namespace, default: str) -> object:
    """`--model`: an artifact of dvc.yaml by name, or a file; none: the artifact `default`; `--rev`: as
    that revision of the project has it."""
    from homl import load

    return load(args.model or default, args.rev)


def classify_email(args: argparse.Namespace) -> dict:
    from homl.core import selection
    from homl.spam.parsing import parse_email

    raw = read_input(args.message)
    if not raw.strip():
        raise BadInput(f"{args.message}: empty file, not an email")
    if b"\x00" in raw[:65536]:
        raise BadInput(f"{args.message}: binary file, not an email")
    model = chosen_model(args, "spam-filter")
    parsed = [parse_email(raw)]
    if parsed[0].beyond_limits:
        raise BadInput(f"{args.message}: {parsed[0].beyond_limits} (a bound of homl/core/limits.py)")
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

    import pandas as pd

    from homl.data import titanic
    from homl.titanic.survival import INPUT_COLUMNS, NUMERIC_COLUMNS

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
    from homl.core import selection
    from homl.titanic.survival import domain_of, outside_domain

    passengers = read_passengers(args.passengers)
    passengers["ticket"] = passengers["ticket"].fillna("")
    model = chosen_model(args, "titanic-survival")
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
    common.add_argument(
        "--rev", help="the model as this git revision of the project has it (branch, tag or commit)"
    )
    commands = main.add_subparsers(dest="command", required=True)
    add = lambda name, help: commands.add_parser(name, help=help, parents=[common])  # noqa: E731
    digit = add("predict-digit", "recognize the handwritten digit in each image, of any size")
    digit.add_argument("images", nargs="+", metavar="image")
    digit.add_argument("--model", help=MODEL_HELP.format("digit-classifier"))
    digit.add_argument(
        "--reader", help="how a photo is brought to MNIST's format: " + MODEL_HELP.format("digit-reader")
    )
    digit.set_defaults(run=predict_digit)
    clean = add("denoise", "clean noisy 28x28 digits with the denoise stage's saved multi-output KNN")
    clean.add_argument("images", nargs="+", metavar="image")
    clean.add_argument(
        "-o", "--output", required=True, help="the cleaned image's file; with several images, a directory"
    )
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
    """Run a command; one line per answer (one JSON record per line with --json), one `error:` line on
    standard error per input refused, and exit status 2 when any was."""
    skip_capability_notes()
    for name in DEFERRED_MODULES:
        defer_import(name)
    args = parser().parse_args(argv)
    try:
        answers = args.run(args)
    except BadInput as error:
        answers = Answers(refused=[str(error)])
    except (errors.ParamsError, errors.UntrustedModelError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except (FileNotFoundError, errors.CorruptModelError) as error:
        print(f"error: {error} (run `dvc repro` to build the models)", file=sys.stderr)
        return 1
    if isinstance(answers, dict):
        answers = Answers(records=[answers])
    for record in answers.records:
        text = record.pop("text")
        print(json.dumps(record) if args.json else text)
    for line in answers.refused:
        print(f"error: {line}", file=sys.stderr)
    return EXIT_BAD_INPUT if answers.refused else 0


if __name__ == "__main__":
    sys.exit(main())
