"""GeoJSON tracks -> Tracks.

* A ``LineString`` (or ``MultiLineString``, its parts joined) feature with one time per
  coordinate in its properties: ``coordTimes`` (the togeojson/Strava convention; a list of
  lists for a MultiLineString) or ``times``. One Track per feature; its id is the
  ``icao24``, ``id``, ``name`` or ``callsign`` property, the feature id, else ``<file>-<n>``.
* ``Point`` features with a time property (``time``, ``timestamp``, ``datetime``, ``when``):
  grouped into one Track per ``icao24``/``track_id``/``callsign`` property (one Track for the
  file when none is given), sorted by time.

Times are ISO 8601 text (no zone = UTC) or epoch numbers (seconds, or milliseconds above
1e11). A third coordinate is an altitude in metres -> ``alt_geo`` (RFC 7946: height above
the ellipsoid or sea level, as the producer chose).

A line without times (hand-digitised from a map, say) is an untimed Track: its ``time`` is
the geodesic distance along the points in metres and ``meta["timing"] == "distance"`` (see
:mod:`.timing`). Points without times are not supported yet: skipped with a warning when the
file has tracks too, a ParseError when it has none. Polygons are skipped with a warning.
Errors name the feature (``feature 3``, counted from 1).

>>> import json, tempfile, os
>>> p = os.path.join(tempfile.mkdtemp(), "t.geojson")
>>> _ = open(p, "w").write(json.dumps({"type": "Feature", "properties": {"name": "F1",
...     "coordTimes": ["2024-05-01T12:00:00Z", "2024-05-01T12:00:04Z"]},
...     "geometry": {"type": "LineString", "coordinates": [[25, 60, 300], [25, 60.01, 310]]}}))
>>> (t,), w = read_geojson_track(p)
>>> t.id, len(t), t.duration, float(t.alt_geo[1])
('F1', 2, 4.0, 310.0)
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from os import PathLike
from pathlib import Path
from typing import Any, NamedTuple

from ...errors import ParseError
from ...model import Track
from ._fixes import FixBuffer
from ._times import epoch_number, iso_seconds
from .timing import untimed_track

__all__ = ["FORMAT", "TrackFeature", "iter_features", "read_geojson_track"]

FORMAT = "geojson-track"
UNTIMED = "untimed points: not supported yet"
MAX_BYTES = 512 * 1024 * 1024
_TIME_LISTS = ("coordTimes", "times")
_TIME_KEYS = ("time", "timestamp", "datetime", "when")
_GROUP_KEYS = ("icao24", "track_id", "callsign")
_ID_KEYS = ("icao24", "id", "name", "callsign")


class _Bad(ValueError):
    pass


class TrackFeature(NamedTuple):
    """One feature: its number (from 1), kind (``line``/``point``/``untimed``/``other``),
    the key of the track it belongs to, its id, and its fixes ``(time, lon, lat, alt)``."""

    number: int
    kind: str
    key: str
    id: str
    fixes: list[tuple[float, float, float, float]]
    properties: dict[str, Any]


def _time(value: Any) -> float:
    if isinstance(value, bool) or value is None:
        raise _Bad(f"bad time {value!r}")
    if isinstance(value, int | float):
        return epoch_number(value)
    if isinstance(value, str):
        try:
            return iso_seconds(value)
        except ValueError:
            try:
                return epoch_number(float(value))
            except ValueError:
                raise _Bad(f"bad time {value!r}") from None
    raise _Bad(f"bad time {value!r}")


def _position(c: Any, k: int) -> tuple[float, float, float]:
    if (
        not isinstance(c, list)
        or not 2 <= len(c) <= 4
        or not all(isinstance(x, int | float) and not isinstance(x, bool) for x in c)
    ):
        raise _Bad(f"position {k}: not [lon, lat(, alt)]: {str(c)[:60]}")
    return float(c[0]), float(c[1]), float(c[2]) if len(c) > 2 else math.nan


def _feature_id(props: dict[str, Any], feat: dict[str, Any], default: str) -> str:
    for key in _ID_KEYS:
        if props.get(key) not in (None, ""):
            return str(props[key])
    return str(feat["id"]) if feat.get("id") not in (None, "") else default


def _line(n: int, geom: dict[str, Any], props: dict[str, Any], fid: str) -> TrackFeature:
    coords = geom.get("coordinates")
    parts = [coords] if geom["type"] == "LineString" else coords
    if not isinstance(parts, list) or not all(isinstance(q, list) for q in parts):
        raise _Bad(f"{geom['type']} coordinates are not a list")
    times_key = next((k for k in _TIME_LISTS if k in props), None)
    if times_key is None:  # hand-digitised: positions only, times NaN
        flat = [c for part in parts for c in part]
        untimed = [(math.nan, *_position(c, k)) for k, c in enumerate(flat)]
        return TrackFeature(n, "untimed", fid, fid, untimed, props)
    times = props[times_key]
    if geom["type"] == "MultiLineString" and times and isinstance(times[0], list):
        times = [t for part in times for t in part]
    flat = [c for part in parts for c in part]
    if not isinstance(times, list) or len(times) != len(flat):
        got = len(times) if isinstance(times, list) else type(times).__name__
        raise _Bad(f"{times_key} has {got} times for {len(flat)} positions")
    fixes = []
    for k, (c, t) in enumerate(zip(flat, times, strict=True)):
        lon, lat, alt = _position(c, k)
        fixes.append((_time(t), lon, lat, alt))
    return TrackFeature(n, "line", fid, fid, fixes, props)


def _features(doc: Any) -> list[Any]:
    if not isinstance(doc, dict):
        raise _Bad("not a GeoJSON object")
    if doc.get("type") == "FeatureCollection":
        feats = doc.get("features")
        if not isinstance(feats, list):
            raise _Bad("FeatureCollection without a features list")
        return feats
    if doc.get("type") == "Feature":
        return [doc]
    return [{"type": "Feature", "properties": {}, "geometry": doc}]


def _load(p: Path) -> Any:
    try:
        size = p.stat().st_size
        if size > MAX_BYTES:
            raise ParseError(p, None, f"GeoJSON file of {size} bytes (limit {MAX_BYTES})")
        with p.open("rb") as fh:
            text = fh.read().decode("utf-8-sig")
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            if not exc.msg.startswith("Extra data"):
                raise
            return _sequence(p, text)
    except OSError as exc:
        raise ParseError(p, None, f"cannot read: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise ParseError(p, None, f"not UTF-8 text (byte {exc.start})") from exc
    except json.JSONDecodeError as exc:
        raise ParseError(p, exc.lineno, f"not valid JSON: {exc.msg} (column {exc.colno})") from exc
    except RecursionError:
        raise ParseError(p, None, "JSON nested too deeply") from None


def _sequence(p: Path, text: str) -> dict[str, Any]:
    """Newline-delimited GeoJSON (one feature or geometry per line) as a FeatureCollection."""
    feats = []
    for n, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ParseError(p, n, f"not valid JSON: {exc.msg} (column {exc.colno})") from exc
            feats.extend(_features(obj))
    return {"type": "FeatureCollection", "features": feats}


def iter_features(path: str | PathLike[str]) -> Iterator[TrackFeature]:
    """Each feature of a GeoJSON file as a :class:`TrackFeature` (whole file parsed first;
    features are then converted one by one). ParseError names the feature.

    >>> import json, tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "p.json")
    >>> _ = open(p, "w").write(json.dumps({"type": "Feature", "properties": {"time": 0},
    ...     "geometry": {"type": "Point", "coordinates": [25.0, 60.0]}}))
    >>> [(f.number, f.kind, f.fixes) for f in iter_features(p)]
    [(1, 'point', [(0.0, 25.0, 60.0, nan)])]
    """
    p = Path(path)
    try:
        feats = _features(_load(p))
    except _Bad as exc:
        raise ParseError(p, None, str(exc)) from None
    for n, feat in enumerate(feats, start=1):
        try:
            if not isinstance(feat, dict):
                raise _Bad("not a JSON object")
            props = feat.get("properties") or {}
            geom = feat.get("geometry")
            if not isinstance(props, dict):
                raise _Bad("properties is not an object")
            fid = _feature_id(props, feat, f"{p.stem}-{n}")
            gtype = geom.get("type") if isinstance(geom, dict) else None
            if gtype in ("LineString", "MultiLineString"):
                yield _line(n, geom, props, fid)  # type: ignore[arg-type]
            elif gtype == "Point":
                lon, lat, alt = _position(geom.get("coordinates"), 0)  # type: ignore[union-attr]
                tkey = next((k for k in _TIME_KEYS if props.get(k) is not None), None)
                group = next((str(props[k]) for k in _GROUP_KEYS if props.get(k)), p.stem)
                if tkey is None:
                    yield TrackFeature(n, "untimed", group, group, [], props)
                else:
                    fix = (_time(props[tkey]), lon, lat, alt)
                    yield TrackFeature(n, "point", f"points:{group}", group, [fix], props)
            else:
                yield TrackFeature(n, "other", str(gtype), fid, [], props)
        except _Bad as exc:
            raise ParseError(p, f"feature {n}", str(exc)) from None


def read_geojson_track(path: str | PathLike[str]) -> tuple[list[Track], list[str]]:
    """Read the timed tracks of a GeoJSON file: ``(tracks, warnings)`` (see module doc)."""
    p = Path(path)
    bufs: dict[str, tuple[str, FixBuffer, dict[str, Any]]] = {}
    untimed: list[int] = []
    other: list[int] = []
    lines: list[Track] = []
    for f in iter_features(p):
        if f.kind == "untimed" and f.fixes:
            lines.append(_untimed_line(p, f))
            continue
        if f.kind == "untimed":
            untimed.append(f.number)
            continue
        if f.kind == "other":
            other.append(f.number)
            continue
        key = f.key if f.kind == "point" else f"line:{f.number}"
        if key not in bufs:
            meta = {"feature": f.number} if f.kind == "line" else {"points": True}
            bufs[key] = (f.id, FixBuffer(p), meta)
        buf = bufs[key][1]
        for t, lon, lat, alt in f.fixes:
            buf.add(t, lat, lon, alt_geo=alt, where=f"feature {f.number}")
    if not bufs and not lines:
        if untimed:
            raise ParseError(
                p, f"feature {untimed[0]}", f"no per-point times (coordTimes/times/time): {UNTIMED}"
            )
        raise ParseError(p, None, "no LineString, MultiLineString or Point feature")
    warnings: list[str] = []
    if untimed:
        warnings.append(f"{p}: skipped {len(untimed)} points without times ({UNTIMED})")
    if other:
        warnings.append(f"{p}: skipped {len(other)} features that are not lines or points")
    tracks = []
    for key, (id_, buf, meta) in bufs.items():
        if key.startswith("points:") and buf.sort_by_time():
            warnings.append(f"{p}: {id_}: points not in time order: sorted by time")
        tracks.append(buf.build(id_, warnings=warnings, meta={"format": FORMAT, **meta}))
    return tracks + lines, warnings


def _untimed_line(p: Path, f: TrackFeature) -> Track:
    """An untimed line feature as a distance-timed Track (repeated positions dropped)."""
    lon, lat, alt = [], [], []
    for k, (_, x, y, z) in enumerate(f.fixes):
        if not (abs(y) <= 90 and abs(x) <= 180):
            raise ParseError(p, f"feature {f.number}", f"position {k} out of range: {x}, {y}")
        if lon and (x, y) == (lon[-1], lat[-1]):
            continue
        lon.append(x)
        lat.append(y)
        alt.append(z)
    meta = {"format": FORMAT, "feature": f.number}
    return untimed_track(f.id, lon, lat, alt_geo=alt, source=str(p), meta=meta)
