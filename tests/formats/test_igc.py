"""IGC reader: every real file in shared/data, checked against its own text and aerofiles."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from overflight.errors import ParseError
from overflight.formats import read_tracks, sniff
from overflight.formats.tracks.igc import iter_fixes, read_igc

IGC_FILES = [
    "igc/aerofiles_xctrack_blackforest_2020-09-04.igc",
    "igc/flaretiming_brad-porter_forbes_2018-01-03.igc",
    "igc/gpsbabel_27GLQKF3_ontario_2022-07-16.igc",
    "igc/xcsoar_0asljd01_benalla_2010-10-28.igc",
    "igc/xcsoar_9crx3101_benalla_2009-12-27.igc",
    "igc/xcsoar_apf-bug554_germany_2010-07-18.igc",
]
_B = re.compile(r"^B(\d{6})(\d{2})(\d{5})([NS])(\d{3})(\d{5})([EW])([AV])(\d{5})(\d{5})", re.M)


def _date(text: str) -> datetime:
    m = re.search(r"^HFDTE(?:DATE:)?(\d{2})(\d{2})(\d{2})", text, re.M)
    assert m
    return datetime(2000 + int(m.group(3)), int(m.group(2)), int(m.group(1)), tzinfo=UTC)


def _hms(s: str) -> int:
    return int(s[:2]) * 3600 + int(s[2:4]) * 60 + int(s[4:6])


@pytest.mark.parametrize("rel", IGC_FILES)
def test_real_file_against_its_text(shared_data: Path, rel: str) -> None:
    path = shared_data / rel
    text = path.read_text(encoding="utf-8", errors="replace")
    records = _B.findall(text)
    assert sniff(path) == "igc"
    (track,), _ = read_tracks(path)
    assert len(track) == len(records)  # no duplicates, no V fixes in these files
    day0 = _date(text).timestamp()
    first, last = records[0], records[-1]
    assert track.time[0] == day0 + _hms(first[0])
    assert track.time[-1] == day0 + _hms(last[0])
    lat = int(first[1]) + int(first[2]) / 1000 / 60
    lon = int(first[4]) + int(first[5]) / 1000 / 60
    lat, lon = (-lat if first[3] == "S" else lat), (-lon if first[6] == "W" else lon)
    tol = (
        1e-3 / 60 if "LAD" in text[:5000] else 1e-12
    )  # XCTrack adds a 4th minute decimal (LAD/LOD)
    assert abs(track.lat[0] - lat) <= tol and abs(track.lon[0] - lon) <= tol
    assert track.alt_baro[0] == float(int(first[8]))
    assert track.alt_geo[0] == float(int(first[9]))
    assert track.meta["format"] == "igc"


def test_matches_aerofiles_on_every_file(shared_data: Path) -> None:
    igc = pytest.importorskip("aerofiles.igc")
    for rel in IGC_FILES:
        path = shared_data / rel
        with path.open(encoding="latin-1") as fp:
            fixes = igc.Reader().read(fp)["fix_records"][1]
        (track,), _ = read_igc(path)
        assert len(fixes) == len(track), rel
        t = np.array([f["datetime"].timestamp() for f in fixes])
        assert np.array_equal(t, track.time), rel
        ours_lat = track.lat
        # aerofiles ignores LAD/LOD: allow the extra 4th decimal of the minute
        assert np.allclose([f["lat"] for f in fixes], ours_lat, atol=1e-3 / 60, rtol=0), rel
        assert np.allclose([f["lon"] for f in fixes], track.lon, atol=1e-3 / 60, rtol=0), rel
        assert np.array_equal([f["pressure_alt"] for f in fixes], track.alt_baro), rel
        assert np.array_equal([f["gps_alt"] for f in fixes], track.alt_geo), rel


def test_headers_fxa_and_ids(shared_data: Path) -> None:
    (t,), _ = read_igc(shared_data / IGC_FILES[3])
    assert t.id == "PH-1422" and t.callsign == "FA"  # HFGIDGLIDERID:PH-1422, HFCIDCOMPETITIONID:FA
    assert t.meta["pilot"] == "Hans-Chr Christensen" and t.meta["glider_type"] == "ASG 29E"
    assert t.meta["competition_class"] == "18-meter" and t.meta["date"] == "2010-10-28"
    # B0114583600027S14620712EA00099001370070040000000002038-00020240; FXA in columns 36-38
    assert t.accuracy_h[0] == 7 / 2
    (o,), _ = read_igc(shared_data / IGC_FILES[2])
    assert o.id == "gpsbabel_27GLQKF3_ontario_2022-07-16" and o.callsign is None
    assert o.meta["pilot"] == "CHRIS RAZL" and o.meta["glider_type"] == "LS 4"


def test_xctrack_long_date_form_and_lad_lod(shared_data: Path) -> None:
    (t,), _ = read_igc(shared_data / IGC_FILES[0])
    # HFDTEDATE:040920,01 ; B1627534845381N00824437EA008060089373 with LAD=7, LOD=3
    assert t.meta["date"] == "2020-09-04"
    assert t.time[0] == datetime(2020, 9, 4, 16, 27, 53, tzinfo=UTC).timestamp()
    assert t.lat[0] == pytest.approx(48 + 45.3817 / 60, abs=1e-12)
    assert t.lon[0] == pytest.approx(8 + 24.4373 / 60, abs=1e-12)


def test_minutes_written_as_60_are_read(shared_data: Path) -> None:
    path = shared_data / IGC_FILES[4]
    line = path.read_text().splitlines()[681]
    assert line[15:24] == "14560000E"  # 145 deg 60.000 min, as XCSoar wrote it
    (t,), _ = read_igc(path)
    i = len(_B.findall("\n".join(path.read_text().splitlines()[:681])))
    assert t.lon[i] == 146.0


def _igc(tmp_path: Path, body: str, name: str = "f.igc") -> Path:
    path = tmp_path / name
    path.write_text("AXXX001\nHFDTE311224\n" + body)
    return path


def test_past_midnight_rolls_to_next_day(tmp_path: Path) -> None:
    path = _igc(
        tmp_path,
        "B2359584350420N08026585WA0043800463\nB0000034350421N08026585WA0043900464\n",
    )
    (t,), _ = read_igc(path)
    assert t.time[0] == datetime(2024, 12, 31, 23, 59, 58, tzinfo=UTC).timestamp()
    assert t.time[1] == datetime(2025, 1, 1, 0, 0, 3, tzinfo=UTC).timestamp()


def test_v_fixes_kept_and_listed(tmp_path: Path) -> None:
    path = _igc(
        tmp_path,
        "B1200004350420N08026585WA0043800463\n"
        "B1200014350421N08026585WV0043900000\n"
        "B1200020000000N00000000WV0000000000\n"
        "B1200034350423N08026585WA0044000465\n",
    )
    (t,), warnings = read_igc(path)
    assert len(t) == 3 and t.meta["invalid_fixes"] == (1,)
    assert math.isnan(t.alt_geo[1]) and t.alt_baro[1] == 439.0
    assert any("1 invalid (V) fixes kept" in w for w in warnings)
    assert any("dropped 1 invalid (V) fixes without a position" in w for w in warnings)


def test_all_zero_pressure_altitude_is_unknown(tmp_path: Path) -> None:
    path = _igc(
        tmp_path, "B1200004350420N08026585WA0000000463\nB1200014350421N08026585WA0000000464\n"
    )
    (t,), warnings = read_igc(path)
    assert np.isnan(t.alt_baro).all() and list(t.alt_geo) == [463.0, 464.0]
    assert any("every pressure altitude is 0" in w for w in warnings)


@pytest.mark.parametrize(
    ("body", "line", "reason"),
    [
        ("B1200004350420N08026585WA00438\nB12000", 4, "truncated B record"),
        ("B1260004350420N08026585WA0043800463\n", 3, "bad time 12:60:00"),
        ("B1200004350420X08026585WA0043800463\n", 3, "malformed B record"),
        ("B1200004350420N08026585WA004x800463\n", 3, "bad altitude '004x8'"),
        ("B1200054350420N08026585WA0043800463\nB1200014350421N08026585WA0043800463\n", 4,
         "time goes back"),
    ],
)  # fmt: skip
def test_bad_records(tmp_path: Path, body: str, line: int, reason: str) -> None:
    path = _igc(tmp_path, body)
    with pytest.raises(ParseError) as err:
        read_igc(path)
    assert err.value.path == str(path) and err.value.line == line
    assert reason in err.value.reason


def test_fix_before_date(tmp_path: Path) -> None:
    path = tmp_path / "x.igc"
    path.write_text("AXXX\nB1200004350420N08026585WA0043800463\nHFDTE010124\n")
    with pytest.raises(ParseError, match=r"x\.igc:2: B record before the HFDTE date header"):
        read_igc(path)


def test_iter_fixes_streams_with_line_numbers() -> None:
    lines = ["AXXX", "HFDTE010124", "I013638FXA", "B1200004350420N08026585WA0043800463020"]
    (fix,) = iter_fixes(lines, "mem.igc")
    assert fix.line == 4 and fix.fxa == 20.0 and fix.valid
