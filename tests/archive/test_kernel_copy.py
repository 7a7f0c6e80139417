"""Kernel.copy, the kernel a scan goes back to when a file breaks midway: it pickles as the
kernel did when it was copied, whatever the kernel does after (its store's rows are shared),
and it goes on as the kernel would have."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from archive_helpers import kernel_batches, route_airspaces

from overflight.archive import pieces
from overflight.archive.index import AirspaceIndex
from overflight.archive.kernel import Kernel


def _freeze(k: Kernel, batches: list[dict[str, Any]], seconds: float) -> int:
    """Every aircraft with an open piece in ``k`` reported at its last fix's position for
    ``seconds`` after it: each piece's trailing fixes are then flagged frozen (written in
    the store, in place). Returns the rows changed."""
    st = k.state
    last = {k.icao.names[c]: (st.fix_t[c], st.fix_lat[c], st.fix_lon[c]) for c in k.pieces}
    n = 0
    for b in batches:
        for i, name in enumerate(b["icao24"]):
            if name in last and last[name][0] < b["time"][i] <= last[name][0] + seconds:
                b["lat"][i], b["lon"][i] = last[name][1:]
                n += 1
    return n


def _run(k: Kernel, batches: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for b in batches for r in k.process_columns(**b)]


@pytest.mark.parametrize("min_compact", [1 << 16, 64])
def test_a_copy_is_the_kernel_as_it_was(
    archive: list[Path], monkeypatch: pytest.MonkeyPatch, min_compact: int
) -> None:
    """With the store's usual threshold the small archive's store is never compacted and
    the kernel flags fixes in the columns it shares with the copy; with a low one it is
    compacted after the copy."""
    monkeypatch.setattr(pieces, "_MIN_COMPACT", min_compact)
    index = AirspaceIndex(route_airspaces(archive))
    batches = kernel_batches(archive, 3_000)
    half = len(batches) // 2
    kernel, twin = Kernel(index), Kernel(index)
    with pytest.raises(ValueError, match="queued pieces"):
        _run(kernel, batches[:half])
        kernel.copy()  # (the first half leaves pieces waiting for a whole chunk)
    kernel = Kernel(index)
    first = _run(kernel, batches[:half]) + kernel.dispatch()
    assert pickle.dumps(first) == pickle.dumps(_run(twin, batches[:half]) + twin.dispatch())
    assert kernel.pieces and len(kernel.store) > 0  # open pieces in the store
    copy = kernel.copy()
    assert _freeze(kernel, batches[half:], 240.0) > 0
    shared, n = kernel.store.cols, len(kernel.store)
    flags = shared[5][:n].copy()
    # the kernel goes on: appends to the shared columns, flags, compactions
    later = _run(kernel, batches[half:]) + kernel.finish()
    assert later
    if min_compact > 64:
        assert kernel.store.cols[0] is shared[0]
        assert not np.array_equal(shared[5][:n], flags)  # flagged frozen in place
    else:
        assert kernel.store.cols[0] is not shared[0]
    assert pickle.dumps(copy) == pickle.dumps(twin)
    # and the copy goes on as the kernel did
    assert pickle.dumps(_run(copy, batches[half:]) + copy.finish()) == pickle.dumps(later)


def test_the_store_grows_only_when_its_live_rows_do_not_fit(
    archive: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch that would overflow a store holding finished pieces' rows compacts it first:
    the columns grow (copying every row into columns twice as long, kept ever after) only
    when the open pieces' rows and the batch's do not fit; the rows are the same."""
    index = AirspaceIndex(route_airspaces(archive))
    batches = kernel_batches(archive, 2_000)
    grown_with_dead: list[int] = []
    reserve = pieces.FixStore._reserve

    def watched(self: pieces.FixStore, m: int) -> int:
        if not self.fits(m):
            grown_with_dead.append(self.dead)
        return reserve(self, m)

    kernel, twin = Kernel(index), Kernel(index)
    kernel.store = pieces.FixStore(capacity=64)
    monkeypatch.setattr(pieces.FixStore, "_reserve", watched)
    rows = _run(kernel, batches) + kernel.finish()
    assert grown_with_dead and not any(grown_with_dead)  # it grew, never with dead rows
    monkeypatch.setattr(pieces.FixStore, "_reserve", reserve)
    assert pickle.dumps(rows) == pickle.dumps(_run(twin, batches) + twin.finish())
