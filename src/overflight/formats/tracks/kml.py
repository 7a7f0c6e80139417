"""KML and KMZ tracks -> Tracks.

What becomes a track (one per placemark unless said otherwise):

* ``gx:Track`` (``<when>`` + ``<gx:coord>`` pairs), the tracks of a ``gx:MultiTrack`` joined;
* the GpsDump competition tracklog: a ``LineString`` whose ``Metadata/FsInfo`` holds
  ``time_of_first_point`` and ``SecondsFromTimeOfFirstPoint`` (and ``PressureAltitude`` ->
  ``alt_baro``);
* ``Point`` placemarks with a ``TimeStamp``, and two-point ``LineString`` placemarks with a
  ``TimeSpan`` (begin at the first point, end at the second: flight-tracker "trail"
  exports): one track per enclosing Folder/Document, sorted by time.

Other placemarks (a LineString without per-point times, an untimed Point, polygons) are
skipped and counted in one warning: untimed points are not supported yet. A file with no
timed track at all is a ParseError saying so.

Altitudes follow ``altitudeMode``: ``absolute`` -> ``alt_geo`` (metres above sea level);
``clampToGround`` (the KML default), ``relativeToGround`` and the sea-floor modes -> no
altitude, with a warning. GPSBabel writes an IGC file as two gx:Tracks, ``PRESALTTRK``
(pressure altitude) and ``GNSSALTTRK``: the first goes to ``alt_baro``, and when both have the
same fixes they are merged into one Track with both altitudes.

The XML goes through the hardened streaming parser of :mod:`._xml` (no entity expansion,
capped text, line numbers); a KMZ through the zip-bomb limits of :mod:`._kmz`.

>>> looks_like_kml(b'<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2">')
True
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from contextlib import AbstractContextManager, nullcontext
from os import PathLike
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

import numpy as np

from ...errors import ParseError
from ...model import Track
from ._fixes import FixBuffer
from ._kmz import is_zip, open_kml_member
from ._times import NaiveTime, iso_seconds
from ._xml import Ancestor, Node, iter_subtrees, root_tag

__all__ = ["FORMAT", "FORMAT_KMZ", "KmlFix", "iter_fixes", "looks_like_kml", "read_kml"]

FORMAT = "kml"
FORMAT_KMZ = "kmz"
UNTIMED = "untimed points are not supported yet"
_KML_ROOTS = frozenset({"kml", "Document", "Folder", "Placemark"})
_PRESSURE_NAMES = frozenset({"PRESALTTRK"})
_GNSS_NAMES = frozenset({"GNSSALTTRK"})


class KmlFix(NamedTuple):
    """One timed fix: the key of its track, its line, epoch seconds, degrees, and altitudes in
    metres (``alt`` above sea level when the mode is absolute, else NaN; ``alt_baro`` NaN
    unless known)."""

    track: str
    line: int
    time: float
    lat: float
    lon: float
    alt: float
    alt_baro: float


def looks_like_kml(head: bytes) -> bool:
    """True if the XML root of ``head`` is ``kml`` (or a bare Document/Folder/Placemark, as
    GpsDump writes).

    >>> looks_like_kml(b"<Document><Folder>"), looks_like_kml(b"<gpx>")
    (True, False)
    """
    return root_tag(head) in _KML_ROOTS


class _Ctx:
    """Per-file state shared by the placemark handlers."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.skipped: dict[str, list[str]] = {}
        self.alt_modes: dict[str, int] = {}
        self.naive = 0
        self.names: dict[str, str] = {}  # track key -> id
        self.meta: dict[str, dict[str, Any]] = {}
        self.grouped: set[str] = set()  # keys built from several placemarks

    def skip(self, what: str, pm: Node) -> None:
        label = pm.child_text("name") or f"line {pm.line}"
        self.skipped.setdefault(what, []).append(label)

    def time(self, text: str, line: int) -> float:
        try:
            return iso_seconds(text, strict_tz=True)
        except NaiveTime:
            self.naive += 1
            return iso_seconds(text)
        except ValueError:
            raise ParseError(self.path, line, f"bad time {text.strip()[:40]!r}") from None


