"""The kernel forgets aircraft silent for longer than the eviction horizon, and gives its codes
again to the names it remembers once the forgotten ones outnumber them
(:meth:`Kernel._forget`): a forgotten aircraft comes back as a new aircraft would, and the
numbering changes no output row."""

from __future__ import annotations

import pickle
from dataclasses import fields
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from archive_helpers import ZONE, kernel_batches, route_airspaces
from hypothesis import given, settings
from hypothesis import strategies as st

from overflight.archive import kernel as kernel_module
from overflight.archive.clean import ScanParameters
from overflight.archive.index import AirspaceIndex
from overflight.archive.kernel import Kernel
from overflight.archive.scan import scan
from overflight.archive.state import AircraftState, Codes


def _sorted(rows: list[dict[str, Any]]) -> list[str]:
    """The rows whatever their order, comparable value for value (NaN equal to NaN)."""
    return sorted(map(repr, rows))


# -- a forgotten aircraft is a new aircraft -------------------------------------------------


def _part(
    name: str, t0: float, n: int, lat: list[float], lon: list[float], vel: list[float], **more: Any
) -> dict[str, Any]:
    return {
        "icao24": [name] * n,
        "callsign": ["ABC12"] * n,
        "time": t0 + 10.0 * np.arange(n),
        "lat": np.array(lat[:n]),
        "lon": np.array(lon[:n]),
        "baro": np.full(n, 900.0),
        "vel": np.array(vel[:n]),
        **more,
    }


