"""One compilation of each compiled function across processes: a lock file per function.

A scan's main process and its check workers start together and, on a new install (or after
a change to a compiled module), each would compile every compiled function it calls: numba
looks in its disk cache only before compiling, so two processes that miss it at once both
compile. On the 6-hour benchmark archive that is ~48 s of CPU and ~26 s of wall time, and
~470 MB more memory in each process (LLVM), for ~27 s of compilation done once.

:func:`locked` makes a dispatcher take, around each of its compilations, an exclusive lock
on a file named after the function in the cache folder: the second process waits for the
first and then loads the machine code it saved. Inside one process the locks are taken
under numba's own compiler lock (so no two threads hold them) and are re-entrant (a
function compiled while it is being compiled, for another signature, takes its lock again).
Functions call one another without cycles, so two processes never wait for each other.

A lock held longer than :data:`WAIT_S` (a process stopped while it compiles) is given up on:
the function is compiled without it, as it would be with no lock at all. Where there are
no file locks (``fcntl``: not on Windows) functions are compiled as numba does.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

__all__ = ["WAIT_S", "file_lock", "locked"]

WAIT_S = 300.0
"""How long a compilation waits at most for another process's lock on the same function."""

_POLL_S = 0.02

_HELD: dict[str, list[int]] = {}
"""The lock files this process holds: path -> [descriptor, depth]."""


@contextlib.contextmanager
def file_lock(path: str, wait_s: float = WAIT_S) -> Iterator[bool]:
    """An exclusive lock on the file at ``path`` (made if missing), re-entrant within this
    process; yields whether it is held (False: no file locks here, the file cannot be
    opened, or ``wait_s`` passed)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield False
        return
    held = _HELD.get(path)
    if held is not None:
        held[1] += 1
        try:
            yield True
        finally:
            held[1] -= 1
        return
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError:
        yield False
        return
    try:
        if not _acquire(fcntl, fd, wait_s):
            yield False
            return
        _HELD[path] = [fd, 1]
        try:
            yield True
        finally:
            del _HELD[path]
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _acquire(fcntl: Any, fd: int, wait_s: float) -> bool:
    """Whether the lock on ``fd`` was taken within ``wait_s`` (False at once where the file
    system has no such locks: ``ENOLCK`` on some network file systems)."""
    deadline = time.monotonic() + wait_s
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
        except OSError:
            return False
        time.sleep(_POLL_S)


def locked(dispatcher: Any, folder: str) -> Any:
    """``dispatcher`` (numba's, cached in ``folder``) made to compile under the lock of the
    file ``<module>.<function>.lock`` in ``folder``; returned for use as a decorator's result."""
    from numba.core.compiler_lock import global_compiler_lock

    f = dispatcher.py_func
    path = str(Path(folder) / f"{f.__module__}.{f.__qualname__}.lock")
    compile_: Callable[[Any], Any] = dispatcher.compile

    def compile(sig: Any) -> Any:
        with global_compiler_lock, file_lock(path):
            return compile_(sig)

    dispatcher.compile = compile
    return dispatcher
