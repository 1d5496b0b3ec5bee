"""A fuzz harness for every entry point that reads a user's file: structured hostile inputs, not a list.

The property for the `homl` command: exit 0 with a real answer, or exit 2 with one line naming the file;
never a traceback. For the email parser (the spam stages' input): it returns, and counts what it skipped.
Seeded (derandomized) and bounded: the same examples every run, a few hundred per entry point in the slow
tier (`pytest --all`, as CI runs it), a few dozen in the fast one.
"""

import io as bytes_io
import json
import resource
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image
from tiny_data import (
    digits_as_mnist,
    make_passengers,
    save_digit_model,
    save_digit_reader,
    save_spam_model,
    save_titanic_model,
)

from homl.cli import main
from homl.core import io, limits
from homl.core.errors import DataError
from homl.data import titanic
from homl.digits.denoise import KNNDenoiser
from homl.digits.images import add_noise
from homl.spam import parsing

FUZZ = settings(
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    root = tmp_path_factory.mktemp("models")
    passengers = make_passengers(300)
    reader = save_digit_reader(root / "reader.joblib")
    return {  # each command's model options
        "predict-digit": ["--model", str(save_digit_model(root / "knn.joblib")), "--reader", str(reader)],
        "classify-email": ["--model", str(save_spam_model(root / "spam.joblib"))],
        "titanic": ["--model", str(save_titanic_model(root / "titanic.joblib", passengers))],
    }


def answer(command: str, data: bytes, models, tmp_path, capsys, *options: str) -> tuple[int, dict | None]:
    """Run `homl COMMAND FILE --json` on `data`; check the property; return the exit status and answer."""
    path = tmp_path / "input"
    path.write_bytes(data)
    capsys.readouterr()
    status = main([command, str(path), *models[command], "--json", *options])
    out, err = capsys.readouterr()
    assert status in (0, 2), f"exit {status}: {err}"
    if status == 2:
        assert err.startswith(f"error: {path}: ") and err.count("\n") == 1, err
        return status, None
    return status, json.loads(out)


def maybe_truncated(draw, data: bytes) -> bytes:
    """`data`, or `data` cut at a drawn length (a download or a copy that stopped short)."""
    return data[: draw(st.integers(0, len(data)))] if draw(st.booleans()) else data


# --- emails: nesting, part counts, charsets, transfer encodings, NUL bytes, truncation ---

CHARSETS = ["utf-8", "latin-1", "utf-16", "utf-7", "iso-2022-jp", "x-unknown", "", '"', "utf-8\x00"]
ENCODINGS = ["base64", "quoted-printable", "8bit", "7bit", "x-uuencode", "binary", "nonsense"]


@st.composite
def emails(draw) -> bytes:
    depth = draw(st.one_of(st.integers(0, 5), st.integers(limits.MAX_MIME_DEPTH - 1, 400)))
    width = draw(
        st.one_of(st.integers(1, 3), st.integers(limits.MAX_MIME_PARTS - 5, limits.MAX_MIME_PARTS + 50))
    )
    subtype = draw(st.sampled_from(["plain", "html", "rtf"]))
    leaf = (
        f"Content-Type: text/{subtype}; charset={draw(st.sampled_from(CHARSETS))}\n"
        f"Content-Transfer-Encoding: {draw(st.sampled_from(ENCODINGS))}\n\n"
    ).encode() + draw(st.binary(max_size=200))
    body = b"\n--w\n".join([leaf] * width) if width > 1 else leaf
    if width > 1:
        body = b'Content-Type: multipart/mixed; boundary="w"\n\n--w\n' + body + b"\n--w--\n"
    for level in range(depth):
        body = b'Content-Type: multipart/mixed; boundary="b%d"\n\n--b%d\n%s\n--b%d--\n' % (
            level,
            level,
            body,
            level,
        )
    message = draw(st.sampled_from([b"Subject: =?x-bad?Q?hi?=\n", b"From: a@b\nSubject: hi\n", b""])) + body
    message = maybe_truncated(draw, message)
    if draw(st.booleans()):
        at = draw(st.integers(0, len(message)))
        message = message[:at] + b"\x00" + message[at:]
    return message


@FUZZ
@given(emails())
def test_the_email_parser_returns_on_hostile_mime(raw):
    parsed = parsing.parse_email(raw)
    assert isinstance(parsed.body, str) and parsed.defects >= 0


@FUZZ
@given(emails())
def test_classify_email_answers_or_refuses_in_one_line(models, tmp_path, capsys, raw):
    status, result = answer("classify-email", raw, models, tmp_path, capsys)
    if status == 0:
        assert isinstance(result["spam"], bool) and np.isfinite(result["score"])


DEEP_MIME = b"Subject: deep\n" + b"".join(
    b'Content-Type: multipart/mixed; boundary="b%d"\n\n--b%d\n' % (level, level) for level in range(2000)
)


def test_a_mime_message_nested_2000_deep_is_read_with_a_defect_and_refused_by_the_command(
    models, tmp_path, capsys
):
    parsed = parsing.parse_email(DEEP_MIME)
    assert parsed.defects >= 1 and parsed.subject == "deep" and parsed.beyond_limits == parsing.TOO_DEEP
    assert answer("classify-email", DEEP_MIME, models, tmp_path, capsys) == (2, None)


@pytest.mark.slow
def test_spam_parse_counts_a_hostile_message_as_a_defect_and_goes_on(tmp_path):
    corpus = pd.DataFrame(
        [
            {
                "id": f"{group}/{i}",
                "group": group,
                "is_spam": group == "spam",
                "md5": "",
                "raw": f"Subject: s\n\n{group} {i}".encode(),
            }
            for group in ("easy_ham", "spam")
            for i in range(20)
        ]
    )
    corpus.loc[0, "raw"] = DEEP_MIME
    io.write_table(tmp_path / "corpus.parquet", corpus)
    (tmp_path / "params.yaml").write_text((REPO / "params.yaml").read_text())
    stage = [sys.executable, str(REPO / "stages" / "spam_parse.py"), "corpus.parquet", "train.parquet"]
    result = subprocess.run(
        [*stage, "test.parquet", "parse.json"], cwd=tmp_path, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    counts = io.read_json(tmp_path / "parse.json")
    assert (
        counts["parsed_with_defects"] == 1 and counts["train"]["messages"] + counts["test"]["messages"] == 40
    )


# --- images: every format and mode, truncated, corrupted, sizes declared far from real ones ---


def png_declaring(width: int, height: int) -> bytes:
    """A small valid PNG whose header then declares `width` x `height` (with a correct CRC)."""
    buffer = bytes_io.BytesIO()
    Image.new("L", (4, 4), 255).save(buffer, format="PNG")
    data = bytearray(buffer.getvalue())
    header = b"IHDR" + struct.pack(">II", width, height) + bytes(data[24:29])
    data[12:29] = header
    data[29:33] = struct.pack(">I", zlib.crc32(header))
    return bytes(data)


@st.composite
def images(draw) -> bytes:
    if draw(st.integers(0, 4)) == 0:
        return png_declaring(draw(st.integers(0, 2**31 - 1)), draw(st.integers(0, 2**31 - 1)))
    mode = draw(st.sampled_from(["L", "RGB", "RGBA", "1", "P", "I", "F", "LA", "CMYK"]))
    kind = draw(st.sampled_from(["PNG", "JPEG", "GIF", "BMP", "TIFF", "WEBP", "ICO"]))
    size = (draw(st.integers(1, 64)), draw(st.integers(1, 64)))
    pixels = np.random.default_rng(draw(st.integers(0, 1000))).integers(0, 256, size[::-1], dtype=np.uint8)
    buffer = bytes_io.BytesIO()
    try:
        Image.fromarray(pixels).convert(mode).save(buffer, format=kind)
    except (OSError, ValueError, KeyError):
        Image.fromarray(pixels).save(buffer, format="PNG")
    data = buffer.getvalue()
    damage = draw(st.sampled_from(["none", "truncate", "flip", "append"]))
    if damage == "truncate":
        data = data[: draw(st.integers(0, len(data)))]
    elif damage == "flip":
        at = draw(st.integers(0, len(data) - 1))
        data = data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1 :]
    elif damage == "append":
        data += draw(st.binary(max_size=100))
    return data


@FUZZ
@given(images())
def test_predict_digit_answers_or_refuses_in_one_line(models, tmp_path, capsys, data):
    status, result = answer("predict-digit", data, models, tmp_path, capsys)
    if status == 0:
        assert 0 <= result["digit"] <= 9 and 0 <= result["probability"] <= 1


@pytest.fixture(scope="module")
def denoiser(tmp_path_factory) -> Path:
    """The denoise command's model, as the pipeline saves it, fitted on scikit-learn's digits."""
    path = tmp_path_factory.mktemp("denoise") / "denoiser.joblib"
    clean = digits_as_mnist()[0][:300]
    noisy = add_noise(clean, 0, 100, np.random.default_rng(0))
    model = KNNDenoiser(10, method="bounded", noise=(0, 100), output_dtype="uint8")
    io.save_model(path, model.fit(noisy, clean))
    return path


@settings(FUZZ, max_examples=max(1, settings.default.max_examples // 2))
@given(images())
def test_denoise_answers_or_refuses_in_one_line(denoiser, tmp_path, capsys, image):
    (tmp_path / "in.png").write_bytes(image)
    capsys.readouterr()
    status = main(
        ["denoise", str(tmp_path / "in.png"), "-o", str(tmp_path / "out.png"), "--model", str(denoiser)]
    )
    out, err = capsys.readouterr()
    assert status in (0, 2), err
    if status == 2:
        assert err.startswith("error: ") and err.count("\n") == 1, err
    else:
        assert np.asarray(Image.open(tmp_path / "out.png")).shape == (28, 28)


def test_an_image_declaring_400_million_pixels_is_refused_before_decoding(models, tmp_path, capsys):
    status, _ = answer("predict-digit", png_declaring(20_000, 20_000), models, tmp_path, capsys)
    assert status == 2


# --- passenger tables: encodings, wrong types in every column, extreme numbers, empty and odd shapes ---

CELLS = [
    "",
    "NaN",
    "inf",
    "-inf",
    "1e308",
    "-1e308",
    "-5",
    "0",
    "3",
    "7",
    "word",
    "female",
    "unknown",
    "S",
    "\x00",
    "é",
    '"',
]


@st.composite
def passenger_tables(draw) -> bytes:
    table = make_passengers(6, seed=draw(st.integers(0, 100))).drop(
        columns=["survived", "boat", "body", "home.dest"]
    )
    table = table.astype(object)
    for _ in range(draw(st.integers(0, 6))):
        row, column = draw(st.integers(0, len(table) - 1)), draw(st.sampled_from(list(table.columns)))
        table.loc[row, column] = draw(st.one_of(st.sampled_from(CELLS), st.text(max_size=8)))
    shape = draw(st.sampled_from(["full", "header only", "no column", "extra column", "empty"]))
    if shape == "header only":
        table = table.head(0)
    elif shape == "no column":
        table = table.drop(columns=[draw(st.sampled_from(list(table.columns)))])
    elif shape == "extra column":
        table["extra"] = 1
    csv = "" if shape == "empty" else table.to_csv(index=False)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252"]))
    return maybe_truncated(draw, csv.encode(encoding, errors="replace"))


@FUZZ
@given(passenger_tables())
def test_titanic_answers_or_refuses_in_one_line(models, tmp_path, capsys, data):
    status, result = answer("titanic", data, models, tmp_path, capsys)
    if status == 0:
        assert result["passengers"] and all(isinstance(row["survives"], bool) for row in result["passengers"])


def passenger_csv(tmp_path, **changes) -> Path:
    table = make_passengers(3, seed=1).drop(columns=["survived", "boat", "body", "home.dest"])
    for column, value in changes.items():
        table[column] = table[column].astype(object)
        table.loc[0, column] = value
    path = tmp_path / "passengers.csv"
    table.to_csv(path, index=False)
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"age": "old"}, "row 1: age 'old' is not a finite number"),
        ({"fare": "12,50"}, "row 1: fare '12,50' is not a finite number"),
        ({"pclass": "inf"}, "row 1: pclass 'inf' is not a finite number"),
    ],
)
def test_a_word_in_a_number_column_is_named(models, tmp_path, capsys, change, message):
    path = passenger_csv(tmp_path, **change)
    assert main(["titanic", str(path), *models["titanic"]]) == 2
    assert capsys.readouterr().err == f"error: {path}: {message}\n"


