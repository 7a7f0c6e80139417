"""Each compiled function is compiled by one process at a time
(:mod:`overflight.geometry.compile_lock`): two processes that need it at once compile it once
between them, the second loading it from the cache."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from overflight.geometry import compile_lock
from overflight.geometry.compile_lock import file_lock

_MODULE = """
from overflight.geometry.jit import jit


@jit()
def leaf(x):
    s = 0.0
    for i in range(x.size):
        s += x[i] * x[i] if x[i] > 0 else -x[i]
    return s


@jit()
def root(x):
    # calls ``leaf``: its compilation is nested in this one's
    t = 0.0
    for k in range(3):
        t += leaf(x * (k + 1)) + leaf(x[::-1])
    return t
"""

_RUN = """
import json, os, sys, time
from pathlib import Path

import pytest
import numpy as np
sys.path.insert(0, sys.argv[1])
import compiled_here as m  # made (and its dispatchers wrapped) before the start
go = Path(sys.argv[2])
while not go.exists():
    time.sleep(0.005)
value = m.root(np.arange(5.0))
print(json.dumps({"value": value,
                  "misses": sum(m.root.stats.cache_misses.values()),
                  "leaf_misses": sum(m.leaf.stats.cache_misses.values())}))
"""


def _start(tmp: Path, cache: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "NUMBA_CACHE_DIR": str(cache)}
    return subprocess.Popen(
        [sys.executable, "-c", _RUN, str(tmp), str(tmp / "go")],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )


def test_two_processes_compile_a_function_once(tmp_path: Path) -> None:
    (tmp_path / "compiled_here.py").write_text(_MODULE)
    cache = tmp_path / "cache"
    procs = [_start(tmp_path, cache) for _ in range(2)]
    # both imported and waiting: started together
    (tmp_path / "go").touch()
    out = [json.loads(p.communicate(timeout=300)[0]) for p in procs]
    assert all(p.returncode == 0 for p in procs)
    assert (
        out[0]["value"]
        == out[1]["value"]
        == sum(sum(v * v for v in (0.0, k, 2.0 * k, 3.0 * k, 4.0 * k)) for k in (1, 2, 3))
        + 3 * sum(v * v for v in (0.0, 1.0, 2.0, 3.0, 4.0))
    )
    # one compiled ``root`` and ``leaf`` (for its two signatures: contiguous and reversed),
    # the other loaded ``root`` from the cache (the machine code of ``leaf`` in it)
    assert sorted((o["misses"], o["leaf_misses"]) for o in out) == [(0, 0), (1, 2)]
    assert list(cache.rglob("compiled_here.root.lock"))


def test_the_lock_is_reentrant_here_and_excludes_other_processes(tmp_path: Path) -> None:
    path = str(tmp_path / "f.lock")
    probe = (
        "import sys; from overflight.geometry.compile_lock import file_lock\n"
        "with file_lock(sys.argv[1], wait_s=float(sys.argv[2])) as got: print(got)"
    )

    def other(wait_s: float) -> str:
        run = [sys.executable, "-c", probe, path, str(wait_s)]
        return subprocess.run(run, capture_output=True, text=True, check=True).stdout.strip()

    with file_lock(path) as got:
        assert got
        with file_lock(path, wait_s=5.0) as again:  # the same process: taken again, not waited for
            assert again
        assert other(0.2) == "False"  # still held after the inner block
    assert other(0.2) == "True"
    assert compile_lock._HELD == {}


def test_a_waiting_process_gets_the_lock_when_it_is_released(tmp_path: Path) -> None:
    path = str(tmp_path / "f.lock")
    probe = textwrap.dedent(
        """
        import sys, time
        from overflight.geometry.compile_lock import file_lock
        t0 = time.monotonic()
        with file_lock(sys.argv[1], wait_s=60.0) as got:
            print(got, time.monotonic() - t0)
        """
    )
    with file_lock(path):
        waiter = subprocess.Popen(
            [sys.executable, "-c", probe, path], stdout=subprocess.PIPE, text=True
        )
        done = threading.Event()
        threading.Timer(1.5, done.set).start()
        done.wait()
    got, waited = waiter.communicate(timeout=60)[0].split()
    assert got == "True"
    assert 0.5 < float(waited) < 30.0  # waited for the release (the import takes some of it)


def test_no_lock_where_the_file_cannot_be_made(tmp_path: Path) -> None:
    with file_lock(str(tmp_path / "missing" / "f.lock")) as got:
        assert got is False


def test_no_lock_where_the_file_system_has_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno
    import fcntl

    def no_locks(fd: int, op: int) -> None:
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(fcntl, "flock", no_locks)
    with file_lock(str(tmp_path / "f.lock")) as got:
        assert got is False  # compiled without the lock, at once
    assert compile_lock._HELD == {}
