"""Open incursions restored from the store after a restart (issue 9, part d): an aircraft still
inside gets no second entry, one heard outside exits, one never heard again exits as lost, and
a feed that re-delivers older data re-derives exactly the alerts it had. Also: batched
predictions (``defer`` + ``flush``) give the same alerts as one at a time."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from overflight.analysis.check import check
from overflight.formats import read_airspaces
from overflight.model import Track
from overflight.service.alerts import AlertEngine
from overflight.service.fix import Fix
from overflight.service.store import AlertStore
from overflight.service.tracker import Tracker
from overflight.service.watch import Watch
from overflight.service.zones import ZoneIndex

T0 = 1_672_567_200.0
FT = 0.3048
ZONE = """AC R
AN SYN C
AL GND
AH FL150
DP 48:00:00 N 010:00:00 E
DP 48:12:00 N 010:00:00 E
DP 48:12:00 N 010:18:00 E
DP 48:00:00 N 010:18:00 E
"""


def flight(icao: str, lat: float, lon: float, track: float, gs: float, n: int) -> list[Fix]:
    """One fix a second on the sphere, by the test's own small steps (alt 8,000 ft)."""
    out = []
    for k in range(n):
        out.append(Fix(icao, T0 + k, lat, lon, alt_baro=8000 * FT, gs=gs, track=track, vrate=0.0))
        d = gs / 6_371_008.8
        lat += math.degrees(d * math.cos(math.radians(track)))
        lon += math.degrees(d * math.sin(math.radians(track)) / math.cos(math.radians(lat)))
    return out


@pytest.fixture(scope="module")
def zones(tmp_path_factory: pytest.TempPathFactory) -> tuple[ZoneIndex, list[Any]]:
    p = tmp_path_factory.mktemp("zones") / "z.txt"
    p.write_text(ZONE)
    airspaces, problems = read_airspaces(p)
    assert not problems and len(airspaces) == 1
    return ZoneIndex(airspaces), airspaces


def watch(db: Path, index: ZoneIndex) -> Watch:
    return Watch(AlertStore(db), Tracker(), AlertEngine(index))


def feed(w: Watch, fixes: list[Fix]) -> None:
    for f in fixes:
        w.on_fix(Fix(**{k: getattr(f, k) for k in Fix.__slots__}))  # a fresh copy each time


def rows(w: Watch, **kw: Any) -> list[dict[str, Any]]:
    return w.store.query(limit=10_000, **kw)


def expected(fixes: list[Fix], airspaces: list[Any]) -> Any:
    trk = Track.from_arrays(
        fixes[0].icao24,
        time=[f.time for f in fixes],
        lat=[f.lat for f in fixes],
        lon=[f.lon for f in fixes],
        alt_baro=[f.alt_baro for f in fixes],
    )
    (res,) = check([trk], airspaces).results
    (inc,) = res.incursions
    return inc


A1 = flight("a1b2c3", 48.1, 9.9, 90.0, 220.0, 260)  # enters ~10.0 E at ~34 s, leaves ~134 s


def test_aircraft_still_inside_gets_no_second_entry(tmp_path: Path, zones: Any) -> None:
    index, airspaces = zones
    inc = expected(A1, airspaces)
    db = tmp_path / "a.sqlite"
    w1 = watch(db, index)
    feed(w1, A1[:60])  # inside from ~34 s; then the process dies (no stop, no exit)
    (entry,) = rows(w1, kind="entry")
    assert abs(entry["event_time"] - inc.entry_time) < 1.0
    w1.store.close()

    w2 = watch(db, index)
    assert w2.counts["restored"] == 1
    assert w2.engine.state_of("a1b2c3")["inside"] == ["SYN C"]
    feed(w2, A1[70:])  # the feed resumes after a gap
    assert len(rows(w2, kind="entry")) == 1  # still the first one
    (exit_,) = rows(w2, kind="exit")
    assert exit_["details"]["entry_id"] == entry["id"]
    assert exit_["details"]["restored"] is True
    assert abs(exit_["event_time"] - inc.exit_time) < 1.0  # the exact exit crossing
    assert abs(exit_["details"]["duration_s"] - inc.duration_s) < 1.0