def test_a_table_that_is_not_utf8_is_named(models, tmp_path, capsys):
    path = tmp_path / "latin1.csv"
    path.write_bytes(passenger_csv(tmp_path, name="Müller, Mr. Hans").read_text().encode("latin-1"))
    assert main(["titanic", str(path), *models["titanic"]]) == 2
    assert capsys.readouterr().err.startswith(f"error: {path}: not UTF-8 text (byte 0xfc at ")


def test_values_outside_the_training_data_are_warned_per_passenger_or_refused(models, tmp_path, capsys):
    path = passenger_csv(tmp_path, pclass=7, sex="unknown", fare=-3)
    assert main(["titanic", str(path), *models["titanic"], "--json"]) == 0
    out, err = capsys.readouterr()
    assert len(json.loads(out)["passengers"]) == 3
    assert err.count("\n") == 1 and err.startswith(f"warning: {path}: passenger 1 (")
    assert (
        "pclass 7 (seen: 1 to 3)" in err and "sex 'unknown' (seen: female, male)" in err and "fare -3" in err
    )
    assert main(["titanic", str(path), *models["titanic"], "--strict"]) == 2
    assert capsys.readouterr().err.startswith(
        f"error: {path}: 1 passengers outside the training data; first: "
    )


# --- the fetch_titanic stage's ARFF reader: attributes, row lengths, quoting and every column's type ---