def _alt_mode(geom: Node) -> str:
    mode = geom.child_text("altitudeMode")
    return mode or "clampToGround"


def _alt_factor(ctx: _Ctx, geom: Node) -> float:
    """1.0 when altitudes are above sea level, NaN (altitudes not used) otherwise."""
    mode = _alt_mode(geom)
    if mode == "absolute":
        return 1.0
    ctx.alt_modes[mode] = ctx.alt_modes.get(mode, 0) + 1
    return math.nan


def _tuple(ctx: _Ctx, text: str, line: int, sep: str | None) -> tuple[float, float, float]:
    parts = text.split(sep) if sep else text.split()
    try:
        vals = [float(v) for v in parts if v.strip()]
    except ValueError:
        raise ParseError(ctx.path, line, f"bad coordinate {text.strip()[:60]!r}") from None
    if len(vals) < 2 or len(vals) > 3:
        raise ParseError(ctx.path, line, f"bad coordinate {text.strip()[:60]!r}")
    return vals[0], vals[1], vals[2] if len(vals) == 3 else math.nan


def _coordinates(ctx: _Ctx, node: Node) -> list[tuple[int, float, float, float]]:
    """``(line, lon, lat, alt)`` of each tuple of a ``<coordinates>`` element."""
    out = []
    text = node.text
    line, pos = node.line, 0
    for m in re.finditer(r"\S+", text):
        line += text.count("\n", pos, m.start())
        pos = m.start()
        out.append((line, *_tuple(ctx, m.group(), line, ",")))
    return out


def _gx_track(ctx: _Ctx, key: str, trk: Node) -> Iterator[KmlFix]:
    whens = [c for c in trk.children if c.tag == "when"]
    coords = [c for c in trk.children if c.tag == "coord"]
    if len(whens) != len(coords):
        raise ParseError(
            ctx.path, trk.line, f"gx:Track with {len(whens)} <when> but {len(coords)} <gx:coord>"
        )
    factor = _alt_factor(ctx, trk)
    for w, c in zip(whens, coords, strict=True):
        lon, lat, alt = _tuple(ctx, c.text, c.line, None)
        yield KmlFix(key, c.line, ctx.time(w.text, w.line), lat, lon, alt * factor, math.nan)


def _numbers(ctx: _Ctx, node: Node | None, what: str) -> list[float]:
    if node is None:
        return []
    try:
        return [float(v) for v in node.text.split()]
    except ValueError:
        raise ParseError(ctx.path, node.line, f"bad number in <{what}>") from None


def _gpsdump(ctx: _Ctx, key: str, pm: Node, fs: Node) -> Iterator[KmlFix]:
    t0 = ctx.time(fs.attrs["time_of_first_point"], fs.line)
    secs = _numbers(ctx, fs.child("SecondsFromTimeOfFirstPoint"), "SecondsFromTimeOfFirstPoint")
    press = _numbers(ctx, fs.child("PressureAltitude"), "PressureAltitude")
    line = pm.find("LineString")
    coords_node = line.find("coordinates") if line is not None else None
    if line is None or coords_node is None:
        raise ParseError(ctx.path, fs.line, "GpsDump track without a LineString")
    coords = _coordinates(ctx, coords_node)
    if len(secs) != len(coords):
        raise ParseError(
            ctx.path,
            coords_node.line,
            f"GpsDump track: {len(coords)} points but {len(secs)} SecondsFromTimeOfFirstPoint",
        )
    if press and len(press) != len(coords):
        raise ParseError(
            ctx.path, fs.line, f"GpsDump track: {len(press)} PressureAltitude for {len(coords)}"
        )
    factor = _alt_factor(ctx, line)
    ctx.meta[key] = {
        "gpsdump": {k: v for k, v in fs.attrs.items() if k != "time_of_first_point"},
        "time_of_first_point": fs.attrs["time_of_first_point"],
    }
    for k, (ln, lon, lat, alt) in enumerate(coords):
        baro = press[k] if press else math.nan
        yield KmlFix(key, ln, t0 + secs[k], lat, lon, alt * factor, baro)


