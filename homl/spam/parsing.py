"""Email parsing: raw message bytes to what a model may read (subject, other headers, body as text),
within the bounds of `homl.core.limits`."""

from __future__ import annotations

import email
import email.parser
import email.policy
import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

from homl.core import limits


@dataclass(frozen=True)
class ParsedEmail:
    """What a model may read of a message: its subject, its other headers as text, and its body as text."""

    subject: str
    headers: str
    body: str
    defects: int  # problems met while parsing (broken encodings, malformed MIME): what could be read is kept
    beyond_limits: str = ""  # the first bound of homl.core.limits the message exceeds, if any
    text_parts: int = 0  # the message's structure: plain-text parts, HTML parts, other parts,
    html_parts: int = 0  # and the links and images its HTML holds
    attachments: int = 0
    links: int = 0
    images: int = 0


class _HTMLText(HTMLParser):
    SKIPPED = {"script", "style", "head"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0
        self.links = self.images = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIPPED:
            self.skipping += 1
        elif tag == "img":
            self.images += 1
        elif tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links += 1
                self.parts.append(f" {href} ")

    def handle_endtag(self, tag):
        if tag in self.SKIPPED and self.skipping:
            self.skipping -= 1
        elif tag in ("p", "br", "div", "tr", "li"):
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """The visible text of an HTML document, with link targets kept (scripts and styles dropped)."""
    return _read_html(markup)[0]


def _read_html(markup: str) -> tuple[str, int, int]:
    """`html_to_text`, and how many links and images the document holds."""
    parser = _HTMLText()
    try:
        parser.feed(markup)
        parser.close()
    except Exception:  # noqa: BLE001 - malformed markup: keep what was read
        pass
    return html.unescape(" ".join(parser.parts)), parser.links, parser.images


def _decoded_text(part: email.message.Message) -> tuple[str, int]:
    payload = part.get_payload(decode=True)
    if payload is None:
        return "", 0
    charset = part.get_content_charset() or "latin-1"
    try:
        return payload.decode(charset), 0
    except (LookupError, UnicodeDecodeError, ValueError):  # unknown, wrong or malformed (NUL) charset
        return payload.decode("latin-1", errors="replace"), 1


TOO_MANY_PARTS = f"more than {limits.MAX_MIME_PARTS:,} MIME parts"
TOO_DEEP = f"MIME nested deeper than {limits.MAX_MIME_DEPTH} levels"
TOO_LONG = f"text longer than {limits.MAX_TEXT_CHARS:,} characters"


def _parts(message: email.message.Message) -> tuple[list[email.message.Message], int, str]:
    """The message's leaf parts in order, at most `MAX_MIME_PARTS` and `MAX_MIME_DEPTH` deep, the count of
    the containers' defects, and the first limit reached ("" if none). Iterative: no depth overflows it."""
    leaves, defects, beyond, seen, stack = [], 0, "", 0, [(message, 0)]
    while stack:
        part, depth = stack.pop()
        seen += 1
        if seen > limits.MAX_MIME_PARTS:
            return leaves, defects, TOO_MANY_PARTS
        if not part.is_multipart():
            leaves.append(part)  # its defects are counted once its text is decoded
            continue
        defects += len(part.defects)
        if depth < limits.MAX_MIME_DEPTH:
            stack.extend((child, depth + 1) for child in reversed(part.get_payload()))
        else:
            beyond = beyond or TOO_DEEP
    return leaves, defects, beyond


def parse_email(raw: bytes) -> ParsedEmail:
    """Parse raw message bytes: every text part decoded (quoted-printable, base64, charsets), HTML as text.

    Never raises. A part that cannot be decoded is read as Latin-1; past a bound of `homl.core.limits` (MIME
    depth and parts, text length) the rest is skipped or the body read as plain text, and `beyond_limits`
    says which bound. Each such problem is counted in `defects`.
    """
    if raw.count(b"\n--") > 2 * limits.MAX_MIME_PARTS:  # more boundaries than parts read: do not build them
        message = _headers_and_text(raw)
        return _as_parsed(message, [message], 0, TOO_MANY_PARTS)
    try:
        message = email.message_from_bytes(raw, policy=email.policy.compat32)
    except RecursionError:  # nested deeper than Python's parser recurses
        message = _headers_and_text(raw)
        return _as_parsed(message, [message], 0, TOO_DEEP)
    return _as_parsed(message, *_parts(message))


def _headers_and_text(raw: bytes) -> email.message.Message:
    """The header block parsed, and everything after it kept as one text payload: no MIME structure."""
    end = re.search(rb"\r?\n\r?\n", raw)
    head, rest = (raw[: end.end()], raw[end.end() :]) if end else (raw, b"")
    message = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(head)
    message.set_payload(rest.decode("latin-1"))
    return message


def _as_parsed(
    message: email.message.Message, leaves: list[email.message.Message], defects: int, beyond: str
) -> ParsedEmail:
    bodies, structure = [], dict.fromkeys(("text_parts", "html_parts", "attachments", "links", "images"), 0)
    for part in leaves:
        content_type = part.get_content_type()
        if not content_type.startswith("text/") and part is not message:
            structure["attachments"] += 1
            continue
        text, failed = _decoded_text(part)
        defects += failed + len(part.defects)  # decoding adds its own (bad base64, for example)
        if content_type == "text/html":
            text, links, images = _read_html(text)
            structure["html_parts"] += 1
            structure["links"] += links
            structure["images"] += images
        else:
            structure["text_parts"] += 1
        bodies.append(text)
    headers = "\n".join(
        f"{name}: {_header_text(value)}" for name, value in message.items() if name.lower() != "subject"
    )
    fields = [_header_text(message.get("Subject", "")), headers, "\n".join(bodies)]
    if any(len(field) > limits.MAX_TEXT_CHARS for field in fields):
        beyond = beyond or TOO_LONG
    subject, headers, body = (field[: limits.MAX_TEXT_CHARS] for field in fields)
    return ParsedEmail(subject, headers, body, defects + bool(beyond), beyond, **structure)


def _header_text(value: Any) -> str:
    try:
        return str(email.header.make_header(email.header.decode_header(str(value))))
    except (email.errors.HeaderParseError, LookupError, UnicodeDecodeError, ValueError):
        return str(value)