_coord = st.floats(-0.25, 0.25, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(
    n1=st.integers(1, 6),
    n2=st.integers(1, 6),
    lat=st.lists(_coord, min_size=12, max_size=12),
    lon=st.lists(_coord, min_size=12, max_size=12),
    vel=st.lists(st.sampled_from([0.0, 5.0, 80.0, float("nan")]), min_size=12, max_size=12),
    silence=st.floats(3_601.0, 30_000.0),
    frozen=st.booleans(),
    far=st.booleans(),
    stale=st.booleans(),
)
def test_a_forgotten_aircraft_comes_back_as_a_new_one(
    n1: int,
    n2: int,
    lat: list[float],
    lon: list[float],
    vel: list[float],
    silence: float,
    frozen: bool,
    far: bool,
    stale: bool,
) -> None:
    """An aircraft silent for longer than the horizon at a file boundary (:meth:`evict`),
    then back: the rows, counts and flags are those of the same rows with a new address
    after the silence (renamed back), whatever the silence would have meant had it been
    remembered (a freeze going on through it, a speed contradiction or a jump across it,
    the same last-position time)."""
    index = AirspaceIndex([ZONE])
    if far:  # before the silence ~330 km west, slow: a speed contradiction across it
        lon = [x - 3.0 for x in lon[:n1]] + lon[n1:]
    if frozen:  # back at the very position it went silent at
        lat[n1], lon[n1] = lat[n1 - 1], lon[n1 - 1]
    t2 = 10.0 * (n1 - 1) + silence
    lp1 = 10.0 * np.arange(n1)
    lp2 = t2 + 10.0 * np.arange(n2)
    if stale:  # its first row back repeats the last position time before the silence
        lp2[0] = lp1[-1]
    one = _part("abc123", 0.0, n1, lat, lon, vel, lastpos=lp1)
    two = _part("abc123", t2, n2, lat[n1:], lon[n1:], vel[n1:], lastpos=lp2)
    k = Kernel(index)
    got = k.process_columns(**one) + k.evict(t2) + k.process_columns(**two) + k.finish()
    new = Kernel(index)
    want = new.process_columns(**one) + new.process_columns(**{**two, "icao24": ["def456"] * n2})
    want += new.finish()
    for r in want:
        r["icao24"] = "abc123"
    assert _sorted(got) == _sorted(want)
    assert k.counts == new.counts and k.rows_in == new.rows_in
    assert k.pieces_checked == new.pieces_checked


def test_forgetting_is_what_makes_a_silence_plain() -> None:
    """Remembered, a slow aircraft back 330 km away after 70 minutes contradicts its speed,
    and its entry rests on flagged fixes (suspect); forgotten at the file boundary between,
    it is an entry after a gap, not suspect."""
    index = AirspaceIndex([ZONE])
    one = _part("abc123", 0.0, 3, [0.0] * 3, [-3.0, -2.999, -2.998], [5.0] * 3)
    lon = [0.0, 0.02, 0.04, 0.06, 0.08, 0.1]
    two = _part("abc123", 4_200.0, 6, [0.0] * 6, lon, [5.0] + [250.0] * 5)
    k = Kernel(index)
    remembered = k.process_columns(**one) + k.process_columns(**two) + k.finish()
    k = Kernel(index)
    forgotten = k.process_columns(**one) + k.evict(4_200.0) + k.process_columns(**two)
    forgotten += k.finish()
    assert [(r["entry_during_gap"], r["suspect"]) for r in remembered] == [(True, True)]
    assert remembered[0]["suspect_reasons"] == ["speed"]
    assert [(r["entry_during_gap"], r["suspect"]) for r in forgotten] == [(True, False)]


def test_a_forgotten_aircraft_is_reset_to_a_new_ones_state() -> None:
    s = AircraftState()
    s.ensure(3)
    fresh = s.copy()
    for name in ("seen", "has_fix", "fix_ground", "run_frozen"):
        getattr(s, name)[:] = True
    s.fix_flags[:], s.fix_cs[:], s.row_t[:], s.lp[:], s.track_t0[:] = 7, 3, 1.0, 2.0, 3.0
    s.forget(np.arange(s.size))
    assert pickle.dumps(s) == pickle.dumps(fresh)


# -- the numbering changes nothing -----------------------------------------------------------


def _traffic(aircraft: int = 120) -> list[dict[str, Any]]:
    """Aircraft crossing :data:`ZONE` west to east one after the other (one starting every
    minute, 10 s samples, ~18 minutes each, lines 0-15 km apart), in batches of two
    minutes: at any time a few are near the zone (pieces open) while earlier ones are long
    gone. Callsigns: one each, none for some, two in turn for some, and a change halfway
    for others."""
    rng = np.random.default_rng(5)
    cols: dict[str, list[Any]] = {k: [] for k in ("icao24", "callsign", "time", "lat", "lon")}
    for a in range(aircraft):
        n = 110
        t = 60.0 * a + 10.0 * np.arange(n)
        lon = np.linspace(-1.0, 1.0, n) + rng.normal(0.0, 1e-4, n)
        lat = np.full(n, rng.uniform(-0.14, 0.14))
        cs = [None if a % 5 == 4 else f"CS{a}"] * n
        if a % 3 == 1:  # two callsigns in turn, every three samples
            cs = [f"CS{a}" if i // 3 % 2 else f"X{a}" for i in range(n)]
        elif a % 3 == 2 and cs[0]:  # the next aircraft's halfway: a callsign of two
            cs[n // 2 :] = [f"CS{a + 1}"] * (n - n // 2)
        cols["icao24"] += [f"{0xA00000 + a:06x}"] * n
        cols["callsign"] += cs
        cols["time"] += t.tolist()
        cols["lat"] += lat.tolist()
        cols["lon"] += lon.tolist()
    order = np.argsort(np.array(cols["time"]), kind="stable")
    time = np.array(cols["time"])[order]
    out = []
    for w in np.unique(time // 120.0):
        i = order[time // 120.0 == w]
        out.append(
            {
                "icao24": [cols["icao24"][j] for j in i],
                "callsign": [cols["callsign"][j] for j in i],
                "time": np.array(cols["time"])[i],
                "lat": np.array(cols["lat"])[i],
                "lon": np.array(cols["lon"])[i],
                "baro": np.full(i.size, 3_000.0),
            }
        )
    return out


def _run(
    index: AirspaceIndex, batches: list[dict[str, Any]], watch: list[tuple[int, int]]
) -> tuple[Kernel, list[dict[str, Any]]]:
    """The batches through a kernel with an eviction before each (as between files), the
    kernel's numbers of codes after each appended to ``watch``."""
    k = Kernel(index, ScanParameters(evict_s=0.0))  # the horizon: the gap + 60 s
    rows: list[dict[str, Any]] = []
    for b in batches:
        rows += k.evict(float(np.min(b["time"]))) + k.process_columns(**b)
        watch.append((len(k.icao), len(k.calls)))
    return k, rows + k.finish()


@pytest.mark.parametrize("source", ["archive", "traffic"])
def test_codes_given_again_change_no_row(
    archive: list[Path], monkeypatch: pytest.MonkeyPatch, source: str
) -> None:
    """The small archive's flights (each a new aircraft, a callsign each), or aircraft
    crossing one zone one after the other (:func:`_traffic`), fed in batches with an
    eviction before each: with codes given again as soon as one is forgotten, the rows,
    counts and pieces are those of a kernel that never renumbers, and its codes follow the
    aircraft heard lately instead of growing with every flight."""
    if source == "archive":
        index, batches = AirspaceIndex(route_airspaces(archive)), kernel_batches(archive, 1_500)
    else:
        index, batches = AirspaceIndex([ZONE]), _traffic()
    kept: list[tuple[int, int]] = []
    plain, want = _run(index, batches, kept)
    monkeypatch.setattr(kernel_module, "RENUMBER_MIN", 1)
    given_again: list[tuple[int, int]] = []
    k, got = _run(index, batches, given_again)
    assert _sorted(got) == _sorted(want)
    assert k.counts == plain.counts and k.rows_in == plain.rows_in
    assert k.pieces_checked == plain.pieces_checked and k.fixes_checked == plain.fixes_checked
    assert {r["callsign"] for r in got} == {r["callsign"] for r in want}
    # without: the codes of every flight so far; with: of the aircraft heard lately (in the
    # last 11 minutes, and the batch's new ones), and the callsigns they use
    assert kept[-1][0] == len({v for b in batches for v in b["icao24"]})
    assert max(a for a, _ in given_again) < kept[-1][0]
    assert max(c for _, c in given_again) < kept[-1][1]
    assert given_again[-1][0] < kept[-1][0] and given_again[-1][1] < kept[-1][1]


def test_a_kernel_copied_before_a_renumbering_goes_on_as_it_was(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A renumbering with pieces open (:func:`_traffic`) gives the kernel new codes, state
    and callsign column, and leaves the copy a scan goes back to (taken before it, sharing
    the store's columns) as it was: both go on as the kernel would have without it."""
    monkeypatch.setattr(kernel_module, "RENUMBER_MIN", 1)
    index, batches = AirspaceIndex([ZONE]), _traffic()
    k = Kernel(index, ScanParameters(evict_s=0.0))
    i = 0
    for b in batches:
        k.dispatch()
        twin = pickle.loads(pickle.dumps(k))  # (a pickle compacts the store first)
        copy = k.copy()
        twin.index = index
        icao, calls = len(k.icao), len(k.calls)
        k.evict(float(np.min(b["time"])))
        if len(k.icao) < icao and len(k.calls) < calls and k.pieces:
            break  # both renumbered, with pieces open
        k.process_columns(**b)
        i += 1
    else:
        raise AssertionError("no renumbering")
    assert k.store.cols[0] is copy.store.cols[0]  # the store's rows shared
    assert k.store.cols[6] is not copy.store.cols[6]

    def rest(kernel: Kernel) -> list[str]:
        rows = []
        for b in batches[i:]:
            rows += kernel.evict(float(np.min(b["time"]))) + kernel.process_columns(**b)
        return _sorted(rows + kernel.finish())

    want = rest(twin)
    assert rest(copy) == want  # the copy as it was
    assert rest(k) == want  # and the renumbered kernel goes on as it would have


def _by_name(k: Kernel, since: float = -np.inf) -> tuple[dict[str, str], dict[str, str]]:
    """Each remembered aircraft's carried values (its last row at or after ``since``), and
    each open piece's fixes, by name: callsign codes as their names."""
    s, names, calls = k.state, k.icao.names, k.calls.names

    def call(c: int) -> str | None:
        return calls[c] if c >= 0 else None

    values = [f.name for f in fields(s) if f.name not in ("size", "fix_cs")]
    state = {
        names[c]: repr([getattr(s, v)[c] for v in values] + [call(int(s.fix_cs[c]))])
        for c in np.flatnonzero(s.seen & (s.row_t >= since)).tolist()
    }
    pieces = {}
    for c, p in k.pieces.items():
        cols = p.columns()
        pieces[names[c]] = repr([p.track_start, *cols[:6], [call(v) for v in cols[6].tolist()]])
    return state, pieces


def test_a_renumbering_keeps_every_name(monkeypatch: pytest.MonkeyPatch) -> None:
    """At every eviction of :func:`_traffic` (codes given again whenever one is forgotten):
    the remembered aircraft's carried values and the open pieces' fixes, by name, are those
    before it, among them callsigns that only an open piece's fixes still hold."""
    monkeypatch.setattr(kernel_module, "RENUMBER_MIN", 1)
    k = Kernel(AirspaceIndex([ZONE]), ScanParameters(evict_s=0.0))
    renumbered = icaos = 0
    for b in _traffic():
        t = float(np.min(b["time"]))
        before = _by_name(k, since=t - 660.0)
        icao, calls = len(k.icao), len(k.calls)
        # open pieces holding a callsign their aircraft no longer uses
        mixed = [
            c for c, p in k.pieces.items() if set(p.columns()[6].tolist()) - {k.state.fix_cs[c]}
        ]
        k.evict(t)
        assert _by_name(k) == before
        renumbered += len(k.calls) < calls and bool(mixed)
        icaos += len(k.icao) < icao and bool(k.pieces)
        k.process_columns(**b)
    assert renumbered > 3 and icaos > 1


def test_codes_taken_keep_their_names() -> None:
    c = Codes()
    c.encode_unique(["a", "b", "c", "d"])
    lazy = c.copy()
    assert len(lazy) == 4
    t = lazy.taken(np.array([1, 3]))
    assert t.names == ["b", "d"] and t.ids == {"b": 0, "d": 1}
    assert t.encode_unique(["d", "e", "a"]).tolist() == [1, 2, 3]
    assert len(c) == 4 and c.names == ["a", "b", "c", "d"]


@pytest.mark.parametrize("resume", [False, True])
def test_a_scan_renumbering_between_files_writes_the_same_output(
    archive: list[Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, resume: bool
) -> None:
    """The small archive's hourly files scanned with codes given again at every file
    boundary (and, with a checkpoint, interrupted after the first file and resumed): the
    same output as a scan that never renumbers."""
    zones = route_airspaces(archive)
    params = ScanParameters(evict_s=0.0)
    want = scan([str(f) for f in archive], zones, params=params).table
    monkeypatch.setattr(kernel_module, "RENUMBER_MIN", 1)
    files = [str(f) for f in archive]
    if resume:
        cp = tmp_path / "cp"

        class Stop(Exception):
            pass

        def stop(n: int) -> None:
            if n == 1:
                raise Stop

        with pytest.raises(Stop):
            scan(files, zones, params=params, checkpoint=cp, on_file_done=stop)
        got = scan(files, zones, params=params, checkpoint=cp).table
    else:
        got = scan(files, zones, params=params).table
    assert got.num_rows > 0
    assert got.equals(want)
