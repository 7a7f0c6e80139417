"""KML/KMZ evidence for Google Earth: airspace volumes, tracks with altitude, entry/exit marks.

Written with the standard library (``xml.etree``, ``zipfile``): no runtime dependency. The file
name picks the container: ``.kml`` plain, ``.kmz`` zipped (one member, ``doc.kml``). Output is
deterministic: the same inputs give the same bytes (fixed zip dates, no creation time).

Altitude modes follow each limit's reference:

* ``AMSL`` -> ``absolute`` (metres above sea level);
* ``AGL`` -> ``relativeToGround``;
* ``SFC`` floor -> the volume is the ceiling polygon extruded down to the ground;
* ``FL`` -> ``absolute`` at the flight level's pressure altitude (FL95 -> 2895.6 m), noted in the
  description: a pressure altitude is not a height above sea level;
* ``UNL`` ceiling -> drawn at :data:`UNL_DRAW_M`, noted.

The track is a ``gx:Track`` (``when`` + ``gx:coord``), altitude ``absolute`` from ``alt_geo``,
else ``alt_baro`` per fix. Entry and exit placemarks are untimed points (so KML readers do not
take them for a track) whose descriptions give the time, depth and vertical status.

>>> import os, tempfile
>>> from overflight.model import Airspace, Circle, Polygon, Track, VerticalLimit
>>> from overflight.analysis.check import check
>>> zone = Airspace("R1", "R", (Polygon(Circle(0.0, 0.0, 10_000.0)),),
...                 VerticalLimit.surface(), VerticalLimit.parse("FL65"))
>>> trk = Track.from_arrays("t", time=[0, 100], lat=[0, 0], lon=[-0.2, 0.2],
...                         alt_geo=[1000, 1000])
>>> out = check([trk], [zone])
>>> p = os.path.join(tempfile.mkdtemp(), "evidence.kmz")
>>> write_kml(out.results, [trk], [zone], p)
>>> import zipfile; zipfile.ZipFile(p).namelist()
['doc.kml']
"""

from __future__ import annotations

import html
import io
import json
import math
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import numpy as np

from ..analysis.params import CheckOutcome
from ..errors import UnsupportedFormatError
from ..model import Airspace, CheckResult, Reference, Track, VerticalLimit
from ._shapes import (
    INSIDE,
    airspace_rings,
    as_results,
    hhmmss,
    limit_text,
    track_altitude,
    track_pieces,
)
from .json import iso_utc

__all__ = [
    "GX_NS",
    "KML_NS",
    "UNL_DRAW_M",
    "LimitDrawing",
    "kml_bytes",
    "limit_drawing",
    "write_kml",
]

KML_NS = "http://www.opengis.net/kml/2.2"
GX_NS = "http://www.google.com/kml/ext/2.2"
UNL_DRAW_M = 20_000.0
"""Height (m) at which an unlimited ceiling is drawn."""
_COLOURS = ("#6a3d9a", "#4d4d4d", "#1b7837", "#8c510a", "#01665e", "#762a83")
_TRACK = "#1f77b4"
_INSIDE = "#d62728"


@dataclass(frozen=True)
class LimitDrawing:
    """How one vertical limit is drawn: height (m), KML altitude mode and a note ("" if none)."""

    alt_m: float
    mode: str
    note: str