def _container_key(ancestors: list[Ancestor]) -> tuple[str, str | None]:
    for a in reversed(ancestors):
        if a.tag in ("Folder", "Document"):
            return f"{a.tag}@{a.line}", a.name
    return "file", None


def _placemark(ctx: _Ctx, pm: Node, ancestors: list[Ancestor]) -> Iterator[KmlFix]:
    name = pm.child_text("name")
    own = f"Placemark@{pm.line}"
    fs = next((f for f in pm.iter("FsInfo") if "time_of_first_point" in f.attrs), None)
    if fs is not None:
        ctx.names[own] = name or f"{ctx.path.stem}-{pm.line}"
        yield from _gpsdump(ctx, own, pm, fs)
        return
    tracks = [t for t in pm.iter("Track") if any(c.tag == "when" for c in t.children)]
    if tracks:
        ctx.names[own] = name or f"{ctx.path.stem}-{pm.line}"
        for trk in tracks:
            yield from _gx_track(ctx, own, trk)
        return
    group, folder = _container_key(ancestors)
    stamp = pm.child("TimeStamp")
    span = pm.child("TimeSpan")
    points, lines = list(pm.iter("Point")), list(pm.iter("LineString"))
    if len(points) == 1 and not lines and stamp is not None and stamp.child_text("when"):
        w = stamp.child("when")
        assert w is not None
        c = points[0].find("coordinates")
        if c is None:
            raise ParseError(ctx.path, points[0].line, "Point without coordinates")
        (ln, lon, lat, alt), *_ = _coordinates(ctx, c)
        factor = _alt_factor(ctx, points[0])
        ctx.names.setdefault(group, folder or ctx.path.stem)
        ctx.grouped.add(group)
        yield KmlFix(group, ln, ctx.time(w.text, w.line), lat, lon, alt * factor, math.nan)
        return
    if len(lines) == 1 and not points and span is not None:
        c = lines[0].find("coordinates")
        coords = _coordinates(ctx, c) if c is not None else []
        begin, end = span.child("begin"), span.child("end")
        if len(coords) == 2 and begin is not None and end is not None:
            factor = _alt_factor(ctx, lines[0])
            ctx.names.setdefault(group, folder or ctx.path.stem)
            ctx.grouped.add(group)
            for (ln, lon, lat, alt), when in zip(coords, (begin, end), strict=True):
                t = ctx.time(when.text, when.line)
                yield KmlFix(group, ln, t, lat, lon, alt * factor, math.nan)
            return
    if lines or tracks:
        ctx.skip("lines without per-point times", pm)
    elif points:
        ctx.skip("points without a time", pm)
    else:
        ctx.skip("placemarks without a point or line", pm)


def _open(p: Path) -> tuple[AbstractContextManager[Any], str]:
    try:
        with p.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise ParseError(p, None, f"cannot read: {exc.strerror or exc}") from exc
    if is_zip(head):
        return open_kml_member(p), FORMAT_KMZ
    return nullcontext(), FORMAT


def iter_fixes(path: str | PathLike[str], ctx: _Ctx | None = None) -> Iterator[KmlFix]:
    """Stream the timed fixes of a KML or KMZ file, placemark by placemark, in file order.

    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "t.kml")
    >>> _ = open(p, "w").write('<kml xmlns:gx="http://www.google.com/kml/ext/2.2"><Placemark>'
    ...   '<gx:Track><altitudeMode>absolute</altitudeMode><when>2024-05-01T12:00:00Z</when>'
    ...   '<gx:coord>25.0 60.0 500</gx:coord></gx:Track></Placemark></kml>')
    >>> [(f.line, f.time, f.lat, f.lon, f.alt) for f in iter_fixes(p)]
    [(1, 1714564800.0, 60.0, 25.0, 500.0)]
    """
    p = Path(path)
    c = ctx or _Ctx(p)
    opener, kind = _open(p)
    with opener as member:
        if kind == FORMAT_KMZ:
            fh: BinaryIO = member[0]
            yield from _stream(c, fh)
            return
    try:
        with p.open("rb") as fh:
            yield from _stream(c, fh)
    except OSError as exc:
        raise ParseError(p, None, f"cannot read: {exc.strerror or exc}") from exc


