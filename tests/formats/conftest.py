"""Fixtures shared by the format reader tests."""

from __future__ import annotations

from pathlib import Path

import pytest

_SHARED_DATA = Path("/work/shared/data")


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The folder of real test files (shared/data beside the repo), or skip."""
    here = Path(__file__).resolve()
    for candidate in (*(p / "shared" / "data" for p in here.parents), _SHARED_DATA):
        if (candidate / "MANIFEST.md").is_file():
            return candidate
    pytest.skip("shared/data (real test files) not found beside the repository")
