"""The scan's garbage-collector policy: survivors frozen, cycles still freed, the caller's
process handed back as it was."""

from __future__ import annotations

import gc
import weakref

import pytest
from archive_helpers import route_airspaces

from overflight.archive.collector import settle, settled
from overflight.archive.scan import scan


class _Node:
    def __init__(self) -> None:
        self.other: _Node | None = None


def _cycle() -> weakref.ref[_Node]:
    a, b = _Node(), _Node()
    a.other, b.other = b, a
    return weakref.ref(a)


@pytest.fixture
def unfrozen():
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_settle_frees_cycles_made_before_it_and_freezes_the_rest(unfrozen) -> None:
    dead = _cycle()
    kept = _Node()
    with settled() as now:
        now()
        assert dead() is None  # collected before the freeze: not frozen with the survivors
        assert gc.get_freeze_count() > 0
        assert not any(o is kept for o in gc.get_objects())  # frozen: out of collections
        later = _cycle()
        settle()
        assert later() is None
    assert gc.get_freeze_count() == 0
    assert any(o is kept for o in gc.get_objects())


def test_a_callers_own_freeze_is_left_alone(unfrozen) -> None:
    gc.freeze()
    before = gc.get_freeze_count()
    with settled() as now:
        now()
    assert gc.get_freeze_count() >= before > 0


def test_a_scan_hands_the_process_back_unfrozen(archive, unfrozen) -> None:
    zones = route_airspaces(archive[:1], n=4)
    out = scan([str(archive[0])], zones)
    assert out.rows_in > 0
    assert gc.get_freeze_count() == 0


@pytest.mark.parametrize("on", [True, False])
def test_automatic_collections_are_off_inside_and_as_the_caller_had_them_after(
    unfrozen, on
) -> None:
    """Off while the scan runs (its settles collect), then back as they were, even when
    the block ends by an exception; a scan hands them back the same way."""
    (gc.enable if on else gc.disable)()
    try:
        with settled():
            assert not gc.isenabled()
        assert gc.isenabled() is on
        with pytest.raises(RuntimeError), settled():
            raise RuntimeError("a failing scan")
        assert gc.isenabled() is on
    finally:
        gc.enable()


def test_a_scan_turns_automatic_collections_back_on(archive, unfrozen) -> None:
    assert gc.isenabled()
    scan([str(archive[0])], route_airspaces(archive[:1], n=4))
    assert gc.isenabled()