def _stream(ctx: _Ctx, fh: BinaryIO) -> Iterator[KmlFix]:
    for pm, ancestors in iter_subtrees(fh, ctx.path, frozenset({"Placemark"})):
        yield from _placemark(ctx, pm, ancestors)


def _merge_gpsbabel(tracks: list[Track]) -> list[Track]:
    """Merge GPSBabel's PRESALTTRK and GNSSALTTRK when they hold the same fixes."""
    press = [t for t in tracks if t.id in _PRESSURE_NAMES]
    gnss = [t for t in tracks if t.id in _GNSS_NAMES]
    if len(press) != 1 or len(gnss) != 1:
        return tracks
    a, b = press[0], gnss[0]
    same = (
        len(a) == len(b)
        and np.array_equal(a.time, b.time)
        and np.array_equal(a.lat, b.lat)
        and np.array_equal(a.lon, b.lon)
    )
    if not same:
        return tracks
    merged = Track.from_arrays(
        Path(a.source or "track").stem,
        time=a.time,
        lat=a.lat,
        lon=a.lon,
        alt_baro=a.alt_baro,
        alt_geo=b.alt_geo,
        source=a.source,
        meta={**a.meta, "gpsbabel_tracks": (a.id, b.id)},
    )
    out = [t for t in tracks if t is not a and t is not b]
    return [merged, *out]


def read_kml(path: str | PathLike[str]) -> tuple[list[Track], list[str]]:
    """Read every timed track of a KML or KMZ file: ``(tracks, warnings)``.

    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "pts.kml")
    >>> pm = ('<Placemark><TimeStamp><when>2024-05-01T12:00:0{}Z</when></TimeStamp>'
    ...       '<Point><coordinates>25.0,60.00{},0</coordinates></Point></Placemark>')
    >>> _ = open(p, "w").write("<kml><Folder><name>AB123</name>" + pm.format(0, 0)
    ...                        + pm.format(5, 1) + "</Folder></kml>")
    >>> (t,), w = read_kml(p)
    >>> t.id, len(t), t.duration, bool(np.isnan(t.alt_geo).all())
    ('AB123', 2, 5.0, True)
    """
    p = Path(path)
    ctx = _Ctx(p)
    bufs: dict[str, FixBuffer] = {}
    kind = _open(p)[1]
    for fix in iter_fixes(p, ctx):
        buf = bufs.get(fix.track)
        if buf is None:
            buf = bufs[fix.track] = FixBuffer(p)
        baro = fix.alt_baro
        geo = fix.alt
        if ctx.names.get(fix.track) in _PRESSURE_NAMES:
            baro, geo = fix.alt, math.nan
        buf.add(fix.time, fix.lat, fix.lon, alt_baro=baro, alt_geo=geo, where=fix.line)
    warnings: list[str] = []
    skipped = sum(len(v) for v in ctx.skipped.values())
    what = "; ".join(
        f"{len(v)} {k} ({', '.join(repr(x) for x in v[:3])}{', ...' if len(v) > 3 else ''})"
        for k, v in ctx.skipped.items()
    )
    if not bufs:
        reason = "no timed track in the file"
        if skipped:
            reason += f": {what}; {UNTIMED}"
        raise ParseError(p, None, reason)
    if skipped:
        warnings.append(f"{p}: skipped {what} ({UNTIMED})")
    for mode, n in ctx.alt_modes.items():
        warnings.append(
            f"{p}: altitudeMode {mode} in {n} geometries: altitudes not used "
            "(only absolute altitudes are above sea level)"
        )
    if ctx.naive:
        warnings.append(f"{p}: {ctx.naive} times have no time zone: taken as UTC")
    tracks = []
    for key, buf in bufs.items():
        id_ = ctx.names.get(key, p.stem)
        if key in ctx.grouped and buf.sort_by_time():
            warnings.append(f"{p}: {id_}: placemarks not in time order: sorted by time")
        meta = {"format": kind, "placemark_line" if key.startswith("P") else "group": key}
        meta.update(ctx.meta.get(key, {}))
        tracks.append(buf.build(id_, warnings=warnings, meta=meta))
    return _merge_gpsbabel(tracks), warnings
