"""Provenance of a report: input file hashes, software environment, command line.

>>> env = environment()
>>> sorted(env)
['numpy', 'overflight', 'platform', 'pyproj', 'python', 'shapely']
"""

from __future__ import annotations

import hashlib
import platform
import sys
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from os import PathLike

__all__ = ["command_line", "environment", "sha256_file"]

_CHUNK = 1 << 20  # 1 MiB per read: files are streamed, never loaded whole


def sha256_file(path: str | PathLike[str]) -> str:
    """Hex SHA-256 of a file's bytes, read in chunks.

    Raises OSError if the file cannot be read.

    >>> import tempfile, os
    >>> with tempfile.NamedTemporaryFile(delete=False) as f:
    ...     _ = f.write(b"abc")
    >>> sha256_file(f.name)[:16]
    'ba7816bf8f01cfea'
    >>> os.unlink(f.name)
    """
    digest = hashlib.sha256()
    with open(path, "rb") as fp:
        while chunk := fp.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _version_of(dist: str) -> str | None:
    try:
        return version(dist)
    except PackageNotFoundError:
        return None


def environment() -> dict[str, str | None]:
    """Versions of Python and of the libraries that can change a verdict.

    >>> environment()["python"].count(".") >= 2
    True
    """
    from .. import __version__

    return {
        "python": platform.python_version(),
        "platform": sys.platform,
        "overflight": __version__,
        "numpy": _version_of("numpy"),
        "pyproj": _version_of("pyproj"),
        "shapely": _version_of("shapely"),
    }


def command_line(argv: Sequence[str] | None = None) -> list[str]:
    """The command line as a list of words (``sys.argv`` by default), program name shortened
    to its base name so reports do not depend on where the tool is installed.

    >>> command_line(["/home/me/.venv/bin/overflight", "check", "a.csv", "b.txt"])
    ['overflight', 'check', 'a.csv', 'b.txt']
    """
    words = list(sys.argv if argv is None else argv)
    if words:
        head = words[0].replace("\\", "/").rsplit("/", 1)[-1]
        words[0] = head
    return words
