"""numba's ``njit`` for overflight's compiled passes, cached on disk where it can be.

The compiled passes: the scan's sort, cleaning and prefilters
(:mod:`overflight.archive.order_compiled`, :mod:`overflight.archive.clean_compiled`,
:mod:`overflight.archive.nearby_compiled`, :mod:`overflight.archive.grid_compiled`) and the
exact distances to a boundary (:mod:`.distance_compiled`, calling PROJ's geodesic routines
through :mod:`.geodesic_c`, the search of :mod:`.search_compiled`, the crossing candidates
of :mod:`overflight.archive.pairs_compiled`, the wide polygons' ranking of
:mod:`.distance_wide_compiled`; their one-point plane: :mod:`.frame_compiled`), and the depth
search of a polygon of few edges (:mod:`.extremum_compiled`, with :mod:`.extremum_steps_compiled`
and :mod:`.path_compiled`). Those with a numpy path take it for small calls (:func:`worth`).
Arguments go to a compiled function as typed values, not literals where a value varies: numba
compiles a function once per literal argument.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from typing import TypeVar

__all__ = ["COMPILED_MIN", "compiled_for_all", "enabled", "jit", "worth"]

COMPILED_MIN = 1000
"""Calls on fewer elements than this take the numpy path of a pass that has one: loading
numba and the cached passes costs ~0.3 s per process, which a scan's batches (thousands of
points per call) repay and one track's ``check`` (a few hundred) does not."""

F = TypeVar("F", bound=Callable[..., object])


def jit(**options: object) -> Callable[[F], F]:
    """numba's ``njit``, cached on disk where numba finds a writable folder for it (next to
    the package, the user's cache folder or ``NUMBA_CACHE_DIR``), else compiled in each
    process. numba itself is imported here, by the compiled modules, not with this one."""
    import numba

    def wrap(f: F) -> F:
        try:
            return numba.njit(cache=True, **options)(f)  # type: ignore[no-any-return]
        except RuntimeError:  # "cannot cache function ...: no locator available"
            return numba.njit(**options)(f)  # type: ignore[no-any-return]

    return wrap


def enabled() -> bool:
    """Whether the compiled passes that have a numpy path take it instead: not where
    ``OVERFLIGHT_COMPILED=0`` (for comparisons and debugging).

    >>> isinstance(enabled(), bool)
    True
    """
    return os.environ.get("OVERFLIGHT_COMPILED", "1") != "0"


_ALL = 0
"""How many :func:`compiled_for_all` blocks are open."""


@contextlib.contextmanager
def compiled_for_all() -> Iterator[None]:
    """Inside the block, calls of any size take the compiled passes (where they are on):
    the scan's check runs in one, so its results do not depend on how pieces are chunked
    (the numpy paths' distances differ from the compiled ones by nanometres)."""
    global _ALL
    _ALL += 1
    try:
        yield
    finally:
        _ALL -= 1


def worth(n: int) -> bool:
    """Whether a call on ``n`` elements takes the compiled pass: compiled passes on
    (:func:`enabled`), and ``n`` at least :data:`COMPILED_MIN` or inside
    :func:`compiled_for_all`.

    >>> worth(0)
    False
    >>> with compiled_for_all():
    ...     worth(0) == enabled()
    True
    """
    return (n >= COMPILED_MIN or _ALL > 0) and enabled()