def test_aircraft_outside_after_restart_exits_at_first_fix_outside(
    tmp_path: Path, zones: Any
) -> None:
    index, _ = zones
    db = tmp_path / "a.sqlite"
    w1 = watch(db, index)
    feed(w1, A1[:60])
    w1.store.close()
    w2 = watch(db, index)
    feed(w2, A1[160:])  # it left the zone (at ~134 s) while the service was down
    (exit_,) = rows(w2, kind="exit")
    assert exit_["event_time"] == pytest.approx(A1[160].time)
    assert exit_["details"]["restored"] is True and exit_["details"]["lost"] is False
    assert not rows(w2, kind="entry", since=T0 + 61)


def test_aircraft_never_heard_again_exits_as_lost(tmp_path: Path, zones: Any) -> None:
    index, _ = zones
    db = tmp_path / "a.sqlite"
    w1 = watch(db, index)
    feed(w1, A1[:60])
    (entry,) = rows(w1, kind="entry")
    w1.store.close()
    w2 = watch(db, index)
    other = flight("0b0b0b", 50.0, 5.0, 0.0, 200.0, 200)  # far away, data time goes on
    feed(w2, [f for f in other if f.time > T0 + 60])
    (exit_,) = rows(w2, kind="exit")
    assert exit_["icao24"] == "a1b2c3" and exit_["details"]["lost"] is True
    assert exit_["event_time"] == pytest.approx(entry["fix_time"])  # its last known fix


def test_replay_from_the_start_rederives_the_same_alerts(tmp_path: Path, zones: Any) -> None:
    index, _ = zones
    ref = watch(tmp_path / "ref.sqlite", index)
    feed(ref, A1)
    want = [(r["id"], r["kind"], r["event_time"]) for r in rows(ref)]
    assert [k for _, k, _ in want] == ["predicted", "entry", "exit"]
    db = tmp_path / "a.sqlite"
    w1 = watch(db, index)
    feed(w1, A1[:60])
    w1.store.close()
    w2 = watch(db, index)
    assert w2.counts["restored"] == 1
    feed(w2, A1)  # the recording again, from its start
    assert [(r["id"], r["kind"], r["event_time"]) for r in rows(w2)] == want
    assert w2.store.ignored == 2  # predicted and entry were re-derived, not duplicated


def _scenario() -> list[Fix]:
    fixes = (
        flight("a1b2c3", 48.1, 9.9, 90.0, 220.0, 200)  # predicted, entry, exit
        + flight("d4e5f6", 47.9, 10.15, 0.0, 200.0, 40)  # predicted, then silent
        + flight("0c0c0c", 48.05, 10.35, 270.0, 150.0, 120)  # enters from the east
        + flight("0d0d0d", 48.3, 9.5, 135.0, 240.0, 150)
    )
    return sorted(fixes, key=lambda f: (f.time, f.icao24))


@pytest.mark.parametrize("every", [1, 7, 50])
def test_batched_predictions_give_the_same_alerts(tmp_path: Path, zones: Any, every: int) -> None:
    index, _ = zones
    fixes = _scenario()
    one = watch(tmp_path / "one.sqlite", index)
    feed(one, fixes)
    batched = watch(tmp_path / "batched.sqlite", index)
    batched.defer = True
    for k in range(0, len(fixes), every):
        feed(batched, fixes[k : k + every])
        batched.flush()
    want = {r["id"]: (r["kind"], r["event_time"], r["details"]) for r in rows(one)}
    got = {r["id"]: (r["kind"], r["event_time"], r["details"]) for r in rows(batched)}
    assert got == want
    kinds = sorted(k for k, _, _ in want.values())
    assert kinds.count("entry") == 2 and kinds.count("predicted") >= 3
    assert batched.engine.counts["predictions"] == one.engine.counts["predictions"]
