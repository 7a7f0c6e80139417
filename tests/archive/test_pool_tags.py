"""The check pool's tags: the rows of the current file's jobs are held back until the next
file starts, and can be dropped whole if the file turns out broken."""

from __future__ import annotations

import time

import numpy as np
from archive_helpers import ZONE

from overflight.analysis.params import CheckParameters
from overflight.archive.index import AirspaceIndex
from overflight.archive.pool import CheckPool, Job
from overflight.model import Airspace, Circle, Polygon, Vertex, VerticalLimit


def _job(name: str) -> Job:
    """A piece crossing the zone once (one incursion)."""
    return Job(
        name,
        None,
        0.0,
        [0],
        np.array([0.0, 100.0]),
        np.array([0.0, 0.0]),
        np.array([-0.2, 0.2]),
        np.full(2, 1000.0),
        np.full(2, np.nan),
        np.zeros(2, np.uint8),
    )


def _wait(pool: CheckPool) -> None:
    while pool.idle() < pool.workers:
        time.sleep(0.01)


def test_rows_of_the_current_tag_wait_and_can_be_dropped() -> None:
    pool = CheckPool([ZONE], CheckParameters(), 1)
    try:
        pool.submit_many([_job("aaa000")])  # tag 0
        pool.tag = 1
        pool.submit_many([_job("bbb111"), _job("ccc222")])
        _wait(pool)
        # everything has finished; only the rows of jobs tagged before 1 are given
        assert [r["icao24"] for r in pool.done()] == ["aaa000"]
        assert pool.done() == []
        pool.discard(1)  # the file of tag 1 broke: its rows are dropped
        pool.tag = 2
        assert pool.done() == [] and pool.drain() == []
        # a next file's rows: given once a later file starts, or by drain whatever the tag
        pool.submit_many([_job("ddd333")])
        _wait(pool)
        assert pool.done() == []
        pool.tag = 3
        assert [r["icao24"] for r in pool.done()] == ["ddd333"]
        pool.submit_many([_job("eee444")])
        assert [r["icao24"] for r in pool.drain()] == ["eee444"]
    finally:
        pool.close()


def test_discard_waits_for_jobs_still_running() -> None:
    pool = CheckPool([ZONE], CheckParameters(), 1)
    try:
        pool.tag = 5
        pool.submit_many([_job(f"{k:06x}") for k in range(40)])
        pool.discard(5)  # right away: the worker may not even have started
        assert pool.idle() == 1
        pool.tag = 6
        assert pool.done() == [] and pool.drain() == []
    finally:
        pool.close()


def test_packed_jobs_come_back_equal() -> None:
    """Jobs sent to a worker packed end to end are the jobs sent: every field, every array's
    values and type."""
    from dataclasses import fields

    from overflight.archive.pool import pack, unpack

    rng = np.random.default_rng(3)
    jobs = [
        Job(
            f"{k:06x}", None if k % 2 else f"CS{k}", float(k), list(range(k % 3)),
            *(rng.normal(size=m) for _ in range(4)), np.full(m, np.nan),
            rng.integers(0, 255, m).astype(np.uint8),
        )
        for k, m in enumerate([1, 5, 2, 9])
    ]  # fmt: skip
    got = unpack(pack(jobs))
    assert len(got) == len(jobs)
    for a, b in zip(jobs, got, strict=True):
        for f in fields(Job):
            x, y = getattr(a, f.name), getattr(b, f.name)
            if isinstance(x, np.ndarray):
                assert x.dtype == y.dtype and np.array_equal(x, y, equal_nan=True)
            else:
                assert x == y


def test_rows_sent_as_record_batches_make_the_same_table() -> None:
    """A pool with ``columns`` sends each chunk's rows as one Arrow record batch: the table
    made from them, alone or mixed with rows checked in-process, is the one made from the
    same rows as dicts, value for value."""
    from overflight.archive.rows import to_table

    jobs = [_job(f"{k:06x}") for k in range(7)]
    plain = CheckPool([ZONE], CheckParameters(), 2)
    cols = CheckPool([ZONE], CheckParameters(), 2, columns=True)
    try:
        plain.submit_many(jobs, chunk=3)
        cols.submit_many(jobs, chunk=3)
        dicts, batches = plain.drain(), cols.drain()
    finally:
        plain.close()
        cols.close()
    assert len(dicts) == 7 and all(isinstance(r, dict) for r in dicts)
    assert len(batches) == 3 and sum(b.num_rows for b in batches) == 7  # one per chunk
    want = to_table(dicts)
    assert to_table(batches).equals(want)
    assert to_table([*dicts[:3], *batches[1:]]).num_rows == 3 + sum(b.num_rows for b in batches[1:])
    assert to_table([*batches[:1], *dicts[batches[0].num_rows :]]).equals(want)


