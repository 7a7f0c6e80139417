"""Open the KML document inside a KMZ (zip) archive, with limits against zip bombs.

Checked before reading: the number of members, the declared uncompressed size of the KML
member and of all members, and the KML member's compression ratio (above 1 MiB). While
reading, the bytes actually inflated are counted too, so a lying header is caught as well.
Every failure is a ParseError naming the archive (and the member).

>>> import io, zipfile, tempfile, os
>>> p = os.path.join(tempfile.mkdtemp(), "t.kmz")
>>> with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
...     z.writestr("doc.kml", "<kml/>")
>>> with open_kml_member(p) as (fh, name):
...     name, fh.read()
('doc.kml', b'<kml/>')
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from ...errors import ParseError

__all__ = [
    "MAX_KML_BYTES",
    "MAX_MEMBERS",
    "MAX_RATIO",
    "MAX_TOTAL_BYTES",
    "is_zip",
    "kml_member",
    "open_kml_member",
]

MAX_MEMBERS = 10_000
MAX_KML_BYTES = 256 * 1024 * 1024
MAX_TOTAL_BYTES = 1024 * 1024 * 1024
MAX_RATIO = 200.0
_RATIO_FROM = 1024 * 1024  # small members may compress very well; no ratio check below this


def is_zip(head: bytes) -> bool:
    """True for the local-file-header magic of a zip archive.

    >>> is_zip(b"PK\\x03\\x04rest"), is_zip(b"<kml")
    (True, False)
    """
    return head[:4] == b"PK\x03\x04"


def kml_member(names: list[str]) -> str | None:
    """The KML document of a KMZ: ``doc.kml`` at the root, else the first ``.kml`` member.

    >>> kml_member(["images/a.png", "files/b.kml", "doc.kml"]), kml_member(["a.shp"])
    ('doc.kml', None)
    """
    if "doc.kml" in names:
        return "doc.kml"
    return next((n for n in names if n.lower().endswith(".kml")), None)


class _Capped:
    """A read-only stream that raises once more than ``limit`` bytes came out."""

    def __init__(self, raw: BinaryIO, limit: int, path: Path, member: str) -> None:
        self.raw, self.limit, self.path, self.member = raw, limit, path, member
        self.count = 0

    def read(self, n: int = -1) -> bytes:
        data = self.raw.read(self.limit + 1 - self.count if n < 0 else n)
        self.count += len(data)
        if self.count > self.limit:
            raise ParseError(
                self.path,
                None,
                f"KMZ member {self.member!r} inflates past {self.limit} bytes (zip bomb?)",
            )
        return data


@contextmanager
def open_kml_member(path: str | Path) -> Iterator[tuple[BinaryIO, str]]:
    """The KML member of a KMZ archive as a capped binary stream, and its name."""
    p = Path(path)
    try:
        zf = zipfile.ZipFile(p)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ParseError(p, None, f"not a readable KMZ (zip) archive: {exc}") from exc
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_MEMBERS:
            raise ParseError(p, None, f"KMZ with {len(infos)} members (limit {MAX_MEMBERS})")
        total = sum(i.file_size for i in infos)
        if total > MAX_TOTAL_BYTES:
            raise ParseError(
                p, None, f"KMZ members inflate to {total} bytes (limit {MAX_TOTAL_BYTES})"
            )
        name = kml_member([i.filename for i in infos])
        if name is None:
            raise ParseError(p, None, "zip archive without a .kml document (not a KMZ)")
        info = zf.getinfo(name)
        if info.flag_bits & 0x1:
            raise ParseError(p, None, f"KMZ member {name!r} is encrypted")
        if info.file_size > MAX_KML_BYTES:
            raise ParseError(
                p, None, f"KMZ member {name!r} is {info.file_size} bytes (limit {MAX_KML_BYTES})"
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > _RATIO_FROM and ratio > MAX_RATIO:
            raise ParseError(
                p,
                None,
                f"KMZ member {name!r} compressed {ratio:.0f}:1 "
                f"(limit {MAX_RATIO:.0f}:1, zip bomb?)",
            )
        try:
            with zf.open(info) as raw:
                yield _Capped(raw, min(info.file_size, MAX_KML_BYTES), p, name), name  # type: ignore[misc]
        except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError, zlib.error) as exc:
            raise ParseError(p, None, f"KMZ member {name!r} unreadable: {exc}") from exc
