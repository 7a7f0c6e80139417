"""End to end on loopback: a fake SBS-1 server replays real flights (OpenSky/traffic samples
written as BaseStation lines) and synthetic ones; alerts arrive in the API and the SSE stream
with entry/exit times within 1 s of ``overflight.check`` on the same fixes."""

from __future__ import annotations

import contextlib
import json
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest
from watch_helpers import FakeFeed, fly, get, running, track_lines, wait_for

from overflight.analysis.check import check
from overflight.formats import read_airspaces, read_tracks
from overflight.model import Track
from overflight.service.serve import WatchConfig

T_SYN = 1_672_567_200.0  # 2023-01-01T10:00:00Z

SYN_ZONES = """
AC R
AN SYN C
AL GND
AH FL150
DP 48:00:00 N 010:00:00 E
DP 48:12:00 N 010:00:00 E
DP 48:12:00 N 010:18:00 E
DP 48:00:00 N 010:18:00 E

AC R
AN RYR WATCH
AL GND
AH FL450
V X=45:15:00 N 003:36:00 E
DC 8.00

AC R
AN RYR LOW
AL GND
AH FL300
V X=45:00:00 N 003:00:00 E
DC 8.00
"""


def _edqp_block(shared: Path) -> str:
    """The real "PARA Rosenthal EDQP" record of the German OpenAir file, as it is there."""
    lines = (
        (shared / "openair/germany_2026-03_kemme.txt").read_text(encoding="latin-1").splitlines()
    )
    k = next(i for i, s in enumerate(lines) if s.startswith("AN PARA Rosenthal EDQP"))
    start = max(i for i in range(k) if lines[i].startswith("AC "))
    end = next(i for i in range(k, len(lines)) if not lines[i].strip())
    return "\n".join(lines[start:end]) + "\n"


def _turn_away(k: float) -> float:
    return 3.0 if 70 <= k < 130 else 0.0


