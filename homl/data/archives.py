"""Reading tar archives safely: members are checked before a byte is read, nothing escapes."""

from __future__ import annotations

import tarfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath

from homl.core.errors import DataError

MAX_MEMBERS = 50_000
MAX_TOTAL_BYTES = 2 << 30


def check_members(
    members: list[tarfile.TarInfo], max_members: int = MAX_MEMBERS, max_bytes: int = MAX_TOTAL_BYTES
) -> None:
    """Refuse an archive with too many members, too many bytes, links, devices or escaping paths."""
    if len(members) > max_members:
        raise DataError(f"archive has {len(members)} members, more than the {max_members} allowed")
    total = sum(member.size for member in members)
    if total > max_bytes:
        raise DataError(f"archive unpacks to {total} bytes, more than the {max_bytes} allowed")
    for member in members:
        path = PurePosixPath(member.name)
        if path.is_absolute() or ".." in path.parts:
            raise DataError(f"archive member {member.name!r} escapes the target directory")
        if not (member.isfile() or member.isdir()):
            raise DataError(f"archive member {member.name!r} is a link or special file")


def read_files(archive: Path, wanted: Callable[[str], bool], **limits) -> Iterator[tuple[str, bytes]]:
    """Yield (name, bytes) of the regular files in `archive` whose name `wanted` accepts.

    The archive is read in memory, never extracted; a truncated or corrupt archive raises
    `DataError` naming the file.
    """
    try:
        with tarfile.open(archive, "r:*") as tar:
            members = tar.getmembers()
            check_members(members, **limits)
            for member in members:
                if member.isfile() and wanted(member.name):
                    yield member.name, tar.extractfile(member).read()
    except (tarfile.TarError, EOFError, OSError, zlib.error) as error:
        raise DataError(f"{archive.name}: truncated or corrupt archive ({error})") from error
