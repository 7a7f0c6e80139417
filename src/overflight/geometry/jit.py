"""numba's ``njit`` for overflight's compiled passes, cached on disk where it can be, in a
folder named by a digest of every compiled module's source (:func:`cache_dir`).

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
import functools
import hashlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

__all__ = [
    "COMPILED_MIN",
    "cache_dir",
    "compiled_for_all",
    "enabled",
    "first_writable",
    "jit",
    "noticing_compiles",
    "sources_digest",
    "worth",
]

COMPILED_MIN = 1000
"""Calls on fewer elements than this take the numpy path of a pass that has one: loading
numba and the cached passes costs ~0.3 s per process, which a scan's batches (thousands of
points per call) repay and one track's ``check`` (a few hundred) does not."""

F = TypeVar("F", bound=Callable[..., object])


def jit(**options: object) -> Callable[[F], F]:
    """numba's ``njit``, cached on disk where it can be (:func:`cache_dir`), else compiled in
    each process, each function compiled by one process at a time (:func:`.compile_lock.locked`:
    the others then load it from the cache). numba itself is imported here, by the compiled
    modules, not with this one."""
    import numba
    from numba import config

    from .compile_lock import locked

    def wrap(f: F) -> F:
        where = cache_dir()
        saved = config.CACHE_DIR
        if where is not None:  # (read when the function's cache is made, here)
            config.CACHE_DIR = where
        try:
            d = numba.njit(cache=True, **options)(f)
        except RuntimeError:  # "cannot cache function ...: no locator available"
            return numba.njit(**options)(f)  # type: ignore[no-any-return]
        finally:
            config.CACHE_DIR = saved
        # compiled once across processes (:mod:`.compile_lock`) where there is a cache folder
        return locked(d, where) if where is not None else d  # type: ignore[no-any-return]

    return wrap


_PACKAGE = Path(__file__).resolve().parents[1]
"""The overflight package's folder."""


def sources_digest(root: Path = _PACKAGE) -> str:
    """A digest of the source of every module under ``root`` with a compiled function: it
    names the cache's folder, so that a change to any of them compiles every function
    again. (numba checks only the function's own file: a function whose callee in another
    module changed would otherwise run its cached machine code, the callee's old code in
    it, and give the old results under the new version.)"""
    h = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        text = path.read_bytes()
        if b"@jit(" in text:
            h.update(path.relative_to(root).as_posix().encode() + b"\0" + text + b"\0")
    return h.hexdigest()[:16]


@functools.cache
def cache_dir() -> str | None:
    """The folder of the compiled functions' caches: ``overflight-numba-<digest>`` (by
    :func:`sources_digest`) in ``NUMBA_CACHE_DIR`` if set, else in the package's
    ``__pycache__``, else in the user's cache folder (:func:`first_writable`)."""
    env = os.environ.get("NUMBA_CACHE_DIR")
    user = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "overflight"
    bases = [Path(env)] if env else [_PACKAGE / "__pycache__", user]
    found = first_writable(bases, f"overflight-numba-{sources_digest()}")
    return None if found is None else str(found)


_UNUSED_S = 7 * 86_400.0
"""Cache folders of other digests unused for this long are removed (a folder shared by two
installed versions keeps both)."""


def first_writable(bases: list[Path], name: str) -> Path | None:
    """Folder ``name`` in the first of ``bases`` where it can be made and written to (None:
    in none), its time set to now (its last use); the folders beside it named as it is up
    to its last ``-`` (other digests') and unused for :data:`_UNUSED_S` are removed."""
    import shutil
    import time

    stem = name.rsplit("-", 1)[0]
    for base in bases:
        try:
            (base / name).mkdir(parents=True, exist_ok=True)
            os.utime(base / name)
        except OSError:
            continue
        if not os.access(base / name, os.W_OK):
            continue
        now = time.time()
        for old in base.glob(f"{stem}-*"):
            try:
                unused = now - old.stat().st_mtime > _UNUSED_S
            except OSError:
                continue
            if old.name != name and old.is_dir() and unused:
                shutil.rmtree(old, ignore_errors=True)
        return base / name
    return None


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


@contextlib.contextmanager
def noticing_compiles(notice: Callable[[], None]) -> Iterator[None]:
    """Inside the block, ``notice()`` is called once, when this process first compiles a
    function rather than loading it from the cache (a first scan after installing, or after
    an update that changed a compiled module: the user is told why nothing moves)."""
    from numba.core import event

    class _First(event.Listener):
        fired = False

        def on_start(self, ev: event.Event) -> None:
            if not self.fired:
                self.fired = True
                notice()

        def on_end(self, ev: event.Event) -> None:
            pass

    listener = _First()
    event.register("numba:compile", listener)
    try:
        yield
    finally:
        event.unregister("numba:compile", listener)