@pytest.fixture(scope="module")
def scenario(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("live")
    zones = tmp / "zones.txt"
    zones.write_text(_edqp_block(shared_data) + "\n" + SYN_ZONES)
    (glider,), _ = read_tracks(shared_data / "adsb/traffic_samples/gliders_franconia.json.gz")
    (ryr,), _ = read_tracks(
        shared_data / "adsb/opensky_impala/state_vectors_RYR2RG_2022-02-02.parquet"
    )
    syn = sorted(
        fly("a1b2c3", T_SYN, 48.1, 9.3, 90.0, 220.0, 8000, 420, callsign="SYN1")
        + fly("d4e5f6", T_SYN, 47.7, 10.15, 0.0, 200.0, 8000, 200, _turn_away, callsign="SYN2")
    )
    lines = track_lines(glider) + track_lines(ryr) + [s for _, s in syn]
    go = threading.Event()
    payload = ("\n".join(lines) + "\n").encode()
    cfg = WatchConfig(airspace=[zones], db=tmp / "alerts.sqlite")
    events: list[tuple[str, Any]] = []
    with FakeFeed([[go, payload]]) as feed:
        cfg.sbs = [f"127.0.0.1:{feed.port}"]
        with running(cfg) as (base, _app):
            sse_ready = threading.Event()
            stop = threading.Event()

            def listen() -> None:
                with contextlib.suppress(httpx.HTTPError):  # the server goes away at the end
                    _listen()

            def _listen() -> None:
                with httpx.stream("GET", base + "/api/stream", timeout=60.0) as r:
                    ev = None
                    for line in r.iter_lines():
                        if line.startswith("event: "):
                            ev = line[7:]
                            if ev == "hello":
                                sse_ready.set()
                        elif line.startswith("data: ") and ev in ("alert", "aircraft"):
                            events.append((ev, json.loads(line[6:])))
                        if stop.is_set():
                            return

            n_pos = sum(1 for s in lines if s.startswith("MSG,3"))
            th = threading.Thread(target=listen, daemon=True)
            th.start()
            sse_ready.wait(10.0)
            go.set()
            wait_for(
                lambda: get(base + "/api/health")["feeds"][0]["positions"] >= n_pos,
                60.0,
                "all positions",
            )
            alerts = get(base + "/api/alerts")
            wait_for(
                lambda: sum(1 for e, _ in events if e == "alert") >= len(alerts), 30.0, "stream"
            )
            wait_for(
                lambda: any(
                    ac["icao24"] == "a1b2c3"
                    for e, d in list(events)
                    if e == "aircraft"
                    for ac in d["aircraft"]
                ),
                30.0,
                "aircraft event",
            )
            stop.set()
            out = {
                "alerts": alerts,
                "health": get(base + "/api/health"),
                "aircraft": get(base + "/api/aircraft"),
                "geojson": get(base + "/api/airspaces"),
                "base": base,
            }
            out["filtered"] = {
                "kind": get(base + "/api/alerts", kind="entry"),
                "icao": get(base + "/api/alerts", icao24="A1B2C3"),
                "airspace": get(base + "/api/alerts", airspace="SYN C"),
                "since": get(base + "/api/alerts", since="2023-01-01T00:00:00Z"),
                "bad": [
                    httpx.get(base + "/api/alerts", params=p).status_code
                    for p in (
                        {"icao24": "xyz"},
                        {"kind": "bogus"},
                        {"since": "yesterday"},
                        {"limit": "0"},
                    )
                ],
            }
    airspaces, _ = read_airspaces(zones)
    out.update(events=events, airspaces=airspaces, glider=glider, ryr=ryr, n_pos=n_pos)
    out["syn"] = {
        icao: Track.from_arrays(
            icao,
            time=[t for t, s in syn if s.startswith("MSG,3") and icao.upper() in s],
            lat=[
                float(s.split(",")[14])
                for _, s in syn
                if s.startswith("MSG,3") and icao.upper() in s
            ],
            lon=[
                float(s.split(",")[15])
                for _, s in syn
                if s.startswith("MSG,3") and icao.upper() in s
            ],
            alt_baro=[8000 * 0.3048 for _, s in syn if s.startswith("MSG,3") and icao.upper() in s],
        )
        for icao in ("a1b2c3", "d4e5f6")
    }
    return out


def _alerts(sc: dict[str, Any], icao: str, zone: str | None = None) -> list[dict[str, Any]]:
    return [
        a for a in sc["alerts"] if a["icao24"] == icao and (zone is None or a["airspace"] == zone)
    ]


def _expected(track: Track, airspaces: list[Any], name: str) -> Any:
    zone = next(a for a in airspaces if a.name == name)
    res = check([track], [zone]).results
    return res[0] if res else None


def test_real_glider_enters_edqp_as_check_says(scenario: dict[str, Any]) -> None:
    name = "PARA Rosenthal EDQP 127.455"
    exp = _expected(scenario["glider"], scenario["airspaces"], name)
    inc = [i for i in exp.incursions if i.vertical == "inside"]
    assert len(inc) == 1
    # MANIFEST: D-6567 crosses it 10:48:41-10:49:48 UTC (+-1 fix)
    assert abs(inc[0].entry_time - 1_558_608_521.0) < 15
    got = _alerts(scenario, "ddb056", name)
    entry = [a for a in got if a["kind"] == "entry"]
    exit_ = [a for a in got if a["kind"] == "exit"]
    assert len(entry) == 1 and len(exit_) == 1
    assert abs(entry[0]["event_time"] - inc[0].entry_time) < 1.0
    assert abs(exit_[0]["event_time"] - inc[0].exit_time) < 1.0
    assert abs(exit_[0]["details"]["duration_s"] - inc[0].duration_s) < 1.0
    assert exit_[0]["details"]["max_depth_m"] == pytest.approx(inc[0].max_depth_m, rel=1e-3)
    assert entry[0]["callsign"] == "D-6567"


def test_real_airliner_entry_and_vertical_limit(scenario: dict[str, Any]) -> None:
    exp = _expected(scenario["ryr"], scenario["airspaces"], "RYR WATCH")
    inc = [i for i in exp.incursions if i.vertical == "inside"]
    assert len(inc) == 1
    got = _alerts(scenario, "4d2271", "RYR WATCH")
    kinds = [a["kind"] for a in got]
    assert kinds.count("entry") == 1 and kinds.count("exit") == 1
    entry = next(a for a in got if a["kind"] == "entry")
    assert abs(entry["event_time"] - inc[0].entry_time) < 1.0
    # FL370 over a GND-FL300 zone: check says no entry, and no entry alert either
    low = _expected(scenario["ryr"], scenario["airspaces"], "RYR LOW")
    assert low is not None and not low.entered
    assert not [a for a in _alerts(scenario, "4d2271", "RYR LOW") if a["kind"] == "entry"]


def test_synthetic_predicted_then_entry_then_exit(scenario: dict[str, Any]) -> None:
    inc = _expected(scenario["syn"]["a1b2c3"], scenario["airspaces"], "SYN C").incursions[0]
    got = _alerts(scenario, "a1b2c3", "SYN C")
    assert [a["kind"] for a in got] == ["predicted", "entry", "exit"]
    pred, entry, exit_ = got
    assert abs(entry["event_time"] - inc.entry_time) < 1.0
    assert abs(exit_["event_time"] - inc.exit_time) < 1.0
    # predicted within the 120 s look-ahead, for about the right time
    assert 0 < entry["event_time"] - pred["event_time"] <= 121.0
    assert abs(pred["details"]["predicted_entry_time"] - inc.entry_time) < 5.0
    assert 0.3 <= pred["details"]["confidence"] <= 1.0
    assert entry["details"]["predicted_id"] == pred["id"]


def test_synthetic_turn_away_is_predicted_then_cleared(scenario: dict[str, Any]) -> None:
    assert _expected(scenario["syn"]["d4e5f6"], scenario["airspaces"], "SYN C") is None or not (
        _expected(scenario["syn"]["d4e5f6"], scenario["airspaces"], "SYN C").entered
    )
    got = _alerts(scenario, "d4e5f6", "SYN C")
    assert [a["kind"] for a in got] == ["predicted", "cleared"]
    assert got[1]["details"]["predicted_id"] == got[0]["id"]
    # the turn starts 70 s in; the prediction goes within a few evaluations of it
    assert T_SYN + 60 <= got[1]["event_time"] <= T_SYN + 90


def test_stream_carries_the_same_alerts(scenario: dict[str, Any]) -> None:
    streamed = [d for e, d in scenario["events"] if e == "alert"]
    assert sorted(a["id"] for a in streamed) == sorted(a["id"] for a in scenario["alerts"])
    positions = [d for e, d in scenario["events"] if e == "aircraft"]
    assert any(ac["icao24"] == "a1b2c3" for p in positions for ac in p["aircraft"])


def test_api_filters_and_validation(scenario: dict[str, Any]) -> None:
    f = scenario["filtered"]
    assert f["kind"] and all(a["kind"] == "entry" for a in f["kind"])
    assert [a["kind"] for a in f["icao"]] == ["predicted", "entry", "exit"]
    assert {a["icao24"] for a in f["airspace"]} == {"a1b2c3", "d4e5f6"}
    assert {a["icao24"] for a in f["since"]} == {"a1b2c3", "d4e5f6"}
    assert f["bad"] == [422, 422, 422, 422]
    names = {ft["properties"]["name"] for ft in scenario["geojson"]["features"]}
    assert names == {a.name for a in scenario["airspaces"]}
    assert len(names) == 4


def test_health_counts_and_aircraft(scenario: dict[str, Any]) -> None:
    h = scenario["health"]
    feed = h["feeds"][0]
    assert feed["positions"] == scenario["n_pos"] and feed["malformed"] == 0
    assert h["counters"]["store"]["alerts"] == len(scenario["alerts"])
    icaos = {a["icao24"] for a in scenario["aircraft"]}
    assert "a1b2c3" in icaos and "d4e5f6" not in icaos  # d4e5f6 went silent 200 s before: expired
    assert h["counters"]["tracker"]["expired"] >= 3
