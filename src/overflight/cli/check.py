"""``overflight check TRACK... AIRSPACE...``: read inputs, run the check, print, write JSON.

Positional files are told apart by content (:func:`overflight.formats.kind_of`). Bad input gets
one line on stderr (``error: path:line: reason``), the other inputs are still read and checked
and the report still written; exit code 2. Records skipped inside an airspace file are warnings
(``warning: path:line: reason``) and leave the exit code at 0.

>>> parse_distance("50km"), parse_distance("5 NM"), parse_distance("1200")
(50000.0, 9260.0, 1200.0)
"""

from __future__ import annotations

import inspect
import math
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, get_args

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ..analysis.params import CheckOutcome, CheckParameters
from ..errors import OverflightError, ParseError
from ..model import Airspace, Track
from ..reports.json import InputRecord, build_report, write_report
from ..reports.provenance import sha256_file
from ..reports.table import render_outcome
from .timing_options import TimingOptions, timed_tracks, timing_options

if TYPE_CHECKING:
    from ..formats.airspace.ogr import FieldMap

__all__ = [
    "Edges",
    "LoadedInputs",
    "check_command",
    "format_version",
    "load_inputs",
    "parse_distance",
]

PROGRESS_MIN_PAIRS = 200
"""Show a progress bar (on a terminal) from this many track x airspace pairs."""

_UNITS = {"": 1.0, "m": 1.0, "km": 1000.0, "nm": 1852.0, "ft": 0.3048, "mi": 1609.344}
_RE_DISTANCE = re.compile(r"^\s*(\d+(?:\.\d*)?|\.\d+)\s*([a-z]*)\s*$", re.IGNORECASE)


class Edges(StrEnum):
    geodesic = "geodesic"
    planar = "planar"


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


def _forcing_supported() -> bool:
    """Whether the format readers take ``fmt=`` (to force a format)."""
    from .. import formats

    return all(
        "fmt" in inspect.signature(fn).parameters
        for fn in (formats.kind_of, formats.sniff, formats.read_tracks, formats.read_airspaces)
    )


def _known_formats() -> tuple[str, ...]:
    from .. import formats

    return tuple(str(x) for x in get_args(formats.Format))


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


@contextmanager
def _progress(total: int, console: Console) -> Iterator[Callable[[int, int], None] | None]:
    if total < PROGRESS_MIN_PAIRS or not console.is_terminal:
        yield None
        return
    with Progress(
        TextColumn("checking"),
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


def check_command(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="Track files (OpenSky CSV/Parquet...) and airspace files (OpenAir, GeoJSON...), "
            "in any order: they are told apart by content.",
            show_default=False,
        ),
    ],
    json_path: Annotated[
        Path | None,
        typer.Option("--json", help="Write the overflight.check/1 JSON report to this file."),
    ] = None,
    edges: Annotated[
        Edges,
        typer.Option(
            "--edges",
            help="Boundary edges between vertices: geodesic (aeronautical publications) or "
            "planar (straight in lon/lat, GeoJSON RFC 7946).",
        ),
    ] = Edges.geodesic,
    search_distance: Annotated[
        str,
        typer.Option(
            "--search-distance",
            help="Pairs farther apart than this are counted, not listed (m, km, NM).",
        ),
    ] = "50km",
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="Force the format of every file given instead of telling it by content "
            "(see `overflight formats`).",
            show_default=False,
        ),
    ] = None,
    airspace_fields: Annotated[
        list[str] | None,
        typer.Option(
            "--airspace-field",
            help="ROLE=FIELD: the attribute field of GIS airspace files (GeoPackage, "
            "Shapefile, FlatGeobuf, GeoJSON) holding name, class, floor, ceiling, floor_unit, "
            "floor_ref, ceiling_unit, ceiling_ref or id. Repeatable; unmapped roles are guessed.",
            show_default=False,
        ),
    ] = None,
    speed: Annotated[
        str | None,
        typer.Option(
            "--speed",
            help="Untimed tracks (points read off a map): constant ground speed, e.g. 450kt, "
            "830km/h, 230m/s; times then follow the distance along the track.",
            show_default=False,
        ),
    ] = None,
    start: Annotated[
        str | None,
        typer.Option(
            "--start",
            help="Untimed tracks: UTC time at the first point (ISO 8601); with --end, constant "
            "speed between; with --speed, the clock start.",
            show_default=False,
        ),
    ] = None,
    end: Annotated[
        str | None,
        typer.Option(
            "--end",
            help="Untimed tracks: UTC time at the last point (ISO 8601).",
            show_default=False,
        ),
    ] = None,
    map_scale: Annotated[
        str | None,
        typer.Option(
            "--map-scale",
            help="Untimed tracks: scale of the map the points were read from (1:500000); "
            "recorded for the uncertainty of the result.",
            show_default=False,
        ),
    ] = None,
    line_width: Annotated[
        str | None,
        typer.Option(
            "--line-width",
            help="Untimed tracks: width of the drawn line on the map (0.5mm); recorded.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Check TRACK files against AIRSPACE files; exit 0 when the check ran, 2 on bad input."""
    from ..analysis.check import check
    from ..formats.airspace.ogr import FieldMap

    try:
        search_m = parse_distance(search_distance)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--search-distance") from None
    params = CheckParameters(edges=edges.value, search_m=search_m)
    timing = timing_options(speed, start, end, map_scale, line_width)
    if fmt is not None:
        if not _forcing_supported():
            raise typer.BadParameter(
                "forcing a format is not supported by this build's readers; "
                "leave it out to tell formats by content",
                param_hint="--format",
            )
        known = _known_formats()
        if known and fmt not in known:
            raise typer.BadParameter(
                f"unknown format {fmt!r} (one of: {', '.join(known)})", param_hint="--format"
            )
    fields = None
    if airspace_fields:
        try:
            fields = FieldMap.parse(airspace_fields)
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="--airspace-field") from None

    loaded = load_inputs(files, fmt=fmt, fields=fields, timing=timing)
    for line in loaded.messages:
        typer.echo(line, err=True)

    missing = []
    if not loaded.tracks:
        missing.append("no track could be read")
    if not loaded.airspaces:
        missing.append("no airspace could be read")
    for msg in missing:
        loaded.errors.append({"path": "<inputs>", "line": None, "reason": msg})
        typer.echo(f"error: {msg}", err=True)

    if missing:
        outcome = CheckOutcome(results=[], parameters=params)
    else:
        err_console = Console(stderr=True)
        total = len(loaded.tracks) * len(loaded.airspaces)
        with _progress(total, err_console) as progress:
            outcome = check(loaded.tracks, loaded.airspaces, params, progress=progress)
        render_outcome(outcome, _stdout_console(), loaded.tracks)
        _echo_versions(loaded.inputs)
        for w in outcome.warnings:
            typer.echo(f"warning: {w}", err=True)

    if json_path is not None:
        report = build_report(
            outcome,
            loaded.inputs,
            tracks=loaded.tracks,
            warnings=loaded.warnings,
            errors=loaded.errors,
            command=_command(
                files,
                json_path,
                edges.value,
                search_distance,
                fmt,
                airspace_fields or (),
                {
                    "--speed": speed,
                    "--start": start,
                    "--end": end,
                    "--map-scale": map_scale,
                    "--line-width": line_width,
                },
            ),
            digitising=timing.digitising(),
        )
        try:
            write_report(report, json_path)
        except OSError as exc:
            typer.echo(f"error: {json_path}: cannot write report: {exc.strerror or exc}", err=True)
            raise typer.Exit(2) from None

    if loaded.errors:
        raise typer.Exit(2)
