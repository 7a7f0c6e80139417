"""Open pieces in one shared fix store (archive.pieces) against pieces that keep their own
copies: the same columns after any sequence of appends, prepends, flag changes, gathers,
compactions and pickling."""

from __future__ import annotations

import pickle
import types

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from overflight.archive.kernel import Kernel
from overflight.archive.pieces import FixStore, Piece


def _rows(rng: np.random.Generator, m: int, kind: int) -> list[np.ndarray]:
    """``m`` rows; kind 1: all at one place, 2: on one latitude, 3: on one meridian, else
    anywhere."""
    lat = np.full(m, 60.0) if kind in (1, 2) else rng.uniform(59, 61, m)
    lon = np.full(m, 25.0) if kind in (1, 3) else rng.uniform(24, 26, m)
    return [
        np.sort(rng.uniform(0, 1e4, m)),
        lat,
        lon,
        rng.uniform(0, 1e4, m),
        rng.uniform(0, 1e4, m),
        rng.integers(0, 4, m).astype(np.uint8),
        rng.integers(-1, 5, m),
        rng.uniform(0, 5e3, m),
    ]


class _Copy:
    """The reference: a piece holding its own columns."""

    def __init__(self) -> None:
        self.cols = [np.empty(0, d) for d in (np.float64,) * 5 + (np.uint8, np.int64, np.float64)]

    def add(self, rows: list[np.ndarray], front: bool = False) -> None:
        pair = (rows, self.cols) if front else (self.cols, rows)
        self.cols = [np.concatenate([a, b]).astype(a.dtype) for a, b in zip(*pair, strict=True)]


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 2**32 - 1), st.lists(st.integers(0, 7), min_size=1, max_size=60))
def test_store_pieces_equal_own_copies(seed: int, ops: list[int]) -> None:
    rng = np.random.default_rng(seed)
    store = FixStore(capacity=4)
    live: dict[int, tuple[Piece, _Copy]] = {}
    done: list[tuple[Piece, _Copy]] = []
    for k, op in enumerate(ops):
        if op <= 2 or not live:  # a batch's rows for a new or an open piece
            rows = _rows(rng, int(rng.integers(1, 6)), int(rng.integers(4)))
            a = store.append(*rows)
            if op == 0 or not live:
                live[k] = (Piece(k, 0.0, store), _Copy())
            p, ref = live[list(live)[int(rng.integers(len(live)))]]
            p.add(a, a + len(rows[0]))
            ref.add(rows)
            continue
        key = list(live)[int(rng.integers(len(live)))]
        p, ref = live[key]
        if op == 3:  # the carried fix put first
            rows = _rows(rng, 1, 0)
            a = store.append(*rows)
            p.prepend(a, a + 1)
            ref.add(rows, front=True)
        elif op == 4 and ref.cols[0].size:
            mask = int(rng.integers(1, 8))
            p.or_last_flags(mask)
            ref.cols[5][-1] |= mask
        elif op == 5 and ref.cols[0].size:
            lat, lon = float(ref.cols[1][-1]), float(ref.cols[2][-1])
            p.flag_trailing(lat, lon, 16)
            j = ref.cols[0].size
            while j > 0 and ref.cols[1][j - 1] == lat and ref.cols[2][j - 1] == lon:
                j -= 1
            ref.cols[5][j:] |= 16
        elif op == 6:  # finished: gathered with others, then its rows are dead
            fin = [live.pop(key)]
            for got, (q, _) in zip(store.gather_many([q for q, _ in fin]), fin, strict=True):
                q._cols = got
            done += fin
            store.compact([q for q, _ in live.values()], force=bool(rng.integers(2)))
        else:  # a checkpoint: the kernel compacts and pickles store and pieces together
            store.compact([q for q, _ in live.values()], force=True)
            keys = list(live)
            store, pieces = pickle.loads(pickle.dumps((store, [live[c][0] for c in keys])))
            live = {c: (q, live[c][1]) for c, q in zip(keys, pieces, strict=True)}
            assert all(q.store is store for q in pieces)
    for p, ref in [*live.values(), *done]:
        got = p.columns()
        assert p.n == ref.cols[0].size
        for g, w in zip(got, ref.cols, strict=True):
            assert g.dtype == w.dtype and np.array_equal(g, w)


def test_checkpoints_of_pieces_with_their_own_copies_are_read() -> None:
    """A kernel pickled by a version whose pieces held lists of column parts resumes with
    the same fixes in its store."""
    from overflight.archive.index import AirspaceIndex

    k = Kernel(AirspaceIndex([]))
    rng = np.random.default_rng(1)
    parts = [_rows(rng, 3, 0)[:7], _rows(rng, 2, 0)[:7]]  # those versions had no distances
    old_piece = types.SimpleNamespace(code=4, track_start=5.0, parts=[tuple(p) for p in parts])
    state = k.__getstate__()
    del state["store"]
    state["pieces"] = {4: old_piece}
    k2 = Kernel.__new__(Kernel)
    k2.__setstate__(state)
    got = k2.pieces[4].columns()
    for g, a, b in zip(got[:7], *parts, strict=True):
        assert np.array_equal(g, np.concatenate([a, b]))
    assert np.isnan(got[7]).all()
    assert k2.pieces[4].store is k2.store and (k2.pieces[4].code, k2.pieces[4].n) == (4, 5)


