"""Faults on the feed side: a connection dropped mid-line that comes back, garbage bytes,
truncated lines, a feed that never comes up; two feeds at once."""

from __future__ import annotations

import asyncio
from pathlib import Path

from watch_helpers import FakeFeed, fly, free_port, get, run_async, running, sbs_line, wait_for

from overflight.service.ingest.feed import FeedStatus, run_tcp
from overflight.service.serve import WatchConfig

T0 = 1_672_567_200.0
ZONE = """AC R
AN SYN C
AL GND
AH FL150
DP 48:00:00 N 010:00:00 E
DP 48:12:00 N 010:00:00 E
DP 48:12:00 N 010:18:00 E
DP 48:00:00 N 010:00:00 E
"""

GARBAGE = [
    b"\x00\xff\xfe garbage \x1a\x1a\n",  # binary junk
    b"MSG,3,1,1,A1B2C3,1,2023/01/01\n",  # truncated message
    b"MSG,3,1,1,ZZZZZZ,1,2023/01/01,10:00:00.000,2023/01/01,10:00:00.000,,8000,,,48.1,9.3,,,0,0,0,0\n",
    b"MSG,3,1,1,A1B2C3,1,2023/01/01,10:00:00.000,2023/01/01,10:00:00.000,,8000,,,95.0,9.3,,,0,0,0,0\n",
]


def test_drop_mid_line_garbage_and_two_feeds(tmp_path: Path) -> None:
    (tmp_path / "z.txt").write_text(ZONE)
    a = [s for _, s in sorted(fly("a1b2c3", T0, 48.1, 9.3, 90.0, 220.0, 8000, 400))]
    b = [s for _, s in sorted(fly("d4e5f6", T0, 48.05, 9.5, 90.0, 200.0, 8000, 400))]
    half = len(a) // 2
    sacrificial = sbs_line(3, "ffffff", T0 + 1, lat=50.0, lon=8.0, alt_ft=1000).encode()
    first = ("\n".join(a[:half]) + "\n").encode() + b"".join(GARBAGE) + sacrificial[:30]
    second = ("\n".join(a[half:]) + "\n").encode()
    cfg = WatchConfig(airspace=[tmp_path / "z.txt"], db=tmp_path / "a.sqlite")
    with (
        FakeFeed([[first, None], [second]]) as fa,
        FakeFeed([[("\n".join(b) + "\n").encode()]]) as fb,
    ):
        cfg.sbs = [f"127.0.0.1:{fa.port}", f"127.0.0.1:{fb.port}"]
        with running(cfg) as (base, _app):
            n_a = sum(1 for s in a if s.startswith("MSG,3"))
            n_b = sum(1 for s in b if s.startswith("MSG,3"))
            wait_for(
                lambda: [f["positions"] for f in get(base + "/api/health")["feeds"]] == [n_a, n_b],
                60.0,
                "both feeds",
            )
            h = get(base + "/api/health")
            alerts = get(base + "/api/alerts", kind="entry")
    fa_st, fb_st = h["feeds"]
    assert fa_st["connects"] == 2 and fa_st["disconnects"] == 1
    assert fa_st["partial"] == 1  # the line cut by the drop
    assert fa_st["malformed"] == len(GARBAGE)
    assert fb_st["connects"] == 1 and fb_st["malformed"] == 0
    # the flight split across the reconnect and the one on the second feed both enter
    assert sorted(x["icao24"] for x in alerts) == ["a1b2c3", "d4e5f6"]
    assert h["counters"]["tracker"]["accepted"] == n_a + n_b


def test_feed_that_never_comes_up_backs_off() -> None:
    port = free_port()  # nothing listens there
    st = FeedStatus("x", "sbs1", f"127.0.0.1:{port}")
    delays: list[float] = []

    async def main() -> None:
        task = asyncio.create_task(
            run_tcp(
                "127.0.0.1",
                port,
                st,
                lambda d: None,
                lambda: None,
                backoff_min=0.01,
                backoff_max=0.04,
            )
        )
        while st.failures < 5:
            await asyncio.sleep(0.005)
            if st.next_retry_s is not None and (not delays or delays[-1] != st.next_retry_s):
                delays.append(st.next_retry_s)
        task.cancel()

    run_async(main())
    assert st.connects == 0 and st.failures >= 5
    assert delays[:3] == [0.01, 0.02, 0.04]  # doubling, capped
    assert "connect" in (st.last_error or "")
