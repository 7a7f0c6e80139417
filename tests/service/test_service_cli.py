"""``overflight watch`` through typer's CliRunner: option errors exit 2 with one line; a replay
runs to the end, serves its alerts, and stops cleanly (exit 0)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner
from watch_helpers import fly, free_port, get, wait_for

import overflight.service.serve as serve_mod
from overflight.cli.main import app

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


@pytest.fixture
def zones(tmp_path: Path) -> Path:
    p = tmp_path / "z.txt"
    p.write_text(ZONE)
    return p


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "no input: give --sbs, --beast, --aircraft-json or --replay"),
        (["--sbs", "127.0.0.1:30003", "--lookahead", "0"], "--lookahead must be > 0 seconds"),
        (["--sbs", "127.0.0.1:notaport"], "port 'notaport' is not a number"),
        (
            ["--sbs", "127.0.0.1:30003", "--http", "0.0.0.0:8080"],
            "--http 0.0.0.0:8080: binding to a non-loopback address needs --token",
        ),
        (["--aircraft-json", "localhost:8080/data.json"], "expected an http:// or https:// URL"),
    ],
)
def test_bad_options_exit_2_with_the_reason(
    zones: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    res = CliRunner().invoke(
        app, ["watch", "--airspace", str(zones), "--db", str(tmp_path / "a.sqlite"), *args]
    )
    assert res.exit_code == 2
    assert message in res.output and res.output.startswith("error: ")


def test_missing_airspace_file_is_one_line(tmp_path: Path) -> None:
    res = CliRunner().invoke(
        app, ["watch", "--sbs", "127.0.0.1:30003", "--airspace", str(tmp_path / "none.txt")]
    )
    assert res.exit_code == 2 and "none.txt" in res.output
    assert "Traceback" not in res.output


def test_replay_through_the_cli(
    zones: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rec = tmp_path / "rec.sbs"
    lines = [s for _, s in sorted(fly("a1b2c3", T0, 48.1, 9.9, 90.0, 220.0, 8000, 200))]
    rec.write_text("\n".join(lines) + "\n")
    servers: list[Any] = []
    make = serve_mod._Server

    def spy(config: Any) -> Any:  # keep a handle to stop it (no signals off the main thread)
        servers.append(make(config))
        return servers[-1]

    monkeypatch.setattr(serve_mod, "_Server", spy)
    port = free_port()
    db = tmp_path / "a.sqlite"
    args = ["watch", "--replay", str(rec), "--replay-speed", "0", "--airspace", str(zones)]
    args += ["--db", str(db), "--http", f"127.0.0.1:{port}", "--lookahead", "90"]
    box: dict[str, Any] = {}
    th = threading.Thread(target=lambda: box.update(res=CliRunner().invoke(app, args)))
    th.start()
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: servers and servers[0].started, 30.0, "server start")
        wait_for(lambda: get(base + "/api/health")["feeds"][0]["state"] == "done", 30.0, "replay")
        alerts = get(base + "/api/alerts")
    finally:
        if servers:
            servers[0].should_exit = True
        th.join(30.0)
    res = box["res"]
    assert res.exit_code == 0, res.output
    assert [a["kind"] for a in alerts] == ["predicted", "entry", "exit"]
    assert alerts[0]["details"]["lookahead_s"] == 90.0
    n = sum(1 for s in lines if s.startswith("MSG,3"))
    assert f"stopped cleanly: {n} fixes, 3 new alerts" in res.output
    assert db.exists()
