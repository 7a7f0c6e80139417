"""``--aircraft-json URL``: polling a readsb/dump1090 aircraft.json from a loopback HTTP server;
the entry alert matches ``overflight check`` on the same fixes; duplicates, stale positions,
non-ICAO addresses and a broken document are counted and skipped; a server that is down backs
off."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from watch_helpers import R_EARTH, free_port, get, running, wait_for

from overflight.analysis.check import check
from overflight.formats import read_airspaces
from overflight.model import Track
from overflight.service.ingest.aircraft_json import AircraftJsonFeed
from overflight.service.serve import ConfigError, WatchConfig, build

T0 = 1_672_567_200.0
FT = 0.3048
ZONE = """AC R
AN SYN C
AL GND
AH FL150
DP 48:00:00 N 010:00:00 E
DP 48:12:00 N 010:00:00 E
DP 48:12:00 N 010:18:00 E
DP 48:00:00 N 010:00:00 E
"""


def documents(n: int) -> tuple[list[bytes], list[tuple[float, float, float]]]:
    """readsb documents, one a second, each twice (the second is a duplicate poll); the test's
    own record of a1b2c3's fixes (time, lat, lon)."""
    import math

    docs: list[bytes] = []
    fixes = []
    lat, lon = 48.1, 9.9
    for k in range(n):
        now = T0 + k + 0.5
        seen = 0.3
        fixes.append((now - seen, lat, lon))
        aircraft = [
            {
                "hex": "a1b2c3",
                "flight": "SYN1    ",
                "lat": lat,
                "lon": lon,
                "seen_pos": seen,
                "alt_baro": 8000,
                "alt_geom": 8300,
                "gs": 427.6,
                "track": 90.0,
                "baro_rate": 0,
            },
            # dump1090's older field names
            {
                "hex": "d4e5f6",
                "lat": 50.0,
                "lon": 8.0 + k * 0.001,
                "seen_pos": 0.1,
                "altitude": 30000,
                "speed": 400,
                "vert_rate": -64,
                "track": 88.0,
            },
            {"hex": "~2c0001", "lat": 48.0, "lon": 9.0, "seen_pos": 1.0},  # TIS-B
            {"hex": "0e0e0e", "lat": 47.0, "lon": 9.0, "seen_pos": 95.0},  # stale position
            {"hex": "0f0f0f", "seen": 2.0},  # no position yet
        ]
        body = json.dumps({"now": now, "messages": 1000 + k, "aircraft": aircraft}).encode()
        docs += [body, body]
        d = 220.0 / R_EARTH
        lat += math.degrees(d * math.cos(math.radians(90.0)))
        lon += math.degrees(d * math.sin(math.radians(90.0)) / math.cos(math.radians(lat)))
    docs.insert(len(docs) // 2, b'{"now": 1672567200, "aircraft": [')  # truncated document
    return docs, fixes


class Server:
    """Serves the documents in turn, one per GET (the last one stays)."""

    def __init__(self, docs: list[bytes]) -> None:
        self.docs, self.k = docs, 0
        outer = self

        class H(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = outer.docs[min(outer.k, len(outer.docs) - 1)]
                outer.k += 1
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *a: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/data/aircraft.json"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def test_polled_aircraft_json_gives_check_entry(tmp_path: Path) -> None:
    (tmp_path / "z.txt").write_text(ZONE)
    docs, fixes = documents(90)
    srv = Server(docs)
    try:
        cfg = WatchConfig(
            airspace=[tmp_path / "z.txt"],
            aircraft_json=[srv.url],
            db=tmp_path / "a.sqlite",
            poll_s=0.01,
        )
        with running(cfg) as (base, _app):
            wait_for(lambda: srv.k >= len(docs) + 2, 60.0, "every document polled")
            h = get(base + "/api/health")
            entries = get(base + "/api/alerts", kind="entry")
            aircraft = {a["icao24"]: a for a in get(base + "/api/aircraft")}
    finally:
        srv.close()
    (feed,) = h["feeds"]
    assert feed["kind"] == "aircraft_json" and feed["state"] == "connected"
    assert feed["positions"] == 2 * 90  # a1b2c3 and d4e5f6, each position once
    assert feed["unchanged"] >= 2 * 90 - 2  # the duplicate polls
    assert feed["malformed"] == 1 and "document" in (feed["last_error"] or "")
    assert feed["other"] >= 90 and feed["stale"] >= 90
    # the entry is the one the core check finds on the same fixes
    airspaces, _ = read_airspaces(tmp_path / "z.txt")
    trk = Track.from_arrays(
        "a1b2c3",
        time=[t for t, _, _ in fixes],
        lat=[a for _, a, _ in fixes],
        lon=[o for _, _, o in fixes],
        alt_baro=[8000 * FT] * len(fixes),
    )
    (res,) = check([trk], airspaces).results
    (entry,) = entries
    assert entry["icao24"] == "a1b2c3" and entry["callsign"] == "SYN1"
    assert abs(entry["event_time"] - res.incursions[0].entry_time) < 1.0
    # fields as the documents had them, in SI units
    a = aircraft["a1b2c3"]
    assert a["alt_baro_m"] == pytest.approx(8000 * FT) and a["alt_geo_m"] == pytest.approx(
        8300 * FT
    )
    assert a["gs_ms"] == pytest.approx(427.6 * 1852 / 3600, rel=1e-6)
    d = aircraft["d4e5f6"]
    assert d["alt_baro_m"] == pytest.approx(30000 * FT)
    assert d["vrate_ms"] == pytest.approx(-64 * FT / 60)
    assert "0e0e0e" not in aircraft and "2c0001" not in aircraft


def test_bad_entries_are_counted_with_their_reason() -> None:
    feed = AircraftJsonFeed("http://127.0.0.1:1/aircraft.json")
    doc = {
        "now": T0,
        "aircraft": [
            {"hex": "zz0000", "lat": 1.0, "lon": 1.0},
            {"hex": "a00001", "lat": 91.5, "lon": 1.0},
            {"hex": "a00002", "lat": "48.1", "lon": 1.0},
            {"hex": "a00003", "lat": 48.1, "lon": 1.0, "alt_baro": "ground", "seen_pos": 2.0},
        ],
    }
    fixes = feed.decode(json.dumps(doc).encode(), T0)
    assert [(f.icao24, f.time, f.on_ground) for f in fixes] == [("a00003", T0 - 2.0, True)]
    assert feed.counts["malformed"] == 3
    assert feed.status.last_error == "aircraft: lat is not a number: '48.1'"
    assert feed.decode(b'{"now": "soon", "aircraft": []}', T0) == []
    assert feed.status.last_error == "document: 'now' is not a number: 'soon'"


def test_server_down_backs_off_and_bad_url_is_refused(tmp_path: Path) -> None:
    import asyncio

    from watch_helpers import run_async

    port = free_port()  # nothing listens there
    feed = AircraftJsonFeed(
        f"http://127.0.0.1:{port}/aircraft.json", backoff_min=0.01, backoff_max=0.04
    )
    delays: list[float] = []

    async def main() -> None:
        task = asyncio.create_task(feed.run(lambda f: None))
        while feed.status.failures < 5:
            await asyncio.sleep(0.005)
            r = feed.status.next_retry_s
            if r is not None and (not delays or delays[-1] != r):
                delays.append(r)
        task.cancel()

    run_async(main())
    assert feed.status.connects == 0 and delays[:3] == [0.01, 0.02, 0.04]
    assert (feed.status.last_error or "").startswith("poll: ")
    (tmp_path / "z.txt").write_text(ZONE)
    cfg = WatchConfig(airspace=[tmp_path / "z.txt"], aircraft_json=["ftp://example/x.json"])
    with pytest.raises(ConfigError, match="expected an http:// or https:// URL"):
        build(cfg, warn=lambda m: None)