def limit_drawing(limit: VerticalLimit) -> LimitDrawing:
    """The KML altitude and altitude mode of a vertical limit.

    >>> fl = limit_drawing(VerticalLimit.parse("FL95"))
    >>> fl.mode, fl.alt_m
    ('absolute', 2895.6)
    >>> limit_drawing(VerticalLimit.parse("1000ft AGL")).mode
    'relativeToGround'
    >>> limit_drawing(VerticalLimit.surface()).mode
    'clampToGround'
    """
    note = ""
    if limit.is_compound:
        note = (
            f"compound limit {limit_text(limit)}: drawn at its first part only, "
            f"{limit_text(limit.parts()[0])}. "
        )
        limit = limit.parts()[0]
    if limit.reference is Reference.SFC:
        return LimitDrawing(0.0, "clampToGround", note)
    if limit.reference is Reference.UNL:
        return LimitDrawing(
            UNL_DRAW_M, "absolute", note + f"unlimited: drawn at {UNL_DRAW_M:g} m. "
        )
    m = round(limit.metres(), 3)
    if limit.reference is Reference.AGL:
        return LimitDrawing(m, "relativeToGround", note)
    if limit.reference is Reference.FL:
        return LimitDrawing(
            m,
            "absolute",
            note + f"{limit_text(limit)} drawn at its pressure altitude, {m:g} m: a pressure "
            "altitude (1013.25 hPa datum), not a height above sea level; the true height "
            "differs with the day's pressure and temperature. ",
        )
    return LimitDrawing(m, "absolute", note)


