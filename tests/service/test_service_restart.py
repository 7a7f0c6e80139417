"""kill -9 of a real ``python -m overflight.service`` process, then a restart: no committed
alert lost, none duplicated (read from the SQLite file itself); SIGTERM stops it cleanly."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from watch_helpers import fly, free_port, get, run_async, wait_for

from overflight.formats import read_airspaces
from overflight.service.alerts import AlertEngine
from overflight.service.ingest.replay import ReplayFeed
from overflight.service.store import AlertStore
from overflight.service.tracker import Tracker
from overflight.service.watch import Watch
from overflight.service.zones import ZoneIndex

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


def _recording(path: Path) -> None:
    lines: list[tuple[float, str]] = []
    for k in range(16):  # staggered flights across the zone, each flying well clear after
        lines += fly(f"a0{k:04x}", T0 + 25 * k, 48.02 + 0.01 * k, 9.55, 90.0, 230.0, 8000, 330)
    path.write_text("\n".join(s for _, s in sorted(lines)) + "\n")


def _ids(db: Path) -> list[str]:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return [r[0] for r in con.execute("SELECT id FROM alerts ORDER BY seq")]
    finally:
        con.close()


def _ids_or_none(db: Path) -> list[str]:
    try:
        return _ids(db) if db.exists() else []
    except sqlite3.OperationalError:  # the service has not created its table yet
        return []


def _reference(rec: Path, zones: Path, tmp: Path) -> set[str]:
    airspaces, _ = read_airspaces(zones)
    store = AlertStore(tmp / "ref.sqlite")
    w = Watch(store, Tracker(), AlertEngine(ZoneIndex(airspaces)))
    run_async(ReplayFeed(rec, speed=0).run(w.on_fix))
    return {a["id"] for a in store.query(limit=10_000)}


def _start(rec: Path, zones: Path, db: Path, port: int) -> subprocess.Popen[bytes]:
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "overflight.service",
            "--replay",
            str(rec),
            "--replay-speed",
            "150",
            "--airspace",
            str(zones),
            "--db",
            str(db),
            "--http",
            f"127.0.0.1:{port}",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def test_kill9_and_restart_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    rec, zones, db = tmp_path / "rec.sbs", tmp_path / "z.txt", tmp_path / "alerts.sqlite"
    _recording(rec)
    zones.write_text(ZONE)
    expected = _reference(rec, zones, tmp_path)
    assert len(expected) >= 40  # predicted + entry + exit for each of 16 flights

    port = free_port()
    p = _start(rec, zones, db, port)
    try:
        wait_for(lambda: len(_ids_or_none(db)) >= 8, 60.0, "first alerts")
        p.send_signal(signal.SIGKILL)
        p.wait(10)
    finally:
        if p.poll() is None:
            p.kill()
    assert p.returncode == -signal.SIGKILL
    before = _ids(db)
    assert 8 <= len(before) < len(expected)  # killed mid-way, with alerts committed

    port = free_port()
    p = _start(rec, zones, db, port)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(
            lambda: _up(base) and get(base + "/api/health")["feeds"][0]["state"] == "done",
            90.0,
            "replay done",
        )
        health = get(base + "/api/health")
        p.send_signal(signal.SIGTERM)
        assert p.wait(20) == 0  # clean shutdown
    finally:
        if p.poll() is None:
            p.kill()
    after = _ids(db)
    assert len(after) == len(set(after))  # no duplicate
    assert set(before) <= set(after)  # nothing committed was lost
    assert set(after) == expected  # and the restart re-derived exactly the rest
    assert after[: len(before)] == before  # committed alerts keep their place
    assert health["counters"]["store"]["duplicates_ignored"] == len(before)


def _up(base: str) -> bool:
    try:
        get(base + "/api/health")
    except Exception:
        return False
    return True
