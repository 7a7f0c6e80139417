"""Fixtures for the watch-service tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest


@pytest.fixture
def openair_zone(tmp_path: Path) -> Callable[[str], Path]:
    def write(text: str) -> Path:
        p = tmp_path / f"zones{len(list(tmp_path.glob('zones*')))}.txt"
        p.write_text(text)
        return p

    return write
