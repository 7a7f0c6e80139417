"""GPX 1.0/1.1 files -> Tracks: one per ``<trk>`` (its segments joined in order), one per
timed ``<rte>``, and the timed ``<wpt>`` waypoints as one more track.

Parsing is gpxpy's (it loads the whole file; GPX files are small). The file is first passed
through the hardened prolog check of :mod:`._xml` (no entity declarations, so no entity
expansion), then gpxpy builds the objects; :func:`iter_points` streams the points from them
with a record label (``trk 1 seg 2 pt 15``) that errors name.

Values: ``lat``/``lon`` degrees WGS84; ``ele`` metres -> ``alt_geo``; ``time`` (UTC; a time
without zone is taken as UTC, with a warning). GPX has no pressure altitude. Simple
extensions (elements holding only text) of a track or route go to ``meta["extensions"]``;
the names of per-point extension values are listed in ``meta["point_extensions"]``.

Untimed points (a planned route, a list of places) are not supported yet: a group without
any time is skipped with a warning when the file has timed tracks too, and is a ParseError
(``untimed points: not supported yet``) when it has none; a group timed only in part is a
ParseError at its first untimed point.

>>> looks_like_gpx(b'<?xml version="1.0"?><gpx version="1.1" creator="x">')
True
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from os import PathLike
from pathlib import Path
from typing import Any, NamedTuple

from ...errors import ParseError
from ...model import Track
from ._fixes import FixBuffer
from ._xml import refuse_entities, root_tag

__all__ = ["FORMAT", "GpxPoint", "iter_points", "looks_like_gpx", "read_gpx"]

FORMAT = "gpx"
UNTIMED = "untimed points: not supported yet"


class GpxPoint(NamedTuple):
    """One point: its group (``trk 1``, ``rte 2``, ``wpt``), record label, time (epoch s UTC,
    None when absent), whether that time had no zone, degrees and ``ele`` metres (NaN)."""

    group: str
    record: str
    time: float | None
    naive: bool
    lat: float
    lon: float
    ele: float


def looks_like_gpx(head: bytes) -> bool:
    """True if the XML root element of ``head`` is ``gpx``.

    >>> looks_like_gpx(b"<kml/>")
    False
    """
    return root_tag(head) == "gpx"


def _seconds(t: datetime | None) -> tuple[float | None, bool]:
    if t is None:
        return None, False
    if t.tzinfo is None:
        return t.replace(tzinfo=UTC).timestamp(), True
    return t.timestamp(), False


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _simple(elements: list[Any]) -> dict[str, str]:
    """Text-only extension elements (and the text-only children of others) by local name."""
    out: dict[str, str] = {}
    for e in elements:
        kids = list(e)
        if not kids and (e.text or "").strip():
            out[_local(e.tag)] = e.text.strip()
        for k in kids:
            if not list(k) and (k.text or "").strip():
                out[_local(k.tag)] = k.text.strip()
    return out


def _point(group: str, record: str, p: Any) -> GpxPoint:
    t, naive = _seconds(p.time)
    ele = float(p.elevation) if p.elevation is not None else math.nan
    return GpxPoint(group, record, t, naive, float(p.latitude), float(p.longitude), ele)


def _load(path: Path) -> Any:
    import gpxpy
    import gpxpy.gpx

    try:
        with path.open("rb") as fh:
            root = refuse_entities(fh, path)
            if root != "gpx":
                raise ParseError(path, None, f"root element is <{root}>, not <gpx>")
            fh.seek(0)
            data = fh.read()
    except OSError as exc:
        raise ParseError(path, None, f"cannot read: {exc.strerror or exc}") from exc
    try:
        return gpxpy.parse(data.decode("utf-8-sig", errors="replace"))
    except gpxpy.gpx.GPXException as exc:
        raise ParseError(path, None, f"not a valid GPX file: {exc}") from exc
    except (ValueError, TypeError) as exc:
        raise ParseError(path, None, f"not a valid GPX file: {exc}") from exc


def iter_points(path: str | PathLike[str]) -> Iterator[GpxPoint]:
    """Every track point, route point and waypoint of a GPX file, in file order by kind
    (tracks, routes, waypoints).

    >>> import gpxpy.gpx, tempfile, os
    >>> g = gpxpy.gpx.GPX(); g.waypoints.append(gpxpy.gpx.GPXWaypoint(60.0, 25.0, elevation=12))
    >>> p = os.path.join(tempfile.mkdtemp(), "w.gpx"); _ = open(p, "w").write(g.to_xml())
    >>> list(iter_points(p))
    [GpxPoint(group='wpt', record='wpt 1', time=None, naive=False, lat=60.0, lon=25.0, ele=12.0)]
    """
    yield from _points(_load(Path(path)))


def _points(gpx: Any) -> Iterator[GpxPoint]:
    for i, trk in enumerate(gpx.tracks, start=1):
        for j, seg in enumerate(trk.segments, start=1):
            for k, pt in enumerate(seg.points, start=1):
                yield _point(f"trk {i}", f"trk {i} seg {j} pt {k}", pt)
    for i, rte in enumerate(gpx.routes, start=1):
        for k, pt in enumerate(rte.points, start=1):
            yield _point(f"rte {i}", f"rte {i} pt {k}", pt)
    for k, pt in enumerate(gpx.waypoints, start=1):
        yield _point("wpt", f"wpt {k}", pt)


@dataclass
class _Group:
    buf: FixBuffer
    timed: int = 0
    untimed: int = 0
    first_untimed: str | None = None
    first_record: str = ""


def _group_info(gpx: Any, group: str, stem: str) -> tuple[str, dict[str, Any]]:
    kind, _, num = group.partition(" ")
    if kind == "wpt":
        return f"{stem}-waypoints", {"gpx_element": "wpt"}
    obj = (gpx.tracks if kind == "trk" else gpx.routes)[int(num) - 1]
    meta: dict[str, Any] = {"gpx_element": kind}
    for key in ("name", "comment", "description", "source", "type"):
        value = getattr(obj, key, None)
        if value:
            meta[key] = str(value)
    ext = _simple(list(getattr(obj, "extensions", []) or []))
    if ext:
        meta["extensions"] = ext
    points = [p for s in obj.segments for p in s.points] if kind == "trk" else list(obj.points)
    tags = sorted({t for p in points for t in _simple(list(p.extensions or []))})
    if tags:
        meta["point_extensions"] = tuple(tags)
    if kind == "trk":
        meta["segments"] = len(obj.segments)
    return (str(obj.name) if obj.name else f"{stem}-{kind}{num}"), meta


def read_gpx(path: str | PathLike[str]) -> tuple[list[Track], list[str]]:
    """Read a GPX file: ``(tracks, warnings)``.

    >>> import gpxpy.gpx, tempfile, os, datetime as dt
    >>> g = gpxpy.gpx.GPX(); trk = gpxpy.gpx.GPXTrack(name="T"); seg = gpxpy.gpx.GPXTrackSegment()
    >>> t0 = dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.timezone.utc)
    >>> seg.points += [gpxpy.gpx.GPXTrackPoint(60 + k / 1e3, 25.0, elevation=100 + k,
    ...     time=t0 + dt.timedelta(seconds=k)) for k in range(3)]
    >>> trk.segments.append(seg); g.tracks.append(trk)
    >>> p = os.path.join(tempfile.mkdtemp(), "t.gpx"); _ = open(p, "w").write(g.to_xml())
    >>> (t,), w = read_gpx(p)
    >>> t.id, len(t), float(t.alt_geo[-1]), t.duration
    ('T', 3, 102.0, 2.0)
    """
    p = Path(path)
    groups: dict[str, _Group] = {}
    naive = 0
    gpx = _load(p)
    for pt in _points(gpx):
        g = groups.get(pt.group)
        if g is None:
            g = groups[pt.group] = _Group(FixBuffer(p), first_record=pt.record)
        if pt.time is None:
            g.untimed += 1
            g.first_untimed = g.first_untimed or pt.record
            continue
        g.timed += 1
        naive += pt.naive
        g.buf.add(pt.time, pt.lat, pt.lon, alt_geo=pt.ele, where=pt.record)
    if not groups:
        raise ParseError(p, None, "no track, route or waypoint in the file")
    warnings: list[str] = []
    for g in groups.values():
        if g.timed and g.untimed:
            raise ParseError(p, g.first_untimed, f"point without a time ({UNTIMED})")
    timed = {k: g for k, g in groups.items() if g.timed}
    untimed = [k for k, g in groups.items() if not g.timed]
    if not timed:
        first = groups[untimed[0]].first_record
        raise ParseError(p, first, f"no point has a time ({UNTIMED})")
    if untimed:
        warnings.append(f"{p}: skipped untimed {', '.join(untimed)} ({UNTIMED})")
    if naive:
        warnings.append(f"{p}: {naive} point times have no time zone: taken as UTC")
    tracks = []
    for key, g in timed.items():
        if key == "wpt" and g.buf.sort_by_time():
            warnings.append(f"{p}: waypoints not in time order: sorted by time")
        id_, meta = _group_info(gpx, key, p.stem)
        tracks.append(g.buf.build(id_, warnings=warnings, meta={"format": FORMAT, **meta}))
    return tracks, warnings
