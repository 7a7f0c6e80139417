"""Data quality: THY9BP's frozen positions give "suspect", a gap gives "entry during gap", bad
rows are counted and a broken file is reported without stopping the scan."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import typer
from typer.testing import CliRunner

from overflight.archive.scan import scan
from overflight.cli.scan import scan_command
from overflight.cli.synth import synth_command
from overflight.formats.airspace.openair_writer import write_openair
from overflight.model import Airspace, Circle, Polygon, Vertex, VerticalLimit


def _box(name: str, lat: float, lon: float, d: float) -> Airspace:
    ring = (
        Vertex(lat - d, lon - d),
        Vertex(lat - d, lon + d),
        Vertex(lat + d, lon + d),
        Vertex(lat + d, lon - d),
    )
    return Airspace(name, "R", (Polygon(ring),), VerticalLimit.surface(), VerticalLimit.unlimited())


def test_thy9bp_frozen_positions_are_suspect_not_clean_entries(
    shared_data: Path, tmp_path: Path
) -> None:
    src = shared_data / "adsb" / "traffic_samples" / "noisy_noisy_spoofing.json.gz"
    with gzip.open(src) as fh:
        cols = json.loads(fh.read())
    table = pa.table({k: list(v.values()) if isinstance(v, dict) else v for k, v in cols.items()})
    path = tmp_path / "thy9bp.parquet"
    pq.write_table(table, path)
    # the manifest's frozen positions (09:04:51-09:24:24 and 09:47:45-09:58:10 UTC)
    zones = [_box("FROZEN-A", 47.4369, 22.9151, 0.05), _box("FROZEN-B", 49.6696, 23.8770, 0.15)]
    out = scan([str(path)], zones)
    rows = out.table.to_pylist()
    assert {r["airspace_name"] for r in rows} == {"FROZEN-A", "FROZEN-B"}
    # as pandas saves it (``traffic``: nanosecond UTC timestamps; or without a time zone,
    # which DuckDB keeps in nanoseconds), the same rows
    for tz in ("UTC", None):
        ns = table
        for name in ("timestamp", "last_position"):
            ms = pc.cast(table[name], pa.int64())
            stamps = pc.multiply(ms, 1_000_000).cast(pa.timestamp("ns", tz=tz))
            ns = ns.set_column(ns.schema.get_field_index(name), name, stamps)
        pq.write_table(ns, tmp_path / f"thy9bp_ns_{tz}.parquet")
        assert scan([str(tmp_path / f"thy9bp_ns_{tz}.parquet")], zones).table.equals(out.table)
    for r in rows:
        assert r["icao24"] == "4baac6" and r["callsign"] == "THY9BP"
        assert r["suspect"] and set(r["suspect_reasons"]) <= {"frozen", "speed", "jump"}, r
    b = [r for r in rows if r["airspace_name"] == "FROZEN-B"]
    a = [r for r in rows if r["airspace_name"] == "FROZEN-A"]
    assert len(a) == 1 and a[0]["suspect_reasons"] == ["frozen"]
    assert "frozen" in b[0]["suspect_reasons"] and "frozen" in b[-1]["suspect_reasons"]
    # first seen inside after an 18 min freeze: an entry during a gap, no invented entry time
    assert b[0]["entry_during_gap"] and b[0]["entry_via"] == "start"
    # it leaves by the freeze at 09:47:44 and the jump to 53.58 N: no exit time is invented
    assert b[-1]["exit_via"] == "end" and b[-1]["exit_during_gap"]
    assert b[-1]["exit_time"].strftime("%H:%M:%S") == "09:47:44"
    assert out.counts["stale"] > 1000  # the frozen rows repeat their lastposupdate


def _write(path: Path, icao: str, t: list[float], lat: list[float], lon: list[float]) -> None:
    n = len(t)
    pq.write_table(
        pa.table(
            {"time": t, "icao24": [icao] * n, "lat": lat, "lon": lon, "baroaltitude": [3000.0] * n}
        ),
        path,
    )


def test_gap_gives_entry_during_gap(tmp_path: Path) -> None:
    zone = Airspace(
        "Z",
        "R",
        (Polygon(Circle(60.0, 25.0, 10_000.0)),),
        VerticalLimit.surface(),
        VerticalLimit.unlimited(),
    )
    t0 = 1_700_000_000.0
    # flying east at ~200 m/s towards the zone; silent for 15 min; first seen again inside
    lon = [24.0 + 0.0036 * k for k in range(10)]
    _write(tmp_path / "a.parquet", "abc123", [t0 + k for k in range(10)], [60.0] * 10, lon)
    _write(
        tmp_path / "b.parquet",
        "abc123",
        [t0 + 900 + k for k in range(100)],
        [60.0] * 100,
        [24.99 + 0.0036 * k for k in range(100)],
    )
    (r,) = scan(
        [str(tmp_path / "a.parquet"), str(tmp_path / "b.parquet")], [zone]
    ).table.to_pylist()
    assert r["entry_during_gap"] and r["entry_via"] == "start"
    assert r["entry_time"].timestamp() == t0 + 900
    assert not r["suspect"] and not r["exit_during_gap"]
    # the same flight without the gap enters laterally, at an interpolated time
    _write(
        tmp_path / "c.parquet",
        "abc123",
        [t0 + 300 + k for k in range(10)],
        [60.0] * 10,
        [24.99 - 0.0036 * (10 - k) for k in range(10)],
    )
    rows = scan(
        [str(tmp_path / n) for n in ("a.parquet", "c.parquet", "b.parquet")], [zone]
    ).table.to_pylist()
    assert len(rows) == 1 and rows[0]["entry_via"] == "lateral"
    assert not rows[0]["entry_during_gap"]


def test_bad_rows_counted_and_broken_file_reported(tmp_path: Path) -> None:
    t0 = 1_700_000_000.0
    lat = [60.0, None, 95.0, 60.0, 60.0, 60.0]
    lon = [24.9, 25.0, 25.0, float("nan"), 25.0, 25.1]
    alt = [1000.0, 1000.0, 1000.0, 1000.0, 99_999.0, 1000.0]
    pq.write_table(
        pa.table(
            {
                "time": [t0 + k for k in range(6)],
                "icao24": ["abc123"] * 5 + [None],
                "lat": lat,
                "lon": lon,
                "baroaltitude": alt,
            }
        ),
        tmp_path / "good.parquet",
    )
    (tmp_path / "broken.parquet").write_bytes(b"PAR1 this is not parquet at all")
    (tmp_path / "nocols.csv").write_text("when,who,x,y\n1,abc,2,3\n")
    zone = Airspace(
        "Z",
        "R",
        (Polygon(Circle(60.0, 25.0, 10_000.0)),),
        VerticalLimit.surface(),
        VerticalLimit.unlimited(),
    )
    out = scan([str(tmp_path)], [zone])
    assert out.counts["no_position"] == 2
    assert out.counts["position_out_of_range"] == 1
    assert out.counts["altitude_out_of_range"] == 1
    assert out.counts["no_icao24"] == 1
    assert len(out.errors) == 2
    assert any(
        e.startswith(str(tmp_path / "broken.parquet")) and "unreadable" in e for e in out.errors
    )
    assert any(
        str(tmp_path / "nocols.csv") in e and "missing required column" in e for e in out.errors
    )
    (r,) = out.table.to_pylist()  # the good file was still scanned: one fix, inside
    assert r["entry_via"] == "start" and r["entry_during_gap"]


def _app() -> typer.Typer:
    app = typer.Typer()
    app.command("scan")(scan_command)
    app.command("synth")(synth_command)
    return app


def test_cli_synth_then_scan(tmp_path: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(
        _app(), ["synth", str(tmp_path / "arc"), "--flights", "6", "--hours", "2", "--seed", "4"]
    )
    assert res.exit_code == 0, res.output
    files = sorted((tmp_path / "arc").glob("*.parquet"))
    assert len(files) == 2
    t = pq.read_table(files[0])
    i = t.num_rows // 2
    lat, lon = float(t["lat"][i].as_py()), float(t["lon"][i].as_py())
    zones = [
        Airspace(
            "ZONE1",
            "R",
            (Polygon(Circle(lat, lon, 20_000.0)),),
            VerticalLimit.surface(),
            VerticalLimit.unlimited(),
        )
    ]
    asp = tmp_path / "z.txt"
    write_openair(zones, asp) if _takes_path() else asp.write_text(write_openair(zones))
    (tmp_path / "arc" / "zz_broken.parquet").write_bytes(b"garbage")
    out = tmp_path / "inc.parquet"
    res = runner.invoke(
        _app(), ["scan", str(tmp_path / "arc"), "--airspace", str(asp), "--out", str(out)]
    )
    assert res.exit_code == 2
    assert f"error: {tmp_path / 'arc' / 'zz_broken.parquet'}" in res.output
    table = pq.read_table(out)
    assert table.num_rows >= 1 and "ZONE1" in res.output
    assert np.all(table["airspace_name"].to_numpy(zero_copy_only=False) == "ZONE1")
    assert "rows dropped:" in res.output


def _takes_path() -> bool:
    import inspect

    return len(inspect.signature(write_openair).parameters) > 1
