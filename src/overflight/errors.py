"""Exceptions: one root, narrow children, each printable as one line.

>>> str(ParseError("zones.txt", 12, "bad coordinate '52:3x N'"))
"zones.txt:12: bad coordinate '52:3x N'"
"""

from __future__ import annotations

__all__ = [
    "GeometryError",
    "OverflightError",
    "ParseError",
    "UnsupportedFormatError",
]


class OverflightError(Exception):
    """Root of every error overflight raises on purpose (bad input, unsupported data)."""


class ParseError(OverflightError, ValueError):
    """A file could not be read; names the file, the line or record, and what is wrong."""

    def __init__(self, path: object, line: int | str | None, reason: str) -> None:
        self.path = str(path) if path is not None else "<input>"
        self.line = line
        self.reason = reason
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.reason}"


class UnsupportedFormatError(OverflightError, ValueError):
    """The file's content matches no format overflight reads."""


class GeometryError(OverflightError, ValueError):
    """A geometry cannot be used (degenerate ring, invalid radius...)."""
