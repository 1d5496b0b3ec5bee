"""Spam: email parsing, near-copies, word and character vectors, the spam filter.

Re-exported here, loaded on first use: `from homl.spam import parse_email, EmailToWords`."""

from importlib import import_module

_HOME = {
    "ParsedEmail": "parsing",
    "parse_email": "parsing",
    "EmailToWords": "text",
    "WordsToVector": "text",
    "CodesToVector": "text",
    "EmailFields": "email_features",
    "copy_groups": "near_duplicates",
    "vector_model": "spam_filter",
    "spam_model": "spam_filter",
}
__all__ = sorted(_HOME)


def __getattr__(name: str):
    if name in _HOME:
        return getattr(import_module(f"homl.spam.{_HOME[name]}"), name)
    raise AttributeError(f"module 'homl.spam' has no attribute {name!r}")
