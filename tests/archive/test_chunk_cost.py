"""Chunks of check jobs cut by their measured cost (:mod:`overflight.archive.chunk_cost`): at
most ``chunk`` jobs and about a second of checking each, so that the main process and the
workers finish within about a chunk of each other."""

from __future__ import annotations

import math

import numpy as np
from archive_helpers import ZONE
from hypothesis import example, given
from hypothesis import strategies as st

from overflight.analysis.params import CheckParameters
from overflight.archive import chunk_cost
from overflight.archive.chunk_cost import MIN_FIXES, ChunkCost
from overflight.archive.pool import CheckPool, Job


@given(
    jobs=st.integers(1, 5_000),
    per_job=st.integers(1, 2_000),
    workers=st.integers(1, 8),
    chunk=st.integers(1, 4_096),
    per_fix=st.one_of(st.none(), st.floats(1e-8, 1e-2)),
)
@example(jobs=1, per_job=1, workers=8, chunk=1, per_fix=None)  # fewer jobs than workers
@example(jobs=3, per_job=100_000, workers=2, chunk=2048, per_fix=1e-3)  # a chunk a job
def test_parts_are_the_fewest_within_the_bounds(
    jobs: int, per_job: int, workers: int, chunk: int, per_fix: float | None
) -> None:
    """One chunk per worker at least; each chunk (jobs cut evenly) within ``chunk`` jobs and
    the fixes a second of checking takes, at the cost learnt (never cut below
    :data:`MIN_FIXES`); and no fewer chunks would do, unless there is one per job."""
    c = ChunkCost()
    if per_fix is not None:
        c.learn(10_000, per_fix * 10_000)
        assert math.isclose(c.max_fixes(), max(MIN_FIXES, chunk_cost.CHUNK_S / per_fix))
    else:
        assert c.max_fixes() == math.inf
    fixes = jobs * per_job
    p = c.parts(jobs, fixes, workers, chunk)
    assert 1 <= p <= jobs
    if p < jobs:
        assert p >= workers
        assert -(-jobs // p) <= chunk  # (cut evenly: ceil(jobs / p) each)
        assert fixes / p <= c.max_fixes() * (1 + 1e-12)
    if p > workers and p > 1:  # one fewer breaks a bound
        fewer = p - 1
        assert -(-jobs // fewer) > chunk or fixes / fewer > c.max_fixes()


def test_the_cost_is_a_running_average_of_the_chunks() -> None:
    c = ChunkCost()
    c.learn(0, 1.0)  # no fixes: nothing learnt
    c.learn(100, float("nan"))
    assert c.per_fix is None
    c.learn(1_000, 1.0)
    assert c.per_fix == 1e-3
    c.learn(1_000, 0.0)  # a cheaper chunk pulls the average down, not to its own cost
    assert 0 < c.per_fix < 1e-3
    # however slow, a chunk is never cut below MIN_FIXES fixes
    c.learn(10, 100.0)
    assert c.max_fixes() == MIN_FIXES


def _job(name: str, n: int) -> Job:
    """A piece of ``n`` fixes crossing the zone once (one incursion)."""
    return Job(
        name,
        None,
        0.0,
        [0],
        np.linspace(0.0, 100.0, n),
        np.zeros(n),
        np.linspace(-0.2, 0.2, n),
        np.full(n, 1000.0),
        np.full(n, np.nan),
        np.zeros(n, np.uint8),
    )


def test_a_pool_cuts_chunks_by_the_cost_it_measures() -> None:
    """The pool learns the cost per fix from the chunks its worker checks (and those it checks
    itself); once it is high, a batch of long pieces goes out in chunks of about a second's
    checking each instead of one; every row comes back once."""
    pool = CheckPool([ZONE], CheckParameters(), 1, max_pending=64, columns=False)
    try:
        assert pool.cost.per_fix is None
        pool.submit_many([_job(f"a{k:03d}", 50) for k in range(4)], chunk=2048)
        assert len(pool._pending) == 1  # nothing measured: one chunk for the one worker
        assert sorted(r["icao24"] for r in pool.drain()) == [f"a{k:03d}" for k in range(4)]
        assert pool.cost.per_fix is not None and pool.cost.per_fix > 0  # from the worker
        pool.cost.per_fix = chunk_cost.CHUNK_S / (3 * MIN_FIXES)  # a chunk: 3 * MIN_FIXES
        names = [f"b{k:03d}" for k in range(40)]
        pool.submit_many([_job(n, 4_000) for n in names], chunk=2048)  # 160,000 fixes
        assert len(pool._pending) == 4  # ceil(160,000 / 49,152)
        assert sorted(r["icao24"] for r in pool.drain()) == names
    finally:
        pool.close()


def test_chunks_checked_here_are_measured_too() -> None:
    pool = CheckPool([ZONE], CheckParameters(), 1, max_pending=1, share=True)
    try:
        pool.submit_many([_job(f"c{k:03d}", 20) for k in range(3)], chunk=1)
        assert pool.checked_here == 2 and pool.cost.per_fix is not None
        assert len(pool.drain()) == 3
    finally:
        pool.close()
