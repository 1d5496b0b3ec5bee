"""Spam: email parsing, near-copies, word and character vectors, the spam filter.

Re-exported here, loaded on first use: `from homl.spam import parse_email, EmailToWords`."""

from homl.core.exports import lazy_exports

__all__, __getattr__ = lazy_exports(
    __name__,
    {
        "ParsedEmail": "parsing",
        "parse_email": "parsing",
        "EmailToWords": "text",
        "WordsToVector": "text",
        "CodesToVector": "text",
        "EmailFields": "email_features",
        "copy_groups": "near_duplicates",
        "vector_model": "spam_filter",
        "spam_model": "spam_filter",
    },
)
