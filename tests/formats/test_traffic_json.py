"""The traffic library's sample files (gzipped JSON, records or columns orientation)."""

from __future__ import annotations

import gzip
import itertools
import json
from pathlib import Path

import numpy as np
import pytest

from overflight.errors import ParseError
from overflight.formats import read_tracks, sniff
from overflight.formats.tracks.traffic_json import read_traffic_json

SAMPLES = "adsb/traffic_samples"
FT = 0.3048


def _rows(path: Path) -> list[dict]:
    doc = json.loads(gzip.decompress(path.read_bytes()))
    if isinstance(doc, dict):  # columns orientation: {"col": {"0": v, ...}}
        keys = list(doc["timestamp"])
        return [{c: doc[c].get(k) for c in doc} for k in keys]
    return doc


@pytest.mark.parametrize(
    ("name", "icao", "callsign", "n"),
    [
        ("calibration_bornholm.json.gz", "4ab179", "CFL12", 2572),
        ("gliders_danube_valley.json.gz", "3e65c2", "SS", 2339),
        ("gliders_franconia.json.gz", "ddb056", "D-6567", 2697),
        ("surveillance_border_control.json.gz", "407918", "GTEKV", 1465),
    ],
)
def test_records_samples(shared_data: Path, name: str, icao: str, callsign: str, n: int) -> None:
    path = shared_data / SAMPLES / name
    rows = _rows(path)
    assert len(rows) == n  # MANIFEST record counts
    assert sniff(path) == "traffic-json"
    (t,), _ = read_tracks(path)
    assert (t.id, t.callsign, len(t)) == (icao, callsign, n)
    times = sorted(r["timestamp"] / 1000 for r in rows)
    assert t.time[0] == times[0] and t.time[-1] == times[-1]
    first = min(rows, key=lambda r: r["timestamp"])
    assert (t.lat[0], t.lon[0]) == (first["latitude"], first["longitude"])
    assert t.alt_baro[0] == pytest.approx(first["altitude"] * FT)


def test_columns_sample_with_stale_rows(shared_data: Path) -> None:
    path = shared_data / SAMPLES / "noisy_noisy_spoofing.json.gz"
    rows = _rows(path)
    (t,), _ = read_traffic_json(path)
    assert t.id == "4baac6" and t.callsign == "THY9BP"
    positioned = [r for r in rows if r["latitude"] is not None]
    last_pos = [r["last_position"] for r in positioned]
    fresh = 1 + sum(1 for a, b in itertools.pairwise(last_pos) if a != b)
    assert len(t) == fresh and t.meta["fix_time"] == "lastposupdate"
    assert t.time[0] == positioned[0]["last_position"] / 1000
    # the 563 km jump in 1 s (09:58:10 -> 09:58:11 UTC) is kept: plausibility is not a reader's job
    jump = np.flatnonzero(np.abs(np.diff(t.lat)) > 3)
    assert jump.size == 1 and t.lat[jump[0] + 1] == pytest.approx(53.5786, abs=1e-3)


def test_plain_json_columns_as_lists(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"timestamp": [0, 5], "icao24": ["abc123"] * 2,
                                "latitude": [60.0, 60.01], "longitude": [25.0, 25.0],
                                "geoaltitude": [1000, 1100]}))  # fmt: skip
    assert sniff(path) == "traffic-json"
    (t,), _ = read_traffic_json(path)
    assert list(t.time) == [0.0, 5.0] and list(t.alt_geo) == [1000 * FT, 1100 * FT]


def test_missing_column_and_bad_value(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_text(json.dumps([{"timestamp": 0, "icao24": "abc123", "latitude": 60.0}]))
    with pytest.raises(ParseError, match=r"m\.json: missing required column\(s\) longitude"):
        read_traffic_json(path)
    rows = [{"timestamp": k, "icao24": "a", "latitude": lat, "longitude": 25}
            for k, lat in enumerate((60, 99))]  # fmt: skip
    path.write_text(json.dumps(rows))
    with pytest.raises(ParseError) as err:
        read_traffic_json(path)
    assert err.value.line == "row 2" and "position out of range" in err.value.reason


def test_long_columns_orientation_sample_is_recognised(shared_data) -> None:
    """The THY9BP sample is pandas orient=columns: its first column fills the detection head,
    so 'icao24' is not in it; the columns shape is enough to recognise it."""
    from overflight import read_tracks
    from overflight.formats import sniff

    path = shared_data / "adsb/traffic_samples/noisy_noisy_spoofing.json.gz"
    assert sniff(path) == "traffic-json"
    (t,), _ = read_tracks(path)
    assert t.id == "4baac6" and t.callsign.strip() == "THY9BP"