@st.composite
def arff_documents(draw) -> str:
    names = list(titanic.SCHEMA)
    if draw(st.booleans()):
        names.remove(draw(st.sampled_from(names)))
    header = "".join(f"@attribute '{name}' string\n" for name in names)
    rows = []
    for _ in range(draw(st.integers(0, 5))):
        width = draw(st.one_of(st.just(len(names)), st.integers(0, len(names) + 2)))
        cells = draw(
            st.lists(
                st.one_of(st.sampled_from([*CELLS, "?", "1", "2.5", "'a, b'"]), st.text(max_size=6)),
                min_size=width,
                max_size=width,
            )
        )
        rows.append(",".join(cells))
    data = "@data\n" if draw(st.integers(0, 9)) else ""
    return "@relation titanic\n" + header + data + "\n".join(rows)


@FUZZ
@given(arff_documents())
def test_the_titanic_reader_returns_a_typed_table_or_names_the_problem(document):
    try:
        table = titanic.normalize(titanic.read_arff(document))
    except DataError as error:
        assert str(error) and "\n" not in str(error)
    else:
        assert list(table.columns) == list(titanic.SCHEMA)


# --- bounds: the largest hostile inputs within the limits, in time and memory ---

BOUND_SECONDS = 60
BOUND_MB = 1024


