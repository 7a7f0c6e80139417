"""A stuck SSE client (connects, never reads) does not stall ingest: its bounded queue drops
the oldest events, counted, while every message is still processed."""

from __future__ import annotations

import socket
from pathlib import Path

from watch_helpers import FakeFeed, fly, get, running, wait_for

from overflight.service.serve import WatchConfig

T0 = 1_672_567_200.0
ZONE = """AC R
AN SYN C
AL GND
AH FL150
DP 48:00:00 N 010:00:00 E
DP 48:30:00 N 010:00:00 E
DP 48:30:00 N 010:18:00 E
DP 48:00:00 N 010:18:00 E
"""


def test_stuck_stream_client_does_not_stall_ingest(tmp_path: Path) -> None:
    (tmp_path / "z.txt").write_text(ZONE)
    lines: list[tuple[float, str]] = []
    for k in range(60):
        lines += fly(f"b0{k:04x}", T0, 48.004 + 0.008 * k, 9.9, 90.0, 230.0, 8000, 150)
    payload = ("\n".join(s for _, s in sorted(lines)) + "\n").encode()
    n_pos = sum(1 for _, s in lines if s.startswith("MSG,3"))
    cfg = WatchConfig(
        airspace=[tmp_path / "z.txt"],
        db=tmp_path / "a.sqlite",
        stream_queue=4,
        publish_every_s=0.02,
    )
    import threading

    go = threading.Event()
    with FakeFeed([[go, payload[: len(payload) // 2], payload[len(payload) // 2 :]]]) as feed:
        cfg.sbs = [f"127.0.0.1:{feed.port}"]
        with running(cfg) as (base, _app):
            stuck = socket.socket()
            stuck.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
            stuck.connect(("127.0.0.1", int(base.rsplit(":", 1)[1])))
            stuck.sendall(b"GET /api/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            wait_for(
                lambda: get(base + "/api/health")["counters"]["stream"]["clients"] == 1,
                10.0,
                "stuck client subscribed",
            )
            go.set()
            wait_for(
                lambda: get(base + "/api/health")["feeds"][0]["positions"] == n_pos,
                60.0,
                "every position processed",
            )
            # keep the stuck client stuck until its queue has overflowed
            wait_for(
                lambda: get(base + "/api/health")["counters"]["stream"]["dropped"] > 0,
                60.0,
                "drops",
            )
            h = get(base + "/api/health")
            alerts = get(base + "/api/alerts", kind="entry")
            stuck.close()
    assert h["counters"]["fixes"] == n_pos
    assert h["counters"]["stream"]["dropped"] > 0
    assert h["counters"]["stream"]["queue_max"] == 4
    assert len(alerts) == 60  # every flight entered, all alerts committed
