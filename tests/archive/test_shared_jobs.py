"""Chunks of jobs handed to the check workers through shared memory slots: the rows are the
same as through the pipe, a slot is written again only once its chunk's result is back, and
a chunk that cannot take a slot (too large, none free, no room for one) takes the pipe."""

from __future__ import annotations

from multiprocessing import shared_memory

import numpy as np
import pytest
from archive_helpers import ZONE

import overflight.archive.pool as pool_module
import overflight.archive.shared_jobs as shared_module
from overflight.analysis.params import CheckParameters
from overflight.archive.batch import check_jobs
from overflight.archive.index import AirspaceIndex
from overflight.archive.pool import CheckPool, Job
from overflight.archive.shared_jobs import Slots, arrays


def _jobs(n: int) -> list[Job]:
    """Pieces crossing the zone once each, every one at its own time and latitude (a row
    read from another job's arrays would show)."""
    out = []
    for k in range(n):
        t0 = 1000.0 * k
        m = 3 + k % 5
        out.append(
            Job(
                f"{k:06x}",
                f"CS{k}",
                t0,
                [0],
                t0 + np.linspace(0.0, 100.0, m),
                np.full(m, -0.05 + 0.001 * k),
                np.linspace(-0.2, 0.2, m),
                np.full(m, 1000.0 + k),
                np.full(m, np.nan),
                np.full(m, k % 3, np.uint8),
            )
        )
    return out


def _key(rows: list) -> list[tuple]:
    return sorted((r["icao24"], r["entry_time"], r["exit_time"], r["max_depth_m"]) for r in rows)


@pytest.fixture(scope="module")
def expected() -> list[tuple]:
    return _key(check_jobs(AirspaceIndex([ZONE]), _jobs(60)))


def test_chunks_through_the_slots_give_the_rows_of_the_inline_check(expected: list) -> None:
    # one chunk in flight at a time: every chunk reuses the one slot, once its result is back
    pool = CheckPool([ZONE], CheckParameters(), 1, max_pending=1)
    try:
        pool.submit_many(_jobs(60), chunk=4)
        rows = pool.drain()
        assert pool._slots.used == 15  # every chunk took the slot
    finally:
        pool.close()
    assert len(rows) == 60 and _key(rows) == expected


def _through_the_pipe(expected: list) -> None:
    """60 jobs in chunks of 16 give the inline check's rows, none through a slot."""
    pool = CheckPool([ZONE], CheckParameters(), 1)
    try:
        pool.submit_many(_jobs(60), chunk=16)
        assert _key(pool.drain()) == expected and pool._slots.used == 0
    finally:
        pool.close()


def test_chunks_too_large_or_without_shared_memory_take_the_pipe(
    expected: list, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pool_module, "SLOT_BYTES", 64)  # no chunk fits
    _through_the_pipe(expected)

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")  # /dev/shm full

    monkeypatch.setattr(pool_module, "SLOT_BYTES", 1 << 20)
    monkeypatch.setattr(shared_module.shared_memory, "SharedMemory", full)
    _through_the_pipe(expected)


@pytest.mark.skipif(not hasattr(__import__("fcntl"), "F_GETPIPE_SZ"), reason="Linux pipes only")
def test_the_result_pipe_takes_a_chunks_rows_at_once(expected: list) -> None:
    """A chunk's rows (~230 KB in a scan) fit in the workers' result pipe, so a worker does
    not wait for the main process to read them (the default pipe holds 64 KB)."""
    import fcntl

    pool = CheckPool([ZONE], CheckParameters(), 1)
    try:
        fd = pool._ex._result_queue._reader.fileno()  # type: ignore[attr-defined]
        assert fcntl.fcntl(fd, fcntl.F_GETPIPE_SZ) >= 1 << 18
        pool.submit_many(_jobs(60), chunk=16)
        assert _key(pool.drain()) == expected
    finally:
        pool.close()


def test_slots_are_taken_released_and_unlinked() -> None:
    slots = Slots(2, 4096)
    meta = [("abc123", None, 0.0, [0])]
    off = np.array([0, 3])
    cols = [[np.array([1.0, 2.0, 3.0])], [np.array([1, 2, 3], np.uint8)]]
    a, b = slots.put(meta, off, cols), slots.put(meta, off, cols)
    assert a is not None and b is not None and {a.slot, b.slot} == {0, 1}
    assert slots.put(meta, off, cols) is None  # both taken
    big = [[np.zeros(1000)], [np.zeros(1000, np.uint8)]]
    slots.release(a.slot)
    assert slots.put(meta, np.array([0, 1000]), big) is None  # 9 KB: too large for a slot
    c = slots.put(meta, off, [[np.array([4.0, 5.0, 6.0])], [np.array([7, 8, 9], np.uint8)]])
    assert c is not None and c.slot == a.slot and c.name == a.name
    assert [x.tolist() for x in arrays(c)] == [[4.0, 5.0, 6.0], [7, 8, 9]]
    assert [x.tolist() for x in arrays(b)] == [[1.0, 2.0, 3.0], [1, 2, 3]]
    slots.close()
    with pytest.raises(FileNotFoundError):
        shared_memory.SharedMemory(b.name)  # unlinked
