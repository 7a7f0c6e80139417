"""Fixtures for the archive-scan tests (helpers live in archive_helpers.py)."""

from archive_helpers import archive

__all__ = ["archive"]
