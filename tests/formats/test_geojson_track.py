"""GeoJSON tracks: LineStrings with coordTimes/times, Point features with a time."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from overflight.errors import ParseError
from overflight.formats import read_tracks, sniff
from overflight.formats.tracks.geojson import read_geojson_track

TIMES = ["2024-05-01T12:00:00Z", "2024-05-01T12:00:05Z", "2024-05-01T12:00:10Z"]
COORDS = [[25.0, 60.0, 300.0], [25.01, 60.0, 310.0], [25.02, 60.01, 320.0]]
T0 = 1714564800.0


def _write(path: Path, obj: object) -> Path:
    path.write_text(json.dumps(obj))
    return path


def _line(props: dict[str, object], coords: object = COORDS, kind: str = "LineString") -> dict:
    return {"type": "Feature", "properties": props,
            "geometry": {"type": kind, "coordinates": coords}}  # fmt: skip


def test_linestring_coord_times(tmp_path: Path) -> None:
    feats = [_line({"coordTimes": TIMES, "name": "A"})]
    path = _write(tmp_path / "t.txt", {"type": "FeatureCollection", "features": feats})
    assert sniff(path) == "geojson-track"
    (t,), warnings = read_tracks(path)
    assert t.id == "A" and warnings == []
    assert list(t.time) == [T0, T0 + 5, T0 + 10]
    assert list(t.lon) == [c[0] for c in COORDS] and list(t.alt_geo) == [c[2] for c in COORDS]


def test_multilinestring_times_as_epoch_ms(tmp_path: Path) -> None:
    ms = [[T0 * 1000, (T0 + 5) * 1000], [(T0 + 10) * 1000]]
    feat = _line({"times": ms, "icao24": "abc123"}, [COORDS[:2], COORDS[2:]], "MultiLineString")
    (t,), _ = read_geojson_track(_write(tmp_path / "m.geojson", feat))
    assert t.id == "abc123" and list(t.time) == [T0, T0 + 5, T0 + 10]


def test_points_grouped_and_sorted(tmp_path: Path) -> None:
    feats = [
        {"type": "Feature", "properties": {"time": T0 + k, "icao24": ic},
         "geometry": {"type": "Point", "coordinates": [25.0 + k / 100, 60.0]}}
        for k, ic in [(2, "aaa111"), (0, "aaa111"), (1, "bbb222"), (1, "aaa111"), (3, "bbb222")]
    ]  # fmt: skip
    tracks, warnings = read_geojson_track(
        _write(tmp_path / "p.json", {"type": "FeatureCollection", "features": feats})
    )
    a, b = tracks
    assert (a.id, list(a.time)) == ("aaa111", [T0, T0 + 1, T0 + 2])
    assert (b.id, list(b.time)) == ("bbb222", [T0 + 1, T0 + 3])
    assert any("aaa111: points not in time order" in w for w in warnings)


def test_untimed_line_beside_timed_is_an_untimed_track(tmp_path: Path) -> None:
    fc = {"type": "FeatureCollection",
          "features": [_line({}), _line({"coordTimes": TIMES})]}  # fmt: skip
    (t, u), warnings = read_geojson_track(_write(tmp_path / "u.geojson", fc))
    assert t.id == "u-2" and len(t) == 3 and "timing" not in t.meta
    assert u.id == "u-1" and u.meta["timing"] == "distance" and warnings == []
    assert list(u.lon) == [c[0] for c in COORDS] and list(u.alt_geo) == [c[2] for c in COORDS]


@pytest.mark.parametrize(
    ("props", "reason"),
    [
        ({"coordTimes": TIMES[:2]}, "coordTimes has 2 times for 3 positions"),
        ({"times": ["x", "y", "z"]}, "bad time 'x'"),
    ],
)
def test_bad_features_name_the_feature(tmp_path: Path, props: dict, reason: str) -> None:
    path = _write(tmp_path / "b.geojson", {"type": "FeatureCollection", "features": [_line(props)]})
    with pytest.raises(ParseError) as err:
        read_geojson_track(path)
    assert (err.value.path, err.value.line, err.value.reason) == (str(path), "feature 1", reason)


def test_ndjson_sequence(shared_data: Path) -> None:
    path = shared_data / "geo/tkardi_baltic_a0_expanded_ee_lv_borders.ndjson"
    tracks, _ = read_tracks(path)  # 5 lines, one per line of the file, without times
    assert len(tracks) == 5 and {t.meta["timing"] for t in tracks} == {"distance"}
    assert (float(tracks[0].lon[0]), float(tracks[0].lat[0])) == (21.7166666355, 57.7866666417)


def test_same_flight_in_geojson_and_gpx(tmp_path: Path) -> None:
    import gpxpy.gpx

    g = gpxpy.gpx.GPX()
    trk, seg = gpxpy.gpx.GPXTrack(), gpxpy.gpx.GPXTrackSegment()
    from datetime import UTC, datetime

    for c, w in zip(COORDS, TIMES, strict=True):
        t = datetime.fromisoformat(w.replace("Z", "+00:00")).astimezone(UTC)
        seg.points.append(gpxpy.gpx.GPXTrackPoint(c[1], c[0], elevation=c[2], time=t))
    trk.segments.append(seg)
    g.tracks.append(trk)
    gp = tmp_path / "same.gpx"
    gp.write_text(g.to_xml())
    (a,), _ = read_tracks(gp)
    (b,), _ = read_tracks(_write(tmp_path / "same.geojson", _line({"coordTimes": TIMES})))
    for name in ("time", "lat", "lon", "alt_geo"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
