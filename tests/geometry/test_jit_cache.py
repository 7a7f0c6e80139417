"""The compiled functions' caches live in a folder named by a digest of every compiled
module's source: a change to a callee in another module compiles its callers again (numba
checks only a function's own file, and would run the callee's old code cached in them)."""

from __future__ import annotations

from pathlib import Path

from overflight.geometry import distance_compiled, extremum_compiled, jit


def _tree(root: Path, callee: str) -> None:
    (root / "geometry").mkdir(parents=True, exist_ok=True)
    (root / "geometry" / "caller.py").write_text(
        "@jit(error_model='numpy')\ndef caller(x):\n    return callee(x)\n"
    )
    (root / "geometry" / "callee.py").write_text(
        f"@jit(error_model='numpy')\ndef callee(x):\n    return {callee}\n"
    )
    (root / "plain.py").write_text("def plain():\n    return 1\n")


def test_the_digest_follows_every_compiled_module_and_only_those(tmp_path: Path) -> None:
    _tree(tmp_path, "x + 1")
    first = jit.sources_digest(tmp_path)
    assert jit.sources_digest(tmp_path) == first  # the same sources: the same caches
    (tmp_path / "plain.py").write_text("def plain():\n    return 2\n")
    assert jit.sources_digest(tmp_path) == first  # no compiled function there
    _tree(tmp_path, "x + 2")  # the callee changed, its caller's file did not
    assert jit.sources_digest(tmp_path) != first


def test_the_compiled_functions_are_cached_under_the_digest() -> None:
    where = jit.cache_dir()
    assert where is not None and Path(where).name == f"overflight-numba-{jit.sources_digest()}"
    for f in (distance_compiled.distance_from, extremum_compiled.deepest_few_edges):
        assert f._cache._cache_path.startswith(where)


def test_the_first_writable_base_is_taken_and_unused_digests_removed(tmp_path: Path) -> None:
    """Another digest's folder unused for over a week goes; one used lately (another
    version installed beside this one, sharing the folder) stays."""
    import os
    import time

    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    base = tmp_path / "cache"
    for old in ("overflight-numba-0ld", "overflight-numba-l8ly"):
        (base / old).mkdir(parents=True)
        (base / old / "x.nbi").write_text("")
    week = time.time() - 8 * 86_400
    os.utime(base / "overflight-numba-0ld", (week, week))
    (base / "someone-else").mkdir()
    got = jit.first_writable([blocked, base], "overflight-numba-new")
    assert got == base / "overflight-numba-new" and got.is_dir()
    assert sorted(p.name for p in base.iterdir()) == [
        "overflight-numba-l8ly",
        "overflight-numba-new",
        "someone-else",
    ]
    assert time.time() - got.stat().st_mtime < 60  # (its last use: now)
    assert jit.first_writable([blocked], "overflight-numba-new") is None


def test_the_first_compile_in_a_block_is_noticed_once() -> None:
    import numba
    import numpy as np

    seen: list[str] = []

    def add(x):  # type: ignore[no-untyped-def]
        return x + 1.0

    def mul(x):  # type: ignore[no-untyped-def]
        return x * 2.0

    first, second, outside = numba.njit(add), numba.njit(mul), numba.njit(add)
    outside(np.zeros(2))  # compiled before the block: not noticed
    with jit.noticing_compiles(lambda: seen.append("compiling")):
        outside(np.zeros(2))  # already compiled: nothing to notice
        assert seen == []
        first(np.zeros(2))
        second(np.zeros(2))  # a second compile: still one notice
        first(np.ones(3))
    assert seen == ["compiling"]
    numba.njit(mul)(np.zeros(2))  # after the block: not noticed
    assert seen == ["compiling"]
