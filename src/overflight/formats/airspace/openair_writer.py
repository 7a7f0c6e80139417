"""Write airspaces as OpenAir, for gliding tools (SeeYou, XCSoar, LK8000...).

What :mod:`overflight.formats.airspace.openair` reads comes back: ``AC`` (the ``class`` in
``meta``, else ``kind``), ``AY`` (``kind`` when it differs from the class, or ``meta["type"]``),
``AN``, ``AI`` (``id``), ``AF``/``AG``/``AX``/``AA``/``AT`` from ``meta``, ``AL``/``AH``, then
the boundary: ``DP`` vertices, ``V X=``/``V D=``/``DB`` for arcs between two points, ``DA`` for
arcs between two azimuths, ``DC`` for circles (radius in nautical miles). Coordinates are
degrees:minutes:seconds with ``decimals`` decimals of seconds (default 1: within 0.05 arc
second, about 1.5 m); radii and angles keep six decimals.

OpenAir has one ring per airspace and no holes: each polygon of a multi-polygon airspace is
written as its own ``AC`` block with the same name and limits, and a polygon with holes raises
:class:`~overflight.errors.GeometryError` (writing it without them would enlarge the airspace).

A limit is written as its source text when that text reads back as the same limit, else in a
canonical form (``GND``, ``UNL``, ``FL95``, ``2500ft AMSL``, ``1000ft AGL``).

>>> from overflight.model import Airspace, Circle, Polygon, VerticalLimit
>>> a = Airspace("ED-R3", "R", (Polygon(Circle(53.406944, 10.419444, 1852.0)),),
...              VerticalLimit.surface("GND"), VerticalLimit.parse("2200ft AMSL"))
>>> print("\\n".join(openair_lines(a)))
AC R
AN ED-R3
AL GND
AH 2200ft AMSL
V X=53:24:25.0 N 010:25:10.0 E
DC 1
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Sequence
from os import PathLike
from pathlib import Path
from typing import TextIO

from ...errors import GeometryError
from ...model import (
    Airspace,
    ArcByAngles,
    ArcByPoints,
    Circle,
    Polygon,
    Reference,
    Vertex,
    VerticalLimit,
)
from .._coords import format_latlon
from .openair import NM, parse_limit

__all__ = ["format_limit", "openair_lines", "write_openair"]


def _number(x: float) -> str:
    """Up to six decimals, no trailing zeros: ``2.5``, ``1``, ``0.123457``."""
    text = f"{x:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _canonical(limit: VerticalLimit) -> str:
    if limit.reference is Reference.SFC:
        return "GND"
    if limit.reference is Reference.UNL:
        return "UNL"
    if limit.unit == "FL":
        return f"FL{_number(limit.value)}"
    ref = "AGL" if limit.reference is Reference.AGL else "AMSL"
    return f"{_number(limit.value)}{limit.unit} {ref}"


def _same(a: VerticalLimit, b: VerticalLimit) -> bool:
    if (a.value, a.unit, a.reference, a.rule) != (b.value, b.unit, b.reference, b.rule):
        return False
    if a.other is None or b.other is None:
        return a.other is b.other
    return _same(a.other, b.other)


def format_limit(limit: VerticalLimit) -> str:
    """The ``AL``/``AH`` text for a limit (its own text when that reads back the same).

    >>> format_limit(VerticalLimit.flight_level(95, text="FL 95"))
    'FL 95'
    >>> format_limit(VerticalLimit(1000.0, "ft", Reference.AGL))
    '1000ft AGL'
    """
    text = " ".join(limit.text.split())
    if text:
        try:
            if _same(parse_limit(text), limit):
                return text
        except ValueError:
            pass
    if limit.other is None:
        return _canonical(limit)
    joiner = "but not above" if limit.rule == "lower" else "or"
    head = VerticalLimit(limit.value, limit.unit, limit.reference)
    return f"{_canonical(head)} {joiner} {format_limit(limit.other)}"


def _lon180(lon: float) -> float:
    return lon if -180.0 <= lon <= 180.0 else (lon + 180.0) % 360.0 - 180.0


def _point(v: Vertex, decimals: int) -> str:
    return format_latlon(v.lat, _lon180(v.lon), decimals=decimals)


def _single(text: str) -> str:
    """One line of text (OpenAir has no escapes); inner spacing is kept."""
    return " ".join(str(text).splitlines()).strip()


def _header(a: Airspace) -> Iterator[str]:
    meta = a.meta
    cls = _single(meta.get("class") or a.kind)
    yield f"AC {cls}"
    typ = meta.get("type") or (a.kind if a.kind != cls else None)
    if typ:
        yield f"AY {_single(typ)}"
    yield f"AN {_single(a.name)}"
    if a.id:
        yield f"AI {_single(a.id)}"
    for key, record in (("frequency", "AF"), ("station", "AG"), ("transponder", "AX")):
        if meta.get(key):
            yield f"{record} {_single(meta[key])}"
    for window in meta.get("activation", ()) or ():
        yield f"AA {_single(window)}"


def _boundary(polygon: Polygon, decimals: int, name: str) -> Iterator[str]:
    if polygon.holes:
        raise GeometryError(f"airspace {name!r}: OpenAir cannot hold holes ({len(polygon.holes)})")
    ring = polygon.exterior
    if isinstance(ring, Circle):
        centre = format_latlon(ring.center_lat, _lon180(ring.center_lon), decimals=decimals)
        yield f"V X={centre}"
        yield f"DC {_number(ring.radius_m / NM)}"
        return
    centre_written: str | None = None
    clockwise: bool | None = None
    for part in ring:
        if isinstance(part, Vertex):
            yield f"DP {_point(part, decimals)}"
            continue
        centre = _point(part.center, decimals)
        if centre != centre_written:
            yield f"V X={centre}"
            centre_written = centre
        if part.clockwise is not clockwise:
            yield f"V D={'+' if part.clockwise else '-'}"
            clockwise = part.clockwise
        if isinstance(part, ArcByPoints):
            yield f"DB {_point(part.start, decimals)}, {_point(part.end, decimals)}"
        elif isinstance(part, ArcByAngles):
            yield (
                f"DA {_number(part.radius_m / NM)}, {_number(part.start_az)}, "
                f"{_number(part.end_az)}"
            )
        else:  # pragma: no cover - the model has no other ring part
            raise GeometryError(f"airspace {name!r}: unknown boundary part {part!r}")


def openair_lines(airspace: Airspace, *, decimals: int = 1) -> list[str]:
    """The OpenAir records of one airspace (one ``AC`` block per polygon), without newlines.

    Raises GeometryError for a polygon with holes.

    >>> from overflight.model import Polygon, Vertex, VerticalLimit
    >>> ring = (Vertex(59.4, 24.7), Vertex(59.4, 24.9), Vertex(59.5, 24.8))
    >>> a = Airspace("X", "TMA", (Polygon(ring),), VerticalLimit.parse("FL95"),
    ...              VerticalLimit.parse("FL195"), meta={"class": "C"})
    >>> openair_lines(a, decimals=0)[:2], openair_lines(a, decimals=0)[-1]
    (['AC C', 'AY TMA'], 'DP 59:30:00 N 024:48:00 E')
    """
    head = list(_header(airspace))
    floor, ceiling = format_limit(airspace.floor), format_limit(airspace.ceiling)
    labels = [
        f"AT {format_latlon(lat, _lon180(lon), decimals=decimals)}"
        for lat, lon in airspace.meta.get("labels", ()) or ()
    ]
    lines: list[str] = []
    for polygon in airspace.polygons:
        lines += [*head, f"AL {floor}", f"AH {ceiling}", *labels]
        lines += _boundary(polygon, decimals, airspace.name)
    return lines


def write_openair(
    airspaces: Iterable[Airspace],
    fp_or_path: str | PathLike[str] | TextIO,
    *,
    decimals: int = 1,
    header: Sequence[str] = (),
) -> int:
    """Write airspaces to an OpenAir file (a path, written as UTF-8) or a text stream.

    ``header`` lines are written first as ``*`` comments (a source, a validity date...);
    airspaces are separated by a blank line. Returns the number of ``AC`` blocks written.
    Raises GeometryError (nothing is written to a path) if an airspace cannot be written.

    >>> import io
    >>> from overflight.model import Circle, Polygon, VerticalLimit
    >>> out = io.StringIO()
    >>> write_openair([Airspace("C1", "D", (Polygon(Circle(59.4, 24.8, 926.0)),),
    ...     VerticalLimit.surface(), VerticalLimit.parse("FL65"))], out, header=["test"])
    1
    >>> out.getvalue().splitlines()[:3]
    ['* test', '', 'AC D']
    """
    buffer = io.StringIO()
    blocks = 0
    for line in header:
        buffer.write(f"* {_single(line)}\n" if line.strip() else "*\n")
    for airspace in airspaces:
        lines = openair_lines(airspace, decimals=decimals)
        for line in lines:
            if line.startswith("AC "):
                blocks += 1
                buffer.write("\n")
            buffer.write(line + "\n")
    text = buffer.getvalue().lstrip("\n")
    if isinstance(fp_or_path, str | PathLike):
        Path(fp_or_path).write_text(text, encoding="utf-8")
    else:
        fp_or_path.write(text)
    return blocks