def test_the_workers_start_with_the_pool_not_at_the_first_job() -> None:
    """Their start-up (imports, the airspace index) runs while the caller plans and reads."""
    pool = CheckPool([ZONE], CheckParameters(), 2)
    try:
        deadline = time.monotonic() + 60.0
        while len(pool._ex._processes or {}) < 2 and time.monotonic() < deadline:  # type: ignore[attr-defined]
            time.sleep(0.05)
        assert len(pool._ex._processes) == 2  # type: ignore[attr-defined]
        pool.submit(_job("a"))
        assert [r["icao24"] for r in pool.drain()] == ["a"]
    finally:
        pool.close()


def test_a_check_never_builds_the_prefilter_grid() -> None:
    """The grid is the main process's (its segments' prefilter): a worker's index, which only
    prepares airspaces, leaves it unbuilt; asked for, it is built then."""
    from overflight.archive.batch import check_jobs
    from overflight.archive.index import AirspaceIndex

    index = AirspaceIndex([ZONE])
    rows = check_jobs(index, [_job("a")])
    assert [r["icao24"] for r in rows] == ["a"] and "near" not in vars(index)
    assert bool(index.near.any()) and "near" in vars(index)


def test_a_worker_warms_its_index_within_its_time_box() -> None:
    zones = [
        Airspace(f"R{i}", "R", (Polygon(Circle(50.0, i * 0.5, 5_000.0)),),
                 VerticalLimit.surface(), VerticalLimit.unlimited())
        for i in range(6)
    ]  # fmt: skip
    broken = Airspace("BAD", "R", (Polygon((Vertex(0, 0), Vertex(0, 0), Vertex(0, 0))),),
                      VerticalLimit.surface(), VerticalLimit.unlimited())  # fmt: skip
    index = AirspaceIndex([*zones, broken])
    assert index.warm(0.0) == 0 and index._prepared == {}
    assert index.warm(60.0, stop=lambda: True) == 0
    calls = iter(range(100))
    assert index.warm(60.0, stop=lambda: next(calls) >= 2) == 2  # stopped after two
    kept = index.prepared(0)
    assert index.warm(60.0) == 7
    assert "ring with 1 distinct points" in index.skipped[6]
    assert index.prepared(0) is kept  # nothing prepared before is replaced
    fresh = AirspaceIndex([*zones, broken])
    for k in range(6):  # what it prepared is what preparing on first use gives
        a, b = index.prepared(k), fresh.prepared(k)
        assert a is not None and b is not None
        np.testing.assert_array_equal(a.outline.lon1, b.outline.lon1)
        assert a.radius_m == b.radius_m


def test_chunks_checked_here_keep_their_tags() -> None:
    """With ``share``, chunks met with ``max_pending`` in flight are checked in the calling
    process: their rows are held back and dropped by tag as the workers' ones."""
    pool = CheckPool([ZONE], CheckParameters(), 1, max_pending=1, share=True)
    try:
        # the worker is still starting: the first chunk waits for it, the others are here
        pool.submit_many([_job(f"a{k:05d}") for k in range(3)], chunk=1)  # tag 0
        assert pool.sent == 1 and pool.checked_here == 2
        pool.tag = 1
        pool.submit_many([_job(f"b{k:05d}") for k in range(3)], chunk=1)
        assert pool.checked_here >= 4  # the worker's first job is not back yet
        _wait(pool)
        assert sorted(r["icao24"] for r in pool.done()) == [f"a{k:05d}" for k in range(3)]
        pool.discard(1)  # the file of tag 1 broke: every one of its rows is dropped
        pool.tag = 2
        assert pool.done() == [] and pool.drain() == []
    finally:
        pool.close()


def test_drain_takes_back_the_chunks_a_worker_has_not_started() -> None:
    """With ``share``, draining at the end of the data checks here the chunks still queued
    for a worker (it is still starting: all but the ones handed to it already), instead of
    waiting while it works through them alone; every row comes back once."""
    pool = CheckPool([ZONE], CheckParameters(), 1, max_pending=8, share=True)
    try:
        names = [f"q{k:05d}" for k in range(8)]
        pool.submit_many([_job(n) for n in names], chunk=1)
        assert pool.sent == 8 and pool.checked_here == 0
        rows = pool.drain()
        assert sorted(r["icao24"] for r in rows) == names
        assert pool.checked_here >= 4 and pool.sent + pool.checked_here == 8
        assert pool.drain() == []
    finally:
        pool.close()
