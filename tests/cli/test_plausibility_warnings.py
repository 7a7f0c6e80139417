"""An entry interpolated across a jump no aircraft makes, or a long gap, is said to be assumed."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from overflight.analysis.plausibility import suspect_segments
from overflight.cli.main import app
from overflight.model import Track

ZONE = """AC R
AN BOX
AL GND
AH FL660
DP 50:00:00 N 019:00:00 E
DP 52:00:00 N 019:00:00 E
DP 52:00:00 N 021:00:00 E
DP 50:00:00 N 021:00:00 E
"""


def _csv(path: Path, rows: list[tuple[int, float, float]]) -> None:
    head = ("time,icao24,lat,lon,velocity,heading,vertrate,callsign,onground,alert,spi,squawk,"
            "baroaltitude,geoaltitude,lastposupdate,lastcontact")  # fmt: skip
    lines = [head] + [
        f"{t},abc123,{la},{lo},250,0,0,TEST    ,false,false,false,7000,10000,10100,{t},{t}.5"
        for t, la, lo in rows
    ]
    path.write_text("\n".join(lines) + "\n")


def test_jump_and_gap_are_found() -> None:
    t = Track.from_arrays("a", time=[0, 10, 20, 2000], lat=[49, 49.01, 51, 51.1],
                          lon=[18, 18, 20, 20])  # fmt: skip
    segs = suspect_segments(t)
    assert [(s.i, s.reason) for s in segs] == [(1, "jump"), (2, "gap")]
    assert segs[0].speed_mps > 20_000


def test_entry_across_a_jump_is_reported_as_assumed(tmp_path: Path) -> None:
    trk, zone, rep = tmp_path / "t.csv", tmp_path / "z.txt", tmp_path / "r.json"
    # outside the box, then 300 km north-east in 10 s (spoofing-like), then on inside it
    _csv(trk, [(1_700_000_000 + 10 * i, 49.0, 17.0 + 0.01 * i) for i in range(5)]
         + [(1_700_000_050, 51.0, 20.0), (1_700_000_060, 51.01, 20.0)])  # fmt: skip
    zone.write_text(ZONE)
    res = CliRunner().invoke(app, ["check", str(trk), str(zone), "--json", str(rep)])
    assert res.exit_code == 0, res.output
    warnings = json.loads(rep.read_text())["warnings"]
    hits = [w for w in warnings if "entry at" in w and "not a flight" in w]
    assert len(hits) == 1 and "'abc123' x BOX" in hits[0] and "assumed, not observed" in hits[0]