def test_stores_pickled_without_distances_are_read() -> None:
    """A store pickled by a version without the distance column gets one (NaN: unknown)."""
    store = FixStore()
    rows = _rows(np.random.default_rng(3), 4, 0)
    store.append(*rows)
    state = store.__getstate__()
    state["cols"] = state["cols"][:7]  # type: ignore[index]
    old = FixStore.__new__(FixStore)
    old.__setstate__(state)
    assert len(old.cols) == 8 and np.isnan(old.cols[7]).all()
    for got, want in zip(old.cols[:7], rows[:7], strict=True):
        assert np.array_equal(got, want)
    old.append(*rows)  # and goes on
    assert np.array_equal(old.cols[7][4:8], rows[7])
    assert pickle.loads(pickle.dumps(old)).n == 8


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 2**32 - 1), st.lists(st.integers(0, 3_000), min_size=1, max_size=6))
def test_rows_taken_into_the_store_equal_rows_appended(seed: int, sizes: list[int]) -> None:
    rng = np.random.default_rng(seed)
    a, b = FixStore(), FixStore()
    for m in sizes:  # past the first capacity: the columns grow
        src = [
            rng.normal(size=m + 5),
            rng.normal(size=m + 5),
            rng.normal(size=m + 5),
            rng.normal(size=m + 5),
            rng.normal(size=m + 5),
            rng.integers(0, 8, m + 5).astype(np.uint8),
            rng.integers(-1, 9, m + 5),  # int64
            rng.normal(size=m + 5).astype(np.float32),  # another dtype: converted
        ]
        idx = np.sort(rng.choice(m + 5, size=m, replace=False))
        assert a.append(*(c[idx] for c in src)) == b.append_take(idx, *src)
    assert a.n == b.n
    for x, y in zip(a.cols, b.cols, strict=True):
        assert x.dtype == y.dtype
        np.testing.assert_array_equal(x[: a.n], y[: b.n])


def test_compaction_keeps_the_capacity() -> None:
    # a compacted store keeps its columns' size, so the rows that come next fit without the
    # columns growing again (each growth copies every row)
    rng = np.random.default_rng(3)
    store, live = _filled(rng, 300, 400, 250)  # most rows are dead now
    big = store.cols[0].shape[0]
    assert big >= 120_000
    store.compact(live)
    assert store.n == 50 * 400 and store.cols[0].shape[0] == big
    before = [id(c) for c in store.cols]
    store.append(*_rows(rng, big - store.n, 0))
    assert [id(c) for c in store.cols] == before
    for p in live:
        assert p.columns()[0].size == 400


def _filled(
    rng: np.random.Generator, n: int = 30, rows: int = 40, finished: int = 20
) -> tuple[FixStore, list[Piece]]:
    """A store of ``n`` pieces of ``rows`` rows each, the first ``finished`` of them
    gathered (their rows dead); the others."""
    store = FixStore(capacity=1 << 10)
    pieces = []
    for c in range(n):
        p = Piece(c, 0.0, store)
        a = store.append(*_rows(rng, rows, 0))
        p.add(a, a + rows)
        pieces.append(p)
    store.gather_concat(pieces[:finished])
    return store, pieces[finished:]


def test_a_compaction_writes_over_the_columns_of_the_one_before() -> None:
    """Compactions take turns between two sets of columns (no fresh memory each time) while
    no copy holds the other set."""
    store, live = _filled(np.random.default_rng(4))
    want = [p.columns() for p in live]
    first = store.cols
    store.compact(live, force=True)
    second = store.cols
    assert all(a is not b for a, b in zip(first, second, strict=True))
    store.compact(live, force=True)
    assert all(a is b for a, b in zip(store.cols, first, strict=True))
    store.compact(live, force=True)
    assert all(a is b for a, b in zip(store.cols, second, strict=True))
    for p, w in zip(live, want, strict=True):
        p._cols = None
        for got, exp in zip(p.columns(), w, strict=True):
            assert np.array_equal(got, exp)


def test_columns_a_copy_holds_are_not_written_over() -> None:
    """A copy (the store a scan goes back to if a file breaks) keeps its rows through any
    number of the store's compactions: the columns it shares are never reused."""
    rng = np.random.default_rng(5)
    store, live = _filled(rng)
    store.compact(live, force=True)  # a spare set of columns now
    copy = store.copy()
    moved = [p.moved(copy) for p in live]
    want = [p.columns() for p in moved]
    held = copy.cols
    for _ in range(4):
        a = store.append(*_rows(rng, 40, 0))
        live[0].add(a, a + 40)
        store.compact(live, force=True)
        assert all(c is not h for c, h in zip(store.cols, held, strict=True) if c.dtype != np.uint8)
    for p, w in zip(moved, want, strict=True):
        p._cols = None
        for got, exp in zip(p.columns(), w, strict=True):
            assert np.array_equal(got, exp)