def bounded_run(tmp_path, command: str, model_options: list[str], data: bytes) -> tuple[int, str, float]:
    path = tmp_path / f"{command}.input"
    path.write_bytes(data)
    script = (
        "import resource, sys; from homl.cli import main; status = main(sys.argv[1:]); "
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, file=sys.stderr); sys.exit(status)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, command, str(path), *model_options],
        capture_output=True,
        text=True,
        timeout=BOUND_SECONDS,
    )
    *lines, peak_mb = result.stderr.strip().splitlines()
    return result.returncode, "\n".join(lines), float(peak_mb)


def largest_png() -> bytes:
    """A PNG of just under `MAX_IMAGE_PIXELS`, with a stroke of ink to read."""
    width = 5000
    image = Image.new("L", (width, limits.MAX_IMAGE_PIXELS // width - 1), 255)
    image.paste(0, (2000, 1000, 2600, 4000))
    buffer = bytes_io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.slow
def test_the_largest_inputs_each_limit_allows_are_answered_within_time_and_memory_bounds(models, tmp_path):
    """Just under every bound of homl/core/limits.py: each is processed (exit 0), not refused."""
    part = b"--w\nContent-Type: text/plain\n\nx\n"
    many_parts = b'Subject: parts\nContent-Type: multipart/mixed; boundary="w"\n\n' + part * (
        limits.MAX_MIME_PARTS - 2
    )
    deep = b"Subject: deep\n" + b"".join(
        f'Content-Type: multipart/mixed; boundary="b{level}"\n\n--b{level}\n'.encode()
        for level in range(limits.MAX_MIME_DEPTH - 1)
    )
    deep += b"Content-Type: text/plain\n\nfree money\n"
    words = b"Subject: long\n\n" + b"free money " * ((limits.MAX_TEXT_CHARS - 100) // 11)
    base64_lines = (b"A" * 76 + b"\n") * ((limits.MAX_INPUT_BYTES - 4096) // 77)
    large_file = (
        b'Subject: attached\nContent-Type: multipart/mixed; boundary="a"\n\n--a\nContent-Type: text/plain\n\n'
        b"see the file\n--a\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n"
        + base64_lines
        + b"--a--\n"
    )
    cases = [
        ("classify-email", many_parts),
        ("classify-email", deep),
        ("classify-email", words),
        ("classify-email", large_file),
        ("predict-digit", largest_png()),
    ]
    for command, data in cases:
        assert len(data) < limits.MAX_INPUT_BYTES
        status, err, peak_mb = bounded_run(tmp_path, command, models[command], data)
        assert status == 0, f"{command}: {err}"
        assert peak_mb < BOUND_MB, f"{command}: {peak_mb:.0f} MB"


@pytest.mark.slow
def test_the_largest_hostile_inputs_stay_within_time_and_memory_bounds(models, tmp_path):
    just_under = limits.MAX_INPUT_BYTES - 1024
    part = b"--w\nContent-Type: text/plain\n\nx\n"
    many_parts = b'Subject: many\nContent-Type: multipart/mixed; boundary="w"\n\n' + part * (
        just_under // len(part)
    )
    nesting = b'Content-Type: multipart/mixed; boundary="b"\n\n--b\n'
    deep = b"Subject: deep\n" + nesting * (just_under // len(nesting))
    row = (
        make_passengers(3).head(1).drop(columns=["survived", "boat", "body", "home.dest"]).to_csv(index=False)
    )
    header, line = row.splitlines()[0], row.splitlines()[1]
    big_table = (header + "\n" + (line + "\n") * limits.MAX_TABLE_ROWS).encode()
    words = b"Subject: long\n\n" + b"free money " * (just_under // 11)
    cases = [
        ("classify-email", many_parts, 2),
        ("classify-email", deep, 2),
        ("classify-email", words, 2),
        ("classify-email", b"x" * (limits.MAX_INPUT_BYTES + 1), 2),
        ("predict-digit", png_declaring(20_000, 20_000), 2),
        ("titanic", big_table, 0),
        ("titanic", big_table + (line + "\n").encode(), 2),
    ]
    for command, data, expected in cases:
        status, err, peak_mb = bounded_run(tmp_path, command, models[command], data)
        assert status == expected, err
        assert peak_mb < BOUND_MB, f"{command}: {peak_mb:.0f} MB"
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024 < BOUND_MB
