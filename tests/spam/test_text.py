import base64
import re
from collections import Counter
from email.message import EmailMessage

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.feature_extraction.text import CountVectorizer

from homl.spam.parsing import ParsedEmail, html_to_text, parse_email
from homl.spam.text import (
    CHAR_BITS,
    CodesToVector,
    EmailToWords,
    WordsToVector,
    char_ngrams,
)


def multipart_message() -> bytes:
    message = EmailMessage()
    message["From"] = "Alice <alice@example.org>"
    message["Subject"] = "=?utf-8?q?Caf=C3=A9_offer?="
    message["Received"] = "from relay.example.org by mx.example.net"
    message.set_content("Plain part: visit http://example.org/deal now, only 25.99 dollars!")
    message.add_alternative(
        "<html><head><style>p {color: red}</style></head><body><p>HTML &amp; part</p>"
        "<script>var x = 1;</script><a href='http://spam.example/x'>click</a></body></html>",
        subtype="html",
    )
    message.add_attachment(
        b"\x00\x01binary", maintype="application", subtype="octet-stream", filename="a.bin"
    )
    return message.as_bytes()


def test_multipart_parts_are_decoded_and_html_becomes_text():
    parsed = parse_email(multipart_message())
    assert parsed.subject == "Café offer"
    assert "Plain part: visit http://example.org/deal now" in parsed.body
    assert "HTML & part" in parsed.body and "http://spam.example/x" in parsed.body
    assert "color" not in parsed.body and "var x" not in parsed.body and "binary" not in parsed.body
    assert "Received: from relay.example.org" in parsed.headers and "Subject" not in parsed.headers
    assert parsed.defects == 0


def test_base64_and_quoted_printable_bodies_are_decoded():
    text = "Grüße aus Köln"
    b64 = base64.b64encode(text.encode("utf-8")).decode()
    raw = (
        "Subject: b64\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n"
        + b64
        + "\n"
    ).encode()
    assert parse_email(raw).body.strip() == text
    qp = b"Subject: qp\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\nGr=C3=BC=C3=9Fe =\nx\n"
    assert parse_email(qp).body.strip() == "Grüße x"


def test_a_broken_encoding_is_read_as_far_as_possible_and_counted():
    raw = b"Subject: bad\nContent-Type: text/plain; charset=no-such-charset\n\nhello \xff world\n"
    parsed = parse_email(raw)
    assert "hello" in parsed.body and "world" in parsed.body and parsed.defects == 1
    wrong = b"Subject: bad\nContent-Type: text/plain; charset=utf-8\n\nbad byte \xff here\n"
    assert "bad byte" in parse_email(wrong).body and parse_email(wrong).defects == 1


def test_a_message_without_a_body_or_headers():
    assert parse_email(b"Subject: only a subject\n\n") == ParsedEmail(
        "only a subject", "", "", 0, text_parts=1
    )
    assert parse_email(b"").body == ""


def test_html_to_text_survives_broken_markup():
    assert "text" in html_to_text("<p>text<b><i></p></div><<<")


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_the_parser_never_raises_on_arbitrary_bytes(raw):
    parsed = parse_email(raw)
    assert isinstance(parsed.body, str) and isinstance(parsed.subject, str)


MESSAGE = ParsedEmail(
    "Cheap Offers",
    "Received: from host42.example.net",
    "Running fast! See https://x.io/a?b=1 for 100 deals",
    0,
)


@pytest.mark.parametrize(
    ("setting", "present", "absent"),
    [
        ("strip_headers", {"offer"}, {"host42", "receiv"}),
        ("lowercase", {"cheap"}, {"Cheap"}),
        ("remove_punctuation", {"run"}, {"!"}),
        ("replace_urls", {"URL"}, {"https", "x"}),
        ("replace_numbers", {"NUMBER"}, {"100"}),
        ("stemming", {"run", "offer"}, {"running", "offers"}),
    ],
)
def test_each_preprocessing_setting(setting, present, absent):
    on = EmailToWords().words(MESSAGE)
    off = EmailToWords(**{setting: False}).words(MESSAGE)
    assert present <= set(on) and not absent & set(on)
    assert set(on) != set(off)


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.sampled_from("ab_1é²٣ \t\n.,!?'-:/\u00a0\u2014\u3000"), max_size=40)
    | st.text(max_size=40)
)
def test_removing_punctuation_finds_the_words_between_spaces_and_punctuation_marks_alike(text):
    every_other_setting_off = dict(strip_headers=False, lowercase=False, replace_urls=False)
    words = EmailToWords(**every_other_setting_off, replace_numbers=False, stemming=False)
    punctuation_as_spaces = re.sub(r"[^\w\s]+", " ", text)
    assert words.tokens_of(text) == re.findall(r"\w+|[^\w\s]", punctuation_as_spaces)


def test_every_setting_off_keeps_the_raw_words():
    words = EmailToWords(False, False, False, False, False, False).words(MESSAGE)
    assert {"Received", "host42", "Cheap", "Running", "!", "100", "https"} <= set(words)


def test_words_to_vector_keeps_the_most_frequent_words_and_counts_or_flags_them():
    words = [{"a": 3, "b": 1}, {"a": 1, "c": 2}, {"c": 1, "d": 5}]
    counts = WordsToVector(vocabulary_size=3, binary=False).fit(words)
    assert list(counts.get_feature_names_out()) == ["d", "a", "c"]
    np.testing.assert_array_equal(counts.transform([{"a": 2, "zzz": 9}]).toarray(), [[0, 2, 0]])
    presence = WordsToVector(vocabulary_size=3, binary=True).fit(words)
    np.testing.assert_array_equal(presence.transform(words).toarray(), [[0, 1, 0], [0, 1, 1], [1, 0, 1]])


