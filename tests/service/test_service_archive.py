"""``--archive DIR``: the Parquet archive of every fix is read back by ``overflight check`` and
``overflight scan`` (through typer's CliRunner), which find the entry and exit the service
alerted on, to the millisecond."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pyarrow.parquet as pq
from typer.testing import CliRunner
from watch_helpers import FakeFeed, fly, get, running, wait_for

from overflight.cli.main import app
from overflight.service.archive import COLUMNS
from overflight.service.serve import WatchConfig

T0 = 1_672_567_200.0
ZONE = """AC R
AN SYN C
AL GND
AH FL150
DP 48:00:00 N 010:00:00 E
DP 48:12:00 N 010:00:00 E
DP 48:12:00 N 010:18:00 E
DP 48:00:00 N 010:18:00 E
"""


def _iso(s: str) -> float:
    return datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()


def test_archive_is_read_back_by_check_and_scan(tmp_path: Path) -> None:
    zones = tmp_path / "z.txt"
    zones.write_text(ZONE)
    lines = [
        s
        for _, s in sorted(
            fly("a1b2c3", T0, 48.1, 9.9, 90.0, 220.0, 8000, 200, callsign="SYN1")
            + fly("d4e5f6", T0, 48.5, 9.9, 90.0, 200.0, 9000, 100)
        )
    ]
    n_pos = sum(1 for s in lines if s.startswith("MSG,3"))
    arc = tmp_path / "archive"
    cfg = WatchConfig(airspace=[zones], db=tmp_path / "a.sqlite", archive=arc)
    with FakeFeed([[("\n".join(lines) + "\n").encode()]]) as feed:
        cfg.sbs = [f"127.0.0.1:{feed.port}"]
        with running(cfg) as (base, _app):
            wait_for(
                lambda: get(base + "/api/health")["feeds"][0]["positions"] == n_pos,
                60.0,
                "all positions",
            )
            alerts = get(base + "/api/alerts", icao24="a1b2c3")
    # stopped: the archive was flushed on shutdown
    files = sorted(arc.glob("fixes-*.parquet"))
    assert files and not list(arc.glob("*.tmp"))
    table = pq.read_table(files[0])
    assert tuple(table.schema.names) == COLUMNS
    rows = [r for f in files for r in pq.read_table(f).to_pylist()]
    assert len(rows) == n_pos
    first = min((r for r in rows if r["icao24"] == "a1b2c3"), key=lambda r: r["time"])
    # the first MSG,3 of a1b2c3 as written: 48.100000, 9.900000, 8000 ft, callsign from MSG,1
    line = next(s for s in lines if s.startswith("MSG,3") and "A1B2C3" in s).split(",")
    assert (first["lat"], first["lon"]) == (float(line[14]), float(line[15]))
    assert first["baroaltitude"] == float(line[11]) * 0.3048
    assert first["callsign"] == "SYN1" and first["time"] == T0

    entry = next(a for a in alerts if a["kind"] == "entry")
    exit_ = next(a for a in alerts if a["kind"] == "exit")
    runner = CliRunner()
    report = tmp_path / "report.json"
    res = runner.invoke(app, ["check", *map(str, files), str(zones), "--json", str(report)])
    assert res.exit_code == 0, res.output
    doc = json.loads(report.read_text())
    (hit,) = [r for r in doc["results"] if r["track"]["id"] == "a1b2c3" and r["incursions"]]
    (inc,) = hit["incursions"]
    assert abs(_iso(inc["entry_time"]) - entry["event_time"]) < 1e-3
    assert abs(_iso(inc["exit_time"]) - exit_["event_time"]) < 1e-3
    assert not [r for r in doc["results"] if r["track"]["id"] == "d4e5f6" and r["incursions"]]

    out = tmp_path / "incursions.parquet"
    res = runner.invoke(
        app, ["scan", str(arc), "--airspace", str(zones), "--out", str(out), "--no-checkpoint"]
    )
    assert res.exit_code == 0, res.output
    (row,) = pq.read_table(out).to_pylist()
    assert row["icao24"] == "a1b2c3" and row["airspace_name"] == "SYN C"
    assert abs(row["entry_time"].timestamp() - entry["event_time"]) < 1e-3
    assert abs(row["exit_time"].timestamp() - exit_["event_time"]) < 1e-3
