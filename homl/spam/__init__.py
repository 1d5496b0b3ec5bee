"""Spam: email parsing, near-copies, word and character vectors, the spam filter."""
