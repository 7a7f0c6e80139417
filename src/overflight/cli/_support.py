"""Helpers of the check command: option values, progress bars, the recorded command line,
airspace version lines. Nothing here runs a check."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ..reports.json import InputRecord

__all__ = ["PROGRESS_MIN_DRAWS", "PROGRESS_MIN_PAIRS", "format_version", "parse_distance"]

PROGRESS_MIN_PAIRS = 200
"""Show a progress bar (on a terminal) from this many track x airspace pairs."""
PROGRESS_MIN_DRAWS = 100_000
"""With --uncertainty, show a progress bar (on a terminal) from this many pairs x samples."""

_UNITS = {"": 1.0, "m": 1.0, "km": 1000.0, "nm": 1852.0, "ft": 0.3048, "mi": 1609.344}
_RE_DISTANCE = re.compile(r"^\s*(\d+(?:\.\d*)?|\.\d+)\s*([a-z]*)\s*$", re.IGNORECASE)


def parse_distance(text: str) -> float:
    """A distance with an optional unit (m, km, NM, ft, mi; metres if none) in metres.

    Raises ValueError with the reason.

    >>> parse_distance("2.5 km")
    2500.0
    """
    m = _RE_DISTANCE.match(text)
    if not m or m.group(2).lower() not in _UNITS:
        raise ValueError(f"not a distance: {text!r} (expected e.g. 50km, 27NM, 5000m)")
    value = float(m.group(1)) * _UNITS[m.group(2).lower()]
    if not math.isfinite(value):
        raise ValueError(f"not a finite distance: {text!r}")
    return value


@contextmanager
def _progress(
    total: int, console: Console | None, label: str = "checking", minimum: int = PROGRESS_MIN_PAIRS
) -> Iterator[Callable[[int, int], None] | None]:
    if total < minimum or console is None or not console.is_terminal:
        yield None
        return
    with Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("check", total=total)

        def update(done: int, of: int) -> None:
            bar.update(task, completed=done, total=of)

        yield update


def _stdout_console() -> Console:
    console = Console(highlight=False)
    if not console.is_terminal:  # files and pipes: wide enough for one table row per line
        console = Console(width=160, highlight=False, color_system=None)
    return console


def _command(
    files: Sequence[Path],
    json_path: Path | None,
    edges: str,
    search: str,
    fmt: str | None = None,
    fields: Sequence[str] = (),
    timing: Mapping[str, str | None] | None = None,
    extra: Sequence[str] = (),
) -> list[str]:
    words = ["overflight", "check", *map(str, files), "--edges", edges]
    words += ["--search-distance", search]
    if fmt is not None:
        words += ["--format", fmt]
    for item in fields:
        words += ["--airspace-field", item]
    for opt, value in (timing or {}).items():
        if value is not None:
            words += [opt, value]
    words += extra
    if json_path is not None:
        words += ["--json", str(json_path)]
    return words


def format_version(version: Mapping[str, Any]) -> str | None:
    """One line saying which airspace version a file states, or None if it states nothing.

    >>> format_version({"airac": "2603", "effective": "2026-03-19", "version": None})
    'AIRAC 2603, effective 2026-03-19'
    >>> format_version({"sha256": "ab", "evidence": []}) is None
    True
    """
    parts = []
    for key, label in (
        ("airac", "AIRAC "),
        ("effective", "effective "),
        ("valid_until", "valid until "),
        ("date", "dated "),
        ("version", "version "),
        ("written_by", "written by "),
    ):
        if version.get(key):
            parts.append(f"{label}{version[key]}")
    return ", ".join(parts) or None


def _echo_versions(inputs: Sequence[InputRecord]) -> None:
    for record in inputs:
        line = format_version(record.version) if record.version else None
        if line:
            typer.echo(f"airspace version: {record.path}: {line}")
