"""Real browser (headless Chromium): the live page from the service on 127.0.0.1 shows an
aircraft marker moving and an alert appearing, and requests nothing but the service."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

from watch_helpers import FakeFeed, fly, running

from overflight.service.serve import WatchConfig

T0 = 1_672_567_200.0
ZONE = """AC R
AN SYN C
AL GND
AH FL150
DP 54:20:00 N 010:30:00 E
DP 54:32:00 N 010:30:00 E
DP 54:32:00 N 010:48:00 E
DP 54:20:00 N 010:48:00 E
"""
DOCS_SHOT = Path(__file__).resolve().parents[2] / "docs" / "watch.png"
"""Where the screenshot goes with OVERFLIGHT_UPDATE_DOCS=1 (else into the test's tmp folder,
so a test run leaves the repository as it was)."""


def test_live_page_marker_moves_and_alert_appears(browser: Any, tmp_path: Path) -> None:
    (tmp_path / "z.txt").write_text(ZONE)
    lines = sorted(
        fly("a1b2c3", T0, 54.43, 10.15, 90.0, 230.0, 8000, 240, callsign="SYN1")
        + fly("d4e5f6", T0, 54.0, 10.55, 15.0, 210.0, 9000, 240, callsign="SYN2")
    )
    chunks: list[Any] = [threading.Event()]
    step = 10.0  # data seconds per chunk
    t = T0 - 1
    buf: list[str] = []
    for ts, s in lines:
        if ts >= t + step:
            chunks.append(("\n".join(buf) + "\n").encode())
            buf, t = [], ts
        buf.append(s)
    chunks.append(("\n".join(buf) + "\n").encode())
    go = chunks[0]
    cfg = WatchConfig(airspace=[tmp_path / "z.txt"], db=tmp_path / "a.sqlite", publish_every_s=0.2)
    with FakeFeed([chunks], pause=0.25) as feed:
        cfg.sbs = [f"127.0.0.1:{feed.port}"]
        with running(cfg) as (base, _app):
            ctx = browser.new_context(viewport={"width": 1100, "height": 700})
            page = ctx.new_page()
            requests: list[str] = []
            errors: list[str] = []
            page.on("request", lambda r: requests.append(r.url))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("requestfailed", lambda r: errors.append("failed " + r.url))
            page.goto(base + "/")
            page.wait_for_selector("#zones path.zone")
            page.wait_for_function(
                "document.getElementById('status').textContent.startsWith('live')"
            )
            go.set()
            marker = "#aircraft g.ac[data-icao24='a1b2c3']"
            page.wait_for_selector(marker, timeout=20_000)
            first = float(page.get_attribute(marker, "data-lon") or "nan")
            page.wait_for_function(
                f'parseFloat(document.querySelector("{marker}").dataset.lon) > {first + 0.05}',
                timeout=30_000,
            )
            moved = float(page.get_attribute(marker, "data-lon") or "nan")
            page.wait_for_selector("#alerts li.entry", timeout=30_000)
            entry_text = page.inner_text("#alerts li.entry")
            page.wait_for_timeout(300)
            n_land = page.locator("#land path").count()
            shot = DOCS_SHOT if os.environ.get("OVERFLIGHT_UPDATE_DOCS") else tmp_path / "watch.png"
            page.screenshot(path=str(shot))
            ctx.close()
    assert moved > first + 0.05  # the marker moved east with the flight
    assert "SYN C" in entry_text and "SYN1" in entry_text
    assert n_land >= 1  # the GSHHS basemap was drawn
    assert requests and all(u.startswith(base + "/") for u in requests), requests
    assert not errors, errors