def ngram_code(gram: str) -> int:
    code = 0
    for point in gram:
        code = (code << CHAR_BITS) | min(ord(point) + 1, (1 << CHAR_BITS) - 1)
    return code


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("ab c\t\n\x00\xa0é€𝄞")), max_size=20),
    st.integers(1, 5),
    st.integers(0, 4),
)
def test_char_ngrams_count_what_scikit_learns_char_wb_counts(text, low, extra):
    high = min(low + extra, 5)
    analyzer = CountVectorizer(analyzer="char_wb", ngram_range=(low, high), lowercase=False).build_analyzer()
    codes, counts = char_ngrams(text, low, high)
    assert dict(zip(codes.tolist(), counts.tolist(), strict=True)) == Counter(map(ngram_code, analyzer(text)))


def test_char_ngrams_refuse_sizes_their_codes_cannot_hold():
    with pytest.raises(ValueError, match="within 1 to 5"):
        char_ngrams("text", 3, 6)


def test_codes_to_vector_keeps_the_most_frequent_codes_and_counts_them():
    rows = [
        (np.array([1, 2]), np.array([3, 1])),
        (np.array([1, 3]), np.array([1, 2])),
        (np.array([3, 4]), np.array([1, 5])),
    ]
    vectors = CodesToVector(vocabulary_size=3).fit(rows)
    assert vectors.vocabulary_.tolist() == [1, 3, 4]  # 4, 3 and 5 in all; code 2 (once) left out
    np.testing.assert_array_equal(
        vectors.transform([(np.array([1, 4, 9]), np.array([2, 1, 7]))]).toarray(), [[2, 0, 1]]
    )
    assert vectors.transform([]).shape == (0, 3)


def _same_matrices(first, second) -> bool:
    return all(
        a.shape == b.shape
        and np.array_equal(a.indptr, b.indptr)
        and np.array_equal(a.indices, b.indices)
        and np.array_equal(a.data, b.data)
        for a, b in zip(first, second, strict=True)
    )


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.dictionaries(st.sampled_from("abcdefgh"), st.integers(1, 3), max_size=5), min_size=4, max_size=12
    ),
    st.integers(1, 6),
    st.booleans(),
    st.randoms(use_true_random=False),
)
def test_fold_transforms_and_fit_transform_give_what_fitting_gives(rows, size, binary, random):
    """Ties included: the vocabulary of each fold is the one `fit` on its training rows chooses, and
    `fit_transform` is `fit` then `transform`, to the bit."""
    words = [Counter(row) for row in rows]
    codes = [
        (np.array([ord(k) for k in sorted(row)]), np.array([row[k] for k in sorted(row)])) for row in rows
    ]
    order = list(range(len(rows)))
    random.shuffle(order)
    splits = [
        (np.sort(order[: len(rows) // 2]), np.sort(order[len(rows) // 2 :])),
        (np.arange(len(rows) - 1), np.array([len(rows) - 1])),
    ]
    for vectorizer, X in ((WordsToVector(size, binary), words), (CodesToVector(size), codes)):
        for (train, valid), folded in zip(splits, vectorizer.fold_transforms(X, splits), strict=True):
            fitted = vectorizer.fit([X[i] for i in train])
            assert _same_matrices(folded, [fitted.transform([X[i] for i in rows]) for rows in (train, valid)])
        at_once, fitted = clone(vectorizer), vectorizer.fit(X)
        assert _same_matrices(
            [at_once.fit_transform(X), at_once.transform(X[::-1])],
            [fitted.transform(X), fitted.transform(X[::-1])],
        )


MIME_PIECES = st.sampled_from(
    [
        b'Content-Type: multipart/mixed; boundary="b"\n',
        b"Content-Type: multipart/alternative; boundary=\n",
        b'Content-Type: text/html; charset="x-unknown"\n',
        b"Content-Type: text/plain; charset=utf-8\n",
        b"Content-Transfer-Encoding: base64\n",
        b"Content-Transfer-Encoding: quoted-printable\n",
        b"Subject: =?utf-8?b?broken\n",
        b"\n",
        b"--b\n",
        b"--b--\n",
        b"<html><body><p>unclosed <a href='x'>",
        b"=E9=\n=ZZ\n",
        b"SGVsbG8gd29y\n",
        b"\xff\xfe\x00garbage\n",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(MIME_PIECES, st.binary(max_size=40)), max_size=30).map(b"".join))
def test_the_parser_never_raises_on_broken_mime(raw):
    parsed = parse_email(raw)
    assert isinstance(parsed.body, str) and parsed.defects >= 0


def test_the_parser_counts_the_structure_a_spam_filter_reads():
    raw = (
        b"Subject: offer\nContent-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: text/html\n\n"
        b'<p>Buy <a href="http://a.biz">here</a> <a href="http://b.biz">or here</a> <img src="x.gif"></p>\n'
        b"--B\nContent-Type: application/pdf\n\nJVBERi0=\n--B--\n"
    )
    parsed = parse_email(raw)
    assert (parsed.text_parts, parsed.html_parts, parsed.attachments) == (0, 1, 1)
    assert (parsed.links, parsed.images) == (2, 1)
