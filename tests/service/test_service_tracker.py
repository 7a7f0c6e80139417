"""Tracker rules: out-of-order and duplicate fixes, impossible jumps (counted), a track that
restarts when the jump persists, callsign carried forward, stale aircraft expire."""

from __future__ import annotations

from overflight.service.fix import Fix
from overflight.service.tracker import Tracker, haversine_m


def test_out_of_order_and_duplicates_are_rejected() -> None:
    tr = Tracker()
    assert tr.update(Fix("abc123", 10.0, 50.0, 8.0)) is not None
    assert tr.update(Fix("abc123", 10.0, 50.0, 8.0)) is None  # the same fix from a second feed
    assert tr.update(Fix("abc123", 9.0, 50.0, 8.0)) is None
    assert tr.update(Fix("abc123", 11.0, 50.001, 8.0)) is not None
    assert tr.counts["out_of_order"] == 2 and tr.counts["accepted"] == 2
    st = tr.get("abc123")
    assert st is not None and (st.accepted, st.rejected) == (2, 2)
    assert [f.time for f in st.fixes] == [10.0, 11.0]


def test_jumps_rejected_then_track_restarts() -> None:
    tr = Tracker(max_speed_ms=600.0, jump_slack_m=2_000.0, reset_after_s=30.0)
    tr.update(Fix("abc123", 0.0, 50.0, 8.0))
    # 1.5 km in 1 s is faster than 600 m/s but within the 2 km slack: accepted
    assert tr.update(Fix("abc123", 1.0, 50.0 + 1_500 / 111_195, 8.0)) is not None
    # 0.5 degree (55.6 km) in 10 s: 5.6 km/s, rejected, for under 30 s of data time
    for t in (11.0, 20.0, 40.0):
        assert tr.update(Fix("abc123", t, 50.5, 8.0)) is None
    assert tr.counts["jumps"] == 3
    # still there 30 s after the first rejection: the earlier fixes were the bad ones
    st = tr.update(Fix("abc123", 41.0, 50.5, 8.0))
    assert st is not None and tr.counts["resets"] == 1
    assert [(f.time, f.lat) for f in st.fixes] == [(41.0, 50.5)]


def test_callsign_carried_to_later_fixes() -> None:
    tr = Tracker()
    tr.update(Fix("abc123", 0.0, 50.0, 8.0, callsign="DLH4AB"))
    f = Fix("abc123", 1.0, 50.001, 8.0)
    tr.update(f)
    assert f.callsign == "DLH4AB" and tr.get("abc123").callsign == "DLH4AB"  # type: ignore[union-attr]


def test_stale_aircraft_expire_on_data_time() -> None:
    tr = Tracker(stale_s=60.0, keep=4)
    tr.update(Fix("aaaaaa", 0.0, 50.0, 8.0))
    for k in range(10):
        tr.update(Fix("bbbbbb", 30.0 + 5 * k, 51.0, 8.0 + k * 0.001))
    assert len(tr.get("bbbbbb").fixes) == 4  # type: ignore[union-attr]
    assert tr.now == 75.0
    gone = tr.expire()
    assert [s.icao24 for s in gone] == ["aaaaaa"] and tr.counts["expired"] == 1
    assert tr.get("aaaaaa") is None and tr.get("bbbbbb") is not None
    assert [s.icao24 for s in tr.expire(now=200.0)] == ["bbbbbb"]


def test_haversine_against_closed_forms() -> None:
    # a degree of the equator and of a meridian on the 6,371,008.8 m sphere: pi R / 180
    assert abs(haversine_m(0.0, 0.0, 0.0, 1.0) - 111_195.08) < 0.01
    assert abs(haversine_m(10.0, 20.0, 11.0, 20.0) - 111_195.08) < 0.01
    assert haversine_m(50.0, 8.0, 50.0, 8.0) == 0.0
