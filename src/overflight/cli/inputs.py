"""Reading the positional files of ``overflight check``: tracks and airspaces told apart by
content, bad inputs collected (one line each) instead of stopping at the first.

>>> LoadedInputs().tracks
[]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import OverflightError, ParseError
from ..model import Airspace, Track
from ..reports.json import InputRecord
from ..reports.provenance import sha256_file
from .timing_options import TimingOptions, timed_tracks

if TYPE_CHECKING:
    from ..formats.airspace.ogr import FieldMap

__all__ = ["LoadedInputs", "load_inputs"]


def _where(path: Path, exc: BaseException) -> str:
    """The error's message, made to start with the path when it does not name it."""
    if isinstance(exc, OSError) and exc.strerror:
        return f"{path}: {exc.strerror.lower()}"
    msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if isinstance(exc, ParseError) or msg.startswith(str(path)):
        return msg
    return f"{path}: {msg}"


@dataclass
class LoadedInputs:
    """What reading the positional files gave."""

    tracks: list[Track] = field(default_factory=list)
    airspaces: list[Airspace] = field(default_factory=list)
    inputs: list[InputRecord] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)  # lines for stderr, in order


def _error(loaded: LoadedInputs, path: Path, exc: BaseException) -> None:
    line = exc.line if isinstance(exc, ParseError) else None
    reason = exc.reason if isinstance(exc, ParseError) else _where(path, exc)
    if not isinstance(exc, ParseError) and reason.startswith(f"{path}: "):
        reason = reason[len(f"{path}: ") :]
    loaded.errors.append({"path": str(path), "line": line, "reason": reason})
    loaded.messages.append(f"error: {_where(path, exc)}")


def _warn(loaded: LoadedInputs, path: Path, text: str) -> None:
    text = text if text.startswith(str(path)) else f"{path}: {text}"
    loaded.warnings.append(text)
    loaded.messages.append(f"warning: {text}")


def _read_one(
    path: Path,
    loaded: LoadedInputs,
    fmt: str | None = None,
    fields: FieldMap | None = None,
    timing: TimingOptions | None = None,
) -> None:
    from .. import formats

    if not path.exists():
        raise ParseError(path, None, "no such file")
    if not path.is_file():
        raise ParseError(path, None, "not a regular file")
    force: dict[str, Any] = {} if fmt is None else {"fmt": fmt}
    kind = formats.kind_of(path, **force)
    found = formats.sniff(path, **force)
    digest = sha256_file(path)
    if kind == "track":
        tracks, warnings = formats.read_tracks(path, **force)
        for w in warnings:
            _warn(loaded, path, str(w))
        if not tracks:
            raise ParseError(path, None, "no track with a position in the file")
        tracks = timed_tracks(tracks, timing, path)
        loaded.tracks.extend(tracks)
        loaded.inputs.append(InputRecord(str(path), "track", found, digest, tracks=len(tracks)))
    else:
        from ..formats.airspace.version import airspace_version

        if fields is not None and found != "openair":
            from ..formats.airspace.ogr import read_ogr_airspaces

            airspaces, skipped = read_ogr_airspaces(path, fields=fields)
        else:
            if fields is not None:
                _warn(loaded, path, "--airspace-field does not apply to OpenAir files; ignored")
            airspaces, skipped = formats.read_airspaces(path, **force)
        for err in skipped:
            _warn(loaded, path, str(err))
        loaded.airspaces.extend(airspaces)
        loaded.inputs.append(
            InputRecord(
                str(path),
                "airspace",
                found,
                digest,
                airspaces=len(airspaces),
                skipped=len(skipped),
                version=airspace_version(path),
            )
        )
        if not airspaces:
            raise ParseError(path, None, "no airspace could be read from the file")


def load_inputs(
    paths: Sequence[Path],
    *,
    fmt: str | None = None,
    fields: FieldMap | None = None,
    timing: TimingOptions | None = None,
) -> LoadedInputs:
    """Read every path, telling tracks from airspaces by content; collect bad inputs instead of
    stopping at the first (only :class:`~overflight.errors.OverflightError` and ``OSError`` are
    caught: anything else is a bug and keeps its traceback).

    ``fmt`` forces the format of every path (when the readers support it); ``fields`` maps
    attribute fields of GIS airspace files (GeoPackage, Shapefile, GeoJSON...) to name, class,
    floor and ceiling. ``timing`` (speed, start/end time, digitising uncertainty) applies to
    untimed tracks (hand-digitised points); given with a timed track, it is that file's error.

    >>> out = load_inputs([Path("/nonexistent/flight.csv")])
    >>> out.messages
    ['error: /nonexistent/flight.csv: no such file']
    """
    loaded = LoadedInputs()
    for path in paths:
        try:
            _read_one(path, loaded, fmt, fields, timing)
        except (OverflightError, OSError) as exc:
            _error(loaded, path, exc)
    return loaded
