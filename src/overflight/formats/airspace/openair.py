"""OpenAir airspace files (WinPilot's format with the usual SeeYou/openAIP extensions).

Two layers (STYLE habit 2): :func:`iter_records` yields one :class:`Record` per meaningful line
and counts lines; :func:`iter_airspaces` groups records into :class:`~overflight.model.Airspace`
objects; :func:`read_openair` collects them.

Reading is tolerant: a malformed record becomes a :class:`~overflight.errors.ParseError`
(``path:line: reason``) in the ``problems`` list and its airspace (or, where the airspace still
makes sense, only the record) is skipped. Only a missing or unreadable file, an empty file or a
file without a single readable airspace raises.

Conventions: radii are nautical miles (1852 m); ``V D=`` resets to clockwise at each ``AC``;
``V X=`` keeps its value until the next ``V X=``, as the OpenAir specification says (its own
sample relies on it). A vertex equal to its neighbour (``DP`` repeating an arc end, or closing
the ring) is dropped; nothing else about the shape is changed.

>>> lines = ["AC R", "AN ED-R3", "AL GND", "AH 2200ft AMSL", "V X=53:24:25 N 010:25:10 E", "DC 1"]
>>> [a] = iter_airspaces(lines)
>>> a.name, a.kind, a.polygons[0].exterior.radius_m, str(a.ceiling)
('ED-R3', 'R', 1852.0, '2200ft AMSL')
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

from ...errors import ParseError
from ...model import (
    Airspace,
    ArcByAngles,
    ArcByPoints,
    Circle,
    Polygon,
    Vertex,
    VerticalLimit,
)
from .._coords import split_latlon
from .openair_limits import parse_limit

__all__ = [
    "NM",
    "Record",
    "iter_airspaces",
    "iter_records",
    "looks_like_openair",
    "parse_limit",
    "read_openair",
]

NM = 1852.0  # metres per nautical mile (exact)

# every record this module understands (some only to skip them)
_KNOWN = frozenset(
    {"AC", "AN", "AL", "AH", "AY", "AF", "AR", "AG", "AI", "AX", "AA", "AT"}
    | {"DP", "DA", "DB", "DC", "DY", "V", "SP", "SB", "TO", "TC"}
)
_IGNORED = frozenset({"SP", "SB"})  # pen and brush: display only
_INLINE_COMMENT = re.compile(r"\s+\*.*$")
_FREQ = re.compile(r"^(\d+(?:\.\d+)?)\s*(?:MHZ)?$", re.IGNORECASE)


class Record(NamedTuple):
    """One OpenAir line: its 1-based number, the command (upper case) and the rest."""

    line: int
    command: str
    argument: str


def iter_records(
    lines: Iterable[str], path: str | os.PathLike[str] | None = None
) -> Iterator[Record]:
    """Yield a :class:`Record` per line that is neither blank nor a comment.

    A leading byte-order mark and inline comments (``AC C   * remark``) are removed. ``path``
    only names the input in the ParseError raised for binary data (a NUL byte).

    >>> list(iter_records(["* comment", "", "AC C   * remark", "V X=39:29.7 N 119:46.5 W"]))
    [Record(line=3, command='AC', argument='C'), Record(line=4, command='V', argument='X=39:29.7 N 119:46.5 W')]
    """  # noqa: E501
    for number, raw in enumerate(lines, 1):
        if "\x00" in raw:
            raise ParseError(path, number, "NUL byte: binary data, not an OpenAir text file")
        text = (raw.lstrip("\ufeff") if number == 1 else raw).strip()
        if not text or text.startswith("*"):
            continue
        command, argument = [*text.split(None, 1), ""][:2]
        argument = _INLINE_COMMENT.sub("", " " + argument).strip()
        yield Record(number, command.upper(), argument)


# -- grouping -----------------------------------------------------------------------------------


class _Skip(Exception):
    """The current airspace cannot be built; its message is the reason."""


@dataclass
class _Draft:
    line: int
    cls: str
    name: str | None = None
    floor: VerticalLimit | None = None
    ceiling: VerticalLimit | None = None
    parts: list[Vertex | ArcByPoints | ArcByAngles] = field(default_factory=list)
    circle: Circle | None = None
    clockwise: bool = True
    id: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    error: tuple[int, str] | None = None  # first fatal problem: the airspace will be skipped


def iter_airspaces(
    source: str | os.PathLike[str] | Iterable[str] | Iterable[bytes],
    *,
    problems: list[ParseError] | None = None,
) -> Iterator[Airspace]:
    """Yield the airspaces of an OpenAir file (a path) or of its lines.

    Problems in the input are appended to ``problems`` as ParseError (``path:line: reason``)
    and reading goes on; with ``problems=None`` the first problem is raised instead. A missing
    or unreadable file, an empty input or one with no readable airspace always raises.

    ``kind`` is the ``AY`` type when given, else the ``AC`` class; ``meta`` holds ``class``,
    ``type``, ``frequency`` (AF/AR), ``station`` (AG), ``transponder`` (AX), ``activation``
    (AA windows, a tuple of strings), ``labels`` (AT positions), ``zoom``/``width_nm`` (V Z/W);
    ``AI`` becomes ``id``.

    >>> text = ["AC D", "AY TMA", "AN T", "AL GND", "AH FL65", "AF 123.505",
    ...         "DP 54:25:00 N 010:40:00 E", "DP 54:25:00 N 010:50:00 E",
    ...         "DP 54:26:00 N 010:53:00 E"]
    >>> a = next(iter_airspaces(text))
    >>> a.kind, a.meta["class"], a.meta["frequency"], len(a.polygons[0].exterior)
    ('TMA', 'D', '123.505', 3)
    """
    path, lines = _source_lines(source)

    def report(line: int | None, reason: str) -> None:
        error = ParseError(path, line, reason)
        if problems is None:
            raise error
        problems.append(error)

    draft: _Draft | None = None
    centre: Vertex | None = None
    terrain = False
    seen_records = seen_ac = built = 0

    def finish(d: _Draft | None) -> Iterator[Airspace]:
        nonlocal built
        if d is None:
            return
        try:
            airspace = _build(d, path)
        except _Skip as exc:
            line, reason = d.error or (d.line, str(exc))
            label = f"airspace {d.name!r}" if d.name else "airspace"
            where = "" if line == d.line else f" (AC at line {d.line})"
            report(line, f"{reason}; {label}{where} skipped")
            return
        built += 1
        yield airspace

    for rec in iter_records(lines, path):
        seen_records += 1
        cmd, arg, line = rec.command, rec.argument, rec.line
        if cmd == "AC":
            yield from finish(draft)
            seen_ac += 1
            draft, terrain = _Draft(line, arg), False
            if not arg:
                draft.error = (line, "AC record without a class")
            continue
        if cmd in ("TO", "TC"):  # terrain polygon: everything up to the next AC is not airspace
            yield from finish(draft)
            draft, terrain = None, True
            continue
        if terrain or cmd in _IGNORED:
            continue
        if cmd not in _KNOWN:
            report(line, f"unknown record {cmd!r}")
            continue
        variable, equals, value = arg.partition("=")
        if cmd == "V" and equals and variable.strip().upper() == "X":
            try:
                lat, lon, _ = split_latlon(value)
                centre = Vertex(lat, lon)
            except ValueError as exc:
                centre = None
                if draft is None:
                    report(line, f"V X=: {exc}")
                elif draft.error is None:
                    draft.error = (line, f"V X=: {exc}")
            continue
        if draft is None:
            report(line, f"{cmd} record before any AC record")
            continue
        if draft.error is not None:
            continue
        try:
            soft = _apply(draft, cmd, arg, centre)
        except (_Skip, ValueError) as exc:
            draft.error = (line, f"{cmd}: {exc}")
        else:
            if soft:
                report(line, soft)
    yield from finish(draft)

    if seen_records == 0:
        raise ParseError(path, None, "empty file: no OpenAir records")
    if seen_ac == 0:
        raise ParseError(path, None, "no airspace: no AC record in the file")
    if built == 0:
        first = f"; first problem: {problems[0]}" if problems else ""
        raise ParseError(path, None, f"no readable airspace in {seen_ac} AC block(s){first}")


def _apply(d: _Draft, cmd: str, arg: str, centre: Vertex | None) -> str | None:
    """Apply one record to the draft. Raise _Skip/ValueError if the airspace cannot be built;
    return a reason if only this record is skipped."""
    if cmd == "AN":
        d.name = arg or None
    elif cmd == "AL":
        d.floor = parse_limit(arg)
    elif cmd == "AH":
        d.ceiling = parse_limit(arg)
    elif cmd == "AY":
        d.meta["type"] = arg
    elif cmd in ("AF", "AR"):
        m = _FREQ.match(arg)
        d.meta["frequency"] = m.group(1) if m else arg
    elif cmd == "AG":
        d.meta["station"] = arg
    elif cmd == "AI":
        d.id = arg or None
    elif cmd == "AX":
        d.meta["transponder"] = arg
    elif cmd == "AA":
        if not _valid_window(arg):
            return f"AA: bad activation window {arg!r} (expected NONE or start/end)"
        d.meta["activation"] = (*d.meta.get("activation", ()), arg)
    elif cmd == "AT":
        try:
            lat, lon, _ = split_latlon(arg)
        except ValueError as exc:
            return f"AT: {exc}"
        d.meta["labels"] = (*d.meta.get("labels", ()), (lat, lon))
    elif cmd == "V":
        return _apply_variable(d, arg)
    elif cmd == "DY":
        return "DY (airway segment) records are not supported; record skipped"
    else:
        _apply_shape(d, cmd, arg, centre)
    return None


def _apply_variable(d: _Draft, arg: str) -> str | None:
    name, sep, value = arg.partition("=")
    name, value = name.strip().upper(), value.strip()
    if not sep:
        raise _Skip(f"V record without '=' in {arg!r}")
    if name == "D":
        if value not in ("+", "-"):
            raise _Skip(f"bad direction {value!r} (expected + or -)")
        d.clockwise = value == "+"
    elif name in ("W", "Z"):
        try:
            number = float(value)
        except ValueError:
            return f"V {name}=: bad number {value!r}; record skipped"
        d.meta["width_nm" if name == "W" else "zoom"] = number
    else:
        return f"V: unknown variable {name!r}; record skipped"
    return None


def _apply_shape(d: _Draft, cmd: str, arg: str, centre: Vertex | None) -> None:
    if d.circle is not None:
        raise _Skip(f"{cmd} after a DC circle in the same airspace")
    if cmd == "DP":
        lat, lon, _ = split_latlon(arg)
        d.parts.append(Vertex(lat, lon))
        return
    if centre is None:
        raise _Skip("no centre: no V X= record before it")
    if cmd == "DA":
        radius, start, end = _numbers(arg, 3, "radius, start angle, end angle")
        d.parts.append(ArcByAngles(centre, _radius(radius), start, end, d.clockwise))
    elif cmd == "DB":
        ends = arg.split(",")
        if len(ends) != 2:
            raise _Skip(f"expected two coordinates separated by ',' in {arg!r}")
        (alat, alon, _), (blat, blon, _) = (split_latlon(e) for e in ends)
        d.parts.append(ArcByPoints(centre, Vertex(alat, alon), Vertex(blat, blon), d.clockwise))
    elif cmd == "DC":
        if d.parts:
            raise _Skip("DC circle after DP/DA/DB boundary records in the same airspace")
        (radius,) = _numbers(arg, 1, "radius")
        d.circle = Circle(centre.lat, centre.lon, _radius(radius))


def _numbers(arg: str, count: int, what: str) -> tuple[float, ...]:
    fields = [f.strip() for f in arg.split(",")]
    try:
        values = tuple(float(f) for f in fields)
    except ValueError:
        values = ()
    if len(values) != count or not all(math.isfinite(v) for v in values):
        raise _Skip(f"expected {what} (numbers), got {arg!r}")
    return values


def _radius(nm: float) -> float:
    if nm <= 0:
        raise _Skip(f"radius must be positive, got {nm:g} NM")
    return nm * NM


def _valid_window(arg: str) -> bool:
    if arg.upper() == "NONE":
        return True
    ends = arg.split("/")
    if len(ends) != 2:
        return False
    for end in ends:
        if end.strip().upper() == "NONE":
            continue
        try:
            dt.datetime.fromisoformat(end.strip())
        except ValueError:
            return False
    return True


def _build(d: _Draft, path: str) -> Airspace:
    if d.error is not None:
        raise _Skip(d.error[1])
    if not d.name:
        raise _Skip("missing AN (name)")
    if d.floor is None or d.ceiling is None:
        raise _Skip(
            "missing "
            + " and ".join(
                w for w, v in (("AL (floor)", d.floor), ("AH (ceiling)", d.ceiling)) if v is None
            )
        )
    if d.circle is not None:
        polygon = Polygon(d.circle)
    else:
        ring = _dedupe(d.parts)
        vertices = sum(isinstance(p, Vertex) for p in ring)
        if not ring:
            raise _Skip("no boundary: no DP, DA, DB or DC record")
        if vertices == len(ring) and vertices < 3:
            raise _Skip(f"boundary has {vertices} distinct point(s); a polygon needs 3")
        polygon = Polygon(tuple(ring))
    meta: dict[str, Any] = {"class": d.cls, **d.meta}
    return Airspace(
        name=d.name,
        kind=d.meta.get("type") or d.cls,
        polygons=(polygon,),
        floor=d.floor,
        ceiling=d.ceiling,
        id=d.id,
        source=path,
        line=d.line,
        meta=MappingProxyType(meta),
    )


def _start(p: Vertex | ArcByPoints | ArcByAngles) -> Vertex | None:
    return p if isinstance(p, Vertex) else p.start if isinstance(p, ArcByPoints) else None


def _end(p: Vertex | ArcByPoints | ArcByAngles) -> Vertex | None:
    return p if isinstance(p, Vertex) else p.end if isinstance(p, ArcByPoints) else None


def _dedupe(
    parts: list[Vertex | ArcByPoints | ArcByAngles],
) -> list[Vertex | ArcByPoints | ArcByAngles]:
    """Drop vertices equal to the neighbouring point (cyclically); keep every arc."""
    out: list[Vertex | ArcByPoints | ArcByAngles] = []
    for p in parts:
        if isinstance(p, Vertex) and out and _end(out[-1]) == p:
            continue
        if isinstance(p, ArcByPoints) and out and out[-1] == p.start:
            out.pop()
        out.append(p)
    while len(out) > 1 and isinstance(out[-1], Vertex) and out[-1] == _start(out[0]):
        out.pop()
    if len(out) > 1 and isinstance(out[0], Vertex) and out[0] == _end(out[-1]):
        out.pop(0)
    return out


# -- input --------------------------------------------------------------------------------------


def _source_lines(
    source: str | os.PathLike[str] | Iterable[str] | Iterable[bytes],
) -> tuple[str, Iterator[str]]:
    if isinstance(source, str | os.PathLike):
        return str(source), _file_lines(Path(source))
    name = getattr(source, "name", None)
    return (str(name) if name else "<input>"), (_decode(x) for x in source)


def _file_lines(path: Path) -> Iterator[str]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ParseError(path, None, f"cannot read file: {exc.strerror or exc}") from exc
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ParseError(path, None, f"bad UTF-16 text: {exc}") from exc
        yield from text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        return
    for raw in data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n"):
        yield _decode(raw)


def _decode(raw: str | bytes) -> str:
    """UTF-8, else Latin-1 (line by line, so one stray byte spoils nothing else)."""
    if isinstance(raw, str):
        return raw
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def read_openair(path: str | os.PathLike[str]) -> tuple[list[Airspace], list[ParseError]]:
    """Read a whole OpenAir file: ``(airspaces, problems)``; see :func:`iter_airspaces`.

    >>> read_openair("/nonexistent/zones.txt")
    Traceback (most recent call last):
    ...
    overflight.errors.ParseError: /nonexistent/zones.txt: cannot read file: No such file...
    """
    problems: list[ParseError] = []
    airspaces = list(iter_airspaces(path, problems=problems))
    return airspaces, problems


def looks_like_openair(head: str) -> bool:
    """Whether text (the first few KB of a file) looks like OpenAir: an ``AC`` record and
    almost every other non-comment line a known OpenAir record.

    >>> looks_like_openair("* zones\\nAC R\\nAN ED-R3\\nAL GND\\nAH 2200ft\\n")
    True
    >>> looks_like_openair('{"type": "FeatureCollection"}')
    False
    """
    lines = head.lstrip("\ufeff").splitlines()
    if len(lines) > 1 and not head.endswith(("\n", "\r")):
        lines = lines[:-1]  # cut mid-line
    known = other = 0
    has_ac = False
    for line in lines:
        text = line.strip()
        if not text or text.startswith("*"):
            continue
        command = text.split()[0].upper()
        if command in _KNOWN:
            known += 1
            has_ac = has_ac or command == "AC"
        else:
            other += 1
    return has_ac and known >= 2 and known >= 0.8 * (known + other)