# -- XML helpers ---------------------------------------------------------------------------------
def _el(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    e = ET.SubElement(parent, tag, attrs)
    if text is not None:
        e.text = text
    return e


def _kml_colour(hex_rgb: str, alpha: int) -> str:
    r, g, b = hex_rgb[1:3], hex_rgb[3:5], hex_rgb[5:7]
    return f"{alpha:02x}{b}{g}{r}"


def _coord(lon: float, lat: float, alt: float | None = None, sep: str = ",") -> str:
    if alt is None or not math.isfinite(alt):
        return f"{lon:.8f}{sep}{lat:.8f}"
    return f"{lon:.8f}{sep}{lat:.8f}{sep}{alt:.3f}"


def _ring_coords(lon: Any, lat: Any, alt: float) -> str:
    pts = [_coord(float(x), float(y), alt) for x, y in zip(lon, lat, strict=True)]
    return " ".join([*pts, pts[0]])


def _description(lines: Iterable[str]) -> str:
    """HTML for Google Earth's balloon: escaped lines joined by ``<br/>``."""
    return "<br/>".join(html.escape(s) for s in lines if s)


def _style(doc: ET.Element, sid: str, line: str, width: float, poly: str | None = None) -> None:
    st = _el(doc, "Style", id=sid)
    ls = _el(st, "LineStyle")
    _el(ls, "color", line)
    _el(ls, "width", f"{width:g}")
    if poly is not None:
        ps = _el(st, "PolyStyle")
        _el(ps, "color", poly)
    icon = _el(st, "IconStyle")
    _el(icon, "color", line)
    _el(icon, "scale", "0.8")


# -- airspaces -----------------------------------------------------------------------------------
def _polygon(
    parent: ET.Element, rings: Sequence[tuple[Any, Any]], level: LimitDrawing, extrude: bool
) -> None:
    poly = _el(parent, "Polygon")
    if extrude:
        _el(poly, "extrude", "1")
    _el(poly, "altitudeMode", level.mode)
    for j, (lon, lat) in enumerate(rings):
        b = _el(poly, "outerBoundaryIs" if j == 0 else "innerBoundaryIs")
        lr = _el(b, "LinearRing")
        _el(lr, "coordinates", _ring_coords(lon, lat, level.alt_m))


def _walls(parent: ET.Element, lon: Any, lat: Any, lo: LimitDrawing, hi: LimitDrawing) -> None:
    n = len(lon)
    for i in range(n):
        j = (i + 1) % n
        a, b = (float(lon[i]), float(lat[i])), (float(lon[j]), float(lat[j]))
        quad = [
            _coord(*a, lo.alt_m),
            _coord(*b, lo.alt_m),
            _coord(*b, hi.alt_m),
            _coord(*a, hi.alt_m),
            _coord(*a, lo.alt_m),
        ]
        poly = _el(parent, "Polygon")
        _el(poly, "altitudeMode", lo.mode)
        lr = _el(_el(poly, "outerBoundaryIs"), "LinearRing")
        _el(lr, "coordinates", " ".join(quad))


def _airspace(folder: ET.Element, a: Airspace, style: str) -> None:
    floor, ceiling = limit_drawing(a.floor), limit_drawing(a.ceiling)
    pm = _el(folder, "Placemark")
    _el(pm, "name", a.name)
    notes = [
        f"floor: {floor.note}" if floor.note else "",
        f"ceiling: {ceiling.note}" if ceiling.note else "",
    ]
    mixed = floor.mode != "clampToGround" and floor.mode != ceiling.mode
    if mixed:
        notes.append(
            f"floor ({floor.mode}) and ceiling ({ceiling.mode}) use different altitude modes: "
            "drawn as two surfaces without walls."
        )
    where = f"{a.source}:{a.line}" if a.source else ""
    _el(pm, "description", _description([
        f"Class/type: {a.kind}",
        f"Floor: {limit_text(a.floor)} ({floor.mode}, {floor.alt_m:g} m)",
        f"Ceiling: {limit_text(a.ceiling)} ({ceiling.mode}, {ceiling.alt_m:g} m)",
        *notes,
        f"Source: {where}" if where else "",
    ]))  # fmt: skip
    _el(pm, "styleUrl", f"#{style}")
    ext = _el(pm, "ExtendedData")
    for key, value in (("floor", limit_text(a.floor)), ("ceiling", limit_text(a.ceiling)),
                       ("floor_mode", floor.mode), ("ceiling_mode", ceiling.mode)):  # fmt: skip
        d = _el(ext, "Data", name=key)
        _el(d, "value", value)
    geom = _el(pm, "MultiGeometry")
    for rings in airspace_rings(a):
        if floor.mode == "clampToGround":
            # from the ground up to the ceiling: the ceiling extruded down
            _polygon(geom, rings, ceiling, extrude=True)
            continue
        _polygon(geom, rings, ceiling, extrude=False)
        _polygon(geom, rings, floor, extrude=False)
        if not mixed:
            for lon, lat in rings:
                _walls(geom, lon, lat, floor, ceiling)


# -- tracks and events ---------------------------------------------------------------------------
def _iso(t: float) -> str:
    s = iso_utc(t)
    assert s is not None
    return s


def _track(folder: ET.Element, track: Track, results: Sequence[CheckResult]) -> None:
    alt, note = track_altitude(track)
    known = bool(np.isfinite(alt).any())
    pm = _el(folder, "Placemark")
    _el(pm, "name", track.callsign or track.id)
    _el(pm, "description", _description([
        f"Track {track.id}" + (f", callsign {track.callsign}" if track.callsign else ""),
        f"{len(track)} fixes, {_iso(float(track.time[0]))} to {_iso(float(track.time[-1]))}"
        if len(track) else "no fixes",
        f"Altitude: {note}, metres, absolute" if known else "Altitude unknown: clamped to ground",
        f"Source: {track.source}" if track.source else "",
    ]))  # fmt: skip
    _el(pm, "styleUrl", "#track")
    gx = _el(pm, "gx:Track")
    _el(gx, "altitudeMode", "absolute" if known else "clampToGround")
    for t in track.time:
        _el(gx, "when", _iso(float(t)))
    for lon, lat, z in zip(track.lon, track.lat, alt, strict=True):
        _el(gx, "gx:coord", _coord(float(lon), float(lat), float(z) if known else None, " "))
    # the pieces inside an airspace volume, drawn over the track
    p = track_pieces(track, results)
    if not known or not (p.cls == INSIDE).any():
        return
    runs = np.flatnonzero(np.diff(np.concatenate([[0], (p.cls == INSIDE).astype(int), [0]])))
    for k0, k1 in zip(runs[::2], runs[1::2], strict=True):
        seg = _el(folder, "Placemark")
        _el(seg, "name", f"{track.callsign or track.id} inside, {_iso(float(p.time[k0]))}")
        _el(seg, "styleUrl", "#inside")
        ls = _el(seg, "LineString")
        _el(ls, "altitudeMode", "absolute")
        pts = range(k0, k1 + 1)
        _el(ls, "coordinates", " ".join(_coord(float(p.lon[i]), float(p.lat[i]), float(p.alt[i]))
                                       for i in pts))  # fmt: skip


def _alt_at(track: Track | None, t: float) -> float | None:
    if track is None:
        return None
    alt, _ = track_altitude(track)
    ok = np.isfinite(alt)
    if not ok.any():
        return None
    return float(np.interp(t, track.time[ok], alt[ok]))


def _point(
    folder: ET.Element,
    name: str,
    style: str,
    latlon: tuple[float, float],
    alt: float | None,
    lines: Sequence[str],
) -> None:
    pm = _el(folder, "Placemark")
    _el(pm, "name", name)
    _el(pm, "description", _description(lines))
    _el(pm, "styleUrl", f"#{style}")
    pt = _el(pm, "Point")
    _el(pt, "altitudeMode", "absolute" if alt is not None else "clampToGround")
    _el(pt, "coordinates", _coord(latlon[1], latlon[0], alt))


_VIA = {
    "lateral": "the lateral boundary",
    "floor": "the floor",
    "ceiling": "the ceiling",
    "start": "the track's start (already inside)",
    "end": "the track's end (still inside)",
    "activation": "the start/end of an activation period",
}


def _events(folder: ET.Element, r: CheckResult, track: Track | None) -> None:
    who = r.callsign or r.track_id
    a = r.airspace
    for inc in (*r.incursions, *r.lateral_passes):
        status = inc.vertical
        margin = (
            f" ({inc.vertical_margin_m:.1f} m {'inside' if status == 'inside' else 'clear'})"
            if inc.vertical_margin_m is not None
            else ""
        )
        common = [
            f"Airspace: {a.name} ({a.kind}), {limit_text(a.floor)} – {limit_text(a.ceiling)}",
            f"Vertical status: {status}{margin}",
            f"Reason: {inc.vertical_reason}" if inc.vertical_reason else "",
            f"Activation: {inc.activation}",
            f"Max depth: {inc.max_depth_m:.2f} m at {_iso(inc.max_depth_time)}",
            f"Duration: {inc.duration_s:.1f} s",
        ]
        inside = status in ("inside", "unknown")
        style = "entry" if inside and inc.activation != "inactive" else "pass"
        word = "entry" if inside else "lateral entry"
        for what, t, point, via in (
            (word, inc.entry_time, inc.entry_point, inc.entry_via),
            (word.replace("entry", "exit"), inc.exit_time, inc.exit_point, inc.exit_via),
        ):
            _point(folder, f"{who} {what} {a.name} {hhmmss(t)}", style, point,
                   _alt_at(track, t), [f"{what.capitalize()}: {_iso(t)} UTC",
                                       f"Via {_VIA.get(via, via)}", *common])  # fmt: skip
        if inside:
            _point(folder, f"{who} max depth {a.name}", style, inc.max_depth_point,
                   _alt_at(track, inc.max_depth_time),
                   [f"Deepest point: {inc.max_depth_m:.2f} m inside the lateral boundary",
                    f"Time: {_iso(inc.max_depth_time)} UTC", *common])  # fmt: skip
    ca = r.closest_approach
    if ca is not None and not r.entered:
        vert = "unknown" if ca.vertical_m is None else f"{ca.vertical_m:.1f} m"
        _point(folder, f"{who} closest to {a.name}", "closest", ca.point, _alt_at(track, ca.time),
               [f"Closest approach: {_iso(ca.time)} UTC",
                f"Lateral distance: {ca.lateral_m:.2f} m"
                + (" (laterally inside)" if ca.laterally_inside else ""),
                f"Vertical separation: {vert}",
                f"Airspace: {a.name} ({a.kind}), {limit_text(a.floor)} – "
                f"{limit_text(a.ceiling)}"])  # fmt: skip


# -- document ------------------------------------------------------------------------------------
def kml_bytes(
    results: CheckOutcome | Iterable[CheckResult],
    tracks: Sequence[Track],
    airspaces: Sequence[Airspace],
    *,
    name: str = "overflight evidence",
    provenance: Mapping[str, Any] | None = None,
) -> bytes:
    """The KML document (UTF-8 bytes); see :func:`write_kml`.

    >>> kml_bytes([], [], [])[:38]
    b"<?xml version='1.0' encoding='utf-8'?>"
    """
    res = as_results(results)
    root = ET.Element("kml", {"xmlns": KML_NS, "xmlns:gx": GX_NS})
    doc = _el(root, "Document")
    _el(doc, "name", name)
    from .. import __version__

    lines = [f"Written by overflight {__version__}. Times UTC; altitudes metres."]
    if provenance:
        lines += [f"{k}: {json.dumps(v, sort_keys=True, ensure_ascii=False)}"
                  for k, v in provenance.items()]  # fmt: skip
    _el(doc, "description", _description(lines))
    if provenance:
        ext = _el(doc, "ExtendedData")
        for k, v in provenance.items():
            _el(_el(ext, "Data", name=str(k)), "value",
                json.dumps(v, sort_keys=True, ensure_ascii=False))  # fmt: skip
    for k in range(max(len(airspaces), 1)):
        col = _COLOURS[k % len(_COLOURS)]
        _style(doc, f"airspace{k}", _kml_colour(col, 0xFF), 1.5, _kml_colour(col, 0x40))
    _style(doc, "track", _kml_colour(_TRACK, 0xFF), 2.5)
    _style(doc, "inside", _kml_colour(_INSIDE, 0xFF), 5)
    _style(doc, "entry", _kml_colour(_INSIDE, 0xFF), 2)
    _style(doc, "pass", _kml_colour("#ff8c00", 0xFF), 2)
    _style(doc, "closest", _kml_colour("#000000", 0xFF), 2)
    fa = _el(doc, "Folder")
    _el(fa, "name", "Airspaces")
    for k, a in enumerate(airspaces):
        _airspace(fa, a, f"airspace{k}")
    ft = _el(doc, "Folder")
    _el(ft, "name", "Tracks")
    for t in tracks:
        if len(t):
            _track(ft, t, res)
    fe = _el(doc, "Folder")
    _el(fe, "name", "Entries and exits")
    by_id = {t.id: t for t in tracks}
    for r in res:
        _events(fe, r, by_id.get(r.track_id))
    ET.indent(root, space=" ")
    buf = io.BytesIO()
    ET.ElementTree(root).write(buf, encoding="utf-8", xml_declaration=True)
    return buf.getvalue() + b"\n"


def write_kml(
    results: CheckOutcome | Iterable[CheckResult],
    tracks: Sequence[Track],
    airspaces: Sequence[Airspace],
    path: str | PathLike[str],
    *,
    name: str = "overflight evidence",
    provenance: Mapping[str, Any] | None = None,
) -> None:
    """Write the evidence as ``.kml`` (plain) or ``.kmz`` (zipped ``doc.kml``), by ``path``'s
    extension.

    Parameters
    ----------
    results
        The check results (or the whole :class:`CheckOutcome`): entry/exit placemarks.
    tracks
        Tracks drawn as ``gx:Track`` with altitude.
    airspaces
        Airspaces drawn as volumes between floor and ceiling.
    path
        Output file; its extension picks the container.
    name, provenance
        Document name; input hashes, parameters, version... recorded in the document's
        description and ``ExtendedData`` (values as JSON).

    Raises UnsupportedFormatError for another extension, OSError if the file cannot be written.
    """
    p = Path(path)
    ext = p.suffix.lower()
    if ext not in (".kml", ".kmz"):
        raise UnsupportedFormatError(f"{p}: KML output needs a .kml or .kmz file name")
    data = kml_bytes(results, tracks, airspaces, name=name, provenance=provenance)
    if ext == ".kml":
        p.write_bytes(data)
        return
    info = zipfile.ZipInfo("doc.kml", date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(info, data)
    p.write_bytes(buf.getvalue())
